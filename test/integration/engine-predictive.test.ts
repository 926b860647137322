/**
 * Predictive dialing in the tick: the bound comes from predictivePacing, fed with the queue's agents by
 * state, the campaign's measured rates (its hour and day sums, kept from the minute stream) and its
 * ringing calls' ages with the outplan's ring timeout, and goes into every claim like the other modes' bounds, so overlapping ticks never pass it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MinuteEvents } from '#domain/call-timeseries.ts';
import { minuteStartOf } from '#domain/call-timeseries.ts';
import { type PredictiveInput, predictivePacing } from '#domain/predictive-pacing.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign } from '#ports/engine-store.ts';
import { type CampaignHandle, engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
beforeEach(async () => {
  sys = await startTestSystem({ ringMs: 20_000, talkMs: 60_000 });
  steps = engineSteps(sys);
});
afterEach(() => sys.close());

const answering = (n: number) => Array.from({ length: n }, () => phone('answer'));

interface Seed {
  humans: number;
  abandoned: number;
  unanswered: number;
  ringMs: number;
  talkMs: number;
}

/**
 * Measured rates as the stream would write them, in the current minute: people who answered (some
 * abandoned, the rest talked `talkMs`), and calls nobody answered after ringing `ringMs`.
 */
const seedRates = async (campaignId: string, s: Seed) => {
  const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
  const talked = ids(s.humans - s.abandoned);
  const abandoned = ids(s.abandoned);
  const unanswered = ids(s.unanswered);
  const minute = minuteStartOf(formatTimestamp(sys.clock.now())) as number;
  const events: MinuteEvents = {
    customerId: sys.customer.customerId,
    campaignId,
    minute,
    dialed: [...talked, ...abandoned, ...unanswered],
    answered: [...talked, ...abandoned],
    outcomes: { success: talked, abandoned, noanswer: unanswered },
    human: [...talked, ...abandoned],
    ring: unanswered.map((id) => [id, s.ringMs] as [string, number]),
    talk: talked.map((id) => [id, s.talkMs] as [string, number]),
  };
  await sys.engine.deps.timeseries.record([events]);
  return events;
};

/** When each campaign's busy agents took their calls, by campaign id (the test's clock). */
const busySince = new Map<string, number>();

/**
 * A predictive campaign on a queue with agents available, busy (for `busyForMs` by the time the
 * campaign is made: 40 s unless said) and offline.
 */
const aPredictiveCampaign = async (o: {
  available: number;
  busy: number;
  maxAbandonRate?: number;
  busyForMs?: number;
}) => {
  const tag = randomUUID();
  await steps.given.agents(o.available, 'available', [tag]);
  const since = sys.clock.now();
  await steps.given.agents(o.busy, 'busy', [tag]);
  // Neither offline agents nor agents of other queues count.
  await steps.given.agents(2, 'offline', [tag]);
  await steps.given.agents(3, 'busy', [randomUUID()]);
  sys.clock.advance(o.busyForMs ?? 40_000);
  const h = await steps.given.campaign({
    targets: answering(60),
    queueTags: [tag],
    run: false,
    campaign: {
      dialing_mode: 'predictive',
      max_concurrent_calls: 40,
      ...(o.maxAbandonRate === undefined ? {} : { max_abandon_rate: o.maxAbandonRate }),
    },
  });
  busySince.set(h.id, since);
  return h;
};

const dialingNow = async (h: CampaignHandle) =>
  (await steps.read.calls(h.id)).filter((c: { status: string }) => c.status === 'dialing').length;

