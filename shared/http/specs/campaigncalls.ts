/** Routes of /v1.0/campaigncalls (read-only attempts): what each takes and answers. */
import { Campaigncall } from '#schemas/campaign.ts';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import type { RouteSpecs } from '../route.ts';

const base = { tag: 'campaigncalls', access: 'customer' } as const;
const one = { ...base, params: IdParams, response: Campaigncall };

export const campaigncallRoutes = {
  list: {
    ...base,
    method: 'GET',
    path: '/v1.0/campaigncalls',
    summary: 'List campaigncalls',
    query: PageQuery,
    response: pageOf(Campaigncall, 'CampaigncallList'),
  },
  get: { ...one, method: 'GET', path: '/v1.0/campaigncalls/{id}', summary: 'Get a campaigncall' },
  delete: {
    ...one,
    method: 'DELETE',
    path: '/v1.0/campaigncalls/{id}',
    summary: 'Delete a finished campaigncall',
  },
} satisfies RouteSpecs;
