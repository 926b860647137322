import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import {
  asTimestamp,
  expectDeniedWithoutLeak,
  expectError,
  expectInvalid,
  fieldsOf,
  MICROS_Z,
} from '../support/expectations.ts';
import { aCampaign, anOutplan } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';

const api = apiPerFile();

type Customer = Client & { customerId: string };

const createOutplan = async (c: Customer, overrides: Record<string, unknown> = {}) => {
  const res = await c.post('/outplans', anOutplan(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const newDialInfo = {
  source: { type: 'sip', target: 'sales@example.com', target_name: 'Sales', name: 'desk', detail: 'x' },
  dial_timeout: 45000,
  try_interval: 7200000,
  max_try_count_0: 5,
  max_try_count_1: 4,
  max_try_count_2: 3,
  max_try_count_3: 2,
  max_try_count_4: 1,
};

describe('POST /outplans', () => {
  it('creates an outplan with every dial field and returns it with null tm_update/tm_delete', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/outplans', anOutplan());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      customer_id: alice.customerId,
      name: 'outplan',
      source: { type: 'tel', target: '+15550000001', target_name: '', name: '', detail: '' },
      dial_timeout: 30000,
      try_interval: 600000,
      max_try_count_0: 3,
      tm_update: null,
      tm_delete: null,
    });
    expect(res.body.tm_create).toMatch(MICROS_Z);
    const got = await alice.get(`/outplans/${res.body.id}`);
    expect(got.body).toEqual(res.body);
  });

  it('returns exactly the documented fields, stamped with the clock in microsecond ISO form', async () => {
    const alice = await api.newCustomer();
    api.clock.freeze();
    const at = api.clock.now();
    const res = await alice.post('/outplans', anOutplan({ name: 'renewals', detail: 'two slots' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      customer_id: alice.customerId,
      name: 'renewals',
      detail: 'two slots',
      source: { type: 'tel', target: '+15550000001', target_name: '', name: '', detail: '' },
      dial_timeout: 30000,
      try_interval: 600000,
      max_try_count_0: 3,
      max_try_count_1: 2,
      max_try_count_2: 0,
      max_try_count_3: 0,
      max_try_count_4: 0,
      tm_create: asTimestamp(at),
      tm_update: null,
      tm_delete: null,
    });
    expect(Object.keys(res.body)).toEqual([
      'id',
      'customer_id',
      'name',
      'detail',
      'source',
      'dial_timeout',
      'try_interval',
      'max_try_count_0',
      'max_try_count_1',
      'max_try_count_2',
      'max_try_count_3',
      'max_try_count_4',
      'tm_create',
      'tm_update',
      'tm_delete',
    ]);
  });

  it('gives every outplan a new id', async () => {
    const alice = await api.newCustomer();
    const a = await createOutplan(alice);
    const b = await createOutplan(alice);
    expect(a.id).not.toBe(b.id);
  });

  it('keeps the display fields of the source address', async () => {
    const alice = await api.newCustomer();
    const source = {
      type: 'tel',
      target: '+442071234567',
      target_name: 'Main',
      name: 'HQ',
      detail: 'London',
    };
    const outplan = await createOutplan(alice, { source });
    expect(outplan.source).toEqual(source);
  });

  it('defaults an omitted detail to the empty string', async () => {
    const alice = await api.newCustomer();
    const { detail: _omitted, ...body } = anOutplan();
    const res = await alice.post('/outplans', body);
    expect(res.status).toBe(200);
    expect(res.body.detail).toBe('');
  });

  it('accepts the boundary values of every number', async () => {
    const alice = await api.newCustomer();
    const low = await alice.post(
      '/outplans',
      anOutplan({ dial_timeout: 1000, try_interval: 0, max_try_count_0: 0, max_try_count_4: 0 }),
    );
    expect(low.status).toBe(200);
    expect(low.body).toMatchObject({ dial_timeout: 1000, try_interval: 0, max_try_count_0: 0 });
    const high = await alice.post(
      '/outplans',
      anOutplan({ dial_timeout: 600000, max_try_count_0: 100, max_try_count_4: 100 }),
    );
    expect(high.status).toBe(200);
    expect(high.body).toMatchObject({ dial_timeout: 600000, max_try_count_0: 100, max_try_count_4: 100 });
  });

  it.each([
    'name',
    'source',
    'dial_timeout',
    'try_interval',
    'max_try_count_0',
    'max_try_count_1',
    'max_try_count_2',
    'max_try_count_3',
    'max_try_count_4',
  ])('rejects a body without %s with 400 naming the field', async (field) => {
    const alice = await api.newCustomer();
    const body: Record<string, unknown> = anOutplan();
    delete body[field];
    expectInvalid(await alice.post('/outplans', body), field);
  });

  it.each([
    ['dial_timeout', '30000'],
    ['dial_timeout', 30000.5],
    ['try_interval', null],
    ['max_try_count_2', 1.5],
    ['max_try_count_3', true],
    ['name', 42],
    ['detail', ['a']],
    ['source', '+15550000001'],
  ])('rejects %s of the wrong type (%j) with 400 naming the field', async (field, value) => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/outplans', anOutplan({ [field]: value })), field);
  });

  it.each([
    ['dial_timeout', 999],
    ['dial_timeout', 0],
    ['dial_timeout', 600001],
    ['try_interval', -1],
    ['max_try_count_0', -1],
    ['max_try_count_1', 101],
  ])('rejects %s out of range (%j) with 400 naming the field', async (field, value) => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/outplans', anOutplan({ [field]: value })), field);
  });

  it('rejects a blank name', async () => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/outplans', anOutplan({ name: '   ' })), 'name');
  });

  it('rejects a name longer than 255 characters and accepts one of exactly 255', async () => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/outplans', anOutplan({ name: 'n'.repeat(256) })), 'name');
    expect((await alice.post('/outplans', anOutplan({ name: 'n'.repeat(255) }))).status).toBe(200);
  });

  it.each(['null', '[]', '"outplan"', '42'])(
    'rejects the JSON body %s, which is not an object',
    async (raw) => {
      const alice = await api.newCustomer();
      const res = await alice.request('POST', '/outplans', undefined, { raw });
      expectError(res, 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
      expect((await alice.get('/outplans')).body.result).toEqual([]);
    },
  );

  it('rejects an unknown field and names it', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/outplans', anOutplan({ max_try_count_5: 1 }));
    expectError(res, 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(fieldsOf(res)).toContain('max_try_count_5');
  });

  it.each([
    ['a tel number without +', { type: 'tel', target: '15551234567' }, 'source.target'],
    ['a tel number starting +0', { type: 'tel', target: '+0155512345' }, 'source.target'],
    ['a tel number with letters', { type: 'tel', target: '+1555CALLME' }, 'source.target'],
    ['a tel number that is too long', { type: 'tel', target: '+1234567890123456' }, 'source.target'],
    ['an unknown address type', { type: 'pigeon', target: '+15551234567' }, 'source.type'],
    ['an empty target', { type: 'sip', target: '' }, 'source.target'],
    ['an address without a target', { type: 'tel' }, 'source.target'],
  ])('rejects a source with %s', async (_label, source, field) => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/outplans', anOutplan({ source })), field);
  });

  it('rejects an unknown field inside the source address', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post(
      '/outplans',
      anOutplan({ source: { type: 'tel', target: '+15550000001', secret: 'x' } }),
    );
    expectError(res, 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(fieldsOf(res)).toContain('source.secret');
  });

  it('answers malformed JSON with 400 INVALID_JSON_BODY and stores nothing', async () => {
    const alice = await api.newCustomer();
    const res = await alice.request('POST', '/outplans', undefined, { raw: '{"name": "x",' });
    expectError(res, 400, 'INVALID_ARGUMENT', 'INVALID_JSON_BODY');
    expect((await alice.get('/outplans')).body.result).toEqual([]);
  });

  it('stores nothing when the body is invalid', async () => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/outplans', anOutplan({ dial_timeout: 10 })), 'dial_timeout');
    expect((await alice.get('/outplans')).body).toEqual({ result: [], next_page_token: '' });
  });

  it('requires credentials', async () => {
    const res = await api.anonymous.post('/outplans', anOutplan());
    expectError(res, 401, 'UNAUTHENTICATED', 'AUTHENTICATION_REQUIRED');
  });
});

