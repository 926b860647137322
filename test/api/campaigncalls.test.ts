import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import {
  aCampaigncallOf,
  aCampaignOf,
  at,
  type Customer,
  expectError,
  NIL_UUID,
} from '../support/campaign-steps.ts';

const api = apiPerFile();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const idsOf = async (c: Customer, path: string): Promise<string[]> => {
  const res = await c.get(path);
  expect(res.status).toBe(200);
  return res.body.result.map((x: { id: string }) => x.id);
};

/** A customer with one campaign (no engine yet: its campaigncalls are written straight to the store). */
const givenACampaign = async () => {
  const alice = await api.newCustomer();
  const campaign = await aCampaignOf(alice);
  return { alice, campaign };
};

describe('GET /campaigncalls/{id}', () => {
  it('shows every campaigncall field and none of the internal ones', async () => {
    const { alice, campaign } = await givenACampaign();
    const call = await aCampaigncallOf(api, alice, campaign, {
      status: 'progressing',
      result: '',
      destination_index: 2,
      try_count: 3,
      _claim: 'engine-only',
    });

    const res = await alice.get(`/campaigncalls/${call.id}`);

    expect(res.status).toBe(200);
    const { _claim, ...shown } = call;
    expect(res.body).toEqual({ ...shown, compliance: null, tm_delete: null });
    expect(Object.keys(res.body)).toEqual([
      'id',
      'customer_id',
      'campaign_id',
      'outplan_id',
      'outdial_id',
      'outdial_target_id',
      'queue_id',
      'activeflow_id',
      'flow_id',
      'reference_type',
      'reference_id',
      'status',
      'result',
      'source',
      'destination',
      'destination_index',
      'try_count',
      'compliance',
      'opt_out',
      'tm_create',
      'tm_update',
      'tm_delete',
    ]);
  });

  it('shows a type-flow attempt with a nil reference id', async () => {
    const { alice, campaign } = await givenACampaign();
    const call = await aCampaigncallOf(api, alice, campaign, {
      reference_type: 'flow',
      reference_id: NIL_UUID,
    });
    const res = await alice.get(`/campaigncalls/${call.id}`);
    expect(res.body).toMatchObject({ reference_type: 'flow', reference_id: NIL_UUID });
  });

  it("answers another customer's campaigncall with 403, leaking nothing", async () => {
    const { alice, campaign } = await givenACampaign();
    const call = await aCampaigncallOf(api, alice, campaign);
    const mallory = await api.newCustomer();
    const res = await mallory.get(`/campaigncalls/${call.id}`);
    expectError(res, 403, 'PERMISSION_DENIED');
    const text = JSON.stringify(res.body);
    for (const secret of [campaign.id, call.destination.target, alice.customerId]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers an unknown id with 404 CAMPAIGNCALL_NOT_FOUND', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.get(`/campaigncalls/${randomUUID()}`), 404, 'CAMPAIGNCALL_NOT_FOUND');
  });

  it('answers a malformed id with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.get('/campaigncalls/12345'), 400, 'INVALID_ID', 'id');
  });
});

