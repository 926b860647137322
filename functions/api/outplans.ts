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
import { collectionHandlers } from './collection-handlers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(outplanRoutes, {
    ...collectionHandlers(deps, createOutplan, listOutplans, getOutplan, deleteOutplan),
    update: ({ customerId, params, body }) => updateOutplan(deps, customerId, params.id, body),
    dialInfo: ({ customerId, params, body }) => updateOutplanDialInfo(deps, customerId, params.id, body),
  });

export const handler = lambdaHandler(routes);
