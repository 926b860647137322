/** Suppressions (our addition): the customer's do-not-call list over real HTTP, on DynamoDB Local. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import { asTimestamp, expectError, expectInvalid, MICROS_Z } from '../support/expectations.ts';
import type { Client } from '../support/local-api.ts';

const api = apiPerFile();

type Customer = Client & { customerId: string };

/** A fresh number in the fictional +1 555 01xx-style ranges, different in every test. */
let next = 0;
const aNumber = () => `+1415555${String(1000 + next++).slice(-4)}`;

const suppress = async (c: Customer, body: Record<string, unknown>) => {
  const res = await c.post('/suppressions', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const lookUp = async (c: Customer, number: string) => {
  const res = await c.get(`/suppressions?number=${encodeURIComponent(number)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.result as any[];
};

const inDays = (days: number) => new Date(api.clock.now() + days * 86_400_000).toISOString();

describe('POST /suppressions', () => {
  it('suppresses a number in E.164, from the api, never expiring, and shows exactly the documented fields', async () => {
    const alice = await api.newCustomer();
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const res = await alice.post('/suppressions', { number: '+1 (415) 555-0100', reason: 'asked by phone' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customer_id: alice.customerId,
      number: '+14155550100',
      reason: 'asked by phone',
      source: 'api',
      tm_create: at,
      tm_update: null,
      tm_delete: null,
      expire_at: null,
    });
    expect(Object.keys(res.body)).toEqual([
      'id',
      'customer_id',
      'number',
      'reason',
      'source',
      'tm_create',
      'tm_update',
      'tm_delete',
      'expire_at',
    ]);
    expect((await alice.get(`/suppressions/${res.body.id}`)).body).toEqual(res.body);
  });

  it('treats every way of writing one number as one person: the second add answers the first suppression', async () => {
    const alice = await api.newCustomer();
    const first = await suppress(alice, { number: '+1 (415) 555-0100', reason: 'first' });
    for (const written of ['+14155550100', 'tel:+14155550100', '+1.415.555.0100', ' +1 415-555-0100 ']) {
      const again = await alice.post('/suppressions', { number: written, reason: 'again' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first);
    }
    expect((await alice.get('/suppressions')).body.result).toEqual([first]);
  });

  it('accepts the fictional and test ranges the README and VoIPBIN clients use', async () => {
    const alice = await api.newCustomer();
    for (const number of ['+15550000001', '+15551230001', '+1 212 555 0199', '+44 20 7946 0958']) {
      expect((await alice.post('/suppressions', { number })).status).toBe(200);
    }
  });

  it.each([
    ['letters', 'call me'],
    ['no country code', '4155550100'],
    ['one digit', '+1'],
    ['an empty string', ''],
    ['an unknown country code', '+999123456789'],
    ['too many digits', '+1234567890123456'],
    ['an extension', '+14155550100 ext. 12'],
  ])('refuses %s with 400 naming number, and adds nothing', async (_label, number) => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/suppressions', { number }), 'number');
    expect((await alice.get('/suppressions')).body.result).toEqual([]);
  });

  it.each([
    ['no number', {}, 'number'],
    ['a number that is not a string', { number: 14155550100 }, 'number'],
    ['an unknown field', { number: '+14155550100', source: 'opt_out' }, 'source'],
    ['an expire_at that is not a date-time', { number: '+14155550100', expire_at: 'tomorrow' }, 'expire_at'],
    ['an expire_at in the past', { number: '+14155550100', expire_at: '2020-01-01T00:00:00Z' }, 'expire_at'],
  ])('refuses a body with %s, naming the field', async (_label, body, field) => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/suppressions', body), field);
  });

  it('does not record a refused number under its Idempotency-Key: the corrected request runs', async () => {
    const alice = await api.newCustomer();
    const headers = { 'idempotency-key': randomUUID() };
    const bad = await alice.request('POST', '/suppressions', { number: '+1 415 CALL ME' }, { headers });
    expectInvalid(bad, 'number');
    const good = await alice.request('POST', '/suppressions', { number: '+1 415 555 0188' }, { headers });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body.number).toBe('+14155550188');
    const replay = await alice.request('POST', '/suppressions', { number: '+1 415 555 0188' }, { headers });
    expect(replay.body).toEqual(good.body);
  });

  it('keeps expire_at in our timestamp form, and an expired suppression no longer holds the number', async () => {
    const alice = await api.newCustomer();
    const number = aNumber();
    const expireAt = inDays(30).replace(/\.\d{3}Z$/, '+02:00');
    const first = await suppress(alice, { number, expire_at: expireAt, reason: '30 days' });
    expect(first.expire_at).toBe(asTimestamp(Date.parse(expireAt)));
    expect(first.expire_at).toMatch(MICROS_Z);
    expect(await lookUp(alice, number)).toEqual([first]);

    api.clock.advance(31 * 86_400_000);
    expect(await lookUp(alice, number)).toEqual([]);
    const second = await suppress(alice, { number, reason: 'for good' });
    expect(second.id).not.toBe(first.id);
    expect(await lookUp(alice, number)).toEqual([second]);
    // The expired one is history, still shown as it was.
    expect((await alice.get(`/suppressions/${first.id}`)).body).toEqual(first);
  });

  it('adds a number once when many requests add it at the same time', async () => {
    const alice = await api.newCustomer();
    const writtenAs = ['+1 (415) 555-0177', '+14155550177', 'tel:+14155550177'];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => alice.post('/suppressions', { number: writtenAs[i % 3] })),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const listed = (await alice.get('/suppressions')).body.result;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: answers[0]!.body.id, number: '+14155550177' });
  });
});

describe('POST /suppressions/batch', () => {
  it('adds every valid row even when others are invalid, and reports the invalid ones by index', async () => {
    const alice = await api.newCustomer();
    api.clock.freeze();
    const res = await alice.post('/suppressions/batch', {
      numbers: [
        '+1 415 555 0201',
        'not a number',
        { number: 'tel:+14155550202', reason: 'complaint' },
        '+14155550201',
        { number: '+1', reason: 'short' },
        { number: '+14155550203', expire_at: '2020-01-01T00:00:00Z' },
        { number: '+14155550204', reason: 'until spring', expire_at: inDays(90) },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body)).toEqual(['result', 'errors']);
    expect(res.body.result.map((s: any) => [s.number, s.reason, s.source])).toEqual([
      ['+14155550201', '', 'import'],
      ['+14155550202', 'complaint', 'import'],
      ['+14155550201', '', 'import'],
      ['+14155550204', 'until spring', 'import'],
    ]);
    // Two rows of one number share its suppression.
    expect(res.body.result[2]).toEqual(res.body.result[0]);
    expect(res.body.errors).toEqual([
      { index: 1, number: 'not a number', issue: expect.any(String) },
      { index: 4, number: '+1', issue: expect.any(String) },
      { index: 5, number: '+14155550203', issue: 'expire_at is not in the future' },
    ]);
    // Newest first, in the order sent: one millisecond, consecutive microseconds.
    const listed = (await alice.get('/suppressions')).body.result;
    expect(listed.map((s: any) => s.number)).toEqual(['+14155550204', '+14155550202', '+14155550201']);
  });

  it('answers an already suppressed number with its suppression, as the single add does', async () => {
    const alice = await api.newCustomer();
    const existing = await suppress(alice, { number: '+14155550301', reason: 'by phone' });
    const res = await alice.post('/suppressions/batch', { numbers: ['+1 415 555 0301', '+14155550302'] });
    expect(res.body.result[0]).toEqual(existing);
    expect(res.body.result[1]).toMatchObject({ number: '+14155550302', source: 'import' });
    expect((await alice.get('/suppressions')).body.result).toHaveLength(2);
  });

  it('takes 1,000 numbers in one request', async () => {
    const alice = await api.newCustomer();
    const numbers = Array.from({ length: 1000 }, (_, i) => `+1 212 555 ${String(i).padStart(4, '0')}`);
    const res = await alice.post('/suppressions/batch', { numbers });
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(new Set(res.body.result.map((s: any) => s.id)).size).toBe(1000);
  });

  it.each([
    ['no rows', { numbers: [] }, 'numbers'],
    ['more than 1,000 rows', { numbers: Array.from({ length: 1001 }, () => '+14155550100') }, 'numbers'],
    ['a row that is neither a string nor a row object', { numbers: ['+14155550100', 42] }, 'numbers.1'],
    ['an unknown field in a row', { numbers: [{ number: '+14155550100', x: 1 }] }, 'numbers.0.x'],
  ])('refuses %s with 400 and adds nothing', async (_label, body, field) => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/suppressions/batch', body), field);
    expect((await alice.get('/suppressions')).body.result).toEqual([]);
  });
});

describe('GET /suppressions', () => {
  it('pages newest first, and leaves deleted ones out', async () => {
    const alice = await api.newCustomer();
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(await suppress(alice, { number: aNumber() }));
      api.clock.advance(1);
    }
    const first = await alice.get('/suppressions?page_size=2');
    expect(first.body.result.map((s: any) => s.id)).toEqual([made[4].id, made[3].id]);
    const second = await alice.get(`/suppressions?page_size=2&page_token=${first.body.next_page_token}`);
    expect(second.body.result.map((s: any) => s.id)).toEqual([made[2].id, made[1].id]);

    await alice.del(`/suppressions/${made[3].id}`);
    const all = (await alice.get('/suppressions')).body.result;
    expect(all.map((s: any) => s.id)).toEqual([made[4].id, made[2].id, made[1].id, made[0].id]);
  });

  it('looks one number up with ?number=, however it is written', async () => {
    const alice = await api.newCustomer();
    const s = await suppress(alice, { number: '+14155550401' });
    await suppress(alice, { number: '+14155550402' });
    expect(await lookUp(alice, '+1 (415) 555-0401')).toEqual([s]);
    expect(await lookUp(alice, 'tel:+14155550401')).toEqual([s]);
    // An unencoded + arrives as a space.
    expect((await alice.get('/suppressions?number=+14155550401')).body.result).toEqual([s]);
    expect(await lookUp(alice, '+14155550499')).toEqual([]);
    expectInvalid(await alice.get('/suppressions?number=nope'), 'number');
  });
});

describe('DELETE /suppressions/{id}', () => {
  it('soft-deletes: the number is free again, the record stays readable, and a new add makes a new one', async () => {
    const alice = await api.newCustomer();
    const number = aNumber();
    const s = await suppress(alice, { number, reason: 'mistake' });
    api.clock.advance(1_000);
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const deleted = await alice.del(`/suppressions/${s.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ ...s, tm_update: at, tm_delete: at });
    expect((await alice.get(`/suppressions/${s.id}`)).body).toEqual(deleted.body);
    expect(await lookUp(alice, number)).toEqual([]);

    const again = await suppress(alice, { number });
    expect(again.id).not.toBe(s.id);
    expect(await lookUp(alice, number)).toEqual([again]);
    expectError(await alice.del(`/suppressions/${s.id}`), 409, 'FAILED_PRECONDITION', 'RESOURCE_DELETED');
  });

  it('answers an unknown id with 404 and a malformed one with 400', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.del(`/suppressions/${randomUUID()}`), 404, 'NOT_FOUND', 'SUPPRESSION_NOT_FOUND');
    expectError(await alice.get(`/suppressions/${randomUUID()}`), 404, 'NOT_FOUND', 'SUPPRESSION_NOT_FOUND');
    expectError(await alice.get('/suppressions/not-a-uuid'), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
  });
});

