/** The Lambda entry points' SQS client: one per container, built on first use, 3 tries a request. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '#shared/config.ts';

let sqs: SQSClient | undefined;

export const sqsClient = (): SQSClient => {
  sqs ??= new SQSClient({ region: config().awsRegion, maxAttempts: 3 });
  return sqs;
};