describe('GET /campaigncalls', () => {
  it("lists only the caller's campaigncalls, across campaigns, newest first", async () => {
    const { alice, campaign } = await givenACampaign();
    const second = await aCampaignOf(alice);
    const { alice: bob, campaign: bobs } = await givenACampaign();
    const older = await aCampaigncallOf(api, alice, campaign, { tm_create: at(1) });
    const newest = await aCampaigncallOf(api, alice, second, { tm_create: at(3) });
    const middle = await aCampaigncallOf(api, alice, campaign, { tm_create: at(2) });
    const bobsCall = await aCampaigncallOf(api, bob, bobs, { tm_create: at(2) });

    expect(await idsOf(alice, '/campaigncalls')).toEqual([newest.id, middle.id, older.id]);
    expect(await idsOf(bob, '/campaigncalls')).toEqual([bobsCall.id]);
  });

  it('pages with page_size and the tm_create token, ending on an empty page', async () => {
    const { alice, campaign } = await givenACampaign();
    const calls = [];
    for (let i = 1; i <= 3; i++)
      calls.push(await aCampaigncallOf(api, alice, campaign, { tm_create: at(i) }));

    const first = await alice.get('/campaigncalls?page_size=2');
    expect(first.body.result.map((c: { id: string }) => c.id)).toEqual([calls[2]!.id, calls[1]!.id]);
    expect(first.body.next_page_token).toBe(calls[1]!.tm_create);
    const second = await alice.get(`/campaigncalls?page_size=2&page_token=${first.body.next_page_token}`);
    expect(second.body.result.map((c: { id: string }) => c.id)).toEqual([calls[0]!.id]);
    const third = await alice.get(`/campaigncalls?page_size=2&page_token=${second.body.next_page_token}`);
    expect(third.body).toEqual({ result: [], next_page_token: '' });
  });

  it('returns an empty page to a customer without campaigncalls', async () => {
    const alice = await api.newCustomer();
    expect((await alice.get('/campaigncalls')).body).toEqual({ result: [], next_page_token: '' });
  });
});

describe('GET /campaigns/{id}/campaigncalls', () => {
  it("lists only that campaign's campaigncalls, newest first", async () => {
    const { alice, campaign } = await givenACampaign();
    const other = await aCampaignOf(alice);
    const a = await aCampaigncallOf(api, alice, campaign, { tm_create: at(10) });
    await aCampaigncallOf(api, alice, other, { tm_create: at(11) });
    const b = await aCampaigncallOf(api, alice, campaign, { tm_create: at(12) });

    const res = await alice.get(`/campaigns/${campaign.id}/campaigncalls`);
    expect(res.status).toBe(200);
    expect(res.body.result.map((c: { id: string }) => c.id)).toEqual([b.id, a.id]);
    expect(res.body.result[0]).toEqual({ ...b, compliance: null, tm_delete: null });
    expect(res.body.next_page_token).toBe(a.tm_create);
  });

  it('pages through a campaign without skipping attempts created at the same instant', async () => {
    const { alice, campaign } = await givenACampaign();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await aCampaigncallOf(api, alice, campaign, { tm_create: at(20) }));

    const seen: string[] = [];
    let token = '';
    for (let page = 0; page < 10; page++) {
      const res = await alice.get(`/campaigns/${campaign.id}/campaigncalls?page_size=2&page_token=${token}`);
      expect(res.status).toBe(200);
      if (res.body.result.length === 0) break;
      expect(res.body.result.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.result.map((c: { id: string }) => c.id));
      token = encodeURIComponent(res.body.next_page_token);
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(made.map((c) => c.id)));
  });

  it('lists the campaigncalls of a deleted campaign', async () => {
    const { alice, campaign } = await givenACampaign();
    const call = await aCampaigncallOf(api, alice, campaign);
    expect((await alice.del(`/campaigns/${campaign.id}`)).status).toBe(200);
    expect(await idsOf(alice, `/campaigns/${campaign.id}/campaigncalls`)).toEqual([call.id]);
  });

  it("answers another customer's campaign with 403, leaking nothing", async () => {
    const { alice, campaign } = await givenACampaign();
    const call = await aCampaigncallOf(api, alice, campaign);
    const mallory = await api.newCustomer();
    const res = await mallory.get(`/campaigns/${campaign.id}/campaigncalls`);
    expectError(res, 403, 'PERMISSION_DENIED');
    expect(JSON.stringify(res.body)).not.toContain(call.id);
  });

  it('answers an unknown campaign with 404 CAMPAIGN_NOT_FOUND and a malformed id with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.get(`/campaigns/${randomUUID()}/campaigncalls`), 404, 'CAMPAIGN_NOT_FOUND');
    expectError(await alice.get('/campaigns/xyz/campaigncalls'), 400, 'INVALID_ID', 'id');
  });
});

