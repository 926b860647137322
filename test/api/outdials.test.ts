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
import { aCampaign, anOutdial, aTarget } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';

const api = apiPerFile();

type Customer = Client & { customerId: string };

const NIL = '00000000-0000-0000-0000-000000000000';

const createOutdial = async (c: Customer, overrides: Record<string, unknown> = {}) => {
  const res = await c.post('/outdials', anOutdial(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const createCampaign = async (c: Customer, overrides: Record<string, unknown> = {}) => {
  const res = await c.post('/campaigns', aCampaign(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('POST /outdials', () => {
  it('returns exactly the documented fields, no campaign and a microsecond tm_create', async () => {
    const alice = await api.newCustomer();
    api.clock.freeze();
    const at = api.clock.now();
    const res = await alice.post('/outdials', anOutdial({ name: 'renewals', detail: 'Q3', data: '{"k":1}' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      customer_id: alice.customerId,
      campaign_id: NIL,
      name: 'renewals',
      detail: 'Q3',
      data: '{"k":1}',
      target_count: 0,
      targets_by_state: { total: 0, idle: 0, waiting_retry: 0, in_flight: 0, done: 0, held: 0 },
      tm_create: asTimestamp(at),
      tm_update: null,
      tm_delete: null,
    });
    expect(Object.keys(res.body)).toEqual([
      'id',
      'customer_id',
      'campaign_id',
      'name',
      'detail',
      'data',
      'target_count',
      'targets_by_state',
      'tm_create',
      'tm_update',
      'tm_delete',
    ]);
    expect((await alice.get(`/outdials/${res.body.id}`)).body).toEqual(res.body);
  });

  it('defaults omitted detail and data to empty strings', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/outdials', { name: 'bare' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'bare', detail: '', data: '', campaign_id: NIL });
  });

  it.each([
    ['an empty string', ''],
    ['the nil UUID', NIL],
  ])('treats campaign_id given as %s as not set', async (_label, campaignId) => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice, { campaign_id: campaignId });
    expect(outdial.campaign_id).toBe(NIL);
  });

  it("links the outdial to one of the caller's campaigns when campaign_id names it", async () => {
    const alice = await api.newCustomer();
    const campaign = await createCampaign(alice);
    const outdial = await createOutdial(alice, { campaign_id: campaign.id.toUpperCase() });
    expect(outdial.campaign_id).toBe(campaign.id);
  });

  it('rejects a campaign_id that is unknown, deleted or another customer’s', async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const bobs = await createCampaign(bob);
    const gone = await createCampaign(alice);
    expect((await alice.del(`/campaigns/${gone.id}`)).status).toBe(200);
    for (const campaignId of [randomUUID(), bobs.id, gone.id]) {
      const res = await alice.post('/outdials', anOutdial({ campaign_id: campaignId }));
      expectInvalid(res, 'campaign_id');
      expect(JSON.stringify(res.body)).not.toContain(bob.customerId);
    }
    expect((await alice.get('/outdials')).body.result).toEqual([]);
  });

  it.each([
    ['name missing', { name: undefined }, 'name'],
    ['name blank', { name: '  ' }, 'name'],
    ['name not a string', { name: 12 }, 'name'],
    ['detail not a string', { detail: false }, 'detail'],
    ['data not a string', { data: { crm: 1 } }, 'data'],
    ['campaign_id not a UUID', { campaign_id: 'campaign-1' }, 'campaign_id'],
    ['campaign_id not a string', { campaign_id: 5 }, 'campaign_id'],
  ])('rejects a body with %s with 400 naming the field', async (_label, overrides, field) => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/outdials', anOutdial(overrides)), field);
    expect((await alice.get('/outdials')).body.result).toEqual([]);
  });

  it('rejects an unknown field and names it', async () => {
    const alice = await api.newCustomer();
    expectInvalid(await alice.post('/outdials', anOutdial({ targets: [] })), 'targets');
  });

  it('answers malformed JSON with 400 INVALID_JSON_BODY', async () => {
    const alice = await api.newCustomer();
    const res = await alice.request('POST', '/outdials', undefined, { raw: 'name=x' });
    expectError(res, 400, 'INVALID_ARGUMENT', 'INVALID_JSON_BODY');
  });
});

describe('GET /outdials and /outdials/{id}', () => {
  it("lists only the caller's outdials, newest first", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const first = await createOutdial(alice, { name: 'first' });
    await createOutdial(bob);
    const second = await createOutdial(alice, { name: 'second' });
    expect((await alice.get('/outdials')).body).toEqual({
      result: [second, first],
      next_page_token: first.tm_create,
    });
  });

  it('answers a new customer with an empty list', async () => {
    const alice = await api.newCustomer();
    expect((await alice.get('/outdials')).body).toEqual({ result: [], next_page_token: '' });
  });

  it('answers an unknown id with 404 OUTDIAL_NOT_FOUND and a malformed one with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.get(`/outdials/${randomUUID()}`), 404, 'NOT_FOUND', 'OUTDIAL_NOT_FOUND');
    expectError(await alice.get('/outdials/123e4567-e89b'), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
  });
});

describe('PUT /outdials/{id}', () => {
  it('changes only name and detail and stamps tm_update', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    api.clock.advance(3_000);
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const res = await alice.put(`/outdials/${outdial.id}`, { name: 'renamed', detail: 'changed' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...outdial, name: 'renamed', detail: 'changed', tm_update: at });
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(res.body);
  });

  it('rejects data or campaign_id, which have their own routes, and changes nothing', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    expectInvalid(await alice.put(`/outdials/${outdial.id}`, { name: 'n', detail: '', data: 'x' }), 'data');
    expectInvalid(
      await alice.put(`/outdials/${outdial.id}`, { name: 'n', detail: '', campaign_id: NIL }),
      'campaign_id',
    );
    expectInvalid(await alice.put(`/outdials/${outdial.id}`, { detail: 'no name' }), 'name');
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(outdial);
  });
});

