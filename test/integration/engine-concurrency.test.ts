/**
 * At-least-once delivery and overlapping work: a dial job delivered twice (or to two dialers at once)
 * places one call; ticks that overlap never claim a target twice nor start more than the cap allows.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { itemKey, lineKey, openAttemptKeys } from '#adapters/dynamodb/keys.ts';
import type { EngineCampaign } from '#ports/engine-store.ts';
import { placeCall, RetryLater } from '#services/engine/place-call.ts';
import { countPlacements, expectEngineInvariants, phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest();

const answering = (n: number) => Array.from({ length: n }, () => phone('answer'));

/** A running one-target campaign whose attempt is claimed and its dial job queued, not yet placed. */
const aClaimedAttempt = async () => {
  const h = await ctx.steps.given.campaign({ targets: answering(1) });
  await ctx.steps.when.theTickRuns();
  const [call] = await ctx.steps.read.calls(h.id);
  expect(call).toMatchObject({ status: 'dialing', reference_id: '00000000-0000-0000-0000-000000000000' });
  return { h, call, job: { campaigncallId: call.id as string } };
};

describe('a dial job delivered more than once', () => {
  it('places one call when the same job is queued three times', async () => {
    const placements = countPlacements(ctx.sys);
    const { call, job } = await aClaimedAttempt();

    await ctx.sys.engine.deps.dialQueue.send([job, job]);
    expect(await ctx.steps.when.theDialerRuns()).toBe(3);

    expect(placements.requests.get(call.id)).toBe(1);
    expect((await ctx.steps.read.call(call.id)).reference_id).toMatch(/^SIM/);
  });

  it('places nothing more when the job comes back after the call was placed, or after it ended', async () => {
    const placements = countPlacements(ctx.sys);
    const { call, job } = await aClaimedAttempt();
    await ctx.steps.when.theDialerRuns();
    const placed = await ctx.steps.read.call(call.id);

    await ctx.sys.engine.deps.dialQueue.send([job]);
    await ctx.steps.when.theDialerRuns();
    expect(await ctx.steps.read.call(call.id)).toEqual(placed);

    await ctx.steps.when.timePasses(7_000);
    await ctx.sys.engine.deps.dialQueue.send([job]);
    await ctx.steps.when.theDialerRuns();

    expect(placements.requests.get(call.id)).toBe(1);
    expect(await ctx.steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'success' });
  });

  it('places one call when two dialers take the same job at the same moment', async () => {
    const placements = countPlacements(ctx.sys);
    const { call, job } = await aClaimedAttempt();

    const outcomes = await Promise.all([
      placeCall(ctx.sys.engine.deps, job),
      placeCall(ctx.sys.engine.deps, job),
    ]);
    await ctx.steps.when.theDialerRuns(); // the queued copy as well

    expect(outcomes.sort()).toEqual(['duplicate', 'placed']);
    expect(placements.requests.get(call.id)).toBe(1);
  });

  it('asks again after the carrier throttled the placement, and places the call once', async () => {
    const placements = countPlacements(ctx.sys, (_, n) =>
      n === 1 ? { ok: false, kind: 'throttled', retryAfterMs: 1_000 } : undefined,
    );
    const { call, job } = await aClaimedAttempt();

    await expect(placeCall(ctx.sys.engine.deps, job)).rejects.toBeInstanceOf(RetryLater);
    expect(await ctx.steps.read.call(call.id)).toMatchObject({ status: 'dialing' });
    expect(await placeCall(ctx.sys.engine.deps, job)).toBe('placed');
    expect(await placeCall(ctx.sys.engine.deps, job)).toBe('duplicate');

    expect(placements.requests.get(call.id)).toBe(2);
    expect(placements.placed.get(call.id)).toBe(1);
  });

  it('brings a throttled job back after the carrier’s Retry-After, not the queue’s visibility timeout', async () => {
    countPlacements(ctx.sys, (_, n) =>
      n === 1 ? { ok: false, kind: 'throttled', retryAfterMs: 2_000 } : undefined,
    );
    const queue = ctx.sys.engine.deps.dialQueue;
    const postpone = queue.postpone?.bind(queue);
    const postponed: number[] = [];
    queue.postpone = async (handle, delayMs) => {
      postponed.push(delayMs);
      await postpone?.(handle, delayMs);
    };
    await aClaimedAttempt();
    await ctx.steps.when.theDialerRuns();
    // First receive: the carrier's Retry-After (2 s) is longer than the first backoff step (1 s).
    expect(postponed).toEqual([2_000]);
  });

  it('never asks again after a placement with an unknown outcome: a call may exist', async () => {
    const placements = countPlacements(ctx.sys, () => ({ ok: false, kind: 'unknown', detail: 'timed out' }));
    const { call, job } = await aClaimedAttempt();
    await ctx.steps.when.theDialerRuns();

    await ctx.sys.engine.deps.dialQueue.send([job, job]);
    await ctx.steps.when.theDialerRuns();

    expect(placements.requests.get(call.id)).toBe(1);
    expect(await ctx.steps.read.call(call.id)).toMatchObject({ status: 'dialing' });
  });
});

