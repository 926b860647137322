/** Entry point: /v1.0/outdials and their targets. Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { outdialRoutes } from '#http/specs/outdials.ts';
import {
  createOutdial,
  createTarget,
  createTargets,
  deleteOutdial,
  deleteTarget,
  getOutdial,
  getTarget,
  listOutdials,
  listTargets,
  updateOutdial,
} from '#services/outdials.ts';
import { searchTargetsByNumber } from '#services/target-search.ts';
import { collectionHandlers } from './collection-handlers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(outdialRoutes, {
    ...collectionHandlers(deps, createOutdial, listOutdials, getOutdial, deleteOutdial),
    update: ({ customerId, params, body }) => updateOutdial(deps, customerId, params.id, body),
    campaign: ({ customerId, params, body }) => updateOutdial(deps, customerId, params.id, body),
    data: ({ customerId, params, body }) => updateOutdial(deps, customerId, params.id, body),
    createTarget: ({ customerId, params, body }) => createTarget(deps, customerId, params.id, body),
    createTargets: ({ customerId, params, body }) => createTargets(deps, customerId, params.id, body.targets),
    listTargets: ({ customerId, params, query: { number, ...page } }) =>
      number === undefined
        ? listTargets(deps, customerId, params.id, page)
        : searchTargetsByNumber(deps, customerId, params.id, { ...page, number }),
    getTarget: ({ customerId, params }) => getTarget(deps, customerId, params.id, params.target_id),
    deleteTarget: ({ customerId, params }) => deleteTarget(deps, customerId, params.id, params.target_id),
  });

export const handler = lambdaHandler(routes);
