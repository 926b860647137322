import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DialJob, DialQueue } from '#ports/dial-queue.ts';

/** SQS dial queue: batches of ten (the SendMessageBatch limit); any refused entry fails the send. */
export class SqsDialQueue implements DialQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(jobs: DialJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += 10) {
      const batch = jobs.slice(i, i + 10);
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((job, n) => ({ Id: String(n), MessageBody: JSON.stringify(job) })),
        }),
      );
      if (out.Failed?.length) {
        throw new Error(
          `dial queue refused ${out.Failed.length} of ${batch.length} jobs: ${out.Failed[0]?.Code}`,
        );
      }
    }
  }

  async sendLater(job: DialJob, delayMs: number): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(job),
        // Rounded up, so the job never comes before it is due; SQS delays at most 15 minutes.
        DelaySeconds: Math.min(900, Math.max(0, Math.ceil(delayMs / 1000))),
      }),
    );
  }

  async postpone(receiptHandle: string, delayMs: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        // Whole seconds, at least one (zero would hand it straight back), at most SQS's 12 h.
        VisibilityTimeout: Math.min(43_200, Math.max(1, Math.ceil(delayMs / 1000))),
      }),
    );
  }
}