describe('GET /outplans', () => {
  it("lists only the caller's outplans, newest first", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const first = await createOutplan(alice, { name: 'first' });
    await createOutplan(bob, { name: 'bobs' });
    const second = await createOutplan(alice, { name: 'second' });
    const res = await alice.get('/outplans');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: [second, first], next_page_token: first.tm_create });
  });

  it('answers an empty list with result [] and an empty token', async () => {
    const alice = await api.newCustomer();
    const res = await alice.get('/outplans');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: [], next_page_token: '' });
  });
});

describe('GET /outplans/{id}', () => {
  it('returns the outplan as it was created', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    const res = await alice.get(`/outplans/${outplan.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(outplan);
  });

  it('finds the outplan by its id in upper case too', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    const res = await alice.get(`/outplans/${outplan.id.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(outplan);
  });

  it('answers an id that is not a UUID with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.get('/outplans/not-a-uuid'), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
  });

  it('answers an unknown id with 404 OUTPLAN_NOT_FOUND', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.get(`/outplans/${randomUUID()}`), 404, 'NOT_FOUND', 'OUTPLAN_NOT_FOUND');
  });
});

describe('PUT /outplans/{id}', () => {
  it('changes only name and detail and stamps tm_update', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    api.clock.advance(5_000);
    api.clock.freeze();
    const at = api.clock.now();
    const res = await alice.put(`/outplans/${outplan.id}`, { name: 'renamed', detail: 'new detail' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...outplan,
      name: 'renamed',
      detail: 'new detail',
      tm_update: asTimestamp(at),
    });
    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(res.body);
  });

  it('rejects dial fields, which belong to dial_info, and changes nothing', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    const res = await alice.put(`/outplans/${outplan.id}`, { name: 'x', detail: '', dial_timeout: 5000 });
    expectError(res, 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(fieldsOf(res)).toContain('dial_timeout');
    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(outplan);
  });

  it('rejects a missing or blank name', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    expectInvalid(await alice.put(`/outplans/${outplan.id}`, { detail: 'd' }), 'name');
    expectInvalid(await alice.put(`/outplans/${outplan.id}`, { name: '', detail: 'd' }), 'name');
    expectInvalid(await alice.put(`/outplans/${outplan.id}`, { name: 7, detail: 'd' }), 'name');
  });

  it('answers an unknown id with 404 and a malformed id with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(
      await alice.put(`/outplans/${randomUUID()}`, { name: 'x', detail: '' }),
      404,
      'NOT_FOUND',
      'OUTPLAN_NOT_FOUND',
    );
    expectError(
      await alice.put('/outplans/1234', { name: 'x', detail: '' }),
      400,
      'INVALID_ARGUMENT',
      'INVALID_ID',
    );
  });
});