describe('overlapping ticks', () => {
  it('two ticks at once claim each target once and never more than the cap, round after round', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(20), maxConcurrentCalls: 5 });

    const first = await Promise.all([ctx.sys.engine.tick(), ctx.sys.engine.tick()]);
    const mine = first.flat().filter((r) => r.campaignId === h.id);
    expect(mine.map((r) => r.outcome).sort()).toEqual(['dialed', 'leased-elsewhere']);
    expect(mine.reduce((n, r) => n + r.claimed, 0)).toBe(5);

    for (let round = 0; round < 40 && (await ctx.steps.read.status(h.id)) !== 'stop'; round++) {
      await Promise.all([ctx.sys.engine.tick(), ctx.sys.engine.tick()]);
      const { calls } = await expectEngineInvariants(ctx.sys, h);
      expect(calls.filter((x) => x.status !== 'done').length).toBeLessThanOrEqual(5);
      await ctx.steps.when.theDialerRuns();
      await ctx.steps.when.timePasses(3_500);
    }

    expect(await ctx.steps.read.status(h.id)).toBe('stop');
    const calls = await ctx.steps.read.calls(h.id);
    expect(calls).toHaveLength(20);
    expect(new Set(calls.map((x) => x.outdial_target_id)).size).toBe(20);
  });

  it('claims nothing while another tick holds the lease, and takes over once the lease lapses', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(8), maxConcurrentCalls: 5 });
    const { leaseMs } = ctx.sys.engine.deps.settings;
    expect(
      await ctx.sys.engine.deps.engine.acquireLease(h.id, 'another tick', ctx.sys.clock.now(), leaseMs),
    ).toBeTruthy();

    const held = await ctx.sys.engine.tick();
    await ctx.steps.when.timePasses(leaseMs - 1_000);
    const stillHeld = await ctx.sys.engine.tick();

    expect(held.find((r) => r.campaignId === h.id)?.outcome).toBe('leased-elsewhere');
    expect(stillHeld.find((r) => r.campaignId === h.id)?.outcome).toBe('leased-elsewhere');
    expect(await ctx.steps.read.calls(h.id)).toEqual([]);

    await ctx.steps.when.timePasses(1_001);
    const taken = await ctx.sys.engine.tick();
    expect(taken.find((r) => r.campaignId === h.id)).toMatchObject({ outcome: 'dialed', claimed: 5 });
    await expectEngineInvariants(ctx.sys, h);
  });

  it('never claims a target twice even when ticks overlap with no lease between them', async () => {
    // A cap whose share on every runtime shard (1000 / 32) exceeds what four ticks can put on one
    // shard, so the only refusals left are the targets the ticks race for.
    const h = await ctx.steps.given.campaign({ targets: answering(12), maxConcurrentCalls: 1000 });
    // Every tick gets the campaign as if the lease had lapsed mid-tick: only the claim itself guards.
    const store = ctx.sys.engine.deps.engine;
    store.acquireLease = async (id) => store.withRuntime((await store.getCampaign(id)) as EngineCampaign);
    const claim = store.claim.bind(store);
    const refused: string[] = [];
    store.claim = async (...args) => {
      // A moment before each claim, so every tick has read the same due targets before any claim
      // commits: without it a fast first tick could claim all twelve before the others read them.
      await new Promise((r) => setTimeout(r, 25));
      const result = await claim(...args);
      if (result !== 'claimed') refused.push(typeof result === 'string' ? result : result.held);
      return result;
    };

    await Promise.all([
      ctx.sys.engine.tick(),
      ctx.sys.engine.tick(),
      ctx.sys.engine.tick(),
      ctx.sys.engine.tick(),
    ]);

    expect(refused.length, 'the ticks raced for the same targets').toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(['target-taken']));
    const { calls, targets } = await expectEngineInvariants(ctx.sys, h);
    expect(calls).toHaveLength(12);
    expect(new Set(calls.map((x) => x.outdial_target_id)).size).toBe(12);
    expect(targets.map((t) => [t.status, t.try_count_0])).toEqual(Array(12).fill(['progressing', 1]));
  });
  it('never opens more calls than the cap even when ticks overlap with no lease between them', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(20), maxConcurrentCalls: 5 });
    const store = ctx.sys.engine.deps.engine;
    // As if every tick's lease had lapsed: the bound inside the claim transaction is all that guards.
    store.acquireLease = async (id) => store.withRuntime((await store.getCampaign(id)) as EngineCampaign);

    await Promise.all([
      ctx.sys.engine.tick(),
      ctx.sys.engine.tick(),
      ctx.sys.engine.tick(),
      ctx.sys.engine.tick(),
    ]);

    const calls = await ctx.steps.read.calls(h.id);
    expect(calls).toHaveLength(5);
    expect(new Set(calls.map((x: { outdial_target_id: string }) => x.outdial_target_id)).size).toBe(5);
  });
});

