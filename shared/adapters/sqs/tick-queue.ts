import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** One tick message: sent now, due after `DelaySeconds`. */
export interface TickMessage {
  Id: string;
  DelaySeconds: number;
  MessageBody: string;
}

/** The tick queue the fan-out fills: batches of ten (the SendMessageBatch limit); a refusal fails it. */
export class SqsTickQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: readonly TickMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const out = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: messages.slice(i, i + 10) }),
      );
      if (out.Failed?.length) throw new Error(`tick queue refused ${out.Failed.length} messages`);
    }
  }
}
