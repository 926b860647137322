import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeliveryJob, DeliveryRetries, EventSink } from '#ports/event-sink.ts';

/** SendMessageBatch takes ten entries and 256 KiB in all; stay under both. */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 250 * 1024;

/** Visibility can be pushed out at most 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

/** Batches of jobs in order, each within the SendMessageBatch limits; pure. */
export const batchesOf = (bodies: readonly string[]): number[][] => {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const [i, body] of bodies.entries()) {
    const size = Buffer.byteLength(body);
    if (current.length && (current.length === MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
};

/**
 * The webhook queue: delivery jobs in (each customer's a message group of its own), and for the deliverer a later retry of a received message
 * (its visibility pushed out by the backoff) and a dead-letter queue for jobs given up.
 */
export class SqsWebhookQueue implements EventSink, DeliveryRetries {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterUrl?: string,
  ) {}

  async enqueue(jobs: readonly DeliveryJob[]): Promise<string[]> {
    const bodies = jobs.map((j) => JSON.stringify(j));
    const refused: string[] = [];
    for (const batch of batchesOf(bodies)) {
      try {
        const out = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            // The customer is the message group: on a fair queue (a standard queue whose messages
            // carry a group) SQS keeps one customer's backlog from delaying the others' jobs.
            Entries: batch.map((i) => ({
              Id: String(i),
              MessageBody: bodies[i],
              MessageGroupId: jobs[i]?.customerId,
            })),
          }),
        );
        for (const f of out.Failed ?? []) refused.push(jobs[Number(f.Id)]?.deliveryId ?? '');
      } catch {
        refused.push(...batch.map((i) => jobs[i]?.deliveryId ?? ''));
      }
    }
    return refused;
  }

  async retryAfter(receipt: string, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receipt,
        VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(delaySeconds))),
      }),
    );
  }

  async deadLetter(job: DeliveryJob, reason: string): Promise<void> {
    if (!this.deadLetterUrl) return;
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.deadLetterUrl,
        MessageBody: JSON.stringify(job),
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 256) } },
      }),
    );
  }
}
