/** Entry point: /v1.0/campaigncalls (read-only attempts). Wires routes to use cases; decides nothing. */
import { route } from '#http/route.ts';
import { Campaigncall } from '#schemas/campaign.ts';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { deleteCampaigncall, getCampaigncall, listCampaigncalls } from '#services/campaigncalls.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

const tag = 'campaigncalls';

export const routes: RouteFactory = (deps) => [
  route(
    {
      method: 'GET',
      path: '/v1.0/campaigncalls',
      summary: 'List campaigncalls',
      tag,
      access: 'customer',
      query: PageQuery,
      response: pageOf(Campaigncall, 'CampaigncallList'),
    },
    ({ customerId, query }) => listCampaigncalls(deps, customerId, query),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/campaigncalls/{id}',
      summary: 'Get a campaigncall',
      tag,
      access: 'customer',
      params: IdParams,
      response: Campaigncall,
    },
    ({ customerId, params }) => getCampaigncall(deps, customerId, params.id),
  ),
  route(
    {
      method: 'DELETE',
      path: '/v1.0/campaigncalls/{id}',
      summary: 'Delete a finished campaigncall',
      tag,
      access: 'customer',
      params: IdParams,
      response: Campaigncall,
    },
    ({ customerId, params }) => deleteCampaigncall(deps, customerId, params.id),
  ),
];

export const handler = lambdaHandler(routes);
