import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import {
  aBareCampaignOf,
  aCampaignOf,
  anOutdialOf,
  anOutplanOf,
  aQueueOf,
  aRunningCampaignOf,
  type Customer,
  campaignIdsOf,
  expectError,
  NIL_UUID,
  resourcesOf,
  setInflight,
} from '../support/campaign-steps.ts';
import { aCampaign } from '../support/factories/bodies.ts';

const api = apiPerFile();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('POST /campaigns', () => {
  it('creates a stopped campaign with exactly the documented fields, in order', async () => {
    const alice = await api.newCustomer();
    const refs = await resourcesOf(alice);
    const res = await alice.post('/campaigns', aCampaign({ ...refs }));

    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([
      'id',
      'customer_id',
      'type',
      'name',
      'detail',
      'status',
      'service_level',
      'end_handle',
      'actions',
      'outplan_id',
      'outdial_id',
      'queue_id',
      'next_campaign_id',
      'max_concurrent_calls',
      'calling_hours',
      'dialing_mode',
      'max_abandon_rate',
      'abandon_after_ms',
      'abandon_message',
      'tm_create',
      'tm_update',
      'tm_delete',
    ]);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customer_id: alice.customerId,
      type: 'call',
      name: 'campaign',
      detail: 'autumn renewals',
      status: 'stop',
      service_level: 100,
      end_handle: 'stop',
      actions: [
        {
          id: NIL_UUID,
          next_id: NIL_UUID,
          type: 'talk',
          option: { text: 'Hello', language: 'en-US', gender: 'female' },
        },
      ],
      ...refs,
      next_campaign_id: NIL_UUID,
      max_concurrent_calls: 10,
      calling_hours: null,
      dialing_mode: 'service_level',
      max_abandon_rate: 0.03,
      abandon_after_ms: 2000,
      abandon_message: [],
      tm_create: expect.stringMatching(TIMESTAMP),
      tm_update: null,
      tm_delete: null,
    });
    expect((await alice.get(`/campaigns/${res.body.id}`)).body).toEqual(res.body);
  });

  it('takes a concurrency cap for campaigns without a queue and keeps it when PUT omits it', async () => {
    const alice = await api.newCustomer();
    const created = await alice.post('/campaigns', aCampaign({ max_concurrent_calls: 25 }));
    expect(created.body.max_concurrent_calls).toBe(25);
    const basic = { name: 'n', detail: 'd', type: 'call', service_level: 50, end_handle: 'continue' };
    expect((await alice.put(`/campaigns/${created.body.id}`, basic)).body.max_concurrent_calls).toBe(25);
    expect(
      (await alice.put(`/campaigns/${created.body.id}`, { ...basic, max_concurrent_calls: 3 })).body
        .max_concurrent_calls,
    ).toBe(3);
    for (const bad of [0, 1001, 2.5, '10']) {
      const res = await alice.post('/campaigns', aCampaign({ max_concurrent_calls: bad }));
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('max_concurrent_calls');
    }
  });

  it('takes a dialing mode on create and PUT, predictive included, keeps it when PUT omits it, and refuses an unknown one', async () => {
    const alice = await api.newCustomer();
    const created = await alice.post('/campaigns', aCampaign({ dialing_mode: 'progressive' }));
    expect(created.body.dialing_mode).toBe('progressive');
    const id = created.body.id;
    const basic = { name: 'n', detail: 'd', type: 'call', service_level: 50, end_handle: 'continue' };
    expect((await alice.put(`/campaigns/${id}`, basic)).body.dialing_mode).toBe('progressive');
    expect(
      (await alice.put(`/campaigns/${id}`, { ...basic, dialing_mode: 'agentless' })).body.dialing_mode,
    ).toBe('agentless');
    expect((await alice.get(`/campaigns/${id}`)).body.dialing_mode).toBe('agentless');

    const predictive = await alice.post('/campaigns', aCampaign({ dialing_mode: 'predictive' }));
    expect(predictive.status).toBe(200);
    expect(predictive.body).toMatchObject({ dialing_mode: 'predictive', max_abandon_rate: 0.03 });
    const unknown = await alice.put(`/campaigns/${id}`, { ...basic, dialing_mode: 'preview' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].field).toBe('dialing_mode');
    expect((await alice.get(`/campaigns/${id}`)).body.dialing_mode).toBe('agentless');
  });

  it('takes max_abandon_rate up to 0.03, and above only as far as the contact policy raised the ceiling', async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const created = await alice.post(
      '/campaigns',
      aCampaign({ dialing_mode: 'predictive', max_abandon_rate: 0.01 }),
    );
    expect(created.body.max_abandon_rate).toBe(0.01);
    const id = created.body.id;
    const basic = { name: 'n', detail: 'd', type: 'call', service_level: 50, end_handle: 'continue' };
    expect((await alice.put(`/campaigns/${id}`, basic)).body.max_abandon_rate).toBe(0.01);
    for (const bad of [-0.01, 0.2, '0.02']) {
      const res = await alice.post('/campaigns', aCampaign({ max_abandon_rate: bad }));
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe('max_abandon_rate');
    }
    // Above 0.03 is refused (naming the field) until the customer's own policy raises the ceiling.
    const refused = await alice.put(`/campaigns/${id}`, { ...basic, max_abandon_rate: 0.05 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]).toMatchObject({
      field: 'max_abandon_rate',
      issue: expect.stringContaining('max_abandon_rate_ceiling'),
    });
    expect((await alice.get(`/campaigns/${id}`)).body.max_abandon_rate).toBe(0.01);
    const none = { max_attempts: null, per_days: null, rest_after_contact_days: null, calling_hours: null };
    await alice.put('/customer/contact_policy', { ...none, max_abandon_rate_ceiling: 0.05 });
    expect(
      (await alice.put(`/campaigns/${id}`, { ...basic, max_abandon_rate: 0.05 })).body.max_abandon_rate,
    ).toBe(0.05);
    expect((await alice.put(`/campaigns/${id}`, { ...basic, max_abandon_rate: 0.06 })).status).toBe(400);
    // Another customer's ceiling is its own.
    expect((await bob.post('/campaigns', aCampaign({ max_abandon_rate: 0.05 }))).status).toBe(400);
  });

  it('creates a flow campaign that continues at the end of the list', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post(
      '/campaigns',
      aCampaign({ type: 'flow', end_handle: 'continue', service_level: 0 }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'flow', end_handle: 'continue', service_level: 0 });
  });

  it('stores an action without option as an empty option object and keeps given ids', async () => {
    const alice = await api.newCustomer();
    const id = randomUUID();
    const nextId = randomUUID();
    const res = await alice.post(
      '/campaigns',
      aCampaign({ actions: [{ type: 'answer' }, { id, next_id: nextId, type: 'hangup', option: {} }] }),
    );
    expect(res.status).toBe(200);
    expect(res.body.actions).toEqual([
      { id: NIL_UUID, next_id: NIL_UUID, type: 'answer', option: {} },
      { id, next_id: nextId, type: 'hangup', option: {} },
    ]);
  });

  it('treats empty, nil and omitted reference ids alike as not set', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post(
      '/campaigns',
      aCampaign({ outplan_id: '', outdial_id: NIL_UUID, next_campaign_id: '' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outplan_id: NIL_UUID,
      outdial_id: NIL_UUID,
      queue_id: NIL_UUID,
      next_campaign_id: NIL_UUID,
    });
  });

  it('accepts an upper-case reference id and stores it lower-case', async () => {
    const alice = await api.newCustomer();
    const outplanId = await anOutplanOf(alice);
    const res = await alice.post('/campaigns', aCampaign({ outplan_id: outplanId.toUpperCase() }));
    expect(res.status).toBe(200);
    expect(res.body.outplan_id).toBe(outplanId);
  });

  it('links the outdial to the new campaign', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const outdial = await alice.get(`/outdials/${campaign.outdial_id}`);
    expect(outdial.body.campaign_id).toBe(campaign.id);
  });

  it('accepts an empty actions list and defaults omitted actions to none', async () => {
    const alice = await api.newCustomer();
    const { actions: _omitted, ...withoutActions } = aCampaign();
    const omitted = await alice.post('/campaigns', withoutActions);
    const empty = await alice.post('/campaigns', aCampaign({ actions: [] }));
    expect(omitted.status).toBe(200);
    expect(omitted.body.actions).toEqual([]);
    expect(empty.status).toBe(200);
    expect(empty.body.actions).toEqual([]);
  });

  it.each([
    ['type is neither call nor flow', { type: 'sms' }, 'type'],
    ['type is missing', { type: undefined }, 'type'],
    ['end_handle is neither stop nor continue', { end_handle: 'pause' }, 'end_handle'],
    ['end_handle is missing', { end_handle: undefined }, 'end_handle'],
    ['service_level is above 100', { service_level: 101 }, 'service_level'],
    ['service_level is negative', { service_level: -1 }, 'service_level'],
    ['service_level is not an integer', { service_level: 50.5 }, 'service_level'],
    ['service_level is a string', { service_level: '100' }, 'service_level'],
    ['service_level is missing', { service_level: undefined }, 'service_level'],
    ['name is missing', { name: undefined }, 'name'],
    ['name is blank', { name: '   ' }, 'name'],
    ['an unknown field is sent', { status: 'run' }, 'status'],
    ['a reference id is not a UUID', { outplan_id: 'not-a-uuid' }, 'outplan_id'],
    ['actions is not an array', { actions: { type: 'talk' } }, 'actions'],
    ['an action has no type', { actions: [{ option: {} }] }, 'actions.0.type'],
    ['an action has an unknown field', { actions: [{ type: 'talk', when: 'now' }] }, 'actions.0'],
  ])('rejects the body with 400 naming the field when %s, writing nothing', async (_case, patch, field) => {
    const alice = await api.newCustomer();
    const body: Record<string, unknown> = aCampaign(patch);
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete body[k];
    const res = await alice.post('/campaigns', body);
    expectError(res, 400, 'INVALID_ARGUMENT');
    const fields: string[] = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields.some((f) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field},`))).toBe(
      true,
    );
    expect(await campaignIdsOf(alice)).toEqual([]);
  });

  it('rejects malformed JSON with 400 INVALID_JSON_BODY', async () => {
    const alice = await api.newCustomer();
    const res = await alice.request('POST', '/campaigns', undefined, { raw: '{"name": "x",' });
    expectError(res, 400, 'INVALID_JSON_BODY');
    expect(await campaignIdsOf(alice)).toEqual([]);
  });
});

describe('POST /campaigns reference validation (§3.1)', () => {
  type Field = 'outplan_id' | 'outdial_id' | 'queue_id' | 'next_campaign_id';
  type Way = 'unknown' | 'deleted' | "another customer's";

  /** Makes an id for `field` that fails validation the given way. */
  const badId = async (alice: Customer, field: Field, way: Way): Promise<string> => {
    if (way === 'unknown') return randomUUID();
    const owner = way === 'deleted' ? alice : await api.newCustomer();
    const make = {
      outplan_id: () => anOutplanOf(owner),
      outdial_id: () => anOutdialOf(owner),
      queue_id: () => aQueueOf(owner),
      next_campaign_id: async () => (await aBareCampaignOf(owner)).id as string,
    }[field];
    const id = await make();
    if (way === 'deleted') {
      const family = { outplan_id: 'outplans', outdial_id: 'outdials', queue_id: 'queues' } as const;
      const path = field === 'next_campaign_id' ? 'campaigns' : family[field];
      expect((await owner.del(`/${path}/${id}`)).status).toBe(200);
    }
    return id;
  };

  const cases = (['outplan_id', 'outdial_id', 'queue_id', 'next_campaign_id'] as const).flatMap((field) =>
    (['unknown', 'deleted', "another customer's"] as const).map((way) => [field, way] as const),
  );

  it.each(cases)(
    'rejects an %s that is %s with 400 naming it and takes none of the other references',
    async (field, way) => {
      const alice = await api.newCustomer();
      const good = await resourcesOf(alice);
      const next = await aBareCampaignOf(alice);
      const bad = await badId(alice, field, way);

      const res = await alice.post(
        '/campaigns',
        aCampaign({ ...good, next_campaign_id: next.id, [field]: bad }),
      );

      expectError(res, 400, 'INVALID_ARGUMENT', field);
      expect(await campaignIdsOf(alice)).toEqual([next.id]);
      // Nothing was taken: the outdial is unlinked and every good resource can still be deleted.
      expect((await alice.get(`/outdials/${good.outdial_id}`)).body.campaign_id).toBe(NIL_UUID);
      if (field !== 'outplan_id') expect((await alice.del(`/outplans/${good.outplan_id}`)).status).toBe(200);
      if (field !== 'outdial_id') expect((await alice.del(`/outdials/${good.outdial_id}`)).status).toBe(200);
      if (field !== 'queue_id') expect((await alice.del(`/queues/${good.queue_id}`)).status).toBe(200);
    },
  );

  it('rejects an outdial already used by another campaign and leaves it with that campaign', async () => {
    const alice = await api.newCustomer();
    const first = await aCampaignOf(alice);
    const outplanId = await anOutplanOf(alice);

    const res = await alice.post(
      '/campaigns',
      aCampaign({ outplan_id: outplanId, outdial_id: first.outdial_id }),
    );

    expectError(res, 400, 'INVALID_ARGUMENT', 'outdial_id');
    expect(await campaignIdsOf(alice)).toEqual([first.id]);
    expect((await alice.get(`/outdials/${first.outdial_id}`)).body.campaign_id).toBe(first.id);
    expect((await alice.del(`/outplans/${outplanId}`)).status).toBe(200);
  });

  it('rejects an outdial linked by hand to another campaign', async () => {
    const alice = await api.newCustomer();
    const other = await aBareCampaignOf(alice);
    const outdialId = await anOutdialOf(alice, { campaign_id: other.id });
    const res = await alice.post('/campaigns', aCampaign({ outdial_id: outdialId }));
    expectError(res, 400, 'INVALID_ARGUMENT', 'outdial_id');
    expect(await campaignIdsOf(alice)).toEqual([other.id]);
  });

  it('lets exactly one of two simultaneous creates claim the same outdial', async () => {
    const alice = await api.newCustomer();
    const outdialId = await anOutdialOf(alice);
    const [a, b] = await Promise.all([
      alice.post('/campaigns', aCampaign({ name: 'a', outdial_id: outdialId })),
      alice.post('/campaigns', aCampaign({ name: 'b', outdial_id: outdialId })),
    ]);

    const statuses = [a.status, b.status].sort();
    expect(statuses, JSON.stringify([a.body, b.body])).toEqual([200, 400]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expectError(loser, 400, 'INVALID_ARGUMENT', 'outdial_id');
    expect(await campaignIdsOf(alice)).toEqual([winner.body.id]);
    expect((await alice.get(`/outdials/${outdialId}`)).body.campaign_id).toBe(winner.body.id);
    // The outdial was counted once: deleting the winner frees it entirely.
    expect((await alice.del(`/campaigns/${winner.body.id}`)).status).toBe(200);
    expect((await alice.del(`/outdials/${outdialId}`)).status).toBe(200);
  });

  it('lets many simultaneous creates share one outplan and counts every one of them', async () => {
    const alice = await api.newCustomer();
    const outplanId = await anOutplanOf(alice);
    const replies = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        alice.post('/campaigns', aCampaign({ name: `c${i}`, outplan_id: outplanId })),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const [i, r] of replies.entries()) {
      expectError(await alice.del(`/outplans/${outplanId}`), 409, 'RESOURCE_IN_USE');
      expect((await alice.del(`/campaigns/${r.body.id}`)).status, `campaign ${i}`).toBe(200);
    }
    expect((await alice.del(`/outplans/${outplanId}`)).status).toBe(200);
  });
});

describe('GET /campaigns', () => {
  it("lists only the caller's live campaigns, newest first, in pages", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    await aBareCampaignOf(bob);
    const made = [];
    for (const name of ['one', 'two', 'three']) made.push(await aBareCampaignOf(alice, { name }));
    const deleted = await aBareCampaignOf(alice, { name: 'gone' });
    expect((await alice.del(`/campaigns/${deleted.id}`)).status).toBe(200);

    const first = await alice.get('/campaigns?page_size=2');
    expect(first.status).toBe(200);
    expect(first.body.result).toEqual([made[2], made[1]]);
    expect(first.body.next_page_token).toBe(made[1].tm_create);

    const second = await alice.get(`/campaigns?page_size=2&page_token=${first.body.next_page_token}`);
    expect(second.body.result).toEqual([made[0]]);
    expect(second.body.next_page_token).toBe(made[0].tm_create);

    const third = await alice.get(`/campaigns?page_size=2&page_token=${second.body.next_page_token}`);
    expect(third.body).toEqual({ result: [], next_page_token: '' });
  });

  it('returns an empty result and an empty token to a customer with no campaigns', async () => {
    const alice = await api.newCustomer();
    expect((await alice.get('/campaigns')).body).toEqual({ result: [], next_page_token: '' });
  });

  it('rejects a page_token that is not a timestamp', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.get('/campaigns?page_token=yesterday'), 400, 'INVALID_ARGUMENT', 'page_token');
  });
});

describe('PUT /campaigns/{id} (basic info)', () => {
  it('overwrites name, detail, type, service_level and end_handle and sets tm_update', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const change = { name: 'renamed', detail: '', type: 'flow', service_level: 30, end_handle: 'continue' };
    const res = await alice.put(`/campaigns/${campaign.id}`, change);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...campaign, ...change, tm_update: expect.stringMatching(TIMESTAMP) });
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(res.body);
  });

  it.each(['name', 'detail', 'type', 'service_level', 'end_handle'])(
    'requires %s and changes nothing without it',
    async (field) => {
      const alice = await api.newCustomer();
      const campaign = await aBareCampaignOf(alice);
      const body: Record<string, unknown> = {
        name: 'renamed',
        detail: 'x',
        type: 'flow',
        service_level: 30,
        end_handle: 'continue',
      };
      delete body[field];
      expectError(await alice.put(`/campaigns/${campaign.id}`, body), 400, 'INVALID_ARGUMENT', field);
      expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
    },
  );

  it.each([
    ['type', 'sms'],
    ['end_handle', 'later'],
    ['service_level', 150],
  ])('rejects an invalid %s', async (field, value) => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice);
    const body = {
      name: 'n',
      detail: '',
      type: 'call',
      service_level: 1,
      end_handle: 'stop',
      [field]: value,
    };
    expectError(await alice.put(`/campaigns/${campaign.id}`, body), 400, 'INVALID_ARGUMENT', field);
  });

  it('refuses fields that are not basic info, such as status or references', async () => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice);
    const body = { name: 'n', detail: '', type: 'call', service_level: 1, end_handle: 'stop', status: 'run' };
    expectError(await alice.put(`/campaigns/${campaign.id}`, body), 400, 'INVALID_ARGUMENT', 'status');
    expect((await alice.get(`/campaigns/${campaign.id}`)).body.status).toBe('stop');
  });

  it('is allowed while the campaign runs', async () => {
    const alice = await api.newCustomer();
    const campaign = await aRunningCampaignOf(alice);
    const res = await alice.put(`/campaigns/${campaign.id}`, {
      name: 'live edit',
      detail: '',
      type: 'call',
      service_level: 10,
      end_handle: 'stop',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'live edit', service_level: 10, status: 'run' });
  });
});

describe('PUT /campaigns/{id}/service_level', () => {
  it.each([0, 55, 100])('sets service_level to %i and nothing else', async (level) => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice, { service_level: 7 });
    const res = await alice.put(`/campaigns/${campaign.id}/service_level`, { service_level: level });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...campaign,
      service_level: level,
      tm_update: expect.stringMatching(TIMESTAMP),
    });
  });

  it.each([
    ['above 100', { service_level: 101 }],
    ['negative', { service_level: -5 }],
    ['fractional', { service_level: 0.5 }],
    ['a string', { service_level: 'high' }],
    ['missing', {}],
  ])('rejects a service_level that is %s and keeps the old one', async (_case, body) => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice, { service_level: 7 });
    expectError(
      await alice.put(`/campaigns/${campaign.id}/service_level`, body),
      400,
      'INVALID_ARGUMENT',
      'service_level',
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body.service_level).toBe(7);
  });
});

describe('PUT /campaigns/{id}/actions', () => {
  it('replaces the actions, storing unset ids as nil', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const res = await alice.put(`/campaigns/${campaign.id}/actions`, {
      actions: [{ type: 'talk', option: { text: 'Bye' } }, { type: 'hangup' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...campaign,
      actions: [
        { id: NIL_UUID, next_id: NIL_UUID, type: 'talk', option: { text: 'Bye' } },
        { id: NIL_UUID, next_id: NIL_UUID, type: 'hangup', option: {} },
      ],
      tm_update: expect.stringMatching(TIMESTAMP),
    });
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(res.body);
  });

  it('accepts an empty list', async () => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice);
    const res = await alice.put(`/campaigns/${campaign.id}/actions`, { actions: [] });
    expect(res.status).toBe(200);
    expect(res.body.actions).toEqual([]);
  });

  it.each([
    ['actions is missing', {}, 'actions'],
    ['an action has an empty type', { actions: [{ type: '' }] }, 'actions.0.type'],
    ['an action id is not a UUID', { actions: [{ type: 'talk', id: 'a1' }] }, 'actions.0.id'],
  ])('rejects the body when %s and keeps the old actions', async (_case, body, field) => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice);
    expectError(await alice.put(`/campaigns/${campaign.id}/actions`, body), 400, 'INVALID_ARGUMENT', field);
    expect((await alice.get(`/campaigns/${campaign.id}`)).body.actions).toEqual(campaign.actions);
  });
});

describe('DELETE /campaigns/{id}', () => {
  it('soft-deletes a stopped campaign: GET still shows it with tm_delete, the list does not', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const res = await alice.del(`/campaigns/${campaign.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...campaign,
      tm_update: expect.stringMatching(TIMESTAMP),
      tm_delete: expect.stringMatching(TIMESTAMP),
    });
    expect(res.body.tm_delete).toBe(res.body.tm_update);
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(res.body);
    expect(await campaignIdsOf(alice)).toEqual([]);
  });

  it('releases the outplan, outdial and queue, and unlinks the outdial', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    expect((await alice.del(`/campaigns/${campaign.id}`)).status).toBe(200);
    expect((await alice.get(`/outdials/${campaign.outdial_id}`)).body.campaign_id).toBe(NIL_UUID);
    expect((await alice.del(`/outplans/${campaign.outplan_id}`)).status).toBe(200);
    expect((await alice.del(`/outdials/${campaign.outdial_id}`)).status).toBe(200);
    expect((await alice.del(`/queues/${campaign.queue_id}`)).status).toBe(200);
  });

  it('lets a new campaign take the outdial of a deleted one', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    await alice.del(`/campaigns/${campaign.id}`);
    const res = await alice.post('/campaigns', aCampaign({ outdial_id: campaign.outdial_id }));
    expect(res.status).toBe(200);
    expect((await alice.get(`/outdials/${campaign.outdial_id}`)).body.campaign_id).toBe(res.body.id);
  });

  it('refuses a running campaign with 409 CAMPAIGN_NOT_STOPPED and changes nothing', async () => {
    const alice = await api.newCustomer();
    const campaign = await aRunningCampaignOf(alice);
    expectError(await alice.del(`/campaigns/${campaign.id}`), 409, 'CAMPAIGN_NOT_STOPPED');
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
    expect(await campaignIdsOf(alice)).toEqual([campaign.id]);
    expect((await alice.get(`/outdials/${campaign.outdial_id}`)).body.campaign_id).toBe(campaign.id);
    expectError(await alice.del(`/outplans/${campaign.outplan_id}`), 409, 'RESOURCE_IN_USE');
  });

  it('refuses a stopping campaign with 409 CAMPAIGN_NOT_STOPPED', async () => {
    const alice = await api.newCustomer();
    const campaign = await aRunningCampaignOf(alice);
    await setInflight(campaign.id, 1);
    expect((await alice.put(`/campaigns/${campaign.id}/status`, { status: 'stop' })).body.status).toBe(
      'stopping',
    );
    expectError(await alice.del(`/campaigns/${campaign.id}`), 409, 'CAMPAIGN_NOT_STOPPED');
    expect((await alice.get(`/campaigns/${campaign.id}`)).body.tm_delete).toBeNull();
  });

  it('refuses to delete a campaign twice with 409 RESOURCE_DELETED', async () => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice);
    const first = await alice.del(`/campaigns/${campaign.id}`);
    expectError(await alice.del(`/campaigns/${campaign.id}`), 409, 'RESOURCE_DELETED');
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(first.body);
  });

  it.each([
    ['PUT', '', { name: 'n', detail: '', type: 'call', service_level: 1, end_handle: 'stop' }],
    ['PUT', '/status', { status: 'run' }],
    ['PUT', '/status', { status: 'stop' }],
    ['PUT', '/service_level', { service_level: 5 }],
    ['PUT', '/actions', { actions: [] }],
    ['PUT', '/resource_info', {}],
    ['PUT', '/next_campaign_id', { next_campaign_id: '' }],
  ])(
    'refuses %s /campaigns/{id}%s %j on a deleted campaign with 409 RESOURCE_DELETED',
    async (method, suffix, body) => {
      const alice = await api.newCustomer();
      const campaign = await aCampaignOf(alice);
      const deleted = (await alice.del(`/campaigns/${campaign.id}`)).body;
      expectError(
        await alice.request(method, `/campaigns/${campaign.id}${suffix}`, body),
        409,
        'RESOURCE_DELETED',
      );
      expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(deleted);
    },
  );
});

