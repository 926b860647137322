/**
 * Pacing (§5.3): with a queue a tick starts calls only while floor(available agents × service_level / 100)
 * exceeds the campaign's ringing (`dialing`) attempts; without a queue, open attempts never exceed the
 * campaign's max_concurrent_calls.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CampaignHandle, isOpen, phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest();

const answering = (n: number) => Array.from({ length: n }, () => phone('answer'));

/** Runs one tick and the dialer; returns the campaign's attempts before and after. */
const tickAndDial = async (h: CampaignHandle) => {
  const before = await ctx.steps.read.calls(h.id);
  await ctx.steps.when.theTickRuns();
  await ctx.steps.when.theDialerRuns();
  const after = await ctx.steps.read.calls(h.id);
  const dialing = (xs: any[]) => xs.filter((x) => x.status === 'dialing').length;
  return {
    started: after.length - before.length,
    dialingBefore: dialing(before),
    dialingAfter: dialing(after),
    open: after.filter(isOpen).length,
    total: after.length,
  };
};

describe('pacing by a queue', () => {
  it.each([
    { agents: 3, level: 100, expected: 3 },
    { agents: 3, level: 50, expected: 1 },
    { agents: 4, level: 50, expected: 2 },
    { agents: 10, level: 30, expected: 3 },
    { agents: 1, level: 80, expected: 0 },
    { agents: 0, level: 100, expected: 0 },
    { agents: 5, level: 0, expected: 0 },
  ])(
    'with $agents available agents at service level $level, ticks keep $expected calls ringing',
    async ({ agents, level, expected }) => {
      const tag = randomUUID();
      await ctx.steps.given.agents(agents, 'available', [tag]);
      // Agents that are not available, or not serving the queue, never add capacity.
      await ctx.steps.given.agents(2, 'busy', [tag]);
      await ctx.steps.given.agents(1, 'offline', [tag]);
      await ctx.steps.given.agents(3, 'available', [randomUUID()]);
      const h = await ctx.steps.given.campaign({
        targets: answering(12),
        queueTags: [tag],
        campaign: { service_level: level },
      });

      const first = await tickAndDial(h);
      const second = await tickAndDial(h);

      expect(first.started).toBe(expected);
      expect(second.started).toBe(0);
      expect(second.dialingAfter).toBe(expected);
    },
  );

  it('lets more calls ring as agents become available, and starts none while they are busy or on calls', async () => {
    const tag = randomUUID();
    const agents = await ctx.steps.given.agents(6, 'offline', [tag]);
    await ctx.steps.when.agentIs(agents[0]!, 'available');
    const h = await ctx.steps.given.campaign({ targets: answering(20), queueTags: [tag] });
    const setAvailable = (n: number) =>
      Promise.all(agents.map((id, i) => ctx.steps.when.agentIs(id, i < n ? 'available' : 'busy')));
    /** One tick, checked against §5.3 with the agents available just before it (service level 100). */
    const tickChecked = async () => {
      const capacity = await ctx.sys.engine.deps.agents.countAvailable(ctx.sys.customer.customerId, [tag]);
      const r = await tickAndDial(h);
      expect(r.started).toBe(Math.max(0, capacity - r.dialingBefore));
      expect(r.dialingAfter).toBeLessThanOrEqual(Math.max(capacity, r.dialingBefore));
      return { ...r, capacity };
    };

    expect(await tickChecked()).toMatchObject({ capacity: 1, dialingAfter: 1 });
    await setAvailable(3);
    expect(await tickChecked()).toMatchObject({ capacity: 3, dialingAfter: 3 });
    await setAvailable(6);
    expect(await tickChecked()).toMatchObject({ capacity: 6, dialingAfter: 6 });

    // Four agents go busy: nothing new starts, and the calls already ringing are not touched.
    await setAvailable(2);
    expect(await tickChecked()).toMatchObject({ started: 0, dialingAfter: 6, total: 6 });

    // Everyone is back, then the six calls are answered and each takes an agent: no capacity is left.
    await setAvailable(6);
    await ctx.steps.when.timePasses(2_000);
    expect(await tickChecked()).toMatchObject({ capacity: 0, started: 0, dialingBefore: 0, open: 6 });

    // The calls end and free their agents: six more may ring.
    await ctx.steps.when.timePasses(5_000);
    expect(await tickChecked()).toMatchObject({ capacity: 6, started: 6, dialingAfter: 6, total: 12 });
  });

  it('never dials at service level 0, however many agents are available, until the level is raised', async () => {
    const tag = randomUUID();
    await ctx.steps.given.agents(5, 'available', [tag]);
    const h = await ctx.steps.given.campaign({
      targets: answering(5),
      queueTags: [tag],
      campaign: { service_level: 0 },
    });

    for (let i = 0; i < 10; i++) await ctx.steps.when.aRound(5_000);

    expect(await ctx.steps.read.calls(h.id)).toEqual([]);
    expect(await ctx.steps.read.status(h.id)).toBe('run');
    const targets = await ctx.steps.read.targets(h.outdialId);
    expect(targets.map((t) => [t.status, t.try_count_0])).toEqual(Array(5).fill(['idle', 0]));

    expect(
      (await ctx.sys.customer.put(`/campaigns/${h.id}/service_level`, { service_level: 40 })).status,
    ).toBe(200);
    expect((await tickAndDial(h)).started).toBe(2);
  });
});

