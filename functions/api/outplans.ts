/** Entry point: /v1.0/outplans. Wires routes to use cases; decides nothing. */
import { route } from '#http/route.ts';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { CreateOutplan, Outplan, UpdateDialInfo, UpdateOutplan } from '#schemas/outplan.ts';
import {
  createOutplan,
  deleteOutplan,
  getOutplan,
  listOutplans,
  updateOutplan,
  updateOutplanDialInfo,
} from '#services/outplans.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

const tag = 'outplans';

export const routes: RouteFactory = (deps) => [
  route(
    {
      method: 'POST',
      path: '/v1.0/outplans',
      summary: 'Create an outplan',
      tag,
      access: 'customer',
      body: CreateOutplan,
      response: Outplan,
    },
    ({ customerId, body }) => createOutplan(deps, customerId, body),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/outplans',
      summary: 'List outplans',
      tag,
      access: 'customer',
      query: PageQuery,
      response: pageOf(Outplan, 'OutplanList'),
    },
    ({ customerId, query }) => listOutplans(deps, customerId, query),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/outplans/{id}',
      summary: 'Get an outplan',
      tag,
      access: 'customer',
      params: IdParams,
      response: Outplan,
    },
    ({ customerId, params }) => getOutplan(deps, customerId, params.id),
  ),
  route(
    {
      method: 'PUT',
      path: '/v1.0/outplans/{id}',
      summary: 'Update name and detail',
      tag,
      access: 'customer',
      params: IdParams,
      body: UpdateOutplan,
      response: Outplan,
    },
    ({ customerId, params, body }) => updateOutplan(deps, customerId, params.id, body),
  ),
  route(
    {
      method: 'PUT',
      path: '/v1.0/outplans/{id}/dial_info',
      summary: 'Replace source, timeouts and try counts',
      tag,
      access: 'customer',
      params: IdParams,
      body: UpdateDialInfo,
      response: Outplan,
    },
    ({ customerId, params, body }) => updateOutplanDialInfo(deps, customerId, params.id, body),
  ),
  route(
    {
      method: 'DELETE',
      path: '/v1.0/outplans/{id}',
      summary: 'Delete an outplan (409 while a campaign uses it)',
      tag,
      access: 'customer',
      params: IdParams,
      response: Outplan,
    },
    ({ customerId, params }) => deleteOutplan(deps, customerId, params.id),
  ),
];

export const handler = lambdaHandler(routes);
