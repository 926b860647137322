/**
 * Agent occupancy (talking / logged-in time): each leased tick of a queue-paced campaign in its hours
 * adds the queue's logged-in agents × the time since the last sample to the campaign's hour and day
 * sums, on DynamoDB Local with the simulator and a hand-moved clock. Talk time comes from the stream,
 * as it does in AWS.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callDayKey, callHourKey } from '#adapters/dynamodb/keys.ts';
import { DAY_MS, dayStartOf, HOUR_MS, hourStartOf } from '#domain/call-timeseries.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign } from '#ports/engine-store.ts';
import { AGENT_SAMPLE_CAP_MS } from '#services/engine/agent-time.ts';
import { engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const TALK_MS = 60_000;
const ROUND_MS = 5_000;

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
beforeEach(async () => {
  sys = await startTestSystem({
    ringMs: 5_000,
    talkMs: TALK_MS,
    events: { policy: { baseDelaySeconds: 0 } },
  });
  steps = engineSteps(sys);
  // Away from a day's end, so every sample of a test lands in one day's sum.
  const now = sys.clock.peek();
  if (dayStartOf(now) + DAY_MS - now < 30 * 60_000) sys.clock.set(dayStartOf(now) + DAY_MS + 60_000);
});
afterEach(() => sys.close());

/** The campaign's logged-in agent-ms over the last day of hour sums, and over today's sum. */
const agentMs = async (campaignId: string) => {
  const now = sys.clock.peek();
  const ts = sys.engine.deps.timeseries;
  const hours = await ts.rollups(campaignId, 'hour', hourStartOf(now) - 23 * HOUR_MS, hourStartOf(now));
  const day = await ts.rollups(campaignId, 'day', dayStartOf(now), dayStartOf(now));
  return { hours: hours.agent_ms, day: day.agent_ms };
};

const ratesOf = async (campaignId: string) => {
  const res = await sys.customer.get(`/campaigns/${campaignId}/stats`);
  expect(res.status).toBe(200);
  return res.body.rates.last_24h;
};

/** A running campaign on a queue of `available` agents (plus agents that must not count), never ending. */
const aQueueCampaign = async (available: number, targets: string[], mode = 'progressive') => {
  const tag = randomUUID();
  await steps.given.agents(available, 'available', [tag]);
  await steps.given.agents(2, 'offline', [tag]);
  await steps.given.agents(3, 'available', [randomUUID()]);
  return steps.given.campaign({
    targets,
    queueTags: [tag],
    campaign: { dialing_mode: mode, end_handle: 'continue' },
  });
};

