/** Entry point: /v1.0/campaigncalls (read-only attempts). Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { campaigncallRoutes } from '#http/specs/campaigncalls.ts';
import { deleteCampaigncall, getCampaigncall, listCampaigncalls } from '#services/campaigncalls.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(campaigncallRoutes, {
    list: ({ customerId, query }) => listCampaigncalls(deps, customerId, query),
    get: ({ customerId, params }) => getCampaigncall(deps, customerId, params.id),
    delete: ({ customerId, params }) => deleteCampaigncall(deps, customerId, params.id),
  });

export const handler = lambdaHandler(routes);
