/** "When will it finish?": GET /campaigns/{id}/forecast, before any data and against a finished run. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RING_MS, DEFAULT_TALK_MS } from '#domain/forecast.ts';
import { predictivePacing } from '#domain/predictive-pacing.ts';
import { phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest();

const forecastOf = async (id: string) => {
  const res = await ctx.sys.customer.get(`/campaigns/${id}/forecast`);
  expect(res.status).toBe(200);
  return res.body;
};

/** A stopped predictive campaign of 40 people on the queue of `tag`, one try each. */
const aStoppedPredictiveCampaign = (tag: string) =>
  ctx.steps.given.campaign({
    targets: Array.from({ length: 40 }, () => phone('answer')),
    outplan: { max_try_count_0: 1, try_interval: 0 },
    queueTags: [tag],
    run: false,
    campaign: { dialing_mode: 'predictive', max_concurrent_calls: 40 },
  });

describe('campaign forecast', () => {
  it('forecasts from the outplan and defaults before any call', async () => {
    const h = await ctx.steps.given.campaign({
      targets: Array.from({ length: 10 }, () => phone('answer')),
      outplan: { max_try_count_0: 2, try_interval: 0 },
      maxConcurrentCalls: 5,
      run: false,
    });
    const f = await forecastOf(h.id);
    expect(f).toMatchObject({ targets_left: 10, attempts_possible: 20, in_flight: 0, basis: 'defaults' });
    expect(f.attempts_expected).toBeGreaterThan(10);
    expect(f.attempts_expected).toBeLessThan(20);
    const now = ctx.sys.clock.now();
    expect(Date.parse(f.earliest_finish)).toBeGreaterThan(now);
    expect(Date.parse(f.earliest_finish)).toBeLessThan(Date.parse(f.estimated_finish));
    expect(Date.parse(f.estimated_finish)).toBeLessThan(Date.parse(f.latest_finish));
  });

  it('forecasts a run midway from its measured rates, and the run ends within the range', async () => {
    // Half the people answer (a 5 s call), half are busy; two tries each, retried at once.
    const targets = Array.from({ length: 24 }, (_, i) => phone(i % 2 ? 'answer' : 'busy'));
    const h = await ctx.steps.given.campaign({
      targets,
      outplan: { max_try_count_0: 2, try_interval: 0 },
      maxConcurrentCalls: 4,
    });
    for (let i = 0; i < 6; i++) await ctx.steps.when.aRound(2_000);
    const midway = await forecastOf(h.id);
    expect(midway.basis).toBe('measured');
    expect(midway.targets_left).toBeGreaterThan(0);

    await ctx.steps.when.runsToTheEnd(h.id, 2_000, 500);
    const ended = ctx.sys.clock.now();
    expect(ended).toBeGreaterThanOrEqual(Date.parse(midway.earliest_finish));
    expect(ended).toBeLessThanOrEqual(Date.parse(midway.latest_finish));

    const done = await forecastOf(h.id);
    expect(done).toMatchObject({ targets_left: 0, attempts_possible: 0, in_flight: 0, attempts_expected: 0 });
    // Nothing left: done now (the fake clock moves a millisecond per read).
    expect(Math.abs(Date.parse(done.estimated_finish) - ctx.sys.clock.now())).toBeLessThan(1_000);
  }, 120_000);

  it('forecasts a predictive campaign at the predictive bound, a slot held while a call rings', async () => {
    const tag = randomUUID();
    await ctx.steps.given.agents(8, 'available', [tag]);
    await ctx.steps.given.agents(2, 'busy', [tag]);
    const h = await aStoppedPredictiveCampaign(tag);
    // Before any data the tick's bound comes from the priors: the forecast must use the same one.
    const { bound } = predictivePacing({
      availableAgents: 8,
      busyAgents: 2,
      wrapupAgents: 0,
      wrapupMs: 0,
      maxConcurrentCalls: 40,
      maxAbandonRate: 0.03,
      rates: { ended: 0, humanAnswered: 0, abandoned: 0 },
    });
    const f = await forecastOf(h.id);
    expect(f).toMatchObject({ targets_left: 40, basis: 'defaults' });
    // Calls ring for the ring time each, and the ten agents talk to as many people as they can.
    const ringing = (bound * 60_000) / DEFAULT_RING_MS;
    const talking = (10 * 60_000) / (f.success_rate * DEFAULT_TALK_MS);
    expect(f.attempts_per_minute).toBeCloseTo(Math.min(ringing, talking), 0);

    // The same list on a power-dialing campaign with the same agents is forecast slower.
    const power = await ctx.steps.given.campaign({
      targets: Array.from({ length: 40 }, () => phone('answer')),
      outplan: { max_try_count_0: 1, try_interval: 0 },
      queueTags: [tag],
      run: false,
      campaign: { dialing_mode: 'progressive' },
    });
    const slower = await forecastOf(power.id);
    expect(slower.attempts_per_minute).toBeLessThan(f.attempts_per_minute);
  });

  it('forecasts a predictive campaign whose agents are all on calls by how long each has been on it, as the tick paces', async () => {
    const tag = randomUUID();
    await ctx.steps.given.agents(10, 'busy', [tag]);
    const h = await aStoppedPredictiveCampaign(tag);
    // Every agent has just taken a call: none is expected free within a ring, so nothing can dial.
    const justBegun = await forecastOf(h.id);
    expect(justBegun).toMatchObject({ targets_left: 40, attempts_per_minute: 0, estimated_finish: null });

    // 200 s on, past the longest call the priors expect (120 s ± 50 %): every agent is about to be
    // free, and the forecast paces by the bound the tick would use.
    await ctx.steps.when.timePasses(200_000);
    const { bound } = predictivePacing({
      availableAgents: 0,
      busyAgents: 10,
      busyElapsedMs: Array.from({ length: 10 }, () => 200_000),
      wrapupAgents: 0,
      wrapupMs: 0,
      maxConcurrentCalls: 40,
      maxAbandonRate: 0.03,
      rates: { ended: 0, humanAnswered: 0, abandoned: 0 },
    });
    expect(bound).toBeGreaterThan(0);
    const longOn = await forecastOf(h.id);
    const ringing = (bound * 60_000) / DEFAULT_RING_MS;
    const talking = (10 * 60_000) / (longOn.success_rate * DEFAULT_TALK_MS);
    expect(longOn.attempts_per_minute).toBeCloseTo(Math.min(ringing, talking), 0);
    expect(Date.parse(longOn.estimated_finish)).toBeGreaterThan(ctx.sys.clock.peek());
  });

  it('forecasts a predictive campaign counting an agent whose wrap-up is over as free, before a tick frees them', async () => {
    const tag = randomUUID();
    const [agentId] = await ctx.steps.given.agents(1, 'available', [tag]);
    // One call on the team's queue, with 30 s of wrap-up after it.
    const first = await ctx.steps.given.campaign({
      targets: [phone('answer')],
      outplan: { max_try_count_0: 1, try_interval: 0 },
      queueTags: [tag],
      campaign: { dialing_mode: 'predictive' },
    });
    const queue = (await ctx.sys.customer.get(`/queues/${first.queueId}`)).body;
    const put = await ctx.sys.customer.put(`/queues/${first.queueId}`, {
      name: queue.name,
      detail: queue.detail,
      tag_ids: queue.tag_ids,
      wrapup_ms: 30_000,
    });
    expect(put.status).toBe(200);
    await ctx.steps.when.theTickRuns();
    await ctx.steps.when.theDialerRuns();
    await ctx.steps.when.timePasses(8_000); // answered at 2 s, ended at 7 s
    expect((await ctx.sys.customer.get(`/agents/${agentId}`)).body.status).toBe('wrapup');

    const next = await ctx.steps.given.campaign({
      targets: Array.from({ length: 20 }, () => phone('answer')),
      outplan: { max_try_count_0: 1, try_interval: 0 },
      queueTags: [tag],
      run: false,
      campaign: { dialing_mode: 'predictive', queue_id: first.queueId },
    });
    // In wrap-up: not free, and not about to be within a ring.
    expect(await forecastOf(next.id)).toMatchObject({ attempts_per_minute: 0, estimated_finish: null });
    // Its wrap-up is over; no tick has made it available yet, but the next one will, before it paces.
    await ctx.steps.when.timePasses(30_000);
    expect((await ctx.sys.customer.get(`/agents/${agentId}`)).body.status).toBe('wrapup');
    const freed = await forecastOf(next.id);
    expect(freed.attempts_per_minute).toBeGreaterThan(0);
    expect(Date.parse(freed.estimated_finish)).toBeGreaterThan(ctx.sys.clock.peek());
  });
});
