/**
 * A campaign's life under the engine (§4.1, §5.2, §10.3): stop while calls are in flight, the end of
 * the list under end_handle stop and continue, and next_campaign_id on a natural end only.
 */
import { describe, expect, it } from 'vitest';
import { countPlacements, expectEngineInvariants, phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest();

const stored = (id: string) => ctx.sys.engine.deps.engine.getCampaigncall(id);

const tickAndDial = async () => {
  await ctx.steps.when.theTickRuns();
  await ctx.steps.when.theDialerRuns();
};

describe('stopping a campaign', () => {
  it('goes to stopping while calls are in flight, starts nothing new, and stops when the last call ends', async () => {
    const { given, when, read } = ctx.steps;
    // Busy ends after 1 s, the answered call after 7 s; a retry of the busy target is due at once.
    const h = await given.campaign({
      targets: [[phone('busy')], [phone('answer')]],
      maxConcurrentCalls: 2,
      outplan: { max_try_count_0: 3, max_try_count_1: 0, try_interval: 0 },
    });
    await given.targets(h.outdialId, [phone('answer'), phone('answer')]);
    await tickAndDial();
    expect(await read.openCalls(h.id)).toHaveLength(2);

    const stopped = await when.statusIsSet(h.id, 'stop');
    expect(stopped.body.status).toBe('stopping');
    await tickAndDial();
    expect(await read.calls(h.id)).toHaveLength(2);

    await when.timePasses(1_500); // the busy call has ended
    expect(await read.openCalls(h.id)).toHaveLength(1);
    expect(await read.status(h.id)).toBe('stopping');
    for (let i = 0; i < 3; i++) await tickAndDial();
    expect(await read.calls(h.id)).toHaveLength(2);
    expect(await read.status(h.id)).toBe('stopping');

    await when.timePasses(5_500); // the answered call has hung up: stop without waiting for a tick
    expect(await read.status(h.id)).toBe('stop');
    expect((await ctx.sys.engine.tick()).map((r) => r.campaignId)).not.toContain(h.id);
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    const calls = await read.calls(h.id);
    expect(calls.map((x) => [x.status, x.result]).sort()).toEqual([
      ['done', 'fail'],
      ['done', 'success'],
    ]);
  });

  it('stops at once when nothing is in flight, and never dials again', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({ targets: [phone('answer')] });

    expect((await when.statusIsSet(h.id, 'stop')).body.status).toBe('stop');
    for (let i = 0; i < 3; i++) await when.aRound(5_000);

    expect(await read.calls(h.id)).toEqual([]);
  });

  it('resumes dialing when a stopping campaign is set to run again', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({ targets: [phone('answer'), phone('answer')], maxConcurrentCalls: 1 });
    await tickAndDial();
    expect((await when.statusIsSet(h.id, 'stop')).body.status).toBe('stopping');
    await tickAndDial();
    expect(await read.calls(h.id)).toHaveLength(1);

    expect((await when.statusIsSet(h.id, 'run')).body.status).toBe('run');
    await when.runsToTheEnd(h.id);

    expect((await read.calls(h.id)).map((x) => x.result)).toEqual(['success', 'success']);
  });
});

