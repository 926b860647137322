/** Routes of /v1.0/campaigncalls (read-only attempts): what each takes and answers. */
import { Campaigncall } from '#schemas/campaign.ts';
import type { RouteSpecs } from '../route.ts';
import { listedRoutes } from './collection.ts';

const campaigncalls = listedRoutes({
  tag: 'campaigncalls',
  path: '/v1.0/campaigncalls',
  item: Campaigncall,
  listId: 'CampaigncallList',
  summaries: {
    list: 'List campaigncalls',
    get: 'Get a campaigncall',
    delete: 'Delete a finished campaigncall',
  },
});

export const campaigncallRoutes = {
  list: campaigncalls.list,
  get: campaigncalls.get,
  delete: campaigncalls.delete,
} satisfies RouteSpecs;
