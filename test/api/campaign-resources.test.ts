import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import {
  aBareCampaignOf,
  aCampaignOf,
  anOutdialOf,
  anOutplanOf,
  aQueueOf,
  type Customer,
  expectError,
  NIL_UUID,
  resourcesOf,
} from '../support/campaign-steps.ts';

const api = apiPerFile();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const deletes = async (c: Customer, path: string) => (await c.del(path)).status;
const linkOf = async (c: Customer, outdialId: string) =>
  (await c.get(`/outdials/${outdialId}`)).body.campaign_id as string;

describe('PUT /campaigns/{id}/resource_info', () => {
  it('replaces all four references and returns the updated campaign', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const fresh = await resourcesOf(alice);
    const next = await aBareCampaignOf(alice);

    const res = await alice.put(`/campaigns/${campaign.id}/resource_info`, {
      ...fresh,
      next_campaign_id: next.id,
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...campaign,
      ...fresh,
      next_campaign_id: next.id,
      tm_update: expect.stringMatching(TIMESTAMP),
    });
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(res.body);
  });

  it("moves the outdial link: the old outdial's campaign_id becomes nil, the new one's names the campaign", async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const newOutdial = await anOutdialOf(alice);

    const res = await alice.put(`/campaigns/${campaign.id}/resource_info`, {
      outplan_id: campaign.outplan_id,
      outdial_id: newOutdial,
      queue_id: campaign.queue_id,
    });

    expect(res.status).toBe(200);
    expect(await linkOf(alice, campaign.outdial_id)).toBe(NIL_UUID);
    expect(await linkOf(alice, newOutdial)).toBe(campaign.id);
  });

  it('frees the old outplan, outdial and queue and holds the new ones', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const fresh = await resourcesOf(alice);

    expect((await alice.put(`/campaigns/${campaign.id}/resource_info`, fresh)).status).toBe(200);

    expectError(await alice.del(`/outplans/${fresh.outplan_id}`), 409, 'RESOURCE_IN_USE');
    expectError(await alice.del(`/outdials/${fresh.outdial_id}`), 409, 'RESOURCE_IN_USE');
    expectError(await alice.del(`/queues/${fresh.queue_id}`), 409, 'RESOURCE_IN_USE');
    expect(await deletes(alice, `/outplans/${campaign.outplan_id}`)).toBe(200);
    expect(await deletes(alice, `/outdials/${campaign.outdial_id}`)).toBe(200);
    expect(await deletes(alice, `/queues/${campaign.queue_id}`)).toBe(200);
  });

  it('treats omitted and empty ids as nil, releasing what the campaign held', async () => {
    const alice = await api.newCustomer();
    const next = await aBareCampaignOf(alice);
    const campaign = await aCampaignOf(alice, { next_campaign_id: next.id });

    const res = await alice.put(`/campaigns/${campaign.id}/resource_info`, {
      outplan_id: '',
      queue_id: NIL_UUID,
    });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outplan_id: NIL_UUID,
      outdial_id: NIL_UUID,
      queue_id: NIL_UUID,
      next_campaign_id: NIL_UUID,
    });
    expect(await linkOf(alice, campaign.outdial_id)).toBe(NIL_UUID);
    expect(await deletes(alice, `/outplans/${campaign.outplan_id}`)).toBe(200);
    expect(await deletes(alice, `/outdials/${campaign.outdial_id}`)).toBe(200);
    expect(await deletes(alice, `/queues/${campaign.queue_id}`)).toBe(200);
  });

  it('keeps references that stay the same, counted once', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const same = {
      outplan_id: campaign.outplan_id,
      outdial_id: campaign.outdial_id,
      queue_id: campaign.queue_id,
    };

    expect((await alice.put(`/campaigns/${campaign.id}/resource_info`, same)).status).toBe(200);
    expect((await alice.put(`/campaigns/${campaign.id}/resource_info`, same)).status).toBe(200);

    expect(await linkOf(alice, campaign.outdial_id)).toBe(campaign.id);
    expect((await alice.del(`/campaigns/${campaign.id}`)).status).toBe(200);
    expect(await deletes(alice, `/outplans/${campaign.outplan_id}`)).toBe(200);
    expect(await deletes(alice, `/outdials/${campaign.outdial_id}`)).toBe(200);
    expect(await deletes(alice, `/queues/${campaign.queue_id}`)).toBe(200);
  });

  it('gives references to a campaign that had none', async () => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice);
    const fresh = await resourcesOf(alice);
    const res = await alice.put(`/campaigns/${campaign.id}/resource_info`, fresh);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(fresh);
    expect(await linkOf(alice, fresh.outdial_id)).toBe(campaign.id);
  });

  it('accepts an outdial whose campaign_id already names this campaign', async () => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice);
    const outdialId = await anOutdialOf(alice, { campaign_id: campaign.id });
    const res = await alice.put(`/campaigns/${campaign.id}/resource_info`, { outdial_id: outdialId });
    expect(res.status).toBe(200);
    expect(res.body.outdial_id).toBe(outdialId);
    expect(await linkOf(alice, outdialId)).toBe(campaign.id);
  });

  it('refuses the campaign itself as next_campaign_id and changes nothing', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const fresh = await resourcesOf(alice);
    expectError(
      await alice.put(`/campaigns/${campaign.id}/resource_info`, { ...fresh, next_campaign_id: campaign.id }),
      400,
      'INVALID_ARGUMENT',
      'next_campaign_id',
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
    expect(await linkOf(alice, fresh.outdial_id)).toBe(NIL_UUID);
  });

  it('refuses an outdial used by another campaign and changes nothing', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const other = await aCampaignOf(alice);
    const newOutplan = await anOutplanOf(alice);

    expectError(
      await alice.put(`/campaigns/${campaign.id}/resource_info`, {
        outplan_id: newOutplan,
        outdial_id: other.outdial_id,
        queue_id: campaign.queue_id,
      }),
      400,
      'INVALID_ARGUMENT',
      'outdial_id',
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
    expect(await linkOf(alice, other.outdial_id)).toBe(other.id);
    expect(await linkOf(alice, campaign.outdial_id)).toBe(campaign.id);
    expect(await deletes(alice, `/outplans/${newOutplan}`)).toBe(200);
    expectError(await alice.del(`/outplans/${campaign.outplan_id}`), 409, 'RESOURCE_IN_USE');
  });

  type Field = 'outplan_id' | 'outdial_id' | 'queue_id' | 'next_campaign_id';
  const families = { outplan_id: 'outplans', outdial_id: 'outdials', queue_id: 'queues' } as const;

  const makeOf = (c: Customer, field: Field): Promise<string> =>
    ({
      outplan_id: () => anOutplanOf(c),
      outdial_id: () => anOutdialOf(c),
      queue_id: () => aQueueOf(c),
      next_campaign_id: async () => (await aBareCampaignOf(c)).id as string,
    })[field]();

  const cases = (['outplan_id', 'outdial_id', 'queue_id', 'next_campaign_id'] as const).flatMap((field) =>
    (['unknown', 'deleted', "another customer's"] as const).map((way) => [field, way] as const),
  );

  it.each(cases)(
    'refuses an %s that is %s with 400 naming it, keeping every old reference',
    async (field, way) => {
      const alice = await api.newCustomer();
      const campaign = await aCampaignOf(alice);
      const fresh = await resourcesOf(alice);
      let bad: string;
      if (way === 'unknown') bad = randomUUID();
      else if (way === 'deleted') {
        bad = await makeOf(alice, field);
        const family = field === 'next_campaign_id' ? 'campaigns' : families[field];
        expect(await deletes(alice, `/${family}/${bad}`)).toBe(200);
      } else bad = await makeOf(await api.newCustomer(), field);

      const res = await alice.put(`/campaigns/${campaign.id}/resource_info`, { ...fresh, [field]: bad });

      expectError(res, 400, 'INVALID_ARGUMENT', field);
      expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
      // Old references are still held, new ones were not taken.
      expect(await linkOf(alice, campaign.outdial_id)).toBe(campaign.id);
      expect(await linkOf(alice, fresh.outdial_id)).toBe(NIL_UUID);
      expectError(await alice.del(`/outplans/${campaign.outplan_id}`), 409, 'RESOURCE_IN_USE');
      expectError(await alice.del(`/queues/${campaign.queue_id}`), 409, 'RESOURCE_IN_USE');
      if (field !== 'outplan_id') expect(await deletes(alice, `/outplans/${fresh.outplan_id}`)).toBe(200);
      if (field !== 'outdial_id') expect(await deletes(alice, `/outdials/${fresh.outdial_id}`)).toBe(200);
      if (field !== 'queue_id') expect(await deletes(alice, `/queues/${fresh.queue_id}`)).toBe(200);
    },
  );

  it.each([
    ['a reference is not a UUID', { outplan_id: 'plan-a' }, 'outplan_id'],
    ['an unknown field is sent', { outplan_id: '', campaign_id: NIL_UUID }, 'campaign_id'],
  ])('rejects the body when %s', async (_case, body, field) => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    expectError(
      await alice.put(`/campaigns/${campaign.id}/resource_info`, body),
      400,
      'INVALID_ARGUMENT',
      field,
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
  });
});