describe('PUT /outdials/{id}/data', () => {
  it('replaces data only and stamps tm_update', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const res = await alice.put(`/outdials/${outdial.id}/data`, { data: 'list 2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...outdial, data: 'list 2', tm_update: at });
  });

  it('rejects non-string data and other fields', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    expectInvalid(await alice.put(`/outdials/${outdial.id}/data`, { data: 7 }), 'data');
    expectInvalid(await alice.put(`/outdials/${outdial.id}/data`, { data: 'x', name: 'y' }), 'name');
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(outdial);
  });
});

describe('PUT /outdials/{id}/campaign_id', () => {
  it("sets the link to one of the caller's campaigns and clears it with an empty string", async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    const campaign = await createCampaign(alice);
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const linked = await alice.put(`/outdials/${outdial.id}/campaign_id`, { campaign_id: campaign.id });
    expect(linked.status).toBe(200);
    expect(linked.body).toEqual({ ...outdial, campaign_id: campaign.id, tm_update: at });
    api.clock.unfreeze();
    const cleared = await alice.put(`/outdials/${outdial.id}/campaign_id`, { campaign_id: '' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.campaign_id).toBe(NIL);
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(cleared.body);
  });

  it('rejects an unknown or foreign campaign and a malformed id, and changes nothing', async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const bobs = await createCampaign(bob);
    const outdial = await createOutdial(alice);
    const path = `/outdials/${outdial.id}/campaign_id`;
    expectInvalid(await alice.put(path, { campaign_id: randomUUID() }), 'campaign_id');
    expectInvalid(await alice.put(path, { campaign_id: bobs.id }), 'campaign_id');
    expectInvalid(await alice.put(path, { campaign_id: 'abc' }), 'campaign_id');
    expectInvalid(await alice.put(path, { campaign_id: NIL, data: '' }), 'data');
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(outdial);
  });

  it('answers an unknown outdial with 404 whatever campaign is named', async () => {
    const alice = await api.newCustomer();
    const path = `/outdials/${randomUUID()}/campaign_id`;
    expectError(await alice.put(path, { campaign_id: NIL }), 404, 'NOT_FOUND', 'OUTDIAL_NOT_FOUND');
    expectError(await alice.put(path, { campaign_id: randomUUID() }), 404, 'NOT_FOUND', 'OUTDIAL_NOT_FOUND');
  });

  it('refuses to move an outdial away from the campaign that uses it (409 RESOURCE_IN_USE)', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    const campaign = await createCampaign(alice, { outdial_id: outdial.id });
    const other = await createCampaign(alice);
    const before = (await alice.get(`/outdials/${outdial.id}`)).body;
    const path = `/outdials/${outdial.id}/campaign_id`;
    expectError(await alice.put(path, { campaign_id: '' }), 409, 'FAILED_PRECONDITION', 'RESOURCE_IN_USE');
    expectError(
      await alice.put(path, { campaign_id: other.id }),
      409,
      'FAILED_PRECONDITION',
      'RESOURCE_IN_USE',
    );
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(before);
    const same = await alice.put(path, { campaign_id: campaign.id });
    expect(same.status).toBe(200);
    expect(same.body.campaign_id).toBe(campaign.id);
    // Still owned by the first campaign, so a second one cannot take it.
    expectInvalid(await alice.post('/campaigns', aCampaign({ outdial_id: outdial.id })), 'outdial_id');
  });
});

