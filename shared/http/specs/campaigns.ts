/** Routes of /v1.0/campaigns and a campaign's campaigncalls: what each takes and answers. */
import {
  Campaign,
  Campaigncall,
  CampaignDiagnosis,
  CampaignForecast,
  CampaignStats,
  CreateCampaign,
  UpdateActions,
  UpdateCampaign,
  UpdateCampaignStatus,
  UpdateNextCampaign,
  UpdateResourceInfo,
  UpdateServiceLevel,
} from '#schemas/campaign.ts';
import { CampaignTimeseries, TimeseriesQuery } from '#schemas/campaign-timeseries.ts';
import { PageQuery, pageOf } from '#schemas/common.ts';
import type { RouteSpecs } from '../route.ts';
import { collectionRoutes } from './collection.ts';

const campaigns = collectionRoutes({
  tag: 'campaigns',
  path: '/v1.0/campaigns',
  item: Campaign,
  listId: 'CampaignList',
  body: CreateCampaign,
  summaries: {
    create: 'Create a campaign (status stop)',
    list: 'List campaigns',
    get: 'Get a campaign',
    delete: 'Delete a stopped campaign',
  },
});
const { one } = campaigns;

export const campaignRoutes = {
  create: campaigns.create,
  list: campaigns.list,
  get: campaigns.get,
  stats: {
    ...one,
    method: 'GET',
    path: '/v1.0/campaigns/{id}/stats',
    summary: 'Running totals: attempts, in flight, answered, succeeded, failed by reason',
    response: CampaignStats,
  },
  diagnosis: {
    ...one,
    method: 'GET',
    path: '/v1.0/campaigns/{id}/diagnosis',
    summary: 'Why the campaign is or is not starting calls, as the engine last decided',
    response: CampaignDiagnosis,
  },
  forecast: {
    ...one,
    method: 'GET',
    path: '/v1.0/campaigns/{id}/forecast',
    summary: 'Targets and attempts left, and when the list should be done',
    response: CampaignForecast,
  },
  timeseries: {
    ...one,
    method: 'GET',
    path: '/v1.0/campaigns/{id}/timeseries',
    summary: 'Calls per minute: dialed, answered, outcomes by reason (our addition)',
    query: TimeseriesQuery,
    response: CampaignTimeseries,
  },
  delete: campaigns.delete,
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
