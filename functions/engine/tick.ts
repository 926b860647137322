/**
 * Lambda entry: one tick per batch of tick messages (the fan-out sends one every 5 s). A message whose
 * scheduledAt is more than 60 s old is a leftover (a retry, a backlog) and is dropped: the next fresh
 * one does the same work. The per-campaign lease makes overlapping ticks safe.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { EngineDeps } from '#services/engine/engine-deps.ts';
import { runTick } from '#services/engine/run-tick.ts';
import { logger } from '#shared/observability.ts';
import { withEngineDeps } from './engine-lambda.ts';

export const STALE_TICK_MS = 60_000;

/** True when the message carries a scheduledAt no more than 60 s before `nowMs`. */
export const isFreshTick = (body: string, nowMs: number): boolean => {
  try {
    const { scheduledAt } = JSON.parse(body) as { scheduledAt?: unknown };
    const at = typeof scheduledAt === 'string' ? Date.parse(scheduledAt) : Number.NaN;
    return Number.isFinite(at) && nowMs - at <= STALE_TICK_MS;
  } catch {
    return false;
  }
};

export const buildTickHandler =
  (deps: EngineDeps) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const nowMs = deps.clock.now();
    const fresh = event.Records.filter((r) => isFreshTick(r.body, nowMs));
    if (fresh.length < event.Records.length) {
      logger.info('dropping stale tick messages', { stale: event.Records.length - fresh.length });
    }
    if (fresh.length === 0) return { batchItemFailures: [] };
    try {
      const ticks = await runTick(deps);
      logger.debug('tick done', { campaigns: ticks.length });
      return { batchItemFailures: [] };
    } catch (err) {
      logger.warn('tick failed; it will be retried while fresh', { error: err as Error });
      return { batchItemFailures: fresh.map((r) => ({ itemIdentifier: r.messageId })) };
    }
  };

export const handler = withEngineDeps(buildTickHandler);
