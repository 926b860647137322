/** Entry point: /v1.0/queues. Wires routes to use cases; decides nothing. */
import { route } from '#http/route.ts';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { CreateQueue, Queue, UpdateQueue } from '#schemas/queue.ts';
import { createQueue, deleteQueue, getQueue, listQueues, updateQueue } from '#services/queues.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

const tag = 'queues';
const one = { tag, access: 'customer' as const, params: IdParams, response: Queue };

export const routes: RouteFactory = (deps) => [
  route(
    {
      method: 'POST',
      path: '/v1.0/queues',
      summary: 'Create a queue',
      tag,
      access: 'customer',
      body: CreateQueue,
      response: Queue,
    },
    ({ customerId, body }) => createQueue(deps, customerId, body),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/queues',
      summary: 'List queues',
      tag,
      access: 'customer',
      query: PageQuery,
      response: pageOf(Queue, 'QueueList'),
    },
    ({ customerId, query }) => listQueues(deps, customerId, query),
  ),
  route(
    { ...one, method: 'GET', path: '/v1.0/queues/{id}', summary: 'Get a queue' },
    ({ customerId, params }) => getQueue(deps, customerId, params.id),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/queues/{id}',
      summary: 'Replace name, detail and tag_ids',
      body: UpdateQueue,
    },
    ({ customerId, params, body }) => updateQueue(deps, customerId, params.id, body),
  ),
  route(
    {
      ...one,
      method: 'DELETE',
      path: '/v1.0/queues/{id}',
      summary: 'Delete a queue (409 while a campaign uses it)',
    },
    ({ customerId, params }) => deleteQueue(deps, customerId, params.id),
  ),
];

export const handler = lambdaHandler(routes);
