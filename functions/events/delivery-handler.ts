/**
 * Webhook queue → one signed POST per job. A failed attempt comes back after an exponential backoff
 * (its visibility pushed out, reported as a batch item failure); after the last one the job goes to
 * the dead-letter queue. Jobs of one resource are sent in order, different resources side by side.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { HttpWebhookSender, hmacSigner } from '#adapters/http/webhook-sender.ts';
import { SqsWebhookQueue } from '#adapters/sqs/webhook-queue.ts';
import { defaultRetryPolicy } from '#domain/events.ts';
import { systemClock } from '#ports/clock.ts';
import type { DeliveryJob, DeliveryRetries } from '#ports/event-sink.ts';
import { DeliveryJobMessage } from '#schemas/delivery-job.ts';
import { type DeliverDeps, deliverWebhook } from '#services/events/deliver-webhook.ts';
import { config } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';

export type DeliveryHandlerDeps = DeliverDeps & { retries: DeliveryRetries };

const parse = (record: SQSRecord): DeliveryJob | undefined => {
  try {
    return DeliveryJobMessage.parse(JSON.parse(record.body)) as DeliveryJob;
  } catch {
    return undefined;
  }
};

/** Handles one record; true when it must be reported as failed (it comes back later). */
const handle = async (deps: DeliveryHandlerDeps, record: SQSRecord, job: DeliveryJob) => {
  const attempt = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
  const ids = { deliveryId: job.deliveryId, type: job.type, customerId: job.customerId, attempt };
  try {
    const outcome = await deliverWebhook(deps, job, attempt);
    switch (outcome.kind) {
      case 'delivered':
        logger.debug('webhook delivered', { ...ids, status: outcome.status });
        return false;
      case 'dropped':
        logger.warn('webhook not sent', { ...ids, reason: outcome.reason });
        return false;
      case 'give-up':
        logger.error('webhook given up', { ...ids, reason: outcome.reason });
        await deps.retries.deadLetter(job, outcome.reason);
        return false;
      case 'retry':
        logger.info('webhook will be retried', { ...ids, reason: outcome.reason, in: outcome.delaySeconds });
        await deps.retries.retryAfter(record.receiptHandle, outcome.delaySeconds);
        return true;
    }
  } catch (err) {
    // Our own failure (the table or queue unreachable): back with the queue's visibility timeout.
    logger.warn('webhook delivery failed here; will be retried', { ...ids, error: err as Error });
    return true;
  }
};

export const buildDeliveryHandler =
  (deps: DeliveryHandlerDeps) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const byResource = new Map<string, { record: SQSRecord; job: DeliveryJob }[]>();
    for (const record of event.Records) {
      const job = parse(record);
      if (!job) {
        // A malformed job can never succeed: drop it (logged) instead of poisoning the queue.
        logger.error('dropping malformed webhook job', { messageId: record.messageId });
        continue;
      }
      const key = `${job.customerId}#${job.data.id}`;
      byResource.set(key, [...(byResource.get(key) ?? []), { record, job }]);
    }
    const failed = await Promise.all(
      [...byResource.values()].map(async (group) => {
        const out: string[] = [];
        for (const { record, job } of group) {
          if (await handle(deps, record, job)) out.push(record.messageId);
        }
        return out;
      }),
    );
    return { batchItemFailures: failed.flat().map((itemIdentifier) => ({ itemIdentifier })) };
  };

const build = () => {
  const cfg = config();
  if (!cfg.webhookQueueUrl) throw new Error('WEBHOOK_QUEUE_URL is required by the delivery handler');
  const queue = new SqsWebhookQueue(
    new SQSClient({ region: cfg.awsRegion, maxAttempts: 3 }),
    cfg.webhookQueueUrl,
    cfg.webhookDeadLetterQueueUrl,
  );
  return buildDeliveryHandler({
    accesskeys: new DynamoAccesskeyStore(createDocumentClient(), cfg.tableName),
    sender: new HttpWebhookSender(),
    signer: hmacSigner,
    clock: systemClock,
    runtime: cfg.runtime,
    policy: defaultRetryPolicy,
    retries: queue,
  });
};

let built: ReturnType<typeof buildDeliveryHandler> | undefined;

/** Lambda entry point; clients are built on the first event. */
export const handler = (event: SQSEvent) => {
  built ??= build();
  return built(event);
};
