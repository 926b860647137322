/**
 * SQS-triggered dialer: one dial job per record (a placement, the delayed check that abandons a
 * caller still waiting for an agent, or the delayed end of an agent's wrap-up), partial batch failures
 * reported, never one throw for all.
 */
import { sqsPartialBatch } from '#adapters/aws/sqs-batch.ts';
import { throttledRetryDelayMs } from '#domain/dial-retries.ts';
import { DialJobMessage } from '#schemas/dial-job.ts';
import { abandonCall } from '#services/engine/abandon-call.ts';
import type { EngineDeps } from '#services/engine/engine-deps.ts';
import { placeCall, RetryLater } from '#services/engine/place-call.ts';
import { endWrapUpOnTime } from '#services/engine/wrapup-end.ts';
import { logger } from '#shared/observability.ts';

export const buildDialerHandler = (deps: EngineDeps) =>
  sqsPartialBatch({
    what: 'dial job',
    parse: (record) => DialJobMessage.parse(JSON.parse(record.body)),
    handle: async (job, record) => {
      try {
        const outcome =
          job.kind === 'abandon'
            ? await abandonCall(deps, job.campaigncallId)
            : job.kind === 'wrapup-end'
              ? await endWrapUpOnTime(deps, job)
              : await placeCall(deps, job);
        logger.debug('dial job done', { campaigncallId: job.campaigncallId, outcome });
        return 'done';
      } catch (err) {
        logger.warn('dial job will be retried', { campaigncallId: job.campaigncallId, error: err as Error });
        if (err instanceof RetryLater && deps.dialQueue.postpone) {
          // Due again when the carrier's budget allows, not after the queue's full visibility timeout.
          const receives = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
          await deps.dialQueue
            .postpone(record.receiptHandle, throttledRetryDelayMs(receives, err.afterMs))
            .catch((e: unknown) => logger.warn('dial job not postponed', { error: e as Error }));
        }
        return 'retry';
      }
    },
  });
