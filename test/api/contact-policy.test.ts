/** The customer's contact policy (our addition) over real HTTP: no limits by default, replaced by PUT. */
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import { asTimestamp, expectInvalid } from '../support/expectations.ts';

const api = apiPerFile();

const PATH = '/customer/contact_policy';
/** Regulation F's 7 in 7 days, a week's rest after a conversation, TCPA's 08:00–21:00 at the callee. */
const strict = {
  max_attempts: 7,
  per_days: 7,
  rest_after_contact_days: 7,
  calling_hours: { timezone: 'callee', days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '21:00' },
};
const none = { max_attempts: null, per_days: null, rest_after_contact_days: null, calling_hours: null };
/** What a policy shows of fields a PUT may leave out: their defaults. */
// Fields with defaults, shown without a policy too (the rest after an abandoned call: 72 hours).
const defaults = { max_abandon_rate_ceiling: 0.03, rest_after_abandon_hours: 72 };

describe('GET /customer/contact_policy', () => {
  it('has no limits until the customer sets some', async () => {
    const alice = await api.newCustomer();
    const res = await alice.get(PATH);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ customer_id: alice.customerId, ...none, ...defaults, tm_update: null });
    expect(Object.keys(res.body)).toEqual([
      'customer_id',
      'max_attempts',
      'per_days',
      'rest_after_contact_days',
      'calling_hours',
      'max_abandon_rate_ceiling',
      'rest_after_abandon_hours',
      'tm_update',
    ]);
  });
});

describe('PUT /customer/contact_policy', () => {
  it('replaces the policy, stamps when, and GET shows it', async () => {
    const alice = await api.newCustomer();
    api.clock.freeze();
    const put = await alice.put(PATH, strict);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual({
      customer_id: alice.customerId,
      ...strict,
      ...defaults,
      tm_update: asTimestamp(api.clock.now()),
    });
    expect((await alice.get(PATH)).body).toEqual(put.body);

    const shorter = await alice.put(PATH, { ...strict, rest_after_abandon_hours: 24 });
    expect(shorter.body.rest_after_abandon_hours).toBe(24);
    expect((await alice.put(PATH, { ...strict, rest_after_abandon_hours: null })).body).toMatchObject({
      rest_after_abandon_hours: null,
    });

    const lifted = await alice.put(PATH, none);
    expect(lifted.body).toMatchObject(none);
    expect((await alice.get(PATH)).body).toMatchObject(none);
  });

  it('takes a campaign-style window in a fixed zone, and a cap without a rest', async () => {
    const alice = await api.newCustomer();
    const policy = {
      ...none,
      max_attempts: 3,
      per_days: 1,
      calling_hours: { timezone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '09:00', end: '20:00' },
    };
    expect((await alice.put(PATH, policy)).body).toMatchObject(policy);
  });

  it.each([
    ['a cap of 0', { ...strict, max_attempts: 0 }, 'max_attempts'],
    ['a cap that is not whole', { ...strict, max_attempts: 2.5 }, 'max_attempts'],
    ['a cap without its window', { ...strict, per_days: null }, 'per_days'],
    ['a window over a year', { ...strict, per_days: 366 }, 'per_days'],
    ['a rest of 0 days', { ...strict, rest_after_contact_days: 0 }, 'rest_after_contact_days'],
    [
      'an unknown zone',
      { ...strict, calling_hours: { ...strict.calling_hours, timezone: 'Mars/Base' } },
      'calling_hours.timezone',
    ],
    [
      'an empty window (it ends as it starts; an earlier end runs past midnight)',
      { ...strict, calling_hours: { ...strict.calling_hours, end: strict.calling_hours.start } },
      'calling_hours.end',
    ],
    ['a field left out', { max_attempts: 7, per_days: 7, rest_after_contact_days: null }, 'calling_hours'],
    ['an unknown field', { ...strict, max_abandoned_rate: 3 }, 'max_abandoned_rate'],
    [
      'a negative rest after an abandoned call',
      { ...strict, rest_after_abandon_hours: -1 },
      'rest_after_abandon_hours',
    ],
    [
      'a rest after an abandoned call over a year',
      { ...strict, rest_after_abandon_hours: 8761 },
      'rest_after_abandon_hours',
    ],
  ])('refuses %s with 400 naming the field, and keeps the policy', async (_label, body, field) => {
    const alice = await api.newCustomer();
    await alice.put(PATH, strict);
    expectInvalid(await alice.put(PATH, body), field);
    expect((await alice.get(PATH)).body).toMatchObject(strict);
  });

  it("is each customer's own", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    await alice.put(PATH, strict);
    expect((await bob.get(PATH)).body).toEqual({
      customer_id: bob.customerId,
      ...none,
      ...defaults,
      tm_update: null,
    });
    await bob.put(PATH, { ...none, max_attempts: 1, per_days: 30 });
    expect((await alice.get(PATH)).body).toMatchObject(strict);
  });

  it("raises the ceiling of predictive campaigns' max_abandon_rate only when asked, up to 0.1", async () => {
    const alice = await api.newCustomer();
    const raised = await alice.put(PATH, { ...none, max_abandon_rate_ceiling: 0.05 });
    expect(raised.body.max_abandon_rate_ceiling).toBe(0.05);
    for (const bad of [0.11, -0.01, '0.05']) {
      expectInvalid(
        await alice.put(PATH, { ...none, max_abandon_rate_ceiling: bad }),
        'max_abandon_rate_ceiling',
      );
    }
    expect((await alice.get(PATH)).body.max_abandon_rate_ceiling).toBe(0.05);
    // Left out of a PUT, it is back to the default: a PUT replaces the policy.
    expect((await alice.put(PATH, none)).body.max_abandon_rate_ceiling).toBe(0.03);
  });

  it('needs an access key, and a customer one', async () => {
    expect((await api.anonymous.get(PATH)).status).toBe(401);
    expect((await api.anonymous.put(PATH, strict)).status).toBe(401);
    expect((await api.admin.get(PATH)).status).toBe(403);
  });
});

describe('GET /contacts/{number}', () => {
  const path = (n: string) => `/contacts/${encodeURIComponent(n)}`;

  it('answers for a person never called: nothing counted, allowed now', async () => {
    const alice = await api.newCustomer();
    const res = await alice.get(path('+1 (415) 555-0100'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      number: '+14155550100',
      attempts_in_window: null,
      last_contact: null,
      last_abandoned: null,
      on_call: false,
      suppression: null,
      reason: null,
    });
    expect(typeof res.body.next_allowed_at).toBe('string');
  });

  it('names a suppression in force as the reason, with no next time for one that never expires', async () => {
    const alice = await api.newCustomer();
    const added = await alice.post('/suppressions', {
      number: '+14155550101',
      reason: 'asked',
      expire_at: null,
    });
    const res = await alice.get(path('tel:+14155550101'));
    expect(res.body).toMatchObject({
      suppression: { id: added.body.id, expire_at: null, in_force: true },
      next_allowed_at: null,
      reason: 'suppressed',
    });
    await alice.put(PATH, { ...none, max_attempts: 3, per_days: 7 });
    expect((await alice.get(path('+14155550101'))).body.attempts_in_window).toBe(0);
  });

  it("keeps each customer's people to itself, and refuses what cannot be a number (400 naming it)", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    await alice.post('/suppressions', { number: '+14155550102', reason: '', expire_at: null });
    expect((await bob.get(path('+14155550102'))).body).toMatchObject({ suppression: null, reason: null });
    expectInvalid(await alice.get(path('not a number')), 'number');
  });
});
