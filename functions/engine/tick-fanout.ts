/**
 * Lambda entry, every minute from EventBridge: twelve tick messages with DelaySeconds 0, 5, …, 55, so
 * campaigns are re-evaluated every 5 s. SendMessageBatch takes ten entries, so two batches.
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { TICK_PERIOD_MS } from '#services/engine/engine-deps.ts';
import { config } from '#shared/config.ts';

export const TICKS_PER_MINUTE = 60_000 / TICK_PERIOD_MS;

/** The tick messages for the minute starting at `nowMs`: pure, pinned by the unit tests. */
export const tickEntries = (nowMs: number): SendMessageBatchRequestEntry[] =>
  Array.from({ length: TICKS_PER_MINUTE }, (_, i) => {
    const delay = (i * TICK_PERIOD_MS) / 1000;
    return {
      Id: String(i),
      DelaySeconds: delay,
      MessageBody: JSON.stringify({ scheduledAt: new Date(nowMs + delay * 1000).toISOString() }),
    };
  });

let sqs: SQSClient | undefined;

export const handler = async (): Promise<void> => {
  const cfg = config();
  if (!cfg.tickQueueUrl) throw new Error('TICK_QUEUE_URL is required by the tick fan-out');
  sqs ??= new SQSClient({ region: cfg.awsRegion, maxAttempts: 3 });
  const entries = tickEntries(Date.now());
  for (let i = 0; i < entries.length; i += 10) {
    const out = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: cfg.tickQueueUrl, Entries: entries.slice(i, i + 10) }),
    );
    if (out.Failed?.length) throw new Error(`tick queue refused ${out.Failed.length} messages`);
  }
};
