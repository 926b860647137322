/** Routes of /v1.0/queues: what each takes and answers. */
import { CreateQueue, Queue, UpdateQueue } from '#schemas/queue.ts';
import type { RouteSpecs } from '../route.ts';
import { collectionRoutes } from './collection.ts';

const queues = collectionRoutes({
  tag: 'queues',
  path: '/v1.0/queues',
  item: Queue,
  listId: 'QueueList',
  body: CreateQueue,
  summaries: {
    create: 'Create a queue',
    list: 'List queues',
    get: 'Get a queue',
    delete: 'Delete a queue (409 while a campaign uses it)',
  },
});

export const queueRoutes = {
  create: queues.create,
  list: queues.list,
  get: queues.get,
  update: {
    ...queues.one,
    method: 'PUT',
    path: '/v1.0/queues/{id}',
    summary: 'Replace name, detail and tag_ids',
    body: UpdateQueue,
  },
  delete: queues.delete,
} satisfies RouteSpecs;
