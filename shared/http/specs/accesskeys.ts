/** Routes of /v1.0/accesskeys, the caller's own keys: what each takes and answers. */
import { Accesskey, AccesskeyWithToken, CreateAccesskey } from '#schemas/customer.ts';
import type { RouteSpecs } from '../route.ts';
import { collectionRoutes } from './collection.ts';

const accesskeys = collectionRoutes({
  tag: 'accesskeys',
  path: '/v1.0/accesskeys',
  item: Accesskey,
  listId: 'AccesskeyList',
  body: CreateAccesskey,
  created: AccesskeyWithToken,
  summaries: {
    create: 'Create an access key (its token is shown only here)',
    list: 'List access keys',
    get: 'Get an access key',
    delete: 'Delete (revoke) an access key',
  },
});

export const accesskeyRoutes = {
  create: accesskeys.create,
  list: accesskeys.list,
  get: accesskeys.get,
  delete: accesskeys.delete,
} satisfies RouteSpecs;