describe('one person, several targets', () => {
  /** Every open attempt of the customer, across all of its campaigns, by destination number. */
  const openByNumber = async (campaignIds: string[]) => {
    const open = (await Promise.all(campaignIds.map((id) => ctx.steps.read.openCalls(id)))).flat();
    const counts = new Map<string, number>();
    for (const c of open) counts.set(c.destination.target, (counts.get(c.destination.target) ?? 0) + 1);
    return counts;
  };

  it('never rings a number twice at once, whether it is in a list twice or in two campaigns, and dials each target', async () => {
    const shared = phone('answer');
    const other = phone('answer');
    const first = await ctx.steps.given.campaign({
      targets: [shared, other, shared, [phone('busy'), shared]],
      maxConcurrentCalls: 10,
      outplan: { max_try_count_0: 1, max_try_count_1: 1, try_interval: 1_000 },
    });
    const second = await ctx.steps.given.campaign({
      targets: [shared],
      maxConcurrentCalls: 10,
      outplan: { try_interval: 1_000 },
    });
    const ids = [first.id, second.id];

    let rounds = 0;
    let busiest = 0;
    while (
      (await ctx.steps.read.status(first.id)) !== 'stop' ||
      (await ctx.steps.read.status(second.id)) !== 'stop'
    ) {
      expect(++rounds, 'both campaigns end').toBeLessThan(60);
      await ctx.steps.when.aRound(2_000);
      const counts = await openByNumber(ids);
      busiest = Math.max(busiest, ...counts.values());
      expect(counts.get(shared) ?? 0, `open attempts to ${shared} after round ${rounds}`).toBeLessThanOrEqual(
        1,
      );
    }
    expect(busiest).toBe(1);

    // Every target still got its call, one after the other: four calls to the shared number in all.
    const calls = (await Promise.all(ids.map((id) => ctx.steps.read.calls(id)))).flat();
    const toShared = calls.filter((c) => c.destination.target === shared);
    expect(toShared).toHaveLength(4);
    expect(toShared.every((c) => c.status === 'done' && c.result === 'success')).toBe(true);
    // Their lives do not overlap: each starts after the one before it ended.
    const spans = toShared
      .map((c) => ({ from: c.tm_create as string, to: c.tm_update as string }))
      .sort((a, b) => (a.from < b.from ? -1 : 1));
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.from >= spans[i - 1]!.to).toBe(true);
    expect(calls.filter((c) => c.destination.target === other)).toHaveLength(1);
    await expectEngineInvariants(ctx.sys, first);
    await expectEngineInvariants(ctx.sys, second);
  });

  it('lets the rest of the list past a person listed many times, and calls that person again after the retry interval', async () => {
    // A switchboard number shared by twelve contacts, uploaded first, then five other people.
    const switchboard = phone('answer');
    const others = answering(5);
    const h = await ctx.steps.given.campaign({
      targets: [...Array.from({ length: 12 }, () => switchboard), ...others],
      maxConcurrentCalls: 3,
      outplan: { try_interval: 60_000 },
    });

    await ctx.steps.when.aRound(1_000);
    await ctx.steps.when.aRound(1_000);
    const calls = await ctx.steps.read.calls(h.id);
    // One call to the switchboard; the other two places went to the people behind it.
    expect(calls.filter((c) => c.destination.target === switchboard)).toHaveLength(1);
    expect(calls.filter((c) => others.includes(c.destination.target))).toHaveLength(2);
    await expectEngineInvariants(ctx.sys, h);

    // Deferred contacts wait the retry interval (from when they were put back), then are called one
    // at a time, each as its own target with its own try.
    await ctx.steps.when.runsToTheEnd(h.id, 10_000, 400);
    const all = await ctx.steps.read.calls(h.id);
    expect(all.filter((c) => c.destination.target === switchboard)).toHaveLength(12);
    expect(new Set(all.map((c) => c.outdial_target_id)).size).toBe(17);
    expect(all.every((c) => c.result === 'success' && c.try_count === 1)).toBe(true);
    await expectEngineInvariants(ctx.sys, h);
  });

  it('closes an attempt opened before lines existed without freeing the line another attempt holds', async () => {
    const person = phone('answer');
    const lineOf = ctx.steps.read.lineHolder;
    const older = await ctx.steps.given.campaign({ targets: [person], outplan: { try_interval: 1_000 } });
    await ctx.steps.when.theTickRuns();
    const [first] = await ctx.steps.read.calls(older.id);
    // As an attempt opened by a version before lines: it holds no line, and the attempt itself is
    // listed among its campaign's open ones.
    await ctx.sys.ddb.send(
      new DeleteCommand({
        TableName: ctx.sys.tableName,
        Key: lineKey(ctx.sys.customer.customerId, first.destination),
      }),
    );
    await ctx.sys.ddb.send(
      new UpdateCommand({
        TableName: ctx.sys.tableName,
        Key: itemKey('campaigncall', first.id),
        UpdateExpression: 'SET gsi4pk = :pk, gsi4sk = :sk',
        ExpressionAttributeValues: {
          ':pk': openAttemptKeys(older.id, first.tm_create, first.id).gsi4pk,
          ':sk': openAttemptKeys(older.id, first.tm_create, first.id).gsi4sk,
        },
      }),
    );
    const newer = await ctx.steps.given.campaign({ targets: [person], outplan: { try_interval: 1_000 } });
    await ctx.steps.when.theTickRuns();
    const [second] = await ctx.steps.read.calls(newer.id);
    expect(second.status).toBe('dialing');
    expect(await lineOf(second.destination)).toBe(second.id);

    // The older attempt ends (a forced stop cancels it): the newer one keeps its line.
    await ctx.sys.customer.put(`/campaigns/${older.id}/status`, { status: 'stop', force: true });
    await ctx.steps.when.theTickRuns();
    expect((await ctx.steps.read.call(first.id)).status).toBe('done');
    expect(await lineOf(second.destination)).toBe(second.id);

    await ctx.steps.when.runsToTheEnd(newer.id);
    expect((await ctx.steps.read.call(second.id)).result).toBe('success');
    expect(await lineOf(second.destination)).toBeUndefined();
    await expectEngineInvariants(ctx.sys, newer);
  });
});