describe('DELETE /outdials/{id}', () => {
  it('soft-deletes: returns the outdial with tm_delete set, GET still returns it, the list drops it', async () => {
    const alice = await api.newCustomer();
    const kept = await createOutdial(alice, { name: 'kept' });
    const outdial = await createOutdial(alice, { name: 'doomed' });
    api.clock.advance(10_000);
    api.clock.freeze();
    const at = asTimestamp(api.clock.now());
    const res = await alice.del(`/outdials/${outdial.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...outdial, tm_update: at, tm_delete: at });
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(res.body);
    expect((await alice.get('/outdials')).body).toEqual({ result: [kept], next_page_token: kept.tm_create });
  });

  it('refuses every change to a deleted outdial with 409 RESOURCE_DELETED, new targets included', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    const deleted = (await alice.del(`/outdials/${outdial.id}`)).body;
    const conflicts = [
      await alice.put(`/outdials/${outdial.id}`, { name: 'x', detail: '' }),
      await alice.put(`/outdials/${outdial.id}/data`, { data: 'x' }),
      await alice.put(`/outdials/${outdial.id}/campaign_id`, { campaign_id: '' }),
      await alice.post(`/outdials/${outdial.id}/targets`, aTarget()),
      await alice.del(`/outdials/${outdial.id}`),
    ];
    for (const res of conflicts) expectError(res, 409, 'FAILED_PRECONDITION', 'RESOURCE_DELETED');
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(deleted);
    expect((await alice.get(`/outdials/${outdial.id}/targets`)).body).toEqual({
      result: [],
      next_page_token: '',
    });
  });

  it('answers an unknown id with 404 and a malformed id with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.del(`/outdials/${randomUUID()}`), 404, 'NOT_FOUND', 'OUTDIAL_NOT_FOUND');
    expectError(await alice.del('/outdials/x'), 400, 'INVALID_ARGUMENT', 'INVALID_ID');
  });

  it('refuses a deleted outdial as a campaign reference', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    expect((await alice.del(`/outdials/${outdial.id}`)).status).toBe(200);
    expectInvalid(await alice.post('/campaigns', aCampaign({ outdial_id: outdial.id })), 'outdial_id');
  });
});

describe('an outdial used by a campaign', () => {
  it("gets the campaign's id as campaign_id when the campaign is created with it", async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    const campaign = await createCampaign(alice, { outdial_id: outdial.id });
    expect(campaign.outdial_id).toBe(outdial.id);
    const got = (await alice.get(`/outdials/${outdial.id}`)).body;
    expect(got).toEqual({ ...outdial, campaign_id: campaign.id, tm_update: expect.stringMatching(MICROS_Z) });
    expect((await alice.get('/outdials')).body.result).toEqual([got]);
  });

  it('cannot be deleted (409 RESOURCE_IN_USE, nothing changes) until the campaign is deleted', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    const campaign = await createCampaign(alice, { outdial_id: outdial.id });
    const target = (await alice.post(`/outdials/${outdial.id}/targets`, aTarget())).body;
    const linked = (await alice.get(`/outdials/${outdial.id}`)).body;

    expectError(await alice.del(`/outdials/${outdial.id}`), 409, 'FAILED_PRECONDITION', 'RESOURCE_IN_USE');
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(linked);
    expect((await alice.get('/outdials')).body.result).toEqual([linked]);
    expect((await alice.get(`/outdials/${outdial.id}/targets`)).body.result).toEqual([target]);

    expect((await alice.del(`/campaigns/${campaign.id}`)).status).toBe(200);
    const released = (await alice.get(`/outdials/${outdial.id}`)).body;
    expect(released.campaign_id).toBe(NIL);
    const res = await alice.del(`/outdials/${outdial.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: outdial.id, tm_delete: expect.stringMatching(MICROS_Z) });
  });

  it('is released, and can be deleted, once its campaign switches to another outdial', async () => {
    const alice = await api.newCustomer();
    const old = await createOutdial(alice);
    const replacement = await createOutdial(alice);
    const campaign = await createCampaign(alice, { outdial_id: old.id });
    const switched = await alice.put(`/campaigns/${campaign.id}/resource_info`, {
      outplan_id: '',
      outdial_id: replacement.id,
      queue_id: '',
      next_campaign_id: '',
    });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    expect((await alice.get(`/outdials/${old.id}`)).body.campaign_id).toBe(NIL);
    expect((await alice.get(`/outdials/${replacement.id}`)).body.campaign_id).toBe(campaign.id);
    expect((await alice.del(`/outdials/${old.id}`)).status).toBe(200);
    expectError(
      await alice.del(`/outdials/${replacement.id}`),
      409,
      'FAILED_PRECONDITION',
      'RESOURCE_IN_USE',
    );
  });

  it('cannot be taken by a second campaign', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    const first = await createCampaign(alice, { outdial_id: outdial.id });
    expectInvalid(await alice.post('/campaigns', aCampaign({ outdial_id: outdial.id })), 'outdial_id');
    expect((await alice.get(`/outdials/${outdial.id}`)).body.campaign_id).toBe(first.id);
  });

  it('still accepts new targets and edits', async () => {
    const alice = await api.newCustomer();
    const outdial = await createOutdial(alice);
    await createCampaign(alice, { outdial_id: outdial.id });
    expect((await alice.post(`/outdials/${outdial.id}/targets`, aTarget())).status).toBe(200);
    expect((await alice.put(`/outdials/${outdial.id}/data`, { data: 'v2' })).status).toBe(200);
  });
});