describe('a forced stop', () => {
  const forceStop = (id: string) =>
    ctx.sys.customer.put(`/campaigns/${id}/status`, { status: 'stop', force: true });

  it('hangs up the calls in flight at once instead of waiting for them, and stops', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({ targets: [phone('answer'), phone('answer')], maxConcurrentCalls: 2 });
    await tickAndDial();
    await when.timePasses(2_500); // both answered; each would talk for 5 s more
    expect((await read.openCalls(h.id)).map((c) => c.status)).toEqual(['progressing', 'progressing']);

    expect((await forceStop(h.id)).body.status).toBe('stopping');
    await when.theTickRuns();

    // Well before the talk time is over: both calls ended by us, and the campaign is stopped.
    expect(await read.openCalls(h.id)).toEqual([]);
    for (const c of await read.calls(h.id)) {
      const state = await ctx.sys.engine.deps.provider.getCall(c.reference_id);
      expect(state?.phase).toBe('ended');
    }
    expect(await read.status(h.id)).toBe('stop');
    expect(await read.counters(h.id)).toEqual({ inflight: 0, dialing: 0 });
    // Cut short by us: no success, whatever the provider reports about the hangup.
    for (const c of await read.calls(h.id)) {
      expect(c.result).toBe('fail');
      expect((await stored(c.id))?._reason).toBe('cancel');
    }
  });

  it('records what it hangs up as cancel (machines keep amd), stops at once, and the next run retries those targets', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({
      targets: [phone('answer'), phone('answer'), phone('machine'), phone('noanswer')],
      outplan: { try_interval: 0, max_try_count_0: 2, max_try_count_1: 0 },
    });
    await tickAndDial();
    // People talking, a machine answered (its verdict due at 3 s), one still ringing.
    await when.timePasses(2_500);
    await given.targets(h.outdialId, [phone('answer')]);
    await when.theTickRuns(); // the new target's attempt is claimed, its dial job not run yet
    const before = await read.calls(h.id);
    expect(before.map((c) => c.status).sort()).toEqual([
      'dialing',
      'dialing',
      'progressing',
      'progressing',
      'progressing',
    ]);
    const placements = countPlacements(ctx.sys);

    expect((await forceStop(h.id)).body.status).toBe('stopping');
    await when.theTickRuns();
    await when.theDialerRuns();

    expect(await read.status(h.id)).toBe('stop');
    expect(placements.total()).toBe(0);
    // 5 answer (one talking, one unplaced), 4 machine, 2 ringing: by the last digit of the number.
    expect(
      await Promise.all(
        before.map(async (c) => [c.destination.target.at(-1), (await stored(c.id))?._reason]),
      ),
    ).toEqual(
      expect.arrayContaining([
        ['5', 'cancel'],
        ['5', 'cancel'],
        ['5', 'cancel'],
        ['4', 'amd'],
        ['2', 'cancel'],
      ]),
    );
    expect((await read.calls(h.id)).every((c) => c.result === 'fail')).toBe(true);
    expect((await ctx.sys.customer.get(`/campaigns/${h.id}/stats`)).body).toMatchObject({
      attempts: 5,
      in_flight: 0,
      answered: 3,
      succeeded: 0,
      failed: 5,
      failed_by_reason: { cancel: 4, amd: 1 },
    });
    expect((await read.targets(h.outdialId)).map((t) => [t.status, t.try_count_0])).toEqual(
      Array(5).fill(['idle', 1]),
    );
    await expectEngineInvariants(ctx.sys, h);
    placements.restore();

    // The next run calls every one of them again, within the outplan's tries.
    expect((await when.statusIsSet(h.id, 'run')).body.status).toBe('run');
    await when.runsToTheEnd(h.id);
    const second = (await read.calls(h.id)).filter((c) => c.try_count === 2);
    expect(second).toHaveLength(5);
    expect(second.filter((c) => c.result === 'success')).toHaveLength(3);
    expect((await ctx.sys.customer.get(`/campaigns/${h.id}/stats`)).body).toMatchObject({
      attempts: 10,
      succeeded: 3,
      failed_by_reason: { cancel: 4, amd: 2, noanswer: 1 },
    });
    await expectEngineInvariants(ctx.sys, h);
  });

  it('cancels attempts not placed yet, so the dialer never places them', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({ targets: [phone('answer'), phone('answer')], maxConcurrentCalls: 2 });
    const placements = countPlacements(ctx.sys);
    await when.theTickRuns(); // claimed, dial jobs queued, nothing placed yet

    expect((await forceStop(h.id)).body.status).toBe('stopping');
    await when.theTickRuns();
    await when.theDialerRuns();

    expect(placements.total()).toBe(0);
    const calls = await read.calls(h.id);
    expect(calls.map((c) => [c.status, c.result])).toEqual([
      ['done', 'fail'],
      ['done', 'fail'],
    ]);
    expect(await read.status(h.id)).toBe('stop');
    // Both targets keep their try and go back in line for the next run.
    expect((await read.targets(h.outdialId)).map((t) => [t.status, t.try_count_0])).toEqual([
      ['idle', 1],
      ['idle', 1],
    ]);
    placements.restore();
  });

  it('can force a campaign that is already stopping, and a later run dials normally again', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({ targets: [phone('answer'), phone('answer')], maxConcurrentCalls: 1 });
    await tickAndDial();
    expect((await when.statusIsSet(h.id, 'stop')).body.status).toBe('stopping');
    await when.theTickRuns();
    expect(await read.openCalls(h.id)).toHaveLength(1);

    expect((await forceStop(h.id)).body.status).toBe('stopping');
    await when.theTickRuns();
    expect(await read.status(h.id)).toBe('stop');

    expect((await when.statusIsSet(h.id, 'run')).body.status).toBe('run');
    await when.runsToTheEnd(h.id);
    const results = (await read.calls(h.id)).map((c) => c.result);
    expect(results.filter((r) => r === 'success')).toHaveLength(2);
  });

  it('refuses force with run (400) and changes nothing', async () => {
    const { given, read } = ctx.steps;
    const h = await given.campaign({ targets: [phone('answer')], run: false });
    const res = await ctx.sys.customer.put(`/campaigns/${h.id}/status`, { status: 'run', force: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'force' })]);
    expect(await read.status(h.id)).toBe('stop');
  });
});

