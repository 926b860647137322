import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import {
  aBareCampaignOf,
  aCampaignOf,
  anOutdialOf,
  anOutplanOf,
  aRunningCampaignOf,
  expectError,
  NIL_UUID,
  setInflight,
} from '../support/campaign-steps.ts';

const api = apiPerFile();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('PUT /campaigns/{id}/status: run', () => {
  it('runs a stopped campaign that has an outplan and an outdial', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const res = await alice.put(`/campaigns/${campaign.id}/status`, { status: 'run' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...campaign, status: 'run', tm_update: expect.stringMatching(TIMESTAMP) });
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(res.body);
  });

  it('runs a campaign without a queue or next campaign', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice, { queue_id: '' });
    const res = await alice.put(`/campaigns/${campaign.id}/status`, { status: 'run' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'run', queue_id: NIL_UUID });
  });

  it('returns a running campaign unchanged when asked to run again', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    api.clock.advance(60_000);
    const res = await alice.put(`/campaigns/${running.id}/status`, { status: 'run' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(running);
    expect((await alice.get(`/campaigns/${running.id}`)).body).toEqual(running);
  });

  it.each([
    ['outplan_id', { outplan_id: '' }],
    ['outdial_id', { outdial_id: '' }],
  ])('refuses to run without %s with 400 naming it and stays stopped', async (field, overrides) => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice, overrides);
    expectError(
      await alice.put(`/campaigns/${campaign.id}/status`, { status: 'run' }),
      400,
      'INVALID_ARGUMENT',
      field,
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
  });

  it('refuses to run a campaign with no references at all', async () => {
    const alice = await api.newCustomer();
    const campaign = await aBareCampaignOf(alice);
    const res = await alice.put(`/campaigns/${campaign.id}/status`, { status: 'run' });
    expectError(res, 400, 'INVALID_ARGUMENT');
    expect((await alice.get(`/campaigns/${campaign.id}`)).body.status).toBe('stop');
  });

  it('re-validates references: a deleted next campaign blocks the run with 400 naming it', async () => {
    const alice = await api.newCustomer();
    const next = await aBareCampaignOf(alice);
    const campaign = await aCampaignOf(alice, { next_campaign_id: next.id });
    expect((await alice.del(`/campaigns/${next.id}`)).status).toBe(200);

    expectError(
      await alice.put(`/campaigns/${campaign.id}/status`, { status: 'run' }),
      400,
      'INVALID_ARGUMENT',
      'next_campaign_id',
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body).toEqual(campaign);
  });

  it.each([
    ['outplan', 'outplan_id'],
    ['queue', 'queue_id'],
  ] as const)(
    're-validates references: a %s deleted outside the API blocks the run with 400 naming it',
    async (kind, field) => {
      const alice = await api.newCustomer();
      const campaign = await aCampaignOf(alice);
      // The API refuses to delete a referenced resource, so the store is changed directly.
      await api.deps.resources.update(
        kind,
        campaign[field],
        { customerId: alice.customerId },
        { tm_delete: '2026-01-01T00:00:00.000000Z' },
      );

      expectError(
        await alice.put(`/campaigns/${campaign.id}/status`, { status: 'run' }),
        400,
        'INVALID_ARGUMENT',
        field,
      );
      expect((await alice.get(`/campaigns/${campaign.id}`)).body.status).toBe('stop');
    },
  );

  it('runs a campaign again after a stop', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    expect((await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' })).body.status).toBe('stop');
    const res = await alice.put(`/campaigns/${running.id}/status`, { status: 'run' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('run');
  });
});

describe('PUT /campaigns/{id}/status: stop', () => {
  it('stops a running campaign at once when nothing is in flight', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    const res = await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...running, status: 'stop', tm_update: expect.stringMatching(TIMESTAMP) });
    expect(res.body.tm_update > running.tm_update).toBe(true);
    expect((await alice.get(`/campaigns/${running.id}`)).body).toEqual(res.body);
  });

  it('stops at once when the engine has brought its in-flight count back to zero', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    await setInflight(running.id, 2);
    await setInflight(running.id, 0);
    expect((await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' })).body.status).toBe('stop');
  });

  it('goes to stopping, not stop, while attempts are in flight', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    await setInflight(running.id, 1);
    const res = await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...running, status: 'stopping', tm_update: expect.stringMatching(TIMESTAMP) });
    expect((await alice.get(`/campaigns/${running.id}`)).body).toEqual(res.body);
  });

  it('never shows the internal in-flight counter', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    await setInflight(running.id, 3);
    const stopping = await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' });
    const got = await alice.get(`/campaigns/${running.id}`);
    const listed = await alice.get('/campaigns');
    for (const shown of [stopping.body, got.body, listed.body.result[0]]) {
      expect(Object.keys(shown).filter((k) => k.startsWith('_'))).toEqual([]);
    }
  });

  it('returns a stopping campaign unchanged when asked to stop again while attempts are in flight', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    await setInflight(running.id, 1);
    const stopping = (await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' })).body;
    const again = await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(stopping);
  });

  it('stops a stopping campaign once nothing is in flight any more', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    await setInflight(running.id, 1);
    await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' });
    await setInflight(running.id, 0);
    const res = await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('stop');
  });

  it('resumes a stopping campaign when asked to run', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    await setInflight(running.id, 1);
    await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' });
    const res = await alice.put(`/campaigns/${running.id}/status`, { status: 'run' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('run');
    expect((await alice.get(`/campaigns/${running.id}`)).body.status).toBe('run');
  });

  it('returns a stopped campaign unchanged when asked to stop', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    const res = await alice.put(`/campaigns/${campaign.id}/status`, { status: 'stop' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(campaign);
    expect((await alice.get(`/campaigns/${campaign.id}`)).body.tm_update).toBeNull();
  });

  it('keeps the references of a stopped campaign in use until it is deleted', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    await alice.put(`/campaigns/${running.id}/status`, { status: 'stop' });
    expectError(await alice.del(`/outplans/${running.outplan_id}`), 409, 'RESOURCE_IN_USE');
    expect((await alice.get(`/outdials/${running.outdial_id}`)).body.campaign_id).toBe(running.id);
  });
});