describe('DELETE /campaigncalls/{id}', () => {
  it('soft-deletes a done campaigncall: GET still shows it, both lists hide it', async () => {
    const { alice, campaign } = await givenACampaign();
    const kept = await aCampaigncallOf(api, alice, campaign, { tm_create: at(1) });
    const call = await aCampaigncallOf(api, alice, campaign, { tm_create: at(2), result: 'fail' });

    const res = await alice.del(`/campaigncalls/${call.id}`);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...call,
      compliance: null,
      tm_update: expect.stringMatching(TIMESTAMP),
      tm_delete: expect.stringMatching(TIMESTAMP),
    });
    expect((await alice.get(`/campaigncalls/${call.id}`)).body).toEqual(res.body);
    expect(await idsOf(alice, '/campaigncalls')).toEqual([kept.id]);
    expect(await idsOf(alice, `/campaigns/${campaign.id}/campaigncalls`)).toEqual([kept.id]);
  });

  it.each(['dialing', 'progressing'])(
    'refuses a %s campaigncall with 409 CAMPAIGNCALL_NOT_DONE and keeps it listed',
    async (status) => {
      const { alice, campaign } = await givenACampaign();
      const call = await aCampaigncallOf(api, alice, campaign, { status, result: '' });

      expectError(await alice.del(`/campaigncalls/${call.id}`), 409, 'CAMPAIGNCALL_NOT_DONE');

      expect((await alice.get(`/campaigncalls/${call.id}`)).body).toEqual({
        ...call,
        compliance: null,
        tm_delete: null,
      });
      expect(await idsOf(alice, '/campaigncalls')).toEqual([call.id]);
      expect(await idsOf(alice, `/campaigns/${campaign.id}/campaigncalls`)).toEqual([call.id]);
    },
  );

  it('refuses to delete a campaigncall twice with 409 RESOURCE_DELETED', async () => {
    const { alice, campaign } = await givenACampaign();
    const call = await aCampaigncallOf(api, alice, campaign);
    const first = await alice.del(`/campaigncalls/${call.id}`);
    expectError(await alice.del(`/campaigncalls/${call.id}`), 409, 'RESOURCE_DELETED');
    expect((await alice.get(`/campaigncalls/${call.id}`)).body).toEqual(first.body);
  });

  it("answers another customer's campaigncall with 403 and leaves it in place", async () => {
    const { alice, campaign } = await givenACampaign();
    const call = await aCampaigncallOf(api, alice, campaign);
    const mallory = await api.newCustomer();
    const res = await mallory.del(`/campaigncalls/${call.id}`);
    expectError(res, 403, 'PERMISSION_DENIED');
    expect(JSON.stringify(res.body)).not.toContain(campaign.id);
    expect((await alice.get(`/campaigncalls/${call.id}`)).body.tm_delete).toBeNull();
    expect(await idsOf(alice, '/campaigncalls')).toEqual([call.id]);
  });

  it('answers an unknown id with 404 CAMPAIGNCALL_NOT_FOUND and a malformed id with 400 INVALID_ID', async () => {
    const alice = await api.newCustomer();
    expectError(await alice.del(`/campaigncalls/${randomUUID()}`), 404, 'CAMPAIGNCALL_NOT_FOUND');
    expectError(await alice.del('/campaigncalls/not-an-id'), 400, 'INVALID_ID', 'id');
  });

  it('offers no way to create or edit a campaigncall', async () => {
    const { alice, campaign } = await givenACampaign();
    const call = await aCampaigncallOf(api, alice, campaign, { status: 'dialing', result: '' });
    const post = await alice.post('/campaigncalls', { campaign_id: campaign.id });
    const put = await alice.put(`/campaigncalls/${call.id}`, { status: 'done' });
    expect(post.status).toBe(404);
    expect(put.status).toBe(404);
    expect((await alice.get(`/campaigncalls/${call.id}`)).body.status).toBe('dialing');
  });
});
