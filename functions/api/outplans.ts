/** Entry point: /v1.0/outplans. Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { outplanRoutes } from '#http/specs/outplans.ts';
import {
  createOutplan,
  deleteOutplan,
  getOutplan,
  listOutplans,
  updateOutplan,
  updateOutplanDialInfo,
} from '#services/outplans.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(outplanRoutes, {
    create: ({ customerId, body }) => createOutplan(deps, customerId, body),
    list: ({ customerId, query }) => listOutplans(deps, customerId, query),
    get: ({ customerId, params }) => getOutplan(deps, customerId, params.id),
    update: ({ customerId, params, body }) => updateOutplan(deps, customerId, params.id, body),
    dialInfo: ({ customerId, params, body }) => updateOutplanDialInfo(deps, customerId, params.id, body),
    delete: ({ customerId, params }) => deleteOutplan(deps, customerId, params.id),
  });

export const handler = lambdaHandler(routes);
