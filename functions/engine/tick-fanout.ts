/**
 * Lambda entry, every minute from EventBridge: twelve tick messages with DelaySeconds 0, 5, …, 55, so
 * campaigns are re-evaluated every 5 s. SendMessageBatch takes ten entries, so two batches.
 */
import { sqsClient } from '#adapters/aws/clients/sqs.ts';
import { SqsTickQueue, type TickMessage } from '#adapters/sqs/tick-queue.ts';
import { TICK_PERIOD_MS } from '#services/engine/engine-deps.ts';
import { config } from '#shared/config.ts';

export const TICKS_PER_MINUTE = 60_000 / TICK_PERIOD_MS;

/** The tick messages for the minute starting at `nowMs`: pure, pinned by the unit tests. */
export const tickEntries = (nowMs: number): TickMessage[] =>
  Array.from({ length: TICKS_PER_MINUTE }, (_, i) => {
    const delay = (i * TICK_PERIOD_MS) / 1000;
    return {
      Id: String(i),
      DelaySeconds: delay,
      MessageBody: JSON.stringify({ scheduledAt: new Date(nowMs + delay * 1000).toISOString() }),
    };
  });

export const handler = async (): Promise<void> => {
  const cfg = config();
  if (!cfg.tickQueueUrl) throw new Error('TICK_QUEUE_URL is required by the tick fan-out');
  await new SqsTickQueue(sqsClient(), cfg.tickQueueUrl).send(tickEntries(Date.now()));
};
