/**
 * The engine against DynamoDB's limits as AWS enforces them (the model in test/support/dynamodb-limits.ts:
 * 1,000 write and 3,000 read units a second per partition key, TransactionConflict for transactions
 * that overlap on an item). Time is the test's clock: each round is one second in which the tick claims
 * the round's attempts, the dialer places them, and every call rings, is answered or refused, and ends.
 * "200 attempts a second" is then exactly that for the model, whatever this machine's speed, and the
 * overlaps between the concurrent callbacks are real. A throttled write is retried by the SDK within the
 * same instant, so it cannot succeed: any partition over its limit fails the run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookRequest } from '#ports/telephony.ts';
import { type DynamoLimits, limitDynamo } from '../support/dynamodb-limits.ts';
import {
  countPlacements,
  engineSteps,
  expectEngineInvariants,
  type Outcome,
  phone,
} from '../support/engine-steps.ts';
import { dynamoEndpoint } from '../support/local-dynamo.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const OUTCOMES: Outcome[] = ['answer', 'answer', 'answer', 'busy', 'noanswer', 'failed', 'machine'];

let sys: TestSystem;
const callbacks = new Map<number, number>();
/**
 * Callbacks under way: the carrier sends many at once, so they race on the store as in production; at
 * most SENDERS at a time, as a carrier's connection pool does (a thousand at one instant would only
 * overflow the local server's listen queue).
 */
const sending: Promise<void>[] = [];
const SENDERS = 64;
let sendersBusy = 0;
const sendersWaiting: (() => void)[] = [];
const sender = async () => {
  if (sendersBusy >= SENDERS) await new Promise<void>((resolve) => sendersWaiting.push(resolve));
  sendersBusy++;
  return () => {
    sendersBusy--;
    sendersWaiting.shift()?.();
  };
};
beforeEach(async () => {
  callbacks.clear();
  // Every provider callback, by the HTTP status our webhook route answered.
  const deliver = async (req: WebhookRequest) => {
    sending.push(
      (async () => {
        const done = await sender();
        try {
          const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.rawBody });
          const body = await res.text();
          if (res.status !== 200) console.log(`callback answered ${res.status}: ${body.slice(0, 300)}`);
          callbacks.set(res.status, (callbacks.get(res.status) ?? 0) + 1);
        } finally {
          done();
        }
      })(),
    );
  };
  sys = await startTestSystem({ ringMs: 200, talkMs: 500, deliver });
});
afterEach(() => sys.close());

/**
 * Runs `campaigns` campaigns of `perCampaign` targets each, one try per target, at `rate` new attempts a
 * second per campaign, under the model; returns the model and the campaigns.
 */
const runUnderLimits = async (campaigns: number, perCampaign: number, rate: number) => {
  const steps = engineSteps(sys);
  sys.engine.deps.settings.maxNewCallsPerTick = rate;
  const placements = countPlacements(sys);
  const handles = [];
  for (let k = 0; k < campaigns; k++) {
    handles.push(
      await steps.given.campaign({
        targets: Array.from({ length: perCampaign }, (_, i) => phone(OUTCOMES[i % OUTCOMES.length]!)),
        maxConcurrentCalls: rate,
        outplan: { max_try_count_0: 1, try_interval: 0, dial_timeout: 2_000 },
        campaign: { end_handle: 'stop' },
      }),
    );
  }
  // The lists were loaded above at full speed; from here on every request meets the limits.
  await sys.scheduler.advance(10_000);
  const model: DynamoLimits = limitDynamo(sys.ddb, {
    endpoint: dynamoEndpoint(),
    now: () => sys.clock.now(),
  });
  const rounds = Math.ceil(perCampaign / rate) + 3;

  for (let round = 0; round < rounds; round++) {
    const ticks = await sys.engine.tick();
    // Two dialers, as Lambda runs several.
    await Promise.all([sys.engine.drain(), sys.engine.drain()]);
    for (const at of [200, 500, 1_000]) {
      await sys.scheduler.advance(at - (at === 200 ? 0 : at === 500 ? 200 : 500));
      await Promise.all(sending.splice(0));
    }
    if (round === 0)
      expect(ticks.map((t) => t.claimed)).toEqual(Array(campaigns).fill(Math.min(rate, perCampaign)));
  }
  // Reads of the results get a fresh second of capacity.
  await sys.scheduler.advance(5_000);
  await Promise.all(sending.splice(0));
  return { model, handles, placements, steps };
};

/** The conflicts the run met (each retried until it went through) and how the callbacks were answered. */
const report = (what: string, model: DynamoLimits) =>
  console.log(
    `${what}: ${model.total('transaction-conflict')} transaction conflicts met and retried, ` +
      `${model.total('write-throttled') + model.total('read-throttled')} throttled; callbacks by status ${JSON.stringify(Object.fromEntries(callbacks))}`,
  );

describe('the engine under DynamoDB limits', () => {
  it('runs one campaign at 200 attempts a second: nothing throttled or lost, nobody dialled twice', async () => {
    const { model, handles, placements, steps } = await runUnderLimits(1, 200, 200);
    report('one campaign at 200/s', model);
    expect(model.total('write-throttled') + model.total('read-throttled')).toBe(0);
    expect([...callbacks.keys()]).toEqual([200]);
    const [h] = handles;
    expect(await steps.read.status(h!.id)).toBe('stop');
    const { calls } = await expectEngineInvariants(sys, h!);
    expect(calls).toHaveLength(200);
    expect(calls.every((c: { status: string }) => c.status === 'done')).toBe(true);
    expect(placements.total()).toBe(200);
    expect(new Set(placements.placed.values())).toEqual(new Set([1]));
  }, 300_000);

  it('runs ten campaigns of one account at 100 attempts a second each', async () => {
    const { model, handles, placements, steps } = await runUnderLimits(10, 100, 100);
    report('ten campaigns at 100/s each', model);
    expect(model.total('write-throttled') + model.total('read-throttled')).toBe(0);
    expect([...callbacks.keys()]).toEqual([200]);
    for (const h of handles) {
      expect(await steps.read.status(h.id)).toBe('stop');
      const { calls } = await expectEngineInvariants(sys, h);
      expect(calls).toHaveLength(100);
      expect(calls.every((c: { status: string }) => c.status === 'done')).toBe(true);
    }
    expect(placements.total()).toBe(1_000);
    expect(new Set(placements.placed.values())).toEqual(new Set([1]));
  }, 300_000);
});
