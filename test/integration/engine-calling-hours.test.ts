/**
 * Calling hours (Outbound's addition): new calls start only inside the campaign's window, in its time
 * zone; a call in flight when the window closes finishes; dialing resumes when it opens again.
 */
import { describe, expect, it } from 'vitest';
import { placeCall } from '#services/engine/place-call.ts';
import { countPlacements, phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

const ctx = systemPerTest();

it('starts calls only inside the calling hours, lets a call in flight finish, and resumes the next day', async () => {
  const { given, when, read } = ctx.steps;
  const midnight = Math.ceil(ctx.sys.clock.peek() / DAY) * DAY + DAY; // a UTC midnight ahead
  ctx.sys.clock.set(midnight + 6 * HOUR);
  const h = await given.campaign({
    targets: [phone('answer'), phone('answer')],
    maxConcurrentCalls: 1,
    campaign: {
      calling_hours: { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '09:00' },
    },
  });

  // 06:00: before the window.
  for (let i = 0; i < 3; i++) await when.aRound(5_000);
  expect(await read.calls(h.id)).toEqual([]);
  expect((await ctx.sys.engine.tick()).find((t) => t.campaignId === h.id)?.outcome).toBe('outside-hours');

  // 08:59:58: one call starts just before the window closes and is answered after it.
  ctx.sys.clock.set(midnight + 9 * HOUR - 2_000);
  await when.aRound(10_000);
  for (let i = 0; i < 3; i++) await when.aRound(5_000);
  const calls = await read.calls(h.id);
  expect(calls.map((c) => [c.status, c.result])).toEqual([['done', 'success']]);
  expect(await read.status(h.id)).toBe('run');

  // The next day at 08:00 the second target is dialled and the list ends.
  ctx.sys.clock.set(midnight + DAY + 8 * HOUR);
  await when.runsToTheEnd(h.id);
  expect((await read.calls(h.id)).map((c) => c.result)).toEqual(['success', 'success']);
});

it('ends a list with nothing left to dial even outside the calling hours', async () => {
  const { given, when, read } = ctx.steps;
  const midnight = Math.ceil(ctx.sys.clock.peek() / DAY) * DAY + DAY;
  ctx.sys.clock.set(midnight + 12 * HOUR);
  const h = await given.campaign({
    targets: [],
    campaign: {
      calling_hours: { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '09:00' },
    },
  });
  await when.aRound(5_000);
  expect(await read.status(h.id)).toBe('stop');
});

describe('calling hours in the callee’s time', () => {
  const TCPA = { timezone: 'callee', days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '21:00' };
  const tel = (target: string) => ({ type: 'tel', target });
  const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
  /** Zones without daylight saving, so the hours below hold on any date the clock starts from. */
  const TOKYO = '+81312345675'; // Asia/Tokyo, UTC+9
  const PHOENIX = '+16025550105'; // America/Phoenix, UTC−7
  const NEW_YORK = '+12125550105';
  const NOWHERE = '+80012345675'; // international freephone: no known zone

  it('holds targets outside their window without a try, counts each hold once, and dials each as its window opens', async () => {
    const { given, when, read } = ctx.steps;
    const midnight = Math.ceil(ctx.sys.clock.peek() / DAY) * DAY + DAY;
    // 14:00 UTC: 23:00 in Tokyo, 07:00 in Phoenix, 19:30 in Kolkata.
    ctx.sys.clock.set(midnight + 14 * HOUR);
    const h = await given.campaign({
      targets: [TOKYO, PHOENIX, NOWHERE],
      campaign: { calling_hours: TCPA },
      run: false,
    });
    const [tokyo, phoenix, nowhere] = h.targets.map((t) => t.id) as [string, string, string];
    // A New York number whose person is in Kolkata: the target's own zone wins over the number's.
    const kolkata = (
      await ctx.sys.customer.post(`/outdials/${h.outdialId}/targets`, {
        destination_0: tel(NEW_YORK),
        timezone: 'Asia/Kolkata',
      })
    ).body.id as string;
    await when.statusIsSet(h.id, 'run');

    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    const dialled = async () => (await read.calls(h.id)).map((c) => c.outdial_target_id).sort();
    expect(await dialled()).toEqual([kolkata]);
    const target = (id: string) => read.target(h.outdialId, id);
    expect(await target(tokyo)).toMatchObject({
      status: 'idle',
      try_count_0: 0,
      hold: { reason: 'outside_hours', until: iso(midnight + 23 * HOUR) },
    });
    expect(await target(phoenix)).toMatchObject({
      try_count_0: 0,
      hold: { reason: 'outside_hours', until: iso(midnight + 15 * HOUR) },
    });
    expect(await target(nowhere)).toMatchObject({
      try_count_0: 0,
      hold: { reason: 'outside_hours', until: null },
    });
    expect((await target(kolkata)).hold).toBeNull();
    const skipped = async () => (await ctx.sys.customer.get(`/campaigns/${h.id}/stats`)).body.skipped;
    expect(await skipped()).toEqual({ suppressed: 0, outside_hours: 3, capped: 0 });

    // Still closed a few minutes on: the held targets are not read or counted again.
    ctx.sys.clock.set(midnight + 14 * HOUR + 30 * 60_000);
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    expect(await skipped()).toEqual({ suppressed: 0, outside_hours: 3, capped: 0 });
    expect(await dialled()).toEqual([kolkata]);

    // 15:00 UTC: 08:00 in Phoenix.
    ctx.sys.clock.set(midnight + 15 * HOUR);
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    expect(await dialled()).toEqual([kolkata, phoenix].sort());
    expect(await target(phoenix)).toMatchObject({ try_count_0: 1, hold: null });

    // 23:00 UTC: 08:00 in Tokyo.
    ctx.sys.clock.set(midnight + 23 * HOUR);
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    expect(await dialled()).toEqual([kolkata, phoenix, tokyo].sort());
    expect((await read.calls(h.id)).map((c) => c.try_count)).toEqual([1, 1, 1]);
    // The number with no known zone is never dialled, and keeps the list from ending.
    expect(await target(nowhere)).toMatchObject({ status: 'idle', try_count_0: 0 });
    expect(await read.status(h.id)).toBe('run');
    expect(await skipped()).toEqual({ suppressed: 0, outside_hours: 3, capped: 0 });
  });

  it('applies the customer’s default hours to a campaign whose own hours are wider', async () => {
    const { given, when, read } = ctx.steps;
    const policy = { max_attempts: null, per_days: null, rest_after_contact_days: null, calling_hours: TCPA };
    expect((await ctx.sys.customer.put('/customer/contact_policy', policy)).status).toBe(200);
    const midnight = Math.ceil(ctx.sys.clock.peek() / DAY) * DAY + DAY;
    ctx.sys.clock.set(midnight + 14 * HOUR); // 23:00 in Tokyo
    const allDay = { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' };
    const h = await given.campaign({ targets: [TOKYO], campaign: { calling_hours: allDay } });
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    expect(await read.calls(h.id)).toEqual([]);
    expect((await read.target(h.outdialId, h.targets[0]!.id)).hold).toEqual({
      reason: 'outside_hours',
      until: iso(midnight + 23 * HOUR),
    });
    ctx.sys.clock.set(midnight + 23 * HOUR);
    await when.runsToTheEnd(h.id);
    expect((await read.calls(h.id)).map((c) => c.result)).toEqual(['success']);
  });
  it('cancels a call whose callee’s window closed while its dial job waited: no call, the try given back, held until the opening, counted once', async () => {
    const { given, when, read } = ctx.steps;
    const placements = countPlacements(ctx.sys);
    const midnight = Math.ceil(ctx.sys.clock.peek() / DAY) * DAY + DAY;
    // 03:59:30 UTC: 20:59:30 in Phoenix, half a minute before its window closes at 21:00.
    ctx.sys.clock.set(midnight + 4 * HOUR - 30_000);
    const h = await given.campaign({ targets: [PHOENIX], campaign: { calling_hours: TCPA } });
    const targetId = h.targets[0]!.id;
    await when.theTickRuns(); // claimed in hours, its dial job queued
    const [queued] = await read.calls(h.id);
    expect(queued).toMatchObject({ status: 'dialing', try_count: 1 });
    expect(queued.compliance.callee).toEqual({
      zones: ['America/Phoenix'],
      zone_count: 1,
      local_time: new Date(midnight - 3 * 3600_000 - 30_000).toISOString().slice(0, 16).concat('-07:00'),
    });

    // The job waits past 21:00 in Phoenix, and is delivered twice.
    ctx.sys.clock.set(midnight + 4 * HOUR + 60_000);
    await ctx.sys.engine.deps.dialQueue.send([{ campaigncallId: queued.id }]);
    expect(await when.theDialerRuns()).toBe(2);

    expect(placements.requests.get(queued.id)).toBeUndefined();
    const cancelled = await ctx.sys.engine.deps.engine.getCampaigncall(queued.id);
    expect(cancelled).toMatchObject({ status: 'done', result: 'fail', _reason: 'outside_hours' });
    const opening = iso(midnight + 15 * HOUR); // 08:00 in Phoenix
    expect(await read.target(h.outdialId, targetId)).toMatchObject({
      status: 'idle',
      try_count_0: 0,
      hold: { reason: 'outside_hours', until: opening },
    });
    expect(await read.lineHolder(tel(PHOENIX))).toBeUndefined();
    const stats = async () => (await ctx.sys.customer.get(`/campaigns/${h.id}/stats`)).body;
    expect(await stats()).toMatchObject({
      attempts: 1,
      failed: 0,
      in_flight: 0,
      skipped: { suppressed: 0, outside_hours: 1, capped: 0 },
    });

    // Held in the due index: ticks before the opening neither claim it nor count it again.
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    ctx.sys.clock.set(midnight + 10 * HOUR);
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    expect((await read.calls(h.id)).length).toBe(1);
    expect((await stats()).skipped.outside_hours).toBe(1);

    // At the opening it is dialled with the try it was given back.
    ctx.sys.clock.set(midnight + 15 * HOUR);
    await when.runsToTheEnd(h.id);
    const calls = await read.calls(h.id);
    // Newest first.
    expect(calls.map((c) => [c.result, c.try_count])).toEqual([
      ['success', 1],
      ['fail', 1],
    ]);
    expect(await read.target(h.outdialId, targetId)).toMatchObject({
      status: 'done',
      try_count_0: 1,
      hold: null,
    });
    expect(await stats()).toMatchObject({ attempts: 2, succeeded: 1, failed: 0 });
    expect((await stats()).skipped.outside_hours).toBe(1);
  });

  it('cancels a queued call when the customer’s default hours are narrowed before it is placed', async () => {
    const { given, when, read } = ctx.steps;
    const placements = countPlacements(ctx.sys);
    const midnight = Math.ceil(ctx.sys.clock.peek() / DAY) * DAY + DAY;
    ctx.sys.clock.set(midnight + 10 * HOUR);
    const h = await given.campaign({ targets: [phone('answer')] });
    await when.theTickRuns();
    const [queued] = await read.calls(h.id);
    // 10:00 UTC: a fixed window from 12:00 set by the customer while the job waits.
    const noon = { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '12:00', end: '18:00' };
    const policy = { max_attempts: null, per_days: null, rest_after_contact_days: null, calling_hours: noon };
    expect((await ctx.sys.customer.put('/customer/contact_policy', policy)).status).toBe(200);
    await when.theDialerRuns();

    expect(placements.requests.get(queued.id)).toBeUndefined();
    expect(await read.target(h.outdialId, h.targets[0]!.id)).toMatchObject({
      status: 'idle',
      try_count_0: 0,
      hold: { reason: 'outside_hours', until: iso(midnight + 12 * HOUR) },
    });
    ctx.sys.clock.set(midnight + 12 * HOUR);
    await when.runsToTheEnd(h.id);
    expect((await read.calls(h.id)).map((c) => c.result)).toEqual(['success', 'fail']);
  });
  it('finishes a cancel cut short by a crash: the sweeper holds the target from what the close recorded, counted once', async () => {
    const { given, when, read } = ctx.steps;
    const placements = countPlacements(ctx.sys);
    const midnight = Math.ceil(ctx.sys.clock.peek() / DAY) * DAY + DAY;
    ctx.sys.clock.set(midnight + 4 * HOUR - 30_000); // 20:59:30 in Phoenix
    const h = await given.campaign({ targets: [PHOENIX], campaign: { calling_hours: TCPA } });
    const targetId = h.targets[0]!.id;
    await when.theTickRuns();
    const [queued] = await read.calls(h.id);
    ctx.sys.clock.set(midnight + 4 * HOUR + 60_000);

    // The dialer dies right after the close's commit, before the target is released.
    const send = ctx.sys.ddb.send.bind(ctx.sys.ddb);
    let crashed = false;
    ctx.sys.ddb.send = (async (command: { input?: { Key?: { pk?: string } } }) => {
      const write = command.constructor.name === 'UpdateCommand';
      if (!crashed && write && command.input?.Key?.pk === `outdialtarget#${targetId}`) {
        crashed = true;
        throw new Error('crash');
      }
      return send(command as never);
    }) as typeof ctx.sys.ddb.send;
    try {
      await expect(placeCall(ctx.sys.engine.deps, { campaigncallId: queued.id })).rejects.toThrow('crash');
    } finally {
      ctx.sys.ddb.send = send;
    }
    expect(crashed).toBe(true);
    expect(await read.target(h.outdialId, targetId)).toMatchObject({ status: 'progressing' });
    // Delivered again: the attempt is closed, so nothing is placed and nothing counted twice.
    expect(await placeCall(ctx.sys.engine.deps, { campaigncallId: queued.id })).toBe('skipped');

    // The sweeper finds the closed attempt still open on its shard and makes the writes it missed.
    for (let i = 0; i < 6; i++) await when.aRound(30_000);
    expect(placements.requests.get(queued.id)).toBeUndefined();
    expect(await read.target(h.outdialId, targetId)).toMatchObject({
      status: 'idle',
      try_count_0: 0,
      hold: { reason: 'outside_hours', until: iso(midnight + 15 * HOUR) },
    });
    const stats = (await ctx.sys.customer.get(`/campaigns/${h.id}/stats`)).body;
    expect(stats).toMatchObject({ in_flight: 0, failed: 0, skipped: { outside_hours: 1 } });
    expect((await read.calls(h.id)).length).toBe(1);
  });
});
