/**
 * Suppressions and contact caps enforced by the engine (our addition): the claim checks the person item
 * in its own transaction, and the dialer checks the suppression once more just before placing. No
 * call to a suppressed number, no try spent on a held destination, the next destination tried, a target
 * with nothing left ends done, and every skip counted once in the campaign's stats.
 */
import { expect, it } from 'vitest';
import { countPlacements, phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const DAY = 86_400_000;

const ctx = systemPerTest();

const suppress = async (number: string) => {
  const res = await ctx.sys.customer.post('/suppressions', { number, reason: 'asked', expire_at: null });
  expect(res.status).toBe(200);
  return res.body;
};

const statsOf = async (id: string) => {
  const res = await ctx.sys.customer.get(`/campaigns/${id}/stats`);
  expect(res.status).toBe(200);
  return res.body;
};

const policy = async (body: Record<string, unknown>) => {
  const res = await ctx.sys.customer.put('/customer/contact_policy', {
    max_attempts: null,
    per_days: null,
    rest_after_contact_days: null,
    calling_hours: null,
    ...body,
  });
  expect(res.status).toBe(200);
};

/** Calls placed to each number (E.164), counted at the provider. */
const callsByNumber = () => {
  const to = new Map<string, number>();
  const provider = ctx.sys.engine.deps.provider;
  const original = provider.placeCall.bind(provider);
  provider.placeCall = async (req) => {
    to.set(req.to, (to.get(req.to) ?? 0) + 1);
    return original(req);
  };
  return to;
};

it('never calls a suppressed number: skips to the next destination, ends a target with none left, spends no try', async () => {
  const { given, when, read } = ctx.steps;
  const [blocked, spare, alone, fine] = [phone('answer'), phone('answer'), phone('answer'), phone('answer')];
  await suppress(blocked);
  await suppress(alone);
  const to = callsByNumber();
  const h = await given.campaign({
    targets: [[blocked, spare], [alone], [fine]],
    maxConcurrentCalls: 5,
    outplan: { max_try_count_0: 2, max_try_count_1: 2, try_interval: 1_000 },
  });

  await when.runsToTheEnd(h.id);

  expect(to.get(blocked)).toBeUndefined();
  expect(to.get(alone)).toBeUndefined();
  expect(to.get(spare)).toBe(1);
  expect(to.get(fine)).toBe(1);
  const [withSpare, onlySuppressed] = await Promise.all(
    [h.targets[0]!, h.targets[1]!].map((t) => read.target(h.outdialId, t.id)),
  );
  expect(withSpare).toMatchObject({ status: 'done', try_count_0: 0, try_count_1: 1 });
  expect(onlySuppressed).toMatchObject({ status: 'done', try_count_0: 0 });
  expect(onlySuppressed.hold).toEqual({ reason: 'suppressed', until: null });
  expect(withSpare.hold).toBeNull();
  expect((await statsOf(h.id)).skipped).toEqual({ suppressed: 2, outside_hours: 0, capped: 0 });
  expect((await statsOf(h.id)).attempts).toBe(2);
});

it('cancels a call whose number was suppressed while its dial job waited: no call, no try, the next destination', async () => {
  const { given, when, read } = ctx.steps;
  const [first, second] = [phone('answer'), phone('answer')];
  const placements = countPlacements(ctx.sys);
  const to = callsByNumber();
  const h = await given.campaign({
    targets: [[first, second]],
    outplan: { max_try_count_0: 2, max_try_count_1: 2, try_interval: 1_000 },
  });

  await when.theTickRuns(); // claimed, its dial job queued
  const [queued] = await read.calls(h.id);
  expect(queued).toMatchObject({ status: 'dialing' });
  await suppress(first);
  await when.theDialerRuns();
  await when.theDialerRuns(); // a delivery again changes nothing

  expect(placements.requests.get(queued.id)).toBeUndefined();
  const cancelled = await ctx.sys.engine.deps.engine.getCampaigncall(queued.id);
  expect(cancelled).toMatchObject({ status: 'done', result: 'fail', _reason: 'suppressed' });
  expect(await read.target(h.outdialId, h.targets[0]!.id)).toMatchObject({ status: 'idle', try_count_0: 0 });
  expect(await read.lineHolder({ type: 'tel', target: first })).toBeUndefined();

  await when.runsToTheEnd(h.id);
  expect(to.get(first)).toBeUndefined();
  expect(to.get(second)).toBe(1);
  expect(await read.target(h.outdialId, h.targets[0]!.id)).toMatchObject({
    status: 'done',
    try_count_0: 0,
    try_count_1: 1,
  });
  const stats = await statsOf(h.id);
  expect(stats.skipped).toEqual({ suppressed: 1, outside_hours: 0, capped: 0 });
  expect(stats.failed).toBe(0);
});

it('never passes the contact cap for one person, with two campaigns and overlapping ticks racing for them', async () => {
  const { given, read } = ctx.steps;
  await policy({ max_attempts: 2, per_days: 7 });
  const person = phone('busy');
  const to = callsByNumber();
  const plan = { outplan: { max_try_count_0: 5, try_interval: 1_000 }, maxConcurrentCalls: 5 };
  const a = await given.campaign({ targets: [person, person], ...plan });
  const b = await given.campaign({ targets: [person], ...plan });

  for (let round = 0; round < 12; round++) {
    await Promise.all([ctx.sys.engine.tick(), ctx.sys.engine.tick()]);
    await ctx.sys.engine.drain();
    await ctx.sys.scheduler.advance(5_000);
  }

  expect(to.get(person)).toBe(2);
  const held = await Promise.all(
    [...a.targets, ...b.targets].map((t) => ctx.sys.engine.deps.engine.getTarget(t.id)),
  );
  const holds = held.filter((t) => t?._hold?.reason === 'capped');
  expect(holds.length).toBeGreaterThan(0);
  // Held until the first counted attempt leaves the 7-day window; no try spent on a hold.
  const tries = held.reduce((n, t) => n + (t?.try_count_0 ?? 0), 0);
  expect(tries).toBe(2);
  const skipped = (await statsOf(a.id)).skipped.capped + (await statsOf(b.id)).skipped.capped;
  expect(skipped).toBeGreaterThan(0);
  for (const t of holds) {
    expect(Date.parse(String(t?._hold?.until))).toBeGreaterThan(ctx.sys.clock.peek() + 6 * DAY);
  }
  expect(await read.status(a.id)).toBe('run');
});

it('never passes the cap on a person read ahead of the claims when another tick called them meanwhile', async () => {
  const { given, read } = ctx.steps;
  await policy({ max_attempts: 1, per_days: 7 });
  const person = phone('busy');
  const to = callsByNumber();
  const plan = { outplan: { max_try_count_0: 3, try_interval: 1_000 }, maxConcurrentCalls: 5 };
  const a = await given.campaign({ targets: [person], ...plan });

  // The first tick reads the persons of its claims, then stalls before claiming.
  const store = ctx.sys.engine.deps.engine;
  const readPersons = store.readPersons.bind(store);
  let release!: () => void;
  const stalled = new Promise<void>((r) => {
    release = r;
  });
  let readAhead!: () => void;
  const haveRead = new Promise<void>((r) => {
    readAhead = r;
  });
  let reads = 0;
  store.readPersons = async (...args) => {
    const persons = await readPersons(...args);
    if (reads++ === 0) {
      expect(persons.size).toBe(1);
      readAhead();
      await stalled;
    }
    return persons;
  };
  const results: string[] = [];
  const claim = store.claim.bind(store);
  store.claim = async (...args) => {
    const r = await claim(...args);
    results.push(typeof r === 'string' ? r : r.held);
    return r;
  };
  const first = ctx.sys.engine.tick();
  await haveRead;

  // Meanwhile another campaign calls the person, and the call ends: the cap of one is reached.
  const b = await given.campaign({ targets: [person], ...plan });
  await ctx.sys.engine.tick();
  await ctx.sys.engine.drain();
  await ctx.sys.scheduler.advance(10_000);
  expect(to.get(person)).toBe(1);
  expect(await read.lineHolder({ type: 'tel', target: person })).toBeUndefined();

  // The stalled claim's read is stale: its write is refused, and nobody is called again.
  release();
  await first;
  expect(results).toEqual(['claimed', 'person-changed']);
  for (let round = 0; round < 4; round++) {
    await ctx.sys.engine.tick();
    await ctx.sys.engine.drain();
    await ctx.sys.scheduler.advance(5_000);
  }
  expect(to.get(person)).toBe(1);
  const [heldA, doneB] = await Promise.all([
    ctx.sys.engine.deps.engine.getTarget(a.targets[0]!.id),
    ctx.sys.engine.deps.engine.getTarget(b.targets[0]!.id),
  ]);
  expect(heldA).toMatchObject({ try_count_0: 0, _hold: { reason: 'capped' } });
  expect(doneB?.try_count_0).toBe(1);
});

it('counts an attempt against the cap from when its call was placed, however long its dial job waited', async () => {
  const { given } = ctx.steps;
  await policy({ max_attempts: 1, per_days: 1 });
  const person = phone('busy');
  const placedAt: number[] = [];
  const provider = ctx.sys.engine.deps.provider;
  const place = provider.placeCall.bind(provider);
  provider.placeCall = async (req) => {
    if (req.to === person) placedAt.push(ctx.sys.clock.peek());
    return place(req);
  };
  const plan = { outplan: { max_try_count_0: 3, try_interval: 1_000 }, maxConcurrentCalls: 5 };
  await given.campaign({ targets: [person], ...plan });
  const b = await given.campaign({ targets: [person], ...plan });

  // One campaign claims the person, and its dial job waits 6 hours in the queue (throttled, say).
  const claimedAt = ctx.sys.clock.peek();
  await ctx.sys.engine.tick();
  ctx.sys.clock.advance(6 * 3_600_000);
  await ctx.sys.engine.drain();
  await ctx.sys.scheduler.advance(5_000);
  expect(placedAt).toHaveLength(1);
  const first = placedAt[0]!;
  expect(first - claimedAt).toBeGreaterThanOrEqual(6 * 3_600_000);

  // A day after the claim but not after the call: the person is still at the cap.
  const round = async () => {
    await ctx.sys.engine.tick();
    await ctx.sys.engine.drain();
    await ctx.sys.scheduler.advance(5_000);
  };
  ctx.sys.clock.set(claimedAt + DAY + 60_000);
  await round();
  await round();
  expect(placedAt).toHaveLength(1);
  const held = await ctx.sys.engine.deps.engine.getTarget(b.targets[0]!.id);
  expect(held?._hold?.reason).toBe('capped');
  expect(Date.parse(String(held?._hold?.until))).toBeGreaterThanOrEqual(first + DAY);

  // A day after the call, it may ring again.
  ctx.sys.clock.set(first + DAY + 1_000);
  for (let i = 0; i < 3 && placedAt.length < 2; i++) await round();
  expect(placedAt).toHaveLength(2);
  expect(placedAt[1]! - first).toBeGreaterThan(DAY);
});

it('rests a person after an attempt that reached them, then calls again once the rest is over', async () => {
  const { given, when, read } = ctx.steps;
  await policy({ rest_after_contact_days: 1 });
  const person = phone('answer');
  const to = callsByNumber();
  const first = await given.campaign({ targets: [person] });
  await when.runsToTheEnd(first.id);
  expect(to.get(person)).toBe(1);

  const second = await given.campaign({ targets: [person], outplan: { try_interval: 1_000 } });
  for (let i = 0; i < 3; i++) await when.aRound(5_000);
  expect(to.get(person)).toBe(1);
  const target = await read.target(second.outdialId, second.targets[0]!.id);
  expect(target.hold.reason).toBe('capped');
  expect(target.try_count_0).toBe(0);

  ctx.sys.clock.set(Date.parse(target.hold.until) + 1_000);
  await when.runsToTheEnd(second.id);
  expect(to.get(person)).toBe(2);
  expect(await read.target(second.outdialId, second.targets[0]!.id)).toMatchObject({
    status: 'done',
    hold: null,
  });
  // Every attempt records what the claim's checks saw.
  const [call] = await read.calls(second.id);
  expect(call.compliance).toEqual({
    suppressed: false,
    policy: { max_attempts: null, per_days: null, rest_after_contact_days: 1 },
    attempts_in_window: null,
    callee: null,
  });
  const contact = await ctx.sys.customer.get(`/contacts/${encodeURIComponent(person)}`);
  expect(contact.body).toMatchObject({ number: person, on_call: false, reason: 'capped' });
  expect(contact.body.last_contact).not.toBeNull();
});
