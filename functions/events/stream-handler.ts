/**
 * Table stream (NEW_AND_OLD_IMAGES) → campaigns' calls per minute, outdials' target counts (in total
 * and by state) and targets by number, webhook delivery jobs, and call metrics. The minutes and the
 * target index are written first and idempotently: when that fails the whole batch comes back (nothing
 * of it was enqueued yet), and writing its changes again moves no count. Records are handled in order;
 * on a failure the first record not fully enqueued is reported, so it and the ones after it come back
 * (partial batch response) and nothing is lost between a write and its webhook. Metrics count only
 * the records before that one, so a retried record is counted once. A record that cannot even be read
 * is reported the same way and nothing after it is lost: the event source mapping (bisecting, bounded
 * retries, then its dead-letter queue) or the local runtime (bounded retries, then its dead-letter
 * store) sets it aside and goes on behind it.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { documentClient } from '#adapters/aws/clients/dynamodb.ts';
import { sqsClient } from '#adapters/aws/clients/sqs.ts';
import { oncePerContainer } from '#adapters/aws/once-per-container.ts';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
import { DynamoCallTimeseriesStore } from '#adapters/dynamodb/call-timeseries-store.ts';
import { isExhaustedTarget } from '#adapters/dynamodb/keys.ts';
import { DynamoTargetIndexStore } from '#adapters/dynamodb/target-index-store.ts';
import { SqsWebhookQueue } from '#adapters/sqs/webhook-queue.ts';
import type { CallTimeseriesStore } from '#ports/call-timeseries-store.ts';
import type { TargetIndexStore } from '#ports/target-index-store.ts';
import { type CallCounts, callCounts, isEmpty } from '#services/events/call-metrics.ts';
import { minuteEventsOf } from '#services/events/call-timeseries.ts';
import { type EnqueueDeps, enqueueDeliveries, type ItemChange } from '#services/events/enqueue-deliveries.ts';
import { targetIndexChangesOf } from '#services/events/target-index.ts';
import { config } from '#shared/config.ts';
import { logger, publishCallCounts } from '#shared/observability.ts';
import { imageToItem } from './stream-images.ts';

export type StreamHandlerDeps = EnqueueDeps & {
  /** Where the batch's call counts go. @default - not counted (the local runtime) */
  publishCalls?: (counts: CallCounts) => void;
  /** Where campaigns' calls per minute are kept. @default - not kept */
  timeseries?: Pick<CallTimeseriesStore, 'record'>;
  /** Where outdials' target counts (total, by state) and targets by number are kept. @default - not kept */
  targets?: Pick<TargetIndexStore, 'record'>;
};

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const image = (raw: Image | undefined) => (raw ? imageToItem(raw) : undefined);

/** A stream record as the use case reads it; the event id is unique per change and stable. */
export const toItemChange = (record: DynamoDBRecord): ItemChange => {
  const oldImage = image(record.dynamodb?.OldImage);
  const newImage = image(record.dynamodb?.NewImage);
  return {
    recordId: record.eventID ?? record.dynamodb?.SequenceNumber ?? '',
    ...(oldImage ? { oldImage } : {}),
    ...(newImage ? { newImage } : {}),
  };
};

export const buildStreamHandler =
  (deps: StreamHandlerDeps) =>
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = event.Records;
    const changes: ItemChange[] = [];
    let failedAt: number | undefined;
    for (const [n, record] of records.entries()) {
      try {
        changes.push(toItemChange(record));
      } catch (err) {
        // Only the records before it go on now; it is reported, and set aside after its retries.
        logger.error('stream record unreadable', {
          eventID: record.eventID,
          sequence: record.dynamodb?.SequenceNumber,
          error: err as Error,
        });
        failedAt = n;
        break;
      }
    }
    if (deps.timeseries || deps.targets) {
      try {
        await deps.timeseries?.record(minuteEventsOf(changes));
        await deps.targets?.record(targetIndexChangesOf(changes, isExhaustedTarget));
      } catch (err) {
        logger.warn('calls per minute or target index not written; stream batch will be retried', {
          error: err as Error,
        });
        const first = records[0]?.dynamodb?.SequenceNumber;
        return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
      }
    }
    try {
      const result = await enqueueDeliveries(deps, changes);
      failedAt = result.failedAt ?? failedAt;
      for (const t of result.tooLarge) logger.error('webhook event too large to queue; dropped', t);
      if (result.enqueued) logger.debug('webhook deliveries queued', { count: result.enqueued });
    } catch (err) {
      logger.warn('stream batch will be retried', { error: err as Error });
      failedAt = 0;
    }
    if (deps.publishCalls) {
      try {
        const counts = callCounts(failedAt === undefined ? changes : changes.slice(0, failedAt));
        if (!isEmpty(counts)) deps.publishCalls(counts);
      } catch (err) {
        // A metric is not worth a redelivered webhook.
        logger.warn('call metrics not published', { error: err as Error });
      }
    }
    const failed = failedAt === undefined ? undefined : records[failedAt]?.dynamodb?.SequenceNumber;
    return { batchItemFailures: failed ? [{ itemIdentifier: failed }] : [] };
  };

const build = () => {
  const cfg = config();
  if (!cfg.webhookQueueUrl) throw new Error('WEBHOOK_QUEUE_URL is required by the stream handler');
  return buildStreamHandler({
    accesskeys: new DynamoAccesskeyStore(documentClient(), cfg.tableName),
    ids: cryptoIds,
    sink: new SqsWebhookQueue(sqsClient(), cfg.webhookQueueUrl),
    publishCalls: publishCallCounts,
    timeseries: new DynamoCallTimeseriesStore(documentClient(), cfg.tableName),
    targets: new DynamoTargetIndexStore(documentClient(), cfg.tableName),
  });
};

const built = oncePerContainer(build);

/** Lambda entry point; clients are built on the first event. */
export const handler = async (event: DynamoDBStreamEvent) => (await built())(event);
