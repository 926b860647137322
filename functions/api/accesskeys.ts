/** Entry point: /v1.0/accesskeys, the caller's own keys. Wires routes to use cases; decides nothing. */
import { route } from '#http/route.ts';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { Accesskey, AccesskeyWithToken, CreateAccesskey } from '#schemas/customer.ts';
import { createAccesskey, deleteAccesskey, getAccesskey, listAccesskeys } from '#services/customers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

const tag = 'accesskeys';

export const routes: RouteFactory = (deps, hooks) => [
  route(
    {
      method: 'POST',
      path: '/v1.0/accesskeys',
      summary: 'Create an access key (its token is shown only here)',
      tag,
      access: 'customer',
      body: CreateAccesskey,
      response: AccesskeyWithToken,
    },
    ({ customerId, body }) => createAccesskey(deps, customerId, body),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/accesskeys',
      summary: 'List access keys',
      tag,
      access: 'customer',
      query: PageQuery,
      response: pageOf(Accesskey, 'AccesskeyList'),
    },
    ({ customerId, query }) => listAccesskeys(deps, customerId, query),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/accesskeys/{id}',
      summary: 'Get an access key',
      tag,
      access: 'customer',
      params: IdParams,
      response: Accesskey,
    },
    ({ customerId, params }) => getAccesskey(deps, customerId, params.id),
  ),
  route(
    {
      method: 'DELETE',
      path: '/v1.0/accesskeys/{id}',
      summary: 'Delete (revoke) an access key',
      tag,
      access: 'customer',
      params: IdParams,
      response: Accesskey,
    },
    async ({ customerId, params }) => {
      const deleted = await deleteAccesskey(deps, customerId, params.id);
      hooks.keysChanged();
      return deleted;
    },
  ),
];

export const handler = lambdaHandler(routes);
