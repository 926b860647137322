/** Routes of /v1.0/outplans: what each takes and answers. */
import { CreateOutplan, Outplan, UpdateDialInfo, UpdateOutplan } from '#schemas/outplan.ts';
import type { RouteSpecs } from '../route.ts';
import { collectionRoutes } from './collection.ts';

const outplans = collectionRoutes({
  tag: 'outplans',
  path: '/v1.0/outplans',
  item: Outplan,
  listId: 'OutplanList',
  body: CreateOutplan,
  summaries: {
    create: 'Create an outplan',
    list: 'List outplans',
    get: 'Get an outplan',
    delete: 'Delete an outplan (409 while a campaign uses it)',
  },
});

export const outplanRoutes = {
  create: outplans.create,
  list: outplans.list,
  get: outplans.get,
  update: {
    ...outplans.one,
    method: 'PUT',
    path: '/v1.0/outplans/{id}',
    summary: 'Update name and detail',
    body: UpdateOutplan,
  },
  dialInfo: {
    ...outplans.one,
    method: 'PUT',
    path: '/v1.0/outplans/{id}/dial_info',
    summary: 'Replace source, timeouts and try counts',
    body: UpdateDialInfo,
  },
  delete: outplans.delete,
} satisfies RouteSpecs;
