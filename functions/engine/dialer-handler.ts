/** SQS-triggered dialer: one dial job per record, partial batch failures reported, never one throw for all. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { throttledRetryDelayMs } from '#domain/dial-retries.ts';
import { DialJobMessage } from '#schemas/dial-job.ts';
import type { EngineDeps } from '#services/engine/engine-deps.ts';
import { placeCall, RetryLater } from '#services/engine/place-call.ts';
import { logger } from '#shared/observability.ts';

export const buildDialerHandler =
  (deps: EngineDeps) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let job: { campaigncallId: string };
      try {
        job = DialJobMessage.parse(JSON.parse(record.body));
      } catch {
        // A malformed job can never succeed: drop it (logged) instead of poisoning the queue.
        logger.error('dropping malformed dial job', { messageId: record.messageId });
        continue;
      }
      try {
        const outcome = await placeCall(deps, job);
        logger.debug('dial job done', { campaigncallId: job.campaigncallId, outcome });
      } catch (err) {
        logger.warn('dial job will be retried', { campaigncallId: job.campaigncallId, error: err as Error });
        if (err instanceof RetryLater && deps.dialQueue.postpone) {
          // Due again when the carrier's budget allows, not after the queue's full visibility timeout.
          const receives = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
          await deps.dialQueue
            .postpone(record.receiptHandle, throttledRetryDelayMs(receives, err.afterMs))
            .catch((e: unknown) => logger.warn('dial job not postponed', { error: e as Error }));
        }
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