describe('PUT /outplans/{id}/dial_info', () => {
  it('replaces source, timeouts and every try count, keeps name and detail, stamps tm_update', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    api.clock.advance(1_000);
    api.clock.freeze();
    const at = api.clock.now();
    const res = await alice.put(`/outplans/${outplan.id}/dial_info`, newDialInfo);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...outplan, ...newDialInfo, tm_update: asTimestamp(at) });
    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(res.body);
  });

  it('fills the display fields of a bare source address with empty strings', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice, {
      source: { type: 'tel', target: '+15550000001', name: 'old name' },
    });
    const res = await alice.put(`/outplans/${outplan.id}/dial_info`, {
      ...newDialInfo,
      source: { type: 'tel', target: '+15550000002' },
    });
    expect(res.body.source).toEqual({
      type: 'tel',
      target: '+15550000002',
      target_name: '',
      name: '',
      detail: '',
    });
  });

  it('requires every dial field and changes nothing when one is missing', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    const { max_try_count_4: _omitted, ...partial } = newDialInfo;
    expectInvalid(await alice.put(`/outplans/${outplan.id}/dial_info`, partial), 'max_try_count_4');
    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(outplan);
  });

  it('rejects out-of-range values, a non-E.164 tel source and name/detail', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    const path = `/outplans/${outplan.id}/dial_info`;
    expectInvalid(await alice.put(path, { ...newDialInfo, dial_timeout: 999 }), 'dial_timeout');
    expectInvalid(await alice.put(path, { ...newDialInfo, try_interval: -5 }), 'try_interval');
    expectInvalid(await alice.put(path, { ...newDialInfo, max_try_count_2: 101 }), 'max_try_count_2');
    expectInvalid(
      await alice.put(path, { ...newDialInfo, source: { type: 'tel', target: '555-1234' } }),
      'source.target',
    );
    const named = await alice.put(path, { ...newDialInfo, name: 'not here' });
    expectError(named, 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(fieldsOf(named)).toContain('name');
    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(outplan);
  });

  it('answers an unknown id with 404 and a malformed id with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(
      await alice.put(`/outplans/${randomUUID()}/dial_info`, newDialInfo),
      404,
      'NOT_FOUND',
      'OUTPLAN_NOT_FOUND',
    );
    expectError(
      await alice.put('/outplans/zzz/dial_info', newDialInfo),
      400,
      'INVALID_ARGUMENT',
      'INVALID_ID',
    );
  });
});

