/**
 * Lambda entry: the queued simulator's delayed call events come due here and are POSTed, signed as
 * they were built, to the provider webhook route. A non-2xx answer or network error fails that record
 * only (partial batch failures), so SQS retries it and, after the last attempt, parks it in the DLQ.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SimulatorEventMessage } from '#adapters/telephony/simulator/queued-simulator-provider.ts';
import { logger } from '#shared/observability.ts';

type Post = (msg: SimulatorEventMessage) => Promise<{ status: number; body: string }>;

const fetchPost: Post = async (msg) => {
  const res = await fetch(msg.url, {
    method: 'POST',
    headers: msg.headers,
    body: msg.body,
    signal: AbortSignal.timeout(8000),
  });
  return { status: res.status, body: await res.text() };
};

/** The route refuses a request it already accepted: a redelivered event that did arrive is done. */
const alreadyAccepted = (r: { status: number; body: string }) =>
  r.status === 403 && r.body.includes('"REQUEST_REPLAYED"');

export const buildSimulatorEventsHandler =
  (post: Post = fetchPost) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let msg: SimulatorEventMessage;
      try {
        msg = JSON.parse(record.body) as SimulatorEventMessage;
        if (typeof msg.url !== 'string' || typeof msg.body !== 'string') throw new Error('bad shape');
      } catch {
        logger.error('dropping malformed simulator event', { messageId: record.messageId });
        continue;
      }
      try {
        const answer = await post(msg);
        const ok = (answer.status >= 200 && answer.status < 300) || alreadyAccepted(answer);
        if (!ok) throw new Error(`webhook answered ${answer.status}`);
      } catch (err) {
        logger.warn('simulator event will be retried', { messageId: record.messageId, error: err as Error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };

export const handler = buildSimulatorEventsHandler();
