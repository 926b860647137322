/** Entry point: /v1.0/accesskeys, the caller's own keys. Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { accesskeyRoutes } from '#http/specs/accesskeys.ts';
import { createAccesskey, deleteAccesskey, getAccesskey, listAccesskeys } from '#services/customers.ts';
import { collectionHandlers } from './collection-handlers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps, hooks) =>
  routesFor(accesskeyRoutes, {
    ...collectionHandlers(deps, createAccesskey, listAccesskeys, getAccesskey, deleteAccesskey),
    // Revoking also drops this container's cached keys, so the key stops working here at once.
    delete: async ({ customerId, params }) => {
      const deleted = await deleteAccesskey(deps, customerId, params.id);
      hooks.keysChanged();
      return deleted;
    },
  });

export const handler = lambdaHandler(routes);