const expectedBound = async (
  h: CampaignHandle,
  agents: { available: number; busy: number; wrapup?: number; wrapupMs?: number; busyElapsedMs?: number[] },
) => {
  const rates = await sys.engine.deps.timeseries.recentRates(h.id, sys.clock.now());
  const input: PredictiveInput = {
    availableAgents: agents.available,
    busyAgents: agents.busy,
    busyElapsedMs:
      agents.busyElapsedMs ??
      Array.from({ length: agents.busy }, () => sys.clock.now() - (busySince.get(h.id) ?? 0)),
    wrapupAgents: agents.wrapup ?? 0,
    wrapupMs: agents.wrapupMs ?? 0,
    maxConcurrentCalls: 40,
    maxAbandonRate: 0.03,
    rates,
    // As the tick gives them: the outplan's ring timeout, and the calls ringing (before the first
    // tick, none; calls placed since weigh as new ones, so later ticks keep the same bound).
    ringTimeoutMs: h.outplan.dial_timeout,
    ringingAgesMs: [],
  };
  return { rates, decision: predictivePacing(input) };
};

const diagnosis = async (h: CampaignHandle) =>
  (await sys.customer.get(`/campaigns/${h.id}/diagnosis`)).body as {
    dialing: boolean;
    reasons: { code: string; message: string }[];
  };

