import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import {
  asTimestamp,
  expectDeniedWithoutLeak,
  expectError,
  expectInvalid,
  MICROS_Z,
} from '../support/expectations.ts';
import { anOutdial, aTarget } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';

const api = apiPerFile();

type Customer = Client & { customerId: string };

const address = (type: string, target: string) => ({ type, target, target_name: '', name: '', detail: '' });

const createOutdial = async (c: Customer) => {
  const res = await c.post('/outdials', anOutdial());
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const createTarget = async (c: Customer, outdialId: string, overrides: Record<string, unknown> = {}) => {
  const res = await c.post(`/outdials/${outdialId}/targets`, aTarget(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
/** A customer with one outdial, the common starting point. */
const givenAnOutdial = async () => {
  const owner = await api.newCustomer();
  const outdial = await createOutdial(owner);
  return { owner, outdial, targets: `/outdials/${outdial.id}/targets` };
};

describe('POST /outdials/{id}/targets', () => {
  it('creates an idle, never-tried target: zero tries, omitted slots null, tm_update = tm_create, no customer_id', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    api.clock.advance(1_000);
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const res = await owner.post(targets, aTarget({ name: 'Jane', detail: 'VIP', data: 'crm-7' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      outdial_id: outdial.id,
      name: 'Jane',
      detail: 'VIP',
      data: 'crm-7',
      status: 'idle',
      destination_0: address('tel', '+15551230000'),
      destination_1: null,
      destination_2: null,
      destination_3: null,
      destination_4: null,
      try_count_0: 0,
      try_count_1: 0,
      try_count_2: 0,
      try_count_3: 0,
      try_count_4: 0,
      timezone: null,
      hold: null,
      tm_create: at,
      tm_update: at,
      tm_delete: null,
    });
    expect(Object.keys(res.body)).toEqual([
      'id',
      'outdial_id',
      'name',
      'detail',
      'data',
      'status',
      'destination_0',
      'destination_1',
      'destination_2',
      'destination_3',
      'destination_4',
      'try_count_0',
      'try_count_1',
      'try_count_2',
      'try_count_3',
      'try_count_4',
      'timezone',
      'hold',
      'tm_create',
      'tm_update',
      'tm_delete',
    ]);
    expect(res.body).not.toHaveProperty('customer_id');
    expect((await owner.get(`${targets}/${res.body.id}`)).body).toEqual(res.body);
  });

  it('stores all five destinations as sent, with display fields kept or defaulted', async () => {
    const { owner, targets } = await givenAnOutdial();
    const full = { type: 'tel', target: '+15551230001', target_name: 'Mobile', name: 'Jane', detail: 'cell' };
    const res = await owner.post(
      targets,
      aTarget({
        destination_0: full,
        destination_1: { type: 'tel', target: '+15551230002' },
        destination_2: { type: 'sip', target: 'jane@example.com' },
        destination_3: { type: 'email', target: 'jane@example.com' },
        destination_4: { type: 'agent', target: randomUUID().slice(0, 8) },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.destination_0).toEqual(full);
    expect(res.body.destination_1).toEqual(address('tel', '+15551230002'));
    expect(res.body.destination_2).toEqual(address('sip', 'jane@example.com'));
    expect(res.body.destination_3).toEqual(address('email', 'jane@example.com'));
    expect(res.body.destination_4).toMatchObject({ type: 'agent' });
  });

  it('stores a tel destination in E.164 however it was written, so one person is one number', async () => {
    const { owner, targets } = await givenAnOutdial();
    const res = await owner.post(
      targets,
      aTarget({
        destination_0: { type: 'tel', target: '+1 (415) 555-0100', name: 'Jane' },
        destination_1: { type: 'tel', target: 'tel:+1-555-123-4567' },
        destination_2: { type: 'tel', target: '+44 (0) 20 7946 0958' },
        // Only tel targets are phone numbers; the others are kept as sent.
        destination_3: { type: 'sip', target: '+1 (415) 555-0100@example.com' },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.destination_0).toEqual({ ...address('tel', '+14155550100'), name: 'Jane' });
    expect(res.body.destination_1).toEqual(address('tel', '+15551234567'));
    expect(res.body.destination_2).toEqual(address('tel', '+442079460958'));
    expect(res.body.destination_3).toEqual(address('sip', '+1 (415) 555-0100@example.com'));
    expect((await owner.get(`${targets}/${res.body.id}`)).body).toEqual(res.body);
  });

  it("takes the person's own IANA time zone, shown in its canonical spelling, and null when not sent", async () => {
    const { owner, targets } = await givenAnOutdial();
    const zoned = await owner.post(targets, aTarget({ timezone: 'america/chicago' }));
    expect(zoned.status, JSON.stringify(zoned.body)).toBe(200);
    expect(zoned.body.timezone).toBe('America/Chicago');
    expect((await owner.get(`${targets}/${zoned.body.id}`)).body.timezone).toBe('America/Chicago');
    expect((await owner.post(targets, aTarget())).body.timezone).toBeNull();
    for (const timezone of ['Mars/Olympus_Mons', '', 'callee', 5]) {
      expectInvalid(await owner.post(targets, aTarget({ timezone })), 'timezone');
    }
  });

  it('accepts a target whose only destination is a later slot, the others stored as null', async () => {
    const { owner, targets } = await givenAnOutdial();
    const res = await owner.post(
      targets,
      aTarget({ destination_0: null, destination_3: { type: 'tel', target: '+15551230003' } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      destination_0: null,
      destination_1: null,
      destination_2: null,
      destination_3: address('tel', '+15551230003'),
      destination_4: null,
    });
    expect((await owner.get(`${targets}/${res.body.id}`)).body.destination_0).toBeNull();
  });

  it('defaults omitted name, detail and data to empty strings', async () => {
    const { owner, targets } = await givenAnOutdial();
    const res = await owner.post(targets, { destination_0: { type: 'tel', target: '+15551230000' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '', detail: '', data: '' });
  });

  it('rejects a target with no destination at all', async () => {
    const { owner, targets } = await givenAnOutdial();
    expectInvalid(await owner.post(targets, { name: 'nobody', detail: '', data: '' }), 'destination_0');
    expectInvalid(
      await owner.post(
        targets,
        aTarget({
          destination_0: null,
          destination_1: null,
          destination_2: null,
          destination_3: null,
          destination_4: null,
        }),
      ),
      'destination_0',
    );
    expect((await owner.get(targets)).body).toEqual({ result: [], next_page_token: '' });
  });

  it.each([
    [
      'a tel number without +',
      'destination_0',
      { type: 'tel', target: '5551234567' },
      'destination_0.target',
    ],
    [
      'a tel number with letters',
      'destination_1',
      { type: 'tel', target: '+1-555-CALL-ME' },
      'destination_1.target',
    ],
    [
      'a tel number with an extension',
      'destination_1',
      { type: 'tel', target: 'tel:+14155550100;ext=12' },
      'destination_1.target',
    ],
    [
      'a tel number of an unknown country',
      'destination_2',
      { type: 'tel', target: '+999123456789' },
      'destination_2.target',
    ],
    ['a tel number of one digit', 'destination_2', { type: 'tel', target: '+1' }, 'destination_2.target'],
    ['an empty target', 'destination_4', { type: 'sip', target: '' }, 'destination_4.target'],
    ['an unknown type', 'destination_3', { type: 'fax', target: '+15551234567' }, 'destination_3.type'],
    ['no type', 'destination_0', { target: '+15551234567' }, 'destination_0.type'],
    ['a plain string', 'destination_0', '+15551234567', 'destination_0'],
    [
      'an unknown address field',
      'destination_0',
      { type: 'tel', target: '+15551234567', x: 1 },
      'destination_0.x',
    ],
  ])('rejects a destination that is %s, naming the field', async (_label, slot, value, field) => {
    const { owner, targets } = await givenAnOutdial();
    expectInvalid(await owner.post(targets, aTarget({ [slot]: value })), field);
    expect((await owner.get(targets)).body.result).toEqual([]);
  });

  it.each([
    ['destination_5', { type: 'tel', target: '+15551234567' }],
    ['status', 'done'],
    ['try_count_0', 3],
    ['customer_id', randomUUID()],
    ['outdial_id', randomUUID()],
  ])('rejects the unknown or server-owned field %s', async (field, value) => {
    const { owner, targets } = await givenAnOutdial();
    expectInvalid(await owner.post(targets, aTarget({ [field]: value })), field);
  });

  it.each([
    ['name', 5],
    ['detail', null],
    ['data', { crm: 42 }],
  ])('rejects %s of the wrong type', async (field, value) => {
    const { owner, targets } = await givenAnOutdial();
    expectInvalid(await owner.post(targets, aTarget({ [field]: value })), field);
  });

  it('answers malformed JSON with 400 INVALID_JSON_BODY', async () => {
    const { owner, targets } = await givenAnOutdial();
    const res = await owner.request('POST', targets, undefined, { raw: '[{"destination_0":' });
    expectError(res, 400, 'INVALID_ARGUMENT', 'INVALID_JSON_BODY');
  });

  it('answers an unknown outdial with 404 OUTDIAL_NOT_FOUND and a malformed one with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(
      await alice.post(`/outdials/${randomUUID()}/targets`, aTarget()),
      404,
      'NOT_FOUND',
      'OUTDIAL_NOT_FOUND',
    );
    expectError(await alice.post('/outdials/nope/targets', aTarget()), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
  });

  it('refuses a target for a deleted outdial with 409 RESOURCE_DELETED', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    expect((await owner.del(`/outdials/${outdial.id}`)).status).toBe(200);
    expectError(await owner.post(targets, aTarget()), 409, 'FAILED_PRECONDITION', 'RESOURCE_DELETED');
    expect((await owner.get(targets)).body.result).toEqual([]);
  });
});

describe('GET /outdials/{id}/targets', () => {
  it("lists the outdial's own targets, newest first, and nothing of its sibling outdials", async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const sibling = await createOutdial(owner);
    const first = await createTarget(owner, outdial.id, { name: 'first' });
    await createTarget(owner, sibling.id, { name: 'elsewhere' });
    const second = await createTarget(owner, outdial.id, { name: 'second' });
    const res = await owner.get(targets);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: [second, first], next_page_token: first.tm_create });
  });

  it('answers an outdial without targets with result [] and an empty token', async () => {
    const { owner, targets } = await givenAnOutdial();
    expect((await owner.get(targets)).body).toEqual({ result: [], next_page_token: '' });
  });

  it('answers an unknown outdial with 404 and a malformed one with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.get(`/outdials/${randomUUID()}/targets`), 404, 'NOT_FOUND', 'OUTDIAL_NOT_FOUND');
    expectError(await alice.get('/outdials/0000/targets'), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
  });
});

describe('GET /outdials/{id}/targets/{target_id}', () => {
  it('returns the target as created', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const target = await createTarget(owner, outdial.id);
    const res = await owner.get(`${targets}/${target.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(target);
  });

  it('answers a target asked for under another of the caller’s outdials with 400, and shows nothing of it', async () => {
    const { owner, outdial } = await givenAnOutdial();
    const other = await createOutdial(owner);
    const target = await createTarget(owner, outdial.id, { name: `person-${randomUUID()}` });
    const res = await owner.get(`/outdials/${other.id}/targets/${target.id}`);
    expectInvalid(res, 'target_id');
    expect(JSON.stringify(res.body)).not.toContain(target.name);
  });

  it('answers an unknown target with 404 OUTDIAL_TARGET_NOT_FOUND', async () => {
    const { owner, targets } = await givenAnOutdial();
    expectError(await owner.get(`${targets}/${randomUUID()}`), 404, 'NOT_FOUND', 'OUTDIAL_TARGET_NOT_FOUND');
  });

  it('answers an unknown outdial with 404 OUTDIAL_NOT_FOUND even for a real target', async () => {
    const { owner, outdial } = await givenAnOutdial();
    const target = await createTarget(owner, outdial.id);
    expectError(
      await owner.get(`/outdials/${randomUUID()}/targets/${target.id}`),
      404,
      'NOT_FOUND',
      'OUTDIAL_NOT_FOUND',
    );
  });

  it('answers a malformed outdial or target id with 400 INVALID_ID', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const target = await createTarget(owner, outdial.id);
    expectError(await owner.get(`${targets}/not-a-uuid`), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
    expectError(await owner.get(`/outdials/bad/targets/${target.id}`), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
  });
});

describe('DELETE /outdials/{id}/targets/{target_id}', () => {
  it('soft-deletes: returns the target with tm_delete set, GET still returns it, the list drops it', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const kept = await createTarget(owner, outdial.id, { name: 'kept' });
    const target = await createTarget(owner, outdial.id, { name: 'doomed' });
    api.clock.advance(60_000);
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const res = await owner.del(`${targets}/${target.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...target, tm_update: at, tm_delete: at });
    expect((await owner.get(`${targets}/${target.id}`)).body).toEqual(res.body);
    expect((await owner.get(targets)).body).toEqual({ result: [kept], next_page_token: kept.tm_create });
  });

  it('refuses to delete a target twice with 409 RESOURCE_DELETED, keeping the first tm_delete', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const target = await createTarget(owner, outdial.id);
    const deleted = (await owner.del(`${targets}/${target.id}`)).body;
    api.clock.advance(1_000);
    expectError(await owner.del(`${targets}/${target.id}`), 409, 'FAILED_PRECONDITION', 'RESOURCE_DELETED');
    expect((await owner.get(`${targets}/${target.id}`)).body).toEqual(deleted);
  });

  it('refuses to delete a target while it is being dialled (409) and leaves it as it was', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const target = await createTarget(owner, outdial.id);
    await api.deps.resources.update(
      'outdialtarget',
      target.id,
      { customerId: owner.customerId },
      { status: 'progressing', try_count_0: 1 },
    );
    const before = (await owner.get(`${targets}/${target.id}`)).body;
    expect(before.status).toBe('progressing');
    const res = await owner.del(`${targets}/${target.id}`);
    expectError(res, 409, 'FAILED_PRECONDITION', 'TARGET_IN_PROGRESS');
    expect((await owner.get(`${targets}/${target.id}`)).body).toEqual(before);
    expect((await owner.get(targets)).body.result).toEqual([before]);
  });

  it('deletes a target that is done', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const target = await createTarget(owner, outdial.id);
    await api.deps.resources.update(
      'outdialtarget',
      target.id,
      { customerId: owner.customerId },
      { status: 'done' },
    );
    const res = await owner.del(`${targets}/${target.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'done', tm_delete: expect.stringMatching(MICROS_Z) });
  });

  it('answers a target addressed under another of the caller’s outdials with 400 and deletes nothing', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const other = await createOutdial(owner);
    const target = await createTarget(owner, outdial.id);
    expectInvalid(await owner.del(`/outdials/${other.id}/targets/${target.id}`), 'target_id');
    expect((await owner.get(`${targets}/${target.id}`)).body).toEqual(target);
    expect((await owner.get(targets)).body.result).toEqual([target]);
  });

  it('answers unknown ids with 404 and malformed ones with 400 INVALID_ID', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const target = await createTarget(owner, outdial.id);
    expectError(await owner.del(`${targets}/${randomUUID()}`), 404, 'NOT_FOUND', 'OUTDIAL_TARGET_NOT_FOUND');
    expectError(
      await owner.del(`/outdials/${randomUUID()}/targets/${target.id}`),
      404,
      'NOT_FOUND',
      'OUTDIAL_NOT_FOUND',
    );
    expectError(await owner.del(`${targets}/xyz`), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
    expectError(await owner.del(`/outdials/xyz/targets/${target.id}`), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
    expect((await owner.get(`${targets}/${target.id}`)).body).toEqual(target);
  });
});

describe("another customer's targets", () => {
  const givenAlicesSecretTarget = async () => {
    const { owner: alice, outdial, targets } = await givenAnOutdial();
    const target = await createTarget(alice, outdial.id, {
      name: `person-${randomUUID()}`,
      data: `crm-${randomUUID()}`,
      destination_0: { type: 'tel', target: '+15559876543' },
    });
    const mallory = await api.newCustomer();
    const secrets = [alice.customerId, target.name, target.data, '+15559876543'];
    return { alice, mallory, outdial, target, targets, secrets };
  };

  it("are refused with a bare 403 when addressed through the owner's outdial", async () => {
    const { alice, mallory, target, targets, secrets } = await givenAlicesSecretTarget();
    expectDeniedWithoutLeak(await mallory.get(targets), secrets);
    expectDeniedWithoutLeak(await mallory.get(`${targets}?page_size=1`), secrets);
    expectDeniedWithoutLeak(await mallory.post(targets, aTarget()), secrets);
    expectDeniedWithoutLeak(await mallory.get(`${targets}/${target.id}`), secrets);
    expectDeniedWithoutLeak(await mallory.del(`${targets}/${target.id}`), secrets);
    expectDeniedWithoutLeak(await mallory.get(`${targets}/${randomUUID()}`), secrets);
    expect((await alice.get(targets)).body.result).toEqual([target]);
  });

  it("are refused with a bare 403 when addressed through the caller's own outdial", async () => {
    const { alice, mallory, target, targets, secrets } = await givenAlicesSecretTarget();
    const own = await createOutdial(mallory);
    expectDeniedWithoutLeak(await mallory.get(`/outdials/${own.id}/targets/${target.id}`), secrets);
    expectDeniedWithoutLeak(await mallory.del(`/outdials/${own.id}/targets/${target.id}`), secrets);
    expect((await alice.get(`${targets}/${target.id}`)).body).toEqual(target);
  });

  it('stay refused after the owner deletes them', async () => {
    const { alice, mallory, target, targets, secrets } = await givenAlicesSecretTarget();
    expect((await alice.del(`${targets}/${target.id}`)).status).toBe(200);
    expectDeniedWithoutLeak(await mallory.get(`${targets}/${target.id}`), secrets);
    expectDeniedWithoutLeak(await mallory.del(`${targets}/${target.id}`), secrets);
  });
});
