/** Routes of /v1.0/campaigns and a campaign's campaigncalls: what each takes and answers. */
import {
  Campaign,
  Campaigncall,
  CampaignStats,
  CreateCampaign,
  UpdateActions,
  UpdateCampaign,
  UpdateCampaignStatus,
  UpdateNextCampaign,
  UpdateResourceInfo,
  UpdateServiceLevel,
} from '#schemas/campaign.ts';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import type { RouteSpecs } from '../route.ts';

const base = { tag: 'campaigns', access: 'customer' } as const;
const one = { ...base, params: IdParams, response: Campaign };

export const campaignRoutes = {
  create: {
    ...base,
    method: 'POST',
    path: '/v1.0/campaigns',
    summary: 'Create a campaign (status stop)',
    body: CreateCampaign,
    response: Campaign,
  },
  list: {
    ...base,
    method: 'GET',
    path: '/v1.0/campaigns',
    summary: 'List campaigns',
    query: PageQuery,
    response: pageOf(Campaign, 'CampaignList'),
  },
  get: { ...one, method: 'GET', path: '/v1.0/campaigns/{id}', summary: 'Get a campaign' },
  stats: {
    ...one,
    method: 'GET',
    path: '/v1.0/campaigns/{id}/stats',
    summary: 'Running totals: attempts, in flight, answered, succeeded, failed by reason',
    response: CampaignStats,
  },
  delete: { ...one, method: 'DELETE', path: '/v1.0/campaigns/{id}', summary: 'Delete a stopped campaign' },
  update: {
    ...one,
    method: 'PUT',
    path: '/v1.0/campaigns/{id}',
    summary: 'Replace name, detail, type, service_level, end_handle',
    body: UpdateCampaign,
  },
  status: {
    ...one,
    method: 'PUT',
    path: '/v1.0/campaigns/{id}/status',
    summary: 'Run or stop a campaign',
    body: UpdateCampaignStatus,
  },
  serviceLevel: {
    ...one,
    method: 'PUT',
    path: '/v1.0/campaigns/{id}/service_level',
    summary: 'Set the pacing percentage',
    body: UpdateServiceLevel,
  },
  actions: {
    ...one,
    method: 'PUT',
    path: '/v1.0/campaigns/{id}/actions',
    summary: 'Replace the actions run on answer',
    body: UpdateActions,
  },
  resourceInfo: {
    ...one,
    method: 'PUT',
    path: '/v1.0/campaigns/{id}/resource_info',
    summary: 'Replace outplan, outdial, queue and next campaign',
    body: UpdateResourceInfo,
  },
  nextCampaign: {
    ...one,
    method: 'PUT',
    path: '/v1.0/campaigns/{id}/next_campaign_id',
    summary: 'Chain (or unchain) the next campaign',
    body: UpdateNextCampaign,
  },
  campaigncalls: {
    ...one,
    method: 'GET',
    path: '/v1.0/campaigns/{id}/campaigncalls',
    summary: "List a campaign's campaigncalls",
    query: PageQuery,
    response: pageOf(Campaigncall, 'CampaigncallList'),
  },
} satisfies RouteSpecs;