describe('agent occupancy', () => {
  it('is talk time over the logged-in time the ticks sampled, agents on calls included', async () => {
    const h = await aQueueCampaign(2, [phone('answer'), phone('answer')]);
    const rounds = 25;
    for (let i = 0; i < rounds; i++) await steps.when.aRound(ROUND_MS);
    await sys.events?.drain();

    const calls = await steps.read.calls(h.id);
    expect(calls.map((c: { result: string }) => c.result)).toEqual(['success', 'success']);
    // The first sample only sets the mark; each later one adds 2 agents × ~5 s (the clock also moves
    // 1 ms per read). Both agents were busy on a call for a minute of it, and still count.
    const expected = 2 * (rounds - 1) * ROUND_MS;
    const { hours, day } = await agentMs(h.id);
    expect(hours).toBeGreaterThanOrEqual(expected);
    expect(hours).toBeLessThan(expected * 1.02);
    expect(day).toBe(hours);

    const rates = await ratesOf(h.id);
    // Two calls of a minute's talk over 2 agents × 2 minutes logged in.
    expect(rates.agent_occupancy).toBeCloseTo((2 * TALK_MS) / expected, 1);
    expect(rates.agent_occupancy).toBeGreaterThan(0.47);
    expect(rates.agent_occupancy).toBeLessThanOrEqual(0.51);
  });

  it('adds an interval once when ticks overlap or repeat, and caps a gap in ticks', async () => {
    const h = await aQueueCampaign(3, []);
    await steps.when.theTickRuns();
    expect(await agentMs(h.id)).toEqual({ hours: 0, day: 0 });

    // Four ticks at once with no lease between them: one of them adds the 5 s.
    const store = sys.engine.deps.engine;
    const acquire = store.acquireLease.bind(store);
    store.acquireLease = async (id) => store.withRuntime((await store.getCampaign(id)) as EngineCampaign);
    sys.clock.advance(ROUND_MS);
    await Promise.all([sys.engine.tick(), sys.engine.tick(), sys.engine.tick(), sys.engine.tick()]);
    store.acquireLease = acquire;
    const once = (await agentMs(h.id)).hours;
    expect(once).toBeGreaterThanOrEqual(3 * ROUND_MS);
    expect(once).toBeLessThan(3 * (ROUND_MS + 200));

    // The same sample again, or an older one, adds nothing.
    const ts = sys.engine.deps.timeseries;
    const sample = {
      customerId: sys.customer.customerId,
      campaignId: h.id,
      agents: 3,
      capMs: AGENT_SAMPLE_CAP_MS,
    };
    const now = sys.clock.peek() + ROUND_MS;
    expect(await ts.addAgentTime({ ...sample, nowMs: now })).toEqual({
      hourMs: expect.any(Number),
      dayMs: expect.any(Number),
    });
    let after = (await agentMs(h.id)).hours;
    expect(await ts.addAgentTime({ ...sample, nowMs: now })).toEqual({ hourMs: 0, dayMs: 0 });
    // Samples racing from the same mark: however their reads and writes interleave (one that reads
    // after another's write adds only the milliseconds since that one), no stretch of time counts
    // twice: together they add at most the span up to the latest sample, and what they say they
    // added is what was stored.
    const racing = await Promise.all(
      [1, 2, 3, 4].map((ms) => ts.addAgentTime({ ...sample, nowMs: now + ROUND_MS + ms })),
    );
    const won = (await agentMs(h.id)).hours - after;
    expect(racing.filter((r) => r.hourMs > 0).length).toBeGreaterThanOrEqual(1);
    expect(racing.reduce((sum, r) => sum + r.hourMs, 0)).toBe(won);
    expect(won).toBeGreaterThanOrEqual(3 * (ROUND_MS + 1));
    expect(won).toBeLessThanOrEqual(3 * (ROUND_MS + 4));
    after += won;
    expect(await ts.addAgentTime({ ...sample, nowMs: now - 1_000 })).toEqual({ hourMs: 0, dayMs: 0 });
    expect((await agentMs(h.id)).hours).toBe(after);

    // A minute without ticks counts as the cap, not as agents logged in all along.
    sys.clock.set(now + ROUND_MS + 60_000);
    await steps.when.theTickRuns();
    const gap = (await agentMs(h.id)).hours - after;
    expect(gap).toBe(3 * AGENT_SAMPLE_CAP_MS);
  });

  it('writes nothing for agentless campaigns, campaigns without a queue, or stopped ones', async () => {
    const agentless = await aQueueCampaign(4, [], 'agentless');
    const noQueue = await steps.given.campaign({ campaign: { end_handle: 'continue' } });
    const stopped = await aQueueCampaign(4, []);
    await steps.when.statusIsSet(stopped.id, 'stop');
    for (let i = 0; i < 4; i++) await steps.when.aRound(ROUND_MS);

    const now = sys.clock.peek();
    for (const id of [agentless.id, noQueue.id, stopped.id]) {
      for (const key of [
        callHourKey(id, formatTimestamp(hourStartOf(now))),
        callDayKey(id, formatTimestamp(dayStartOf(now))),
      ]) {
        const out = await sys.ddb.send(new GetCommand({ TableName: sys.tableName, Key: key }));
        expect(out.Item, `${id} ${key.pk}`).toBeUndefined();
      }
      expect((await ratesOf(id)).agent_occupancy).toBeNull();
    }
  });
});