describe('PUT /campaigns/{id}/next_campaign_id', () => {
  it('chains another campaign of the customer and touches no other reference', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const next = await aBareCampaignOf(alice);
    const res = await alice.put(`/campaigns/${campaign.id}/next_campaign_id`, { next_campaign_id: next.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...campaign,
      next_campaign_id: next.id,
      tm_update: expect.stringMatching(TIMESTAMP),
    });
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(res.body);
    expect(await linkOf(alice, campaign.outdial_id)).toBe(campaign.id);
  });

  it.each([
    ['an empty string', { next_campaign_id: '' }],
    ['the nil UUID', { next_campaign_id: NIL_UUID }],
    ['omitted', {}],
  ])('unchains when the id is %s', async (_case, body) => {
    const alice = await api.newCustomer();
    const next = await aBareCampaignOf(alice);
    const campaign = await aCampaignOf(alice, { next_campaign_id: next.id });
    expect(campaign.next_campaign_id).toBe(next.id);
    const res = await alice.put(`/campaigns/${campaign.id}/next_campaign_id`, body);
    expect(res.status).toBe(200);
    expect(res.body.next_campaign_id).toBe(NIL_UUID);
    expect((await alice.get(`/campaigns/${campaign.id}`)).body.next_campaign_id).toBe(NIL_UUID);
  });

  it('lets a campaign be followed by a running one', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const next = await aCampaignOf(alice);
    expect((await alice.put(`/campaigns/${next.id}/status`, { status: 'run' })).status).toBe(200);
    const res = await alice.put(`/campaigns/${campaign.id}/next_campaign_id`, { next_campaign_id: next.id });
    expect(res.status).toBe(200);
  });

  it('rejects an id that is not a UUID', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    expectError(
      await alice.put(`/campaigns/${campaign.id}/next_campaign_id`, { next_campaign_id: 'next-one' }),
      400,
      'INVALID_ARGUMENT',
      'next_campaign_id',
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
  });

  it.each([
    ['unknown', async (_alice: Customer) => randomUUID()],
    ["another customer's", async () => (await aBareCampaignOf(await api.newCustomer())).id as string],
    [
      'deleted',
      async (alice: Customer) => {
        const gone = await aBareCampaignOf(alice);
        expect((await alice.del(`/campaigns/${gone.id}`)).status).toBe(200);
        return gone.id as string;
      },
    ],
  ])('rejects a next campaign that is %s with 400 naming next_campaign_id', async (_case, make) => {
    const alice = await api.newCustomer();
    const next = await aBareCampaignOf(alice);
    const campaign = await aCampaignOf(alice, { next_campaign_id: next.id });
    const bad = await make(alice);
    expectError(
      await alice.put(`/campaigns/${campaign.id}/next_campaign_id`, { next_campaign_id: bad }),
      400,
      'INVALID_ARGUMENT',
      'next_campaign_id',
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
  });

  it('rejects the campaign itself, in any letter case', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    for (const self of [campaign.id, campaign.id.toUpperCase()]) {
      expectError(
        await alice.put(`/campaigns/${campaign.id}/next_campaign_id`, { next_campaign_id: self }),
        400,
        'INVALID_ARGUMENT',
        'next_campaign_id',
      );
    }
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
  });

  it('rejects extra fields', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    expectError(
      await alice.put(`/campaigns/${campaign.id}/next_campaign_id`, { next_campaign_id: '', outplan_id: '' }),
      400,
      'INVALID_ARGUMENT',
      'outplan_id',
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
  });
});