describe('the end of the list', () => {
  it('under end_handle stop, waits for the retries of a failing last attempt before it ends (§10.3)', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({
      targets: [phone('busy')],
      outplan: { max_try_count_0: 3, max_try_count_1: 0, try_interval: 60_000 },
    });
    await tickAndDial();
    await ctx.steps.when.theTickRuns(); // nothing idle is left, but the attempt is in flight
    expect(await read.status(h.id)).toBe('run');

    await when.timePasses(1_500); // busy: the target waits for its retry
    expect(await read.openCalls(h.id)).toEqual([]);
    await tickAndDial();
    expect(await read.status(h.id)).toBe('run');
    expect(await read.calls(h.id)).toHaveLength(1);

    await when.runsToTheEnd(h.id);

    const [target] = await read.targets(h.outdialId);
    expect(target.try_count_0).toBe(3);
    const calls = (await read.calls(h.id)).sort((a, b) => a.try_count - b.try_count);
    expect(calls.map((x) => [x.try_count, x.status, x.result])).toEqual([
      [1, 'done', 'fail'],
      [2, 'done', 'fail'],
      [3, 'done', 'fail'],
    ]);
    for (let n = 1; n < calls.length; n++) {
      const gap = Date.parse(calls[n].tm_create) - Date.parse(calls[n - 1].tm_update);
      expect(gap).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('under end_handle continue, keeps running on an empty list and dials a target added later', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({ targets: [phone('answer')], campaign: { end_handle: 'continue' } });
    await when.roundsUntil(async () => (await read.calls(h.id))[0]?.status === 'done', 5_000, 20);

    for (let i = 0; i < 10; i++) await when.aRound(5_000);
    expect(await read.status(h.id)).toBe('run');
    expect(await read.calls(h.id)).toHaveLength(1);

    const [late] = await given.targets(h.outdialId, [phone('answer')]);
    await when.roundsUntil(async () => (await read.calls(h.id)).every((x) => x.status === 'done'), 5_000, 20);

    const calls = await read.calls(h.id);
    expect(calls).toHaveLength(2);
    expect(calls.find((x) => x.outdial_target_id === late!.id)).toMatchObject({ result: 'success' });
    expect(await read.status(h.id)).toBe('run');
    expect((await when.statusIsSet(h.id, 'stop')).body.status).toBe('stop');
  });
  it('never retries a target deleted while it waits for its retry, and still ends', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({
      targets: [phone('busy')],
      outplan: { max_try_count_0: 3, max_try_count_1: 0, try_interval: 60_000 },
    });
    await tickAndDial();
    await when.timePasses(1_500); // busy: back in line for a retry in a minute
    const [target] = h.targets;
    expect((await ctx.sys.customer.del(`/outdials/${h.outdialId}/targets/${target!.id}`)).status).toBe(200);

    await when.runsToTheEnd(h.id, 30_000, 10);

    expect(await read.calls(h.id)).toHaveLength(1);
  });

  it('ends when the outplan’s maximum is lowered below the tries a waiting target has already had', async () => {
    const { given, when, read } = ctx.steps;
    const h = await given.campaign({
      targets: [phone('busy')],
      outplan: { max_try_count_0: 5, max_try_count_1: 0, try_interval: 60_000 },
    });
    await tickAndDial();
    await when.timePasses(1_500); // busy: waits for its second try
    const { source, dial_timeout, try_interval } = h.outplan;
    const lowered = await ctx.sys.customer.put(`/outplans/${h.outplanId}/dial_info`, {
      source,
      dial_timeout,
      try_interval,
      max_try_count_0: 1,
      max_try_count_1: 0,
      max_try_count_2: 0,
      max_try_count_3: 0,
      max_try_count_4: 0,
    });
    expect(lowered.status).toBe(200);

    await when.runsToTheEnd(h.id, 30_000, 10);

    expect(await read.calls(h.id)).toHaveLength(1);
    expect(await read.target(h.outdialId, h.targets[0]!.id)).toMatchObject({
      status: 'idle',
      try_count_0: 1,
    });
  });

  it('runs a flow campaign without placing a call: every attempt succeeds and the list ends', async () => {
    const { given, when, read } = ctx.steps;
    const placements = countPlacements(ctx.sys);
    const h = await given.campaign({
      targets: [phone('busy'), phone('answer'), phone('failed')],
      campaign: { type: 'flow' },
    });

    await when.runsToTheEnd(h.id, 1_000, 10);

    const calls = await read.calls(h.id);
    expect(calls.map((x) => [x.reference_type, x.reference_id, x.status, x.result])).toEqual(
      Array(3).fill(['flow', '00000000-0000-0000-0000-000000000000', 'done', 'success']),
    );
    expect(placements.total()).toBe(0);
    expect((await read.targets(h.outdialId)).map((t) => t.status)).toEqual(['done', 'done', 'done']);
  });
});