describe('DELETE /outplans/{id}', () => {
  it('soft-deletes: returns the outplan with tm_delete set, GET still returns it, the list drops it', async () => {
    const alice = await api.newCustomer();
    const kept = await createOutplan(alice, { name: 'kept' });
    const outplan = await createOutplan(alice, { name: 'doomed' });
    api.clock.advance(2_000);
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const res = await alice.del(`/outplans/${outplan.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...outplan, tm_update: at, tm_delete: at });
    api.clock.unfreeze();
    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(res.body);
    expect((await alice.get('/outplans')).body).toEqual({ result: [kept], next_page_token: kept.tm_create });
  });

  it('refuses every change to a deleted outplan with 409 RESOURCE_DELETED', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    const deleted = (await alice.del(`/outplans/${outplan.id}`)).body;
    expectError(
      await alice.put(`/outplans/${outplan.id}`, { name: 'x', detail: '' }),
      409,
      'FAILED_PRECONDITION',
      'RESOURCE_DELETED',
    );
    expectError(
      await alice.put(`/outplans/${outplan.id}/dial_info`, newDialInfo),
      409,
      'FAILED_PRECONDITION',
      'RESOURCE_DELETED',
    );
    expectError(await alice.del(`/outplans/${outplan.id}`), 409, 'FAILED_PRECONDITION', 'RESOURCE_DELETED');
    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(deleted);
  });

  it('answers an unknown id with 404 and a malformed id with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.del(`/outplans/${randomUUID()}`), 404, 'NOT_FOUND', 'OUTPLAN_NOT_FOUND');
    expectError(await alice.del('/outplans/%20'), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
  });

  it('refuses to delete an outplan a campaign uses (409 RESOURCE_IN_USE), then allows it once the campaign is gone', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    const campaign = await alice.post('/campaigns', aCampaign({ outplan_id: outplan.id }));
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(200);
    expect(campaign.body).toMatchObject({ outplan_id: outplan.id, status: 'stop' });

    expectError(await alice.del(`/outplans/${outplan.id}`), 409, 'FAILED_PRECONDITION', 'RESOURCE_IN_USE');
    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(outplan);
    expect((await alice.get('/outplans')).body.result).toEqual([outplan]);

    expect((await alice.del(`/campaigns/${campaign.body.id}`)).status).toBe(200);
    const res = await alice.del(`/outplans/${outplan.id}`);
    expect(res.status).toBe(200);
    expect(res.body.tm_delete).toMatch(MICROS_Z);
  });

  it('keeps refusing while a second campaign still uses the outplan', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    const one = await alice.post('/campaigns', aCampaign({ outplan_id: outplan.id }));
    const two = await alice.post('/campaigns', aCampaign({ outplan_id: outplan.id }));
    expect([one.status, two.status]).toEqual([200, 200]);
    expect((await alice.del(`/campaigns/${one.body.id}`)).status).toBe(200);
    expectError(await alice.del(`/outplans/${outplan.id}`), 409, 'FAILED_PRECONDITION', 'RESOURCE_IN_USE');
    expect((await alice.del(`/campaigns/${two.body.id}`)).status).toBe(200);
    expect((await alice.del(`/outplans/${outplan.id}`)).status).toBe(200);
  });

  it('still lets a campaign-used outplan be edited', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    expect((await alice.post('/campaigns', aCampaign({ outplan_id: outplan.id }))).status).toBe(200);
    const res = await alice.put(`/outplans/${outplan.id}/dial_info`, newDialInfo);
    expect(res.status).toBe(200);
    expect(res.body.dial_timeout).toBe(45000);
  });

  it('refuses a deleted outplan as a campaign reference', async () => {
    const alice = await api.newCustomer();
    const outplan = await createOutplan(alice);
    expect((await alice.del(`/outplans/${outplan.id}`)).status).toBe(200);
    expectInvalid(await alice.post('/campaigns', aCampaign({ outplan_id: outplan.id })), 'outplan_id');
  });
});

describe("another customer's outplan", () => {
  const secretOutplan = async (owner: Customer) =>
    createOutplan(owner, {
      name: `secret-${randomUUID()}`,
      detail: `hidden-${randomUUID()}`,
      source: { type: 'tel', target: '+15557654321' },
    });

  it('is refused with a bare 403 on every route, and nothing changes', async () => {
    const alice = await api.newCustomer();
    const mallory = await api.newCustomer();
    const outplan = await secretOutplan(alice);
    const secrets = [
      alice.customerId,
      outplan.name,
      outplan.detail,
      outplan.source.target,
      outplan.tm_create,
    ];

    expectDeniedWithoutLeak(await mallory.get(`/outplans/${outplan.id}`), secrets);
    expectDeniedWithoutLeak(await mallory.put(`/outplans/${outplan.id}`, { name: 'x', detail: '' }), secrets);
    expectDeniedWithoutLeak(await mallory.put(`/outplans/${outplan.id}/dial_info`, newDialInfo), secrets);
    expectDeniedWithoutLeak(await mallory.del(`/outplans/${outplan.id}`), secrets);

    expect((await alice.get(`/outplans/${outplan.id}`)).body).toEqual(outplan);
    expect((await mallory.get('/outplans')).body).toEqual({ result: [], next_page_token: '' });
  });

  it('is refused even after it is deleted', async () => {
    const alice = await api.newCustomer();
    const mallory = await api.newCustomer();
    const outplan = await secretOutplan(alice);
    expect((await alice.del(`/outplans/${outplan.id}`)).status).toBe(200);
    expectDeniedWithoutLeak(await mallory.get(`/outplans/${outplan.id}`), [outplan.name]);
    expectDeniedWithoutLeak(await mallory.del(`/outplans/${outplan.id}`), [outplan.name]);
  });

  it('cannot be used as a campaign reference', async () => {
    const alice = await api.newCustomer();
    const mallory = await api.newCustomer();
    const outplan = await secretOutplan(alice);
    const res = await mallory.post('/campaigns', aCampaign({ outplan_id: outplan.id }));
    expectInvalid(res, 'outplan_id');
    expect(JSON.stringify(res.body)).not.toContain(outplan.name);
    expect((await alice.del(`/outplans/${outplan.id}`)).status).toBe(200);
  });
});