describe('tenant isolation', () => {
  it("keeps each customer's list to itself: another customer's id is unknown, its numbers are not suppressed", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const number = aNumber();
    const hers = await suppress(alice, { number, reason: 'secret reason' });
    const batch = (await alice.post('/suppressions/batch', { numbers: [aNumber()] })).body.result[0];

    for (const id of [hers.id, batch.id]) {
      const got = await bob.get(`/suppressions/${id}`);
      expectError(got, 404, 'NOT_FOUND', 'SUPPRESSION_NOT_FOUND');
      expect(JSON.stringify(got.body)).not.toContain('secret reason');
      expectError(await bob.del(`/suppressions/${id}`), 404, 'NOT_FOUND', 'SUPPRESSION_NOT_FOUND');
    }
    expect((await bob.get('/suppressions')).body.result).toEqual([]);
    expect(await lookUp(bob, number)).toEqual([]);

    // Bob's suppression of the same number is his own, and leaves Alice's alone.
    const his = await suppress(bob, { number });
    expect(his.id).not.toBe(hers.id);
    expect(his.customer_id).toBe(bob.customerId);
    await bob.del(`/suppressions/${his.id}`);
    expect(await lookUp(alice, number)).toEqual([hers]);
    expect((await alice.get(`/suppressions/${hers.id}`)).body.tm_delete).toBeNull();
  });

  it('needs an access key on every route', async () => {
    const id = randomUUID();
    for (const [method, path] of [
      ['POST', '/suppressions'],
      ['POST', '/suppressions/batch'],
      ['GET', '/suppressions'],
      ['GET', `/suppressions/${id}`],
      ['DELETE', `/suppressions/${id}`],
    ] as const) {
      const body = method === 'POST' ? {} : undefined;
      expect((await api.anonymous.request(method, path, body)).status).toBe(401);
    }
  });
});