describe('next_campaign_id', () => {
  it('starts the next campaign when a campaign runs out of targets, and the next one dials its list', async () => {
    const { given, when, read } = ctx.steps;
    const next = await given.campaign({ targets: [phone('answer')], run: false });
    const first = await given.campaign({
      targets: [phone('answer'), phone('busy')],
      outplan: { max_try_count_0: 1, max_try_count_1: 0 },
      campaign: { next_campaign_id: next.id },
    });
    for (let i = 0; i < 2; i++) await when.aRound(1_000);
    expect(await read.status(next.id)).toBe('stop');

    await when.runsToTheEnd(first.id);
    expect(await read.status(next.id)).toBe('run');

    await when.runsToTheEnd(next.id);
    expect((await read.calls(next.id)).map((x) => x.result)).toEqual(['success']);
  });

  it.each([
    ['with calls in flight', 1],
    ['with nothing in flight', 0],
  ])('does not start the next campaign after a manual stop %s', async (_, rounds) => {
    const { given, when, read } = ctx.steps;
    const next = await given.campaign({ targets: [phone('answer')], run: false });
    const first = await given.campaign({
      targets: [phone('answer'), phone('answer')],
      maxConcurrentCalls: 1,
      campaign: { next_campaign_id: next.id },
    });
    for (let i = 0; i < rounds; i++) await tickAndDial();

    await when.statusIsSet(first.id, 'stop');
    for (let i = 0; i < 5; i++) await when.aRound(5_000);

    expect(await read.status(first.id)).toBe('stop');
    expect(await read.calls(first.id)).toHaveLength(rounds);
    expect(await read.status(next.id)).toBe('stop');
    expect(await read.calls(next.id)).toEqual([]);
  });
});
