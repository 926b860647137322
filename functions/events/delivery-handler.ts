/**
 * Webhook queue → one signed POST per job. A failed attempt comes back after an exponential backoff
 * (its visibility pushed out, reported as a batch item failure); after the last one the job goes to
 * the dead-letter queue. Jobs of one resource are sent in order, different resources side by side.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient } from '#adapters/aws/clients/dynamodb.ts';
import { sqsClient } from '#adapters/aws/clients/sqs.ts';
import { oncePerContainer } from '#adapters/aws/once-per-container.ts';
import { type RecordOutcome, sqsPartialBatch } from '#adapters/aws/sqs-batch.ts';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
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

/** Handles one job; `retry` when it must come back (its visibility already pushed out, or ours failed). */
const handle = async (
  deps: DeliveryHandlerDeps,
  record: SQSRecord,
  job: DeliveryJob,
): Promise<RecordOutcome> => {
  const attempt = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
  const ids = { deliveryId: job.deliveryId, type: job.type, customerId: job.customerId, attempt };
  try {
    const outcome = await deliverWebhook(deps, job, attempt);
    switch (outcome.kind) {
      case 'delivered':
        logger.debug('webhook delivered', { ...ids, status: outcome.status });
        return 'done';
      case 'dropped':
        logger.warn('webhook not sent', { ...ids, reason: outcome.reason });
        return 'done';
      case 'give-up':
        logger.error('webhook given up', { ...ids, reason: outcome.reason });
        await deps.retries.deadLetter(job, outcome.reason);
        return 'done';
      case 'retry':
        logger.info('webhook will be retried', { ...ids, reason: outcome.reason, in: outcome.delaySeconds });
        await deps.retries.retryAfter(record.receiptHandle, outcome.delaySeconds);
        return 'retry';
    }
  } catch (err) {
    // Our own failure (the table or queue unreachable): back with the queue's visibility timeout.
    logger.warn('webhook delivery failed here; will be retried', { ...ids, error: err as Error });
    return 'retry';
  }
};

export const buildDeliveryHandler = (deps: DeliveryHandlerDeps) =>
  sqsPartialBatch({
    what: 'webhook job',
    // A malformed job can never succeed: it is dropped (logged) instead of poisoning the queue.
    parse: (record) => DeliveryJobMessage.parse(JSON.parse(record.body)) as DeliveryJob,
    handle: (job, record) => handle(deps, record, job),
    // One resource's jobs in order, different resources side by side.
    inOrderBy: (job) => `${job.customerId}#${job.data.id}`,
  });

const build = () => {
  const cfg = config();
  if (!cfg.webhookQueueUrl) throw new Error('WEBHOOK_QUEUE_URL is required by the delivery handler');
  return buildDeliveryHandler({
    accesskeys: new DynamoAccesskeyStore(documentClient(), cfg.tableName),
    sender: new HttpWebhookSender(),
    signer: hmacSigner,
    clock: systemClock,
    runtime: cfg.runtime,
    policy: defaultRetryPolicy,
    retries: new SqsWebhookQueue(sqsClient(), cfg.webhookQueueUrl, cfg.webhookDeadLetterQueueUrl),
  });
};

const built = oncePerContainer(build);

/** Lambda entry point; clients are built on the first event. */
export const handler = async (event: SQSEvent) => (await built())(event);
