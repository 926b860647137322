import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';

/** Received messages as the SQS event a Lambda event source mapping would hand the same handler. */
export const toSqsEvent = (messages: Message[], queueArn: string): SQSEvent => ({
  Records: messages.map((m) => ({
    messageId: m.MessageId ?? randomUUID(),
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: (m.Attributes ?? {}) as SQSEvent['Records'][number]['attributes'],
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  })),
});
