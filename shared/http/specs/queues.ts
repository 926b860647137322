/** Routes of /v1.0/queues: what each takes and answers. */
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { CreateQueue, Queue, UpdateQueue } from '#schemas/queue.ts';
import type { RouteSpecs } from '../route.ts';

const base = { tag: 'queues', access: 'customer' } as const;
const one = { ...base, params: IdParams, response: Queue };

export const queueRoutes = {
  create: {
    ...base,
    method: 'POST',
    path: '/v1.0/queues',
    summary: 'Create a queue',
    body: CreateQueue,
    response: Queue,
  },
  list: {
    ...base,
    method: 'GET',
    path: '/v1.0/queues',
    summary: 'List queues',
    query: PageQuery,
    response: pageOf(Queue, 'QueueList'),
  },
  get: { ...one, method: 'GET', path: '/v1.0/queues/{id}', summary: 'Get a queue' },
  update: {
    ...one,
    method: 'PUT',
    path: '/v1.0/queues/{id}',
    summary: 'Replace name, detail and tag_ids',
    body: UpdateQueue,
  },
  delete: {
    ...one,
    method: 'DELETE',
    path: '/v1.0/queues/{id}',
    summary: 'Delete a queue (409 while a campaign uses it)',
  },
} satisfies RouteSpecs;
