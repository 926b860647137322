/** Entry point: /v1.0/campaigns and a campaign's campaigncalls. Wires routes to use cases; decides nothing. */
import { route } from '#http/route.ts';
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
import {
  changeCampaignStatus,
  createCampaign,
  deleteCampaign,
  getCampaign,
  getCampaignStats,
  listCampaigncallsOfCampaign,
  listCampaigns,
  updateCampaign,
  updateNextCampaign,
  updateResourceInfo,
} from '#services/campaigns.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

const tag = 'campaigns';
const one = { tag, access: 'customer' as const, params: IdParams, response: Campaign };

export const routes: RouteFactory = (deps) => [
  route(
    {
      method: 'POST',
      path: '/v1.0/campaigns',
      summary: 'Create a campaign (status stop)',
      tag,
      access: 'customer',
      body: CreateCampaign,
      response: Campaign,
    },
    ({ customerId, body }) => createCampaign(deps, customerId, body),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/campaigns',
      summary: 'List campaigns',
      tag,
      access: 'customer',
      query: PageQuery,
      response: pageOf(Campaign, 'CampaignList'),
    },
    ({ customerId, query }) => listCampaigns(deps, customerId, query),
  ),
  route(
    { ...one, method: 'GET', path: '/v1.0/campaigns/{id}', summary: 'Get a campaign' },
    ({ customerId, params }) => getCampaign(deps, customerId, params.id),
  ),
  route(
    {
      ...one,
      method: 'GET',
      path: '/v1.0/campaigns/{id}/stats',
      summary: 'Running totals: attempts, in flight, answered, succeeded, failed by reason',
      response: CampaignStats,
    },
    ({ customerId, params }) => getCampaignStats(deps, customerId, params.id),
  ),
  route(
    { ...one, method: 'DELETE', path: '/v1.0/campaigns/{id}', summary: 'Delete a stopped campaign' },
    ({ customerId, params }) => deleteCampaign(deps, customerId, params.id),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/campaigns/{id}',
      summary: 'Replace name, detail, type, service_level, end_handle',
      body: UpdateCampaign,
    },
    ({ customerId, params, body }) => updateCampaign(deps, customerId, params.id, body),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/campaigns/{id}/status',
      summary: 'Run or stop a campaign',
      body: UpdateCampaignStatus,
    },
    ({ customerId, params, body }) =>
      changeCampaignStatus(deps, customerId, params.id, body.status, { force: body.force ?? false }),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/campaigns/{id}/service_level',
      summary: 'Set the pacing percentage',
      body: UpdateServiceLevel,
    },
    ({ customerId, params, body }) => updateCampaign(deps, customerId, params.id, body),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/campaigns/{id}/actions',
      summary: 'Replace the actions run on answer',
      body: UpdateActions,
    },
    ({ customerId, params, body }) => updateCampaign(deps, customerId, params.id, body),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/campaigns/{id}/resource_info',
      summary: 'Replace outplan, outdial, queue and next campaign',
      body: UpdateResourceInfo,
    },
    ({ customerId, params, body }) => updateResourceInfo(deps, customerId, params.id, body),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/campaigns/{id}/next_campaign_id',
      summary: 'Chain (or unchain) the next campaign',
      body: UpdateNextCampaign,
    },
    ({ customerId, params, body }) => updateNextCampaign(deps, customerId, params.id, body.next_campaign_id),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/campaigns/{id}/campaigncalls',
      summary: "List a campaign's campaigncalls",
      tag,
      access: 'customer',
      params: IdParams,
      query: PageQuery,
      response: pageOf(Campaigncall, 'CampaigncallList'),
    },
    ({ customerId, params, query }) => listCampaigncallsOfCampaign(deps, customerId, params.id, query),
  ),
];

export const handler = lambdaHandler(routes);
