/**
 * Lambda entry: the queued simulator's delayed call events come due here and are POSTed, signed as
 * they were built, to the provider webhook route. A non-2xx answer or network error fails that record
 * only (partial batch failures), so SQS retries it and, after the last attempt, parks it in the DLQ.
 */
import { sqsPartialBatch } from '#adapters/aws/sqs-batch.ts';
import type { SimulatorEventMessage } from '#adapters/telephony/simulator/queued-simulator-provider.ts';

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

export const buildSimulatorEventsHandler = (post: Post = fetchPost) =>
  sqsPartialBatch({
    what: 'simulator event',
    parse: (record) => {
      const msg = JSON.parse(record.body) as SimulatorEventMessage;
      if (typeof msg.url !== 'string' || typeof msg.body !== 'string') throw new Error('bad shape');
      return msg;
    },
    handle: async (msg) => {
      const answer = await post(msg);
      const ok = (answer.status >= 200 && answer.status < 300) || alreadyAccepted(answer);
      if (!ok) throw new Error(`webhook answered ${answer.status}`);
      return 'done';
    },
  });

export const handler = buildSimulatorEventsHandler();
