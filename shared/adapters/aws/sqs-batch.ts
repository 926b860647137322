/**
 * The one way an SQS-fed entry point walks its batch: each record parsed, handled, and reported alone
 * when it must come back (partial batch response, with ReportBatchItemFailures on the event source),
 * so one bad record never fails, or repeats, the whole batch. The Powertools batch processor does the
 * same; this small helper keeps the bundles free of a dependency.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/observability.ts';

/** What became of one record: `retry` reports it, so SQS delivers it again. */
export type RecordOutcome = 'done' | 'retry';

export interface SqsBatchOptions<T> {
  /** What the records carry, in logs (`dropping malformed <what>`, `<what> will be retried`). */
  what: string;
  /**
   * Reads a record's body. A record it throws on can never succeed: it is dropped (logged), not
   * retried, so it cannot poison the queue.
   */
  parse: (record: SQSRecord) => T;
  /** Handles one record. Throwing is a `retry` (logged with the record's message id). */
  handle: (item: T, record: SQSRecord) => Promise<RecordOutcome | undefined>;
  /**
   * Records with the same key are handled one after another, in batch order; different keys side by
   * side. @default - every record one after another, in batch order.
   */
  inOrderBy?: (item: T) => string;
}

/**
 * A handler of SQS batches: every record handled once, the ones to retry reported once each, in
 * batch order. It never throws for one record.
 */
export const sqsPartialBatch =
  <T>(options: SqsBatchOptions<T>) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const lanes = new Map<string, { item: T; record: SQSRecord }[]>();
    for (const record of event.Records) {
      let item: T;
      try {
        item = options.parse(record);
      } catch {
        logger.error(`dropping malformed ${options.what}`, { messageId: record.messageId });
        continue;
      }
      const key = options.inOrderBy ? options.inOrderBy(item) : '';
      const lane = lanes.get(key);
      if (lane) lane.push({ item, record });
      else lanes.set(key, [{ item, record }]);
    }
    const retry = new Set<string>();
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const { item, record } of lane) {
          let outcome: RecordOutcome | undefined;
          try {
            outcome = await options.handle(item, record);
          } catch (err) {
            logger.warn(`${options.what} will be retried`, {
              messageId: record.messageId,
              error: err as Error,
            });
            outcome = 'retry';
          }
          if (outcome === 'retry') retry.add(record.messageId);
        }
      }),
    );
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const { messageId } of event.Records) {
      if (retry.delete(messageId)) batchItemFailures.push({ itemIdentifier: messageId });
    }
    return { batchItemFailures };
  };