describe('a campaign keeps what it uses', () => {
  it.each([
    ['outplans', 'outplan_id'],
    ['outdials', 'outdial_id'],
    ['queues', 'queue_id'],
  ] as const)(
    'refuses to delete the %s entry a campaign uses with 409 RESOURCE_IN_USE',
    async (family, field) => {
      const alice = await api.newCustomer();
      const campaign = await aCampaignOf(alice);
      expectError(await alice.del(`/${family}/${campaign[field]}`), 409, 'RESOURCE_IN_USE');
      expect((await alice.get(`/${family}/${campaign[field]}`)).body.tm_delete).toBeNull();
    },
  );
});

describe('campaign isolation and ids', () => {
  const routes = [
    ['GET', '', undefined],
    ['DELETE', '', undefined],
    ['PUT', '', { name: 'mine now', detail: '', type: 'call', service_level: 1, end_handle: 'stop' }],
    ['PUT', '/status', { status: 'run' }],
    ['PUT', '/status', { status: 'stop' }],
    ['PUT', '/service_level', { service_level: 5 }],
    ['PUT', '/actions', { actions: [] }],
    ['PUT', '/resource_info', {}],
    ['PUT', '/next_campaign_id', { next_campaign_id: '' }],
    ['GET', '/campaigncalls', undefined],
  ] as const;

  it.each(routes)(
    "answers %s /campaigns/{id}%s on another customer's campaign with 403, leaking and changing nothing",
    async (method, suffix, body) => {
      const alice = await api.newCustomer();
      const mallory = await api.newCustomer();
      const campaign = await aRunningCampaignOf(alice);
      const res = await mallory.request(method, `/campaigns/${campaign.id}${suffix}`, body);
      expectError(res, 403, 'PERMISSION_DENIED');
      const text = JSON.stringify(res.body);
      for (const secret of [
        campaign.name,
        campaign.detail,
        campaign.outplan_id,
        campaign.outdial_id,
        alice.customerId,
      ]) {
        expect(text).not.toContain(secret);
      }
      expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
    },
  );

  it.each(routes)(
    'answers %s /campaigns/{id}%s on an unknown id with 404 CAMPAIGN_NOT_FOUND',
    async (method, suffix, body) => {
      const alice = await api.newCustomer();
      expectError(
        await alice.request(method, `/campaigns/${randomUUID()}${suffix}`, body),
        404,
        'CAMPAIGN_NOT_FOUND',
      );
    },
  );

  it.each(routes)(
    'answers %s /campaigns/{id}%s on a malformed id with 400 INVALID_ID',
    async (method, suffix, body) => {
      const alice = await api.newCustomer();
      expectError(
        await alice.request(method, `/campaigns/not-a-uuid${suffix}`, body),
        400,
        'INVALID_ID',
        'id',
      );
    },
  );

  it('requires credentials', async () => {
    const res = await api.anonymous.get('/campaigns');
    expect(res.status).toBe(401);
    expect(res.body.error.reason).toBe('AUTHENTICATION_REQUIRED');
  });
});