describe("another customer's outdial", () => {
  const secretOutdial = (owner: Customer) =>
    createOutdial(owner, {
      name: `secret-${randomUUID()}`,
      detail: `hidden-${randomUUID()}`,
      data: `crm-${randomUUID()}`,
    });

  it('is refused with a bare 403 on every route, and nothing changes', async () => {
    const alice = await api.newCustomer();
    const mallory = await api.newCustomer();
    const malloryCampaign = await createCampaign(mallory);
    const outdial = await secretOutdial(alice);
    const target = (
      await alice.post(`/outdials/${outdial.id}/targets`, aTarget({ name: `person-${randomUUID()}` }))
    ).body;
    const secrets = [alice.customerId, outdial.name, outdial.detail, outdial.data, target.id, target.name];
    const id = outdial.id;

    const replies = [
      await mallory.get(`/outdials/${id}`),
      await mallory.put(`/outdials/${id}`, { name: 'x', detail: '' }),
      await mallory.put(`/outdials/${id}/data`, { data: 'x' }),
      await mallory.put(`/outdials/${id}/campaign_id`, { campaign_id: '' }),
      await mallory.put(`/outdials/${id}/campaign_id`, { campaign_id: malloryCampaign.id }),
      await mallory.put(`/outdials/${id}/campaign_id`, { campaign_id: randomUUID() }),
      await mallory.del(`/outdials/${id}`),
      await mallory.get(`/outdials/${id}/targets`),
      await mallory.post(`/outdials/${id}/targets`, aTarget()),
      await mallory.get(`/outdials/${id}/targets/${target.id}`),
      await mallory.del(`/outdials/${id}/targets/${target.id}`),
    ];
    for (const res of replies) expectDeniedWithoutLeak(res, secrets);

    expect((await alice.get(`/outdials/${id}`)).body).toEqual(outdial);
    expect((await alice.get(`/outdials/${id}/targets`)).body.result).toEqual([target]);
    expect((await mallory.get('/outdials')).body).toEqual({ result: [], next_page_token: '' });
  });

  it('cannot be used as a campaign reference', async () => {
    const alice = await api.newCustomer();
    const mallory = await api.newCustomer();
    const outdial = await secretOutdial(alice);
    expectInvalid(await mallory.post('/campaigns', aCampaign({ outdial_id: outdial.id })), 'outdial_id');
    expect((await alice.get(`/outdials/${outdial.id}`)).body).toEqual(outdial);
  });
});
