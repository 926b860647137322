/**
 * Wider calling hours wake the targets held under the old ones: a campaign's window widened, or its
 * customer's default removed, and the targets held until tomorrow's opening are dialled within a few
 * ticks; narrower hours move nothing; other campaigns and customers are left alone; the look at held
 * targets reads a page per tick, and never moves a target twice for one change.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dueKeys, itemKey } from '#adapters/dynamodb/keys.ts';
import { hoursInForce } from '#domain/calling-hours.ts';
import { gateFor } from '#services/engine/calling-hours-gate.ts';
import { WAKE_PAGE, wakeHeld } from '#services/engine/wake-held.ts';
import { engineSteps } from '../support/engine-steps.ts';
import { aCampaign } from '../support/factories/bodies.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const TCPA = { timezone: 'callee', days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '21:00' };
const ALL_DAY = { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' };
const NO_LIMITS = { max_attempts: null, per_days: null, rest_after_contact_days: null };
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

/** Distinct Tokyo numbers (Asia/Tokyo, UTC+9, no daylight saving) the simulator answers (last digit 5). */
let serial = 0;
const tokyo = () => `+81312${String(++serial).padStart(5, '0')}5`;
const tokyos = (n: number) => Array.from({ length: n }, tokyo);

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
let midnight: number;
beforeEach(async () => {
  sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000 });
  steps = engineSteps(sys);
  midnight = Math.ceil(sys.clock.peek() / DAY) * DAY + DAY;
  // 14:00 UTC is 23:00 in Tokyo: held until 23:00 UTC, 08:00 there.
  sys.clock.set(midnight + 14 * HOUR);
});
afterEach(() => sys.close());

/** Engine steps for a second customer of the same system. */
const anotherCustomer = async () => {
  const res = await sys.admin.post('/customers', { name: 'another customer' });
  expect(res.status).toBe(200);
  const customer = { ...sys.clientFor(res.body.accesskey.token), customerId: res.body.customer.id as string };
  return { customer, steps: engineSteps({ ...sys, customer }) };
};