describe('the concurrency cap without a queue', () => {
  it('never has more open attempts than max_concurrent_calls, and still dials the whole list', async () => {
    const targets = Array.from({ length: 14 }, (_, i) =>
      phone((['answer', 'busy', 'noanswer', 'answer', 'failed', 'machine', 'answer'] as const)[i % 7]!),
    );
    const h = await ctx.steps.given.campaign({
      targets,
      maxConcurrentCalls: 3,
      outplan: { max_try_count_0: 2, max_try_count_1: 0, try_interval: 0, dial_timeout: 10_000 },
    });

    let highest = 0;
    for (let round = 0; round < 300 && (await ctx.steps.read.status(h.id)) !== 'stop'; round++) {
      await ctx.steps.when.theTickRuns();
      const afterTick = (await ctx.steps.read.openCalls(h.id)).length;
      await ctx.steps.when.theDialerRuns();
      expect(afterTick).toBeLessThanOrEqual(3);
      expect((await ctx.steps.read.counters(h.id)).inflight).toBeLessThanOrEqual(3);
      highest = Math.max(highest, afterTick);
      await ctx.steps.when.timePasses(1_000);
    }

    expect(await ctx.steps.read.status(h.id)).toBe('stop');
    expect(highest).toBe(3);
    const calls = await ctx.steps.read.calls(h.id);
    expect(calls.filter((x) => x.result === 'success')).toHaveLength(6);
    expect(calls).toHaveLength(6 + 8 * 2);
  });

  it('dials a list in the order it was uploaded, batch after batch', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(120), maxConcurrentCalls: 20 });
    await ctx.steps.when.runsToTheEnd(h.id);
    const calls = await ctx.steps.read.calls(h.id);
    expect(calls).toHaveLength(120);
    // One tick's claims share a tm_create; every later tick claims only targets uploaded later.
    const rank = new Map(h.targets.map((t, i) => [t.id, i]));
    const ticks = new Map<string, number[]>();
    for (const c of calls)
      ticks.set(c.tm_create, [...(ticks.get(c.tm_create) ?? []), rank.get(c.outdial_target_id)!]);
    const ranks = [...ticks.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, r]) => r.sort((x, y) => x - y));
    expect(ranks[0]).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let k = 1; k < ranks.length; k++) expect(ranks[k]![0]).toBeGreaterThan(ranks[k - 1]!.at(-1)!);
    expect(ranks.flat()).toHaveLength(120);
  });

  it('caps a campaign created without max_concurrent_calls at the default of 10 open attempts', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(15) });

    const first = await tickAndDial(h);
    const second = await tickAndDial(h);

    expect(first.open).toBe(10);
    expect(second.started).toBe(0);
  });

  it('counts answered calls against the cap: a slot frees only when a call ends', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(6), maxConcurrentCalls: 2 });

    expect((await tickAndDial(h)).started).toBe(2);
    await ctx.steps.when.timePasses(2_000); // both answered, still talking
    expect(await tickAndDial(h)).toMatchObject({ started: 0, open: 2 });
    await ctx.steps.when.timePasses(5_000); // both hung up
    expect(await tickAndDial(h)).toMatchObject({ started: 2, open: 2, total: 4 });
  });
});

