/** Entry point: /v1.0/accesskeys, the caller's own keys. Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { accesskeyRoutes } from '#http/specs/accesskeys.ts';
import { createAccesskey, deleteAccesskey, getAccesskey, listAccesskeys } from '#services/customers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps, hooks) =>
  routesFor(accesskeyRoutes, {
    create: ({ customerId, body }) => createAccesskey(deps, customerId, body),
    list: ({ customerId, query }) => listAccesskeys(deps, customerId, query),
    get: ({ customerId, params }) => getAccesskey(deps, customerId, params.id),
    delete: async ({ customerId, params }) => {
      const deleted = await deleteAccesskey(deps, customerId, params.id);
      // Drop this container's cached keys, so the revoked key stops working here at once.
      hooks.keysChanged();
      return deleted;
    },
  });

export const handler = lambdaHandler(routes);
