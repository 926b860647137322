/**
 * Wrap-up ends on time (see docs/behaviour.md, Queue join): when an agent goes into wrap-up after a
 * call, a job delayed by the queue's `wrapup_ms` on the dial queue makes the agent available when it
 * is over and offers the agent's queue's waiting callers at once. Without it the agent would wait for
 * the next tick (up to 5 s) while an answered person waits 2 s before being abandoned. The tick's
 * endWrapUps stays the fallback: for a wrap-up longer than the queue can delay a job, and for a job
 * whose send failed or that was lost.
 */
import { formatTimestamp } from '#domain/time.ts';
import type { EngineDeps } from './engine-deps.ts';
import { serveWaitingCallers } from './join-queue.ts';
import { RetryLater } from './place-call.ts';

/** The longest an SQS message can be delayed (15 minutes); longer wrap-ups end at a tick. */
export const MAX_WRAPUP_END_DELAY_MS = 900_000;

/**
 * Sends the delayed end of the wrap-up the agent of `campaigncallId` just started. Never throws: a
 * send that failed leaves the end to the tick, and the close that called this must not fail for it
 * (a retried close finds the agent released already and would not send it again anyway).
 */
export const scheduleWrapUpEnd = async (
  deps: EngineDeps,
  campaigncallId: string,
  untilMs: number,
): Promise<boolean> => {
  const delayMs = untilMs - deps.clock.now();
  if (delayMs > MAX_WRAPUP_END_DELAY_MS) return false;
  return deps.dialQueue
    .sendLater({ campaigncallId, kind: 'wrapup-end', wrapupUntil: formatTimestamp(untilMs) }, delayMs)
    .then(
      () => true,
      () => false,
    );
};

export type WrapUpEndOutcome =
  /** The agent is available now, and the queue's waiting callers were offered. */
  | 'ended'
  /**
   * That wrap-up was over already (a duplicate, a late job after the tick ended it) or the agent's
   * status changed meanwhile: the agent is left as it is; waiting callers are still offered, so a
   * delivery that ended it and stopped before the offer (a crash) completes it.
   */
  | 'not-in-wrapup'
  /** The attempt is gone or never had an agent. */
  | 'no-agent';

export const endWrapUpOnTime = async (
  deps: EngineDeps,
  job: { campaigncallId: string; wrapupUntil: string },
): Promise<WrapUpEndOutcome> => {
  const call = await deps.engine.getCampaigncall(job.campaigncallId);
  if (!call?._agent_id) return 'no-agent';
  const nowMs = deps.clock.now();
  const untilMs = Date.parse(job.wrapupUntil);
  // The queue's delay is whole seconds of its own clock: early by ours, it comes back when due.
  if (nowMs < untilMs) throw new RetryLater(untilMs - nowMs);
  const ended = await deps.engine.endWrapUp(
    call.customer_id,
    call._agent_id,
    job.wrapupUntil,
    formatTimestamp(nowMs),
  );
  // Offered to any free agent of the queue, each take conditional: offering twice gives no caller twice.
  await serveWaitingCallers(deps, call.queue_id);
  return ended ? 'ended' : 'not-in-wrapup';
};
