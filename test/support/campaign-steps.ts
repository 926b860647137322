/**
 * Given/then steps shared by the campaign and campaigncall API tests: the resources a campaign
 * references, campaigns built on them, engine-made campaigncalls written straight to the store, and
 * the §6.4 error envelope check.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { RUNTIME_SHARDS, runtimeShardKey } from '#adapters/dynamodb/keys.ts';
import { NIL_UUID } from '#domain/ids.ts';
import { formatTimestamp } from '#domain/time.ts';
import { aCampaign, anOutdial, anOutplan, aQueue } from './factories/bodies.ts';
import type { Client, Reply, TestApi } from './local-api.ts';
import { localDocumentClient, TEST_TABLE } from './local-dynamo.ts';

export { NIL_UUID };

export type Customer = Client & { customerId: string };

export interface CampaignResources {
  outplan_id: string;
  outdial_id: string;
  queue_id: string;
}

const created = (res: Reply, what: string): string => {
  if (res.status !== 200) throw new Error(`${what} create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
};

export const anOutplanOf = async (c: Customer) => created(await c.post('/outplans', anOutplan()), 'outplan');
export const anOutdialOf = async (c: Customer, overrides: Record<string, unknown> = {}) =>
  created(await c.post('/outdials', anOutdial(overrides)), 'outdial');
export const aQueueOf = async (c: Customer) => created(await c.post('/queues', aQueue()), 'queue');

/** A fresh outplan, outdial and queue of the customer. */
export const resourcesOf = async (c: Customer): Promise<CampaignResources> => {
  const [outplan_id, outdial_id, queue_id] = await Promise.all([anOutplanOf(c), anOutdialOf(c), aQueueOf(c)]);
  return { outplan_id, outdial_id, queue_id };
};

/** Creates a campaign (fresh outplan, outdial and queue unless `overrides` says otherwise). */
export const aCampaignOf = async (c: Customer, overrides: Record<string, unknown> = {}) => {
  const refs = await resourcesOf(c);
  const res = await c.post('/campaigns', aCampaign({ ...refs, ...overrides }));
  created(res, 'campaign');
  return res.body;
};

/** A campaign with no references at all. */
export const aBareCampaignOf = async (c: Customer, overrides: Record<string, unknown> = {}) => {
  const res = await c.post('/campaigns', aCampaign(overrides));
  created(res, 'campaign');
  return res.body;
};

export const aRunningCampaignOf = async (c: Customer, overrides: Record<string, unknown> = {}) => {
  const campaign = await aCampaignOf(c, overrides);
  const res = await c.put(`/campaigns/${campaign.id}/status`, { status: 'run' });
  if (res.status !== 200 || res.body.status !== 'run') {
    throw new Error(`campaign run failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
};

/**
 * What the engine does while attempts are in flight: keeps the in-flight counter of the campaign's
 * runtime shards. The count is put on the last shard, so the API must add up every shard to see it.
 */
export const setInflight = async (campaignId: string, inflight: number) => {
  const ddb = localDocumentClient();
  await ddb.send(
    new UpdateCommand({
      TableName: TEST_TABLE,
      Key: runtimeShardKey(campaignId, RUNTIME_SHARDS - 1),
      UpdateExpression: 'SET #inflight = :n',
      ExpressionAttributeNames: { '#inflight': '_inflight' },
      ExpressionAttributeValues: { ':n': inflight },
    }),
  );
};

/** Asserts the §6.4 envelope; `field` must be named in the details when given. */
export const expectError = (res: Reply, http: number, reason: string, field?: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(http);
  const statusOf: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'FAILED_PRECONDITION',
  };
  expect(res.body.error).toMatchObject({ status: statusOf[http], reason });
  expect(res.body.error.request_id).toEqual(expect.any(String));
  if (field !== undefined) {
    expect(res.body.error.details?.map((d: { field?: string }) => d.field)).toContain(field);
  }
};

/** The ids of the customer's campaigns as GET /campaigns shows them. */
export const campaignIdsOf = async (c: Customer): Promise<string[]> => {
  const res = await c.get('/campaigns');
  expect(res.status).toBe(200);
  return res.body.result.map((x: { id: string }) => x.id);
};

export const address = (target: string) => ({
  type: 'tel',
  target,
  target_name: '',
  name: '',
  detail: '',
});

/** A campaigncall item as the engine will write it (§2.2), created straight in the store. */
export const aCampaigncallItem = <O extends Record<string, unknown>>(
  c: Customer,
  campaign: { id: string; outplan_id: string; outdial_id: string; queue_id: string },
  overrides: O = {} as O,
) => ({
  id: randomUUID(),
  customer_id: c.customerId,
  campaign_id: campaign.id,
  outplan_id: campaign.outplan_id,
  outdial_id: campaign.outdial_id,
  outdial_target_id: randomUUID(),
  queue_id: campaign.queue_id,
  activeflow_id: randomUUID(),
  flow_id: randomUUID(),
  reference_type: 'call',
  reference_id: randomUUID(),
  status: 'done',
  result: 'success',
  source: address('+15550000001'),
  destination: address('+15551230000'),
  destination_index: 0,
  try_count: 1,
  opt_out: null,
  tm_create: formatTimestamp(Date.parse('2026-02-01T00:00:00.000Z')),
  tm_update: null,
  ...overrides,
});

export const aCampaigncallOf = async <O extends Record<string, unknown>>(
  api: TestApi,
  c: Customer,
  campaign: { id: string; outplan_id: string; outdial_id: string; queue_id: string },
  overrides: O = {} as O,
) => {
  const item = aCampaigncallItem(c, campaign, overrides);
  await api.deps.resources.create('campaigncall', item);
  return item;
};

/** tm_create `seconds` after a fixed instant, so list order is under the test's control. */
export const at = (seconds: number) =>
  formatTimestamp(Date.parse('2026-02-01T00:00:00.000Z') + seconds * 1000);
