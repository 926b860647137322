/** Routes of /v1.0/outplans: what each takes and answers. */
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { CreateOutplan, Outplan, UpdateDialInfo, UpdateOutplan } from '#schemas/outplan.ts';
import type { RouteSpecs } from '../route.ts';

const base = { tag: 'outplans', access: 'customer' } as const;
const one = { ...base, params: IdParams, response: Outplan };

export const outplanRoutes = {
  create: {
    ...base,
    method: 'POST',
    path: '/v1.0/outplans',
    summary: 'Create an outplan',
    body: CreateOutplan,
    response: Outplan,
  },
  list: {
    ...base,
    method: 'GET',
    path: '/v1.0/outplans',
    summary: 'List outplans',
    query: PageQuery,
    response: pageOf(Outplan, 'OutplanList'),
  },
  get: { ...one, method: 'GET', path: '/v1.0/outplans/{id}', summary: 'Get an outplan' },
  update: {
    ...one,
    method: 'PUT',
    path: '/v1.0/outplans/{id}',
    summary: 'Update name and detail',
    body: UpdateOutplan,
  },
  dialInfo: {
    ...one,
    method: 'PUT',
    path: '/v1.0/outplans/{id}/dial_info',
    summary: 'Replace source, timeouts and try counts',
    body: UpdateDialInfo,
  },
  delete: {
    ...one,
    method: 'DELETE',
    path: '/v1.0/outplans/{id}',
    summary: 'Delete an outplan (409 while a campaign uses it)',
  },
} satisfies RouteSpecs;