describe('the carrier’s calls-per-second budget, shared by every campaign', () => {
  it('starts no more calls per tick than the budget across all campaigns, and every campaign gets its turn', async () => {
    const { given, read } = ctx.steps;
    ctx.sys.engine.deps.settings.claimsPerTick = 4;
    const campaigns = await Promise.all(
      [1, 2, 3, 4].map(() => given.campaign({ targets: answering(6), maxConcurrentCalls: 10 })),
    );
    const startedPerTick: number[] = [];
    const reached = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const ticks = await ctx.sys.engine.tick();
      startedPerTick.push(ticks.reduce((a, t) => a + t.claimed, 0));
      for (const t of ticks) if (t.claimed > 0) reached.add(t.campaignId);
      await ctx.sys.engine.drain();
      await ctx.sys.scheduler.advance(1_000);
    }

    expect(startedPerTick).toEqual([4, 4, 4, 4]);
    // Each campaign may take at most its share (budget / campaigns) in one tick, so all four got calls.
    expect(reached).toEqual(new Set(campaigns.map((h) => h.id)));
    const calls = (await Promise.all(campaigns.map((h) => read.calls(h.id)))).flat();
    expect(calls).toHaveLength(16);
  });

  it('has no shared limit without a budget (the simulator)', async () => {
    const { given } = ctx.steps;
    expect(ctx.sys.engine.deps.settings.claimsPerTick).toBeUndefined();
    await Promise.all([1, 2].map(() => given.campaign({ targets: answering(5), maxConcurrentCalls: 10 })));
    const ticks = await ctx.sys.engine.tick();
    expect(ticks.reduce((a, t) => a + t.claimed, 0)).toBe(10);
  });
});

describe('dialing modes', () => {
  it('rings one call per available agent in progressive mode, whatever the service level, never more', async () => {
    const tag = randomUUID();
    const agents = await ctx.steps.given.agents(4, 'available', [tag]);
    await ctx.steps.given.agents(2, 'busy', [tag]);
    const h = await ctx.steps.given.campaign({
      targets: answering(12),
      queueTags: [tag],
      campaign: { dialing_mode: 'progressive', service_level: 25 },
    });

    const first = await tickAndDial(h);
    const second = await tickAndDial(h);
    expect(first.started).toBe(4);
    expect(second).toMatchObject({ started: 0, dialingAfter: 4 });

    // Two agents step away: the calls ringing are not touched, and nothing new starts until the ringing
    // calls fall below the agents left.
    await ctx.steps.when.agentIs(agents[0]!, 'away');
    await ctx.steps.when.agentIs(agents[1]!, 'away');
    expect((await tickAndDial(h)).started).toBe(0);
  });

  it('starts nothing in progressive mode without a queue', async () => {
    const h = await ctx.steps.given.campaign({
      targets: answering(3),
      campaign: { dialing_mode: 'progressive' },
    });
    for (let i = 0; i < 3; i++) await ctx.steps.when.aRound(5_000);
    expect(await ctx.steps.read.calls(h.id)).toEqual([]);
  });

  it('paces an agentless campaign by its cap, ignores its queue, and its answered calls wait for nobody', async () => {
    const tag = randomUUID();
    await ctx.steps.given.agents(1, 'available', [tag]);
    const h = await ctx.steps.given.campaign({
      targets: answering(5),
      queueTags: [tag],
      campaign: { dialing_mode: 'agentless', max_concurrent_calls: 3 },
    });

    expect((await tickAndDial(h)).started).toBe(3);
    const calls = await ctx.steps.read.calls(h.id);
    expect(new Set(calls.map((c) => c.queue_id))).toEqual(new Set(['00000000-0000-0000-0000-000000000000']));
    await ctx.steps.when.runsToTheEnd(h.id);
    const done = await ctx.steps.read.calls(h.id);
    expect(done.filter((c) => c.result === 'success')).toHaveLength(5);
  });
});
