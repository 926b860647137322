/** Entry point: /v1.0/queues. Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { queueRoutes } from '#http/specs/queues.ts';
import { createQueue, deleteQueue, getQueue, listQueues, updateQueue } from '#services/queues.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(queueRoutes, {
    create: ({ customerId, body }) => createQueue(deps, customerId, body),
    list: ({ customerId, query }) => listQueues(deps, customerId, query),
    get: ({ customerId, params }) => getQueue(deps, customerId, params.id),
    update: ({ customerId, params, body }) => updateQueue(deps, customerId, params.id, body),
    delete: ({ customerId, params }) => deleteQueue(deps, customerId, params.id),
  });

export const handler = lambdaHandler(routes);
