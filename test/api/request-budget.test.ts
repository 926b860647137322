/**
 * The per-customer request budget over real HTTP and DynamoDB Local: a customer over its budget gets
 * 429 in the error envelope with Retry-After, before any other work; another customer is unaffected;
 * two "containers" share one customer's budget; a budget store that fails lets requests through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { DynamoRequestBudget } from '#adapters/dynamodb/request-budget.ts';
import { MAX_REFUSAL_JITTER_MS, MIN_REFUSAL_HOLD_MS } from '../../infra/local/api-server.ts';
import { startTestApi, type TestApi } from '../support/local-api.ts';
import { localDocumentClient } from '../support/local-dynamo.ts';

const ddb = localDocumentClient();
const policy = { ratePerSecond: 5, burst: 10 };

let api: TestApi;
let base: string;
beforeAll(async () => {
  api = await startTestApi({ budget: policy });
  base = api.url;
});
afterAll(() => api.close());

const newCustomer = () => api.newCustomer('budget');

describe('per-customer request budget', () => {
  it('over budget: 429 TOO_MANY_REQUESTS with Retry-After, and another customer is unaffected', async () => {
    const flooder = await newCustomer();
    const other = await newCustomer();
    const started = Date.now();
    // Waves of 30 at once until one is refused: on a loaded machine a wave can take long enough for the
    // bucket to refill under it, and the point is what happens past the budget.
    const replies: { status: number; retryAfter: string | null; body: any }[] = [];
    for (let wave = 0; wave < 4 && !replies.some((r) => r.status === 429); wave++) {
      replies.push(
        ...(await Promise.all(
          Array.from({ length: 30 }, async () => {
            const res = await fetch(`${base}/queues`, {
              headers: { authorization: `Bearer ${flooder.key}` },
            });
            return {
              status: res.status,
              retryAfter: res.headers.get('retry-after'),
              body: (await res.json()) as any,
            };
          }),
        )),
      );
    }
    const refused = replies.filter((r) => r.status === 429);
    const admitted = replies.filter((r) => r.status === 200);
    const seconds = (Date.now() - started) / 1000;
    // A burst of 10, plus at most what trickles in at 5/s while the requests are served.
    expect(admitted.length).toBeGreaterThanOrEqual(10);
    expect(admitted.length).toBeLessThanOrEqual(10 + Math.ceil(5 * seconds) + 1);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBe(replies.length - admitted.length);
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.body.error).toMatchObject({
        status: 'RESOURCE_EXHAUSTED',
        reason: 'TOO_MANY_REQUESTS',
        request_id: expect.any(String),
      });
    }
    for (let i = 0; i < 5; i++) expect((await other.get('/queues')).status).toBe(200);
  });

  it('the budget is checked before the request is validated or served', async () => {
    // A budget of 3, refilled every 5 s: nothing trickles back in between the requests below.
    const slow = await startTestApi({ budget: { ratePerSecond: 0.2, burst: 3 } });
    try {
      const c = await slow.newCustomer('slow');
      for (let i = 0; i < 3; i++) expect((await c.get('/queues')).status).toBe(200);
      const bad = await c.post('/queues', { name: '' });
      expect(bad.status).toBe(429);
      expect(bad.body.error.reason).toBe('TOO_MANY_REQUESTS');
    } finally {
      await slow.close();
    }
  });

  it('comes back at the sustained rate after Retry-After', async () => {
    const c = await newCustomer();
    let res = await fetch(`${base}/queues`, { headers: { authorization: `Bearer ${c.key}` } });
    while (res.status !== 429)
      res = await fetch(`${base}/queues`, { headers: { authorization: `Bearer ${c.key}` } });
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000));
    expect((await c.get('/queues')).status).toBe(200);
  });

  it('a customer coming back before its Retry-After is refused again, the refusal held till then', async () => {
    // The hold's jitter fixed at its top, so the hold ends at the Retry-After deadline: a known end, not
    // a random part of the window.
    const held = await startTestApi({ budget: policy, random: () => 1 });
    try {
      const heldBase = held.url;
      const customerOf = () => held.newCustomer('held');
      const c = await customerOf();
      const other = await customerOf();
      let sent = Date.now();
      let first = await fetch(`${heldBase}/queues`, { headers: { authorization: `Bearer ${c.key}` } });
      while (first.status !== 429) {
        await first.arrayBuffer();
        sent = Date.now();
        first = await fetch(`${heldBase}/queues`, { headers: { authorization: `Bearer ${c.key}` } });
      }
      await first.arrayBuffer();
      const retryAfterMs = Number(first.headers.get('retry-after')) * 1000;
      const timed = async (reply: Promise<{ status: number; body: any }>) => ({
        ...(await reply),
        at: Date.now(),
      });
      const [again, others] = await Promise.all([timed(c.get('/queues')), timed(other.get('/queues'))]);

      expect(again.status).toBe(429);
      expect(again.body.error.reason).toBe('TOO_MANY_REQUESTS');
      // The first refusal was noted after `sent`, so its deadline (or the longest jitter, if sooner) lies
      // at least this far past it; the hold lasts till then plus the minimum. Timers and Date.now count
      // whole milliseconds, hence the 2 ms of rounding.
      const heldTill = Math.min(retryAfterMs, MAX_REFUSAL_JITTER_MS) + MIN_REFUSAL_HOLD_MS;
      expect(again.at - sent).toBeGreaterThanOrEqual(heldTill - 2);
      // Another customer is neither refused nor held: it is served while the first is still held.
      expect(others.status).toBe(200);
      expect(others.at).toBeLessThan(again.at);
    } finally {
      await held.close();
    }
  });

  it('many requests at once in one container admit no more than the budget', async () => {
    const budget = new DynamoRequestBudget(ddb, {
      tableName: 'outbound-test',
      policy: { ratePerSecond: 50, burst: 100 },
    });
    const customer = cryptoIds.uuid();
    const started = Date.now();
    let admitted = 0;
    for (let wave = 0; wave < 5; wave++) {
      const decisions = await Promise.all(Array.from({ length: 100 }, () => budget.admit(customer)));
      admitted += decisions.filter((d) => d.admitted).length;
    }
    const seconds = (Date.now() - started) / 1000;
    expect(admitted).toBeGreaterThanOrEqual(100);
    expect(admitted).toBeLessThanOrEqual(100 + Math.ceil(50 * seconds) + 10);
  });

  it('two containers share one bucket: together they admit the burst, not a burst each', async () => {
    const a = new DynamoRequestBudget(ddb, {
      tableName: 'outbound-test',
      policy: { ratePerSecond: 1, burst: 20 },
    });
    const b = new DynamoRequestBudget(ddb, {
      tableName: 'outbound-test',
      policy: { ratePerSecond: 1, burst: 20 },
    });
    const customer = cryptoIds.uuid();
    let admitted = 0;
    for (let i = 0; i < 30; i++) {
      if ((await a.admit(customer)).admitted) admitted++;
      if ((await b.admit(customer)).admitted) admitted++;
    }
    // 20 at once, plus at most a couple of tokens earned at 1/s while the loop runs.
    expect(admitted).toBeGreaterThanOrEqual(20);
    expect(admitted).toBeLessThanOrEqual(23);
  });

  it('a budget store that fails (throttled, missing) lets requests through instead of failing them', async () => {
    const throttled = {
      send: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
      },
    };
    const budget = new DynamoRequestBudget(throttled, {
      tableName: 'outbound-test',
      policy: { ratePerSecond: 1, burst: 1 },
    });
    for (let i = 0; i < 5; i++) expect(await budget.admit('c')).toEqual({ admitted: true });
    const missing = new DynamoRequestBudget(ddb, { tableName: 'no-such-table', policy });
    expect(await missing.admit('c')).toEqual({ admitted: true });
  });
});