describe('PUT /campaigns/{id}/status: unsupported requests', () => {
  it.each([
    ['stopping', { status: 'stopping' }],
    ['empty', { status: '' }],
    ['unknown', { status: 'pause' }],
    ['not a string', { status: 1 }],
    ['upper-case', { status: 'RUN' }],
    ['missing', {}],
  ])('rejects a %s status with 400 naming status and changes nothing', async (_case, body) => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    expectError(await alice.put(`/campaigns/${running.id}/status`, body), 400, 'INVALID_ARGUMENT', 'status');
    expect((await alice.get(`/campaigns/${running.id}`)).body).toEqual(running);
  });

  it('rejects extra fields next to status', async () => {
    const alice = await api.newCustomer();
    const campaign = await aCampaignOf(alice);
    expectError(
      await alice.put(`/campaigns/${campaign.id}/status`, { status: 'run', force: true }),
      400,
      'INVALID_ARGUMENT',
      'force',
    );
    expect((await alice.get(`/campaigns/${campaign.id}`)).body.status).toBe('stop');
  });
});

describe('editing a running campaign', () => {
  it('keeps it running through service_level, actions and basic-info changes', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    const base = `/campaigns/${running.id}`;
    expect((await alice.put(`${base}/service_level`, { service_level: 40 })).body.status).toBe('run');
    expect((await alice.put(`${base}/actions`, { actions: [] })).body.status).toBe('run');
    const info = { name: 'n', detail: 'd', type: 'flow', service_level: 60, end_handle: 'continue' };
    expect((await alice.put(base, info)).body).toMatchObject({ ...info, status: 'run' });
  });

  it('re-points a running campaign at a new outplan and outdial', async () => {
    const alice = await api.newCustomer();
    const running = await aRunningCampaignOf(alice);
    const outplanId = await anOutplanOf(alice);
    const outdialId = await anOutdialOf(alice);
    const res = await alice.put(`/campaigns/${running.id}/resource_info`, {
      outplan_id: outplanId,
      outdial_id: outdialId,
      queue_id: running.queue_id,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'run', outplan_id: outplanId, outdial_id: outdialId });
  });
});
