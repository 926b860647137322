/** Entry point: /v1.0/queues. Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { queueRoutes } from '#http/specs/queues.ts';
import { createQueue, deleteQueue, getQueue, listQueues, updateQueue } from '#services/queues.ts';
import { collectionHandlers } from './collection-handlers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(queueRoutes, {
    ...collectionHandlers(deps, createQueue, listQueues, getQueue, deleteQueue),
    update: ({ customerId, params, body }) => updateQueue(deps, customerId, params.id, body),
  });

export const handler = lambdaHandler(routes);
