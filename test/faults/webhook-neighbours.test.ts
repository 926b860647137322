/**
 * Fault case: bad neighbours. One customer's endpoint never answers, another's answers 500; a third,
 * healthy customer's webhooks must arrive about as fast as when it is alone, and the failing
 * customer's retries must come when they are scheduled, not when a shared loop gets round to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEvents } from '../../infra/local/events-runtime.ts';
import { anOutplan } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';
import { recordFigures } from './support/report.ts';

/** Changes measured per phase; each waits for its webhook before the next is made. */
const SAMPLES = 15;
/** The failing customer's first retry is scheduled this long after its first attempt (±20 % jitter). */
const BASE_DELAY_S = 2;

let sys: TestSystem;
let receiver: Receiver;
let events: LocalEvents;
/** When each request reached the endpoint: `${deliveryId}#${attempt}` → ms. */
const arrivals = new Map<string, number>();

beforeAll(async () => {
  receiver = await startReceiver(({ path, deliveryId, attempt }) => {
    arrivals.set(`${deliveryId}#${attempt}`, Date.now());
    if (path === '/hang') return 'hang';
    if (path === '/fail') return 500;
    return 200;
  });
  sys = await startTestSystem();
  events = await sys.startEvents({
    policy: { baseDelaySeconds: BASE_DELAY_S, maxAttempts: 3, timeoutMs: 3000 },
  });
  // As `npm start` runs it: the stream read every 250 ms, each customer's queue as it fills.
  events.startLoops((err) => console.error('webhooks:', err));
});
afterAll(async () => {
  await receiver?.close();
  await events?.stop();
  await sys?.close();
});

const aHookedCustomer = async (path: string) => {
  const res = await sys.admin.post('/customers', {
    name: `neighbour ${path}`,
    webhook_uri: receiver.url(path),
  });
  expect(res.status).toBe(200);
  return sys.clientFor(res.body.accesskey.token) as Client;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? Number.NaN;
};

/** Makes one change of `c` and waits for its webhook on `path`; ms from the API's answer to arrival. */
const latencyOf = async (c: Client, path: string, name: string) => {
  const made = await c.post('/outplans', anOutplan({ name }));
  expect(made.status).toBe(200);
  const committed = Date.now();
  const deadline = committed + 20_000;
  for (;;) {
    const hit = receiver.received(path).find((r) => r.json.data.id === made.body.id);
    if (hit) return (arrivals.get(`${hit.deliveryId}#1`) ?? Date.now()) - committed;
    if (Date.now() > deadline) throw new Error(`webhook of ${made.body.id} never arrived`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('webhooks beside a hanging and a failing neighbour', () => {
  it('keeps the healthy customer’s latency within 2× alone and retries the failing one on time', async () => {
    const healthy = await aHookedCustomer('/ok');
    const hanging = await aHookedCustomer('/hang');
    const failing = await aHookedCustomer('/fail');

    const alone: number[] = [];
    for (let i = 0; i < SAMPLES; i++) alone.push(await latencyOf(healthy, '/ok', `alone ${i}`));

    // The neighbours start first, with a backlog each, and keep writing while the healthy one works.
    for (let i = 0; i < 10; i++) {
      await hanging.post('/outplans', anOutplan({ name: `hang ${i}` }));
      await failing.post('/outplans', anOutplan({ name: `fail ${i}` }));
    }
    const beside: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      await hanging.post('/outplans', anOutplan({ name: `hang more ${i}` }));
      await failing.post('/outplans', anOutplan({ name: `fail more ${i}` }));
      beside.push(await latencyOf(healthy, '/ok', `beside ${i}`));
    }
    expect(receiver.hanging()).toBeGreaterThan(0);

    // Every failing delivery gets its first retry (the schedule is ~2 s; wait for them all).
    const failed = () => [...new Set(receiver.received('/fail').map((r) => r.deliveryId))];
    const deadline = Date.now() + 20_000;
    while (failed().some((id) => !arrivals.has(`${id}#2`)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const firstRetry = failed().map(
      (id) => ((arrivals.get(`${id}#2`) ?? Number.NaN) - arrivals.get(`${id}#1`)!) / 1000,
    );

    const aloneMedian = median(alone);
    const besideMedian = median(beside);
    const retryMedian = median(firstRetry);
    const retryBound = BASE_DELAY_S * 1.2 + 1;
    recordFigures('webhook neighbours (hanging + failing endpoint)', [
      { figure: 'healthy latency alone, median (ms)', value: aloneMedian },
      { figure: 'healthy latency alone, p95 (ms)', value: p95(alone) },
      {
        figure: 'healthy latency beside, median (ms)',
        value: besideMedian,
        bound: `≤ 2× alone (${2 * aloneMedian})`,
      },
      { figure: 'healthy latency beside, p95 (ms)', value: p95(beside) },
      { figure: 'failing customer deliveries', value: firstRetry.length },
      {
        figure: 'failing first retry delay, median (s)',
        value: retryMedian.toFixed(2),
        bound: `${BASE_DELAY_S * 0.8}–${retryBound} (scheduled ${BASE_DELAY_S} s ±20 %)`,
      },
      { figure: 'failing first retry delay, max (s)', value: Math.max(...firstRetry).toFixed(2) },
    ]);

    expect(besideMedian).toBeLessThanOrEqual(2 * aloneMedian);
    expect(firstRetry.every((d) => Number.isFinite(d))).toBe(true);
    expect(retryMedian).toBeGreaterThanOrEqual(BASE_DELAY_S * 0.8 - 0.05);
    expect(retryMedian).toBeLessThanOrEqual(retryBound);
  });
});
