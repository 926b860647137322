/** Routes of /v1.0/accesskeys, the caller's own keys: what each takes and answers. */
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { Accesskey, AccesskeyWithToken, CreateAccesskey } from '#schemas/customer.ts';
import type { RouteSpecs } from '../route.ts';

const base = { tag: 'accesskeys', access: 'customer' } as const;
const one = { ...base, params: IdParams, response: Accesskey };

export const accesskeyRoutes = {
  create: {
    ...base,
    method: 'POST',
    path: '/v1.0/accesskeys',
    summary: 'Create an access key (its token is shown only here)',
    body: CreateAccesskey,
    response: AccesskeyWithToken,
  },
  list: {
    ...base,
    method: 'GET',
    path: '/v1.0/accesskeys',
    summary: 'List access keys',
    query: PageQuery,
    response: pageOf(Accesskey, 'AccesskeyList'),
  },
  get: { ...one, method: 'GET', path: '/v1.0/accesskeys/{id}', summary: 'Get an access key' },
  delete: {
    ...one,
    method: 'DELETE',
    path: '/v1.0/accesskeys/{id}',
    summary: 'Delete (revoke) an access key',
  },
} satisfies RouteSpecs;