/** PUT /campaigns/{id} with the basic fields as given.campaign made them, and these hours. */
const putHours = async (id: string, calling_hours: unknown, client = sys.customer) => {
  const { name, detail, type, service_level, end_handle } = aCampaign();
  const res = await client.put(`/campaigns/${id}`, {
    name,
    detail,
    type,
    service_level,
    end_handle,
    calling_hours,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
};

const putPolicy = (calling_hours: unknown, client = sys.customer) =>
  client.put('/customer/contact_policy', { ...NO_LIMITS, calling_hours });

/** The target item as stored (its byDue sort key and hold). */
const rawTarget = async (id: string) =>
  (await sys.ddb.send(new GetCommand({ TableName: sys.tableName, Key: itemKey('outdialtarget', id) }))).Item;

const HELD_TOKYO = () => ({ reason: 'outside_hours', until: iso(midnight + 23 * HOUR) });

describe('a widened calling window', () => {
  it('dials targets held until tomorrow within a few ticks once the campaign’s window is widened to all day', async () => {
    const { given, when, read } = steps;
    const wide = await given.campaign({ targets: tokyos(3), campaign: { calling_hours: TCPA } });
    // The same customer's other campaign, whose hours stay as they were.
    const kept = await given.campaign({ targets: tokyos(2), campaign: { calling_hours: TCPA } });
    // Another customer's campaign with the same hours.
    const other = await anotherCustomer();
    const theirs = await other.steps.given.campaign({
      targets: tokyos(2),
      campaign: { calling_hours: TCPA },
    });

    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    for (const [s, h] of [
      [steps, wide],
      [steps, kept],
      [other.steps, theirs],
    ] as const) {
      expect(await s.read.calls(h.id)).toEqual([]);
      for (const t of h.targets) {
        expect(await s.read.target(h.outdialId, t.id)).toMatchObject({ try_count_0: 0, hold: HELD_TOKYO() });
      }
    }

    expect((await putHours(wide.id, ALL_DAY)).status).toBe(200);
    for (let i = 0; i < 3; i++) await when.aRound(5_000);

    // Woken at once (14:00, nine hours before the old opening), each dialled once, no hold counted again.
    const calls = await read.calls(wide.id);
    expect(calls.map((c) => c.outdial_target_id).sort()).toEqual(wide.targets.map((t) => t.id).sort());
    expect(calls.map((c) => c.try_count)).toEqual([1, 1, 1]);
    expect((await sys.customer.get(`/campaigns/${wide.id}/stats`)).body.skipped.outside_hours).toBe(3);
    expect(await sys.engine.deps.engine.getCampaign(wide.id)).toMatchObject({
      _wake: { pages: 1, done: true },
    });

    // The other campaign of the customer and the other customer's are untouched.
    expect(await read.calls(kept.id)).toEqual([]);
    expect(await other.steps.read.calls(theirs.id)).toEqual([]);
    for (const [s, h] of [
      [steps, kept],
      [other.steps, theirs],
    ] as const) {
      for (const t of h.targets) {
        expect(await s.read.target(h.outdialId, t.id)).toMatchObject({ try_count_0: 0, hold: HELD_TOKYO() });
      }
    }
    // An unchanged PUT of the same hours starts no new look (nothing is read again).
    const before = (await sys.engine.deps.engine.getCampaign(kept.id))?._wake;
    expect((await putHours(kept.id, TCPA)).status).toBe(200);
    await when.aRound(5_000);
    expect((await sys.engine.deps.engine.getCampaign(kept.id))?._wake).toEqual(before);
  }, 120_000);

  it('dials targets held under the customer’s default hours once the default is removed, leaving other customers and a campaign with its own hours alone', async () => {
    const { given, when, read } = steps;
    expect((await putPolicy(TCPA)).status).toBe(200);
    const other = await anotherCustomer();
    expect((await putPolicy(TCPA, other.customer)).status).toBe(200);

    const open = await given.campaign({ targets: tokyos(2) });
    const own = await given.campaign({ targets: tokyos(2), campaign: { calling_hours: TCPA } });
    const theirs = await other.steps.given.campaign({ targets: tokyos(2) });
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    expect(await read.target(open.outdialId, open.targets[0]!.id)).toMatchObject({ hold: HELD_TOKYO() });

    expect((await putPolicy(null)).status).toBe(200);
    for (let i = 0; i < 3; i++) await when.aRound(5_000);

    expect((await read.calls(open.id)).map((c) => c.outdial_target_id).sort()).toEqual(
      open.targets.map((t) => t.id).sort(),
    );
    // Its own hours still hold the other campaign's targets; the other customer's default still holds.
    expect(await read.calls(own.id)).toEqual([]);
    expect(await other.steps.read.calls(theirs.id)).toEqual([]);
    for (const t of own.targets) {
      expect(await read.target(own.outdialId, t.id)).toMatchObject({ hold: HELD_TOKYO() });
    }
    for (const t of theirs.targets) {
      expect(await other.steps.read.target(theirs.outdialId, t.id)).toMatchObject({ hold: HELD_TOKYO() });
    }
  }, 120_000);

  it('moves nothing when the window is narrowed: the claim holds the target again at the old opening', async () => {
    const { given, when, read } = steps;
    const h = await given.campaign({ targets: tokyos(1), campaign: { calling_hours: TCPA } });
    const id = h.targets[0]!.id;
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    const held = await rawTarget(id);
    expect(held?._hold).toMatchObject(HELD_TOKYO());

    expect((await putHours(h.id, { ...TCPA, start: '09:00' })).status).toBe(200);
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    // Looked at once, not moved.
    expect(await sys.engine.deps.engine.getCampaign(h.id)).toMatchObject({ _wake: { pages: 1, done: true } });
    const after = await rawTarget(id);
    expect([after?.gsi3pk, after?.gsi3sk, after?._hold]).toEqual([held?.gsi3pk, held?.gsi3sk, held?._hold]);

    // At the old opening (08:00 in Tokyo) the claim finds it closed and holds it until 09:00.
    sys.clock.set(midnight + 23 * HOUR);
    for (let i = 0; i < 2; i++) await when.aRound(5_000);
    expect(await read.calls(h.id)).toEqual([]);
    expect(await read.target(h.outdialId, id)).toMatchObject({
      try_count_0: 0,
      hold: { reason: 'outside_hours', until: iso(midnight + 24 * HOUR) },
    });
  });

  it('moves each held target once when two ticks look at the same page at once, and after a crash before the cursor was kept', async () => {
    const { given, when, read } = steps;
    const h = await given.campaign({ targets: tokyos(5), campaign: { calling_hours: TCPA } });
    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    expect((await putHours(h.id, ALL_DAY)).status).toBe(200);

    // Two ticks that both read the campaign before either kept its pass (e.g. a lease taken over).
    const deps = sys.engine.deps;
    const campaign = (await deps.engine.getCampaign(h.id))!;
    const outplan = (await deps.engine.getOutplan(campaign.outplan_id))!;
    const nowMs = sys.clock.peek();
    const look = () =>
      wakeHeld(deps, {
        campaign,
        outplan,
        gate: gateFor(hoursInForce(null, campaign.calling_hours), nowMs),
        nowMs,
        policies: new Map(),
      });
    const woken = await Promise.all([look(), look()]);
    expect(woken[0] + woken[1]).toBe(5);
    // The same page read again (a crash after the moves, before the cursor): nothing moves twice.
    expect(await look()).toBe(0);
    expect((await deps.engine.getCampaign(h.id))?._wake).toMatchObject({ pages: 1, done: true });
    const due = iso(nowMs - outplan.try_interval);
    for (const t of h.targets) {
      const item = await rawTarget(t.id);
      expect(item?.gsi3sk).toBe(dueKeys(h.outdialId, 'retry', due, t.id).gsi3sk);
      expect(item?._hold).toBeUndefined();
    }

    for (let i = 0; i < 3; i++) await when.aRound(5_000);
    const calls = await read.calls(h.id);
    expect(calls.map((c) => c.outdial_target_id).sort()).toEqual(h.targets.map((t) => t.id).sort());
    expect(calls.map((c) => c.try_count)).toEqual([1, 1, 1, 1, 1]);
  });

  it('reads a list larger than a page a page per tick, keeping its place, until every held target is woken', async () => {
    const { given, when } = steps;
    const n = 260;
    // Room for the whole list, so a campaign with calls in flight is still ticked while the pass runs.
    const h = await given.campaign({
      targets: tokyos(n),
      campaign: { calling_hours: TCPA },
      maxConcurrentCalls: 1000,
    });
    const skipped = async () =>
      (await sys.customer.get(`/campaigns/${h.id}/stats`)).body.skipped.outside_hours as number;
    await when.roundsUntil(async () => (await skipped()) === n, 5_000, 40);

    // Per retry shard, how many held targets it has: a page reads WAKE_PAGE of each.
    const perShard = new Map<string, number>();
    for (const t of h.targets) {
      const pk = dueKeys(h.outdialId, 'retry', '', t.id).gsi3pk;
      perShard.set(pk, (perShard.get(pk) ?? 0) + 1);
    }
    const counts = [...perShard.values()];
    // A shard's last page is the one that finds nothing more after it.
    const pages = Math.max(...counts.map((c) => Math.floor(c / WAKE_PAGE) + 1));
    expect(pages).toBeGreaterThan(1);
    // Woken targets (and those claimed since, which were woken first) no longer show the old hold.
    const stillHeld = async () =>
      (await Promise.all(h.targets.map((t) => rawTarget(t.id)))).filter(
        (item) => item?._hold?.until === iso(midnight + 23 * HOUR),
      ).length;

    expect((await putHours(h.id, ALL_DAY)).status).toBe(200);
    await when.theTickRuns();
    expect((await sys.engine.deps.engine.getCampaign(h.id))?._wake).toMatchObject({ pages: 1, done: false });
    expect(await stillHeld()).toBe(n - counts.reduce((a, c) => a + Math.min(c, WAKE_PAGE), 0));

    let ticks = 1;
    while (!(await sys.engine.deps.engine.getCampaign(h.id))?._wake?.done && ticks < 20) {
      sys.clock.advance(5_000);
      await when.theTickRuns();
      ticks++;
    }
    expect(ticks).toBe(pages);
    expect((await sys.engine.deps.engine.getCampaign(h.id))?._wake).toMatchObject({ pages, done: true });
    expect(await stillHeld()).toBe(0);
  }, 240_000);
});