describe('predictive dialing', () => {
  it('rings as many calls as predictivePacing allows from the agents by state and the measured rates', async () => {
    const h = await aPredictiveCampaign({ available: 4, busy: 6 });
    await seedRates(h.id, { humans: 40, abandoned: 0, unanswered: 60, ringMs: 15_000, talkMs: 45_000 });
    await steps.when.statusIsSet(h.id, 'run');

    const { rates, decision } = await expectedBound(h, { available: 4, busy: 6 });
    // What the minutes' stream writes reaches the engine's window through the hour and day sums.
    expect(rates).toEqual({
      ended: 100,
      humanAnswered: 40,
      abandoned: 0,
      meanRingMs: 15_000,
      meanTalkMs: 45_000,
    });
    expect(decision.governor).toBe('open');
    // Over-dialling: more calls ring than agents are free, but never past the bound.
    expect(decision.bound).toBeGreaterThan(4);

    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    expect(await dialingNow(h)).toBe(decision.bound);
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    expect(await dialingNow(h)).toBe(decision.bound);

    const d = await diagnosis(h);
    expect(d.reasons.map((r) => r.code)).toEqual(['pacing_bound']);
    expect(d.reasons[0]!.message).toContain('predictive');
  });

  it('falls back to one call per available agent when the abandon-rate governor engages, and says why', async () => {
    const h = await aPredictiveCampaign({ available: 5, busy: 10 });
    // 3 of 60 people abandoned: 5 %, above the 3 % bound.
    await seedRates(h.id, { humans: 60, abandoned: 3, unanswered: 60, ringMs: 15_000, talkMs: 45_000 });
    await steps.when.statusIsSet(h.id, 'run');
    const { decision } = await expectedBound(h, { available: 5, busy: 10 });
    expect(decision).toMatchObject({ governor: 'engaged', bound: 5 });

    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    expect(await dialingNow(h)).toBe(5);
    await steps.when.theTickRuns();
    const d = await diagnosis(h);
    expect(d.reasons.map((r) => r.code)).toEqual(['abandon_governor']);
    expect(d.reasons[0]!.message).toContain('5 % measured');
    expect(d.reasons[0]!.message).toContain('max_abandon_rate 3 %');
  });

  it('counts agents in wrap-up, with the queue’s wrap-up time, as about to be free', async () => {
    const h = await aPredictiveCampaign({ available: 4, busy: 4 });
    const queue = (await sys.customer.get(`/queues/${h.queueId}`)).body;
    const put = await sys.customer.put(`/queues/${h.queueId}`, {
      name: queue.name,
      detail: queue.detail,
      tag_ids: queue.tag_ids,
      wrapup_ms: 30_000,
    });
    expect(put.status).toBe(200);
    await seedRates(h.id, { humans: 30, abandoned: 0, unanswered: 70, ringMs: 20_000, talkMs: 60_000 });
    await steps.when.statusIsSet(h.id, 'run');
    // Three agents of the queue finishing their wrap-up, as the tick's wrap-up read finds them.
    const store = sys.engine.deps.engine;
    store.endWrapUps = async () => ({ ended: 0, wrappingUp: 3 });
    const agents = { available: 4, busy: 4, wrapup: 3, wrapupMs: 30_000 };
    const { decision } = await expectedBound(h, agents);
    const { decision: without } = await expectedBound(h, { ...agents, wrapup: 0 });
    expect(decision.bound).toBeGreaterThan(without.bound);

    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    expect(await dialingNow(h)).toBe(decision.bound);
  });

  it('dials further ahead for busy agents long on their calls than for agents who just took one', async () => {
    const long = await aPredictiveCampaign({ available: 2, busy: 8, busyForMs: 170_000 });
    const fresh = await aPredictiveCampaign({ available: 2, busy: 8, busyForMs: 0 });
    const rates = { humans: 40, abandoned: 0, unanswered: 60, ringMs: 20_000, talkMs: 135_000 };
    await seedRates(long.id, rates);
    await seedRates(fresh.id, rates);
    await steps.when.statusIsSet(long.id, 'run');
    await steps.when.statusIsSet(fresh.id, 'run');

    const since = (ms: number) => Array.from({ length: 8 }, () => ms);
    const { decision: longer } = await expectedBound(long, {
      available: 2,
      busy: 8,
      busyElapsedMs: since(170_000),
    });
    const { decision: newer } = await expectedBound(fresh, {
      available: 2,
      busy: 8,
      busyElapsedMs: since(0),
    });
    expect(longer.bound).toBeGreaterThan(newer.bound);

    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    expect(await dialingNow(long)).toBe(longer.bound);
    expect(await dialingNow(fresh)).toBe(newer.bound);
  });

  it('never rings more than the bound when ticks overlap with no lease between them', async () => {
    const h = await aPredictiveCampaign({ available: 3, busy: 12 });
    await seedRates(h.id, { humans: 25, abandoned: 0, unanswered: 75, ringMs: 20_000, talkMs: 30_000 });
    await steps.when.statusIsSet(h.id, 'run');
    const { decision } = await expectedBound(h, { available: 3, busy: 12 });
    expect(decision.bound).toBeGreaterThan(3);
    const store = sys.engine.deps.engine;
    store.acquireLease = async (id) => store.withRuntime((await store.getCampaign(id)) as EngineCampaign);

    await Promise.all([sys.engine.tick(), sys.engine.tick(), sys.engine.tick(), sys.engine.tick()]);
    await Promise.all([sys.engine.tick(), sys.engine.tick()]);

    expect((await steps.read.calls(h.id)).length).toBe(decision.bound);
  });

  it('paces from the prior before there is any data, and starts nothing without a queue', async () => {
    const h = await aPredictiveCampaign({ available: 6, busy: 0 });
    await steps.when.statusIsSet(h.id, 'run');
    const { rates, decision } = await expectedBound(h, { available: 6, busy: 0 });
    expect(rates).toEqual({ ended: 0, humanAnswered: 0, abandoned: 0 });
    await steps.when.theTickRuns();
    expect((await steps.read.calls(h.id)).length).toBe(decision.bound);

    const alone = await steps.given.campaign({
      targets: answering(3),
      campaign: { dialing_mode: 'predictive' },
    });
    for (let i = 0; i < 2; i++) await steps.when.aRound(5_000);
    expect(await steps.read.calls(alone.id)).toEqual([]);
    expect((await diagnosis(alone)).reasons.map((r) => r.code)).toEqual(['no_queue']);
  });

  it('counts a minute written twice once in the rates the engine reads', async () => {
    const h = await aPredictiveCampaign({ available: 1, busy: 0 });
    const events = await seedRates(h.id, {
      humans: 10,
      abandoned: 1,
      unanswered: 5,
      ringMs: 10_000,
      talkMs: 30_000,
    });
    await sys.engine.deps.timeseries.record([events]);
    await sys.engine.deps.timeseries.record([events, events]);
    expect(await sys.engine.deps.timeseries.recentRates(h.id, sys.clock.now())).toEqual({
      ended: 15,
      humanAnswered: 10,
      abandoned: 1,
      meanRingMs: 10_000,
      meanTalkMs: 30_000,
    });
  });
});
