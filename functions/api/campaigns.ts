/** Entry point: /v1.0/campaigns and a campaign's campaigncalls. Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { campaignRoutes } from '#http/specs/campaigns.ts';
import { getCampaignDiagnosis } from '#services/campaign-diagnosis.ts';
import { getCampaignForecast } from '#services/campaign-forecast.ts';
import { getCampaignTimeseries } from '#services/campaign-timeseries.ts';
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
import { collectionHandlers } from './collection-handlers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(campaignRoutes, {
    ...collectionHandlers(deps, createCampaign, listCampaigns, getCampaign, deleteCampaign),
    stats: ({ customerId, params }) => getCampaignStats(deps, customerId, params.id),
    diagnosis: ({ customerId, params }) => getCampaignDiagnosis(deps, customerId, params.id),
    forecast: ({ customerId, params }) => getCampaignForecast(deps, customerId, params.id),
    timeseries: ({ customerId, params, query }) => getCampaignTimeseries(deps, customerId, params.id, query),
    update: ({ customerId, params, body }) => updateCampaign(deps, customerId, params.id, body),
    status: ({ customerId, params, body }) =>
      changeCampaignStatus(deps, customerId, params.id, body.status, { force: body.force ?? false }),
    serviceLevel: ({ customerId, params, body }) => updateCampaign(deps, customerId, params.id, body),
    actions: ({ customerId, params, body }) => updateCampaign(deps, customerId, params.id, body),
    resourceInfo: ({ customerId, params, body }) => updateResourceInfo(deps, customerId, params.id, body),
    nextCampaign: ({ customerId, params, body }) =>
      updateNextCampaign(deps, customerId, params.id, body.next_campaign_id),
    campaigncalls: ({ customerId, params, query }) =>
      listCampaigncallsOfCampaign(deps, customerId, params.id, query),
  });

export const handler = lambdaHandler(routes);
