/** Entry point: /v1.0/suppressions and /v1.0/customer/contact_policy. Wires routes to use cases. */
import { routesFor } from '#http/route.ts';
import { complianceRoutes } from '#http/specs/compliance.ts';
import { getContactPolicy, putContactPolicy } from '#services/contact-policy.ts';
import {
  addSuppression,
  addSuppressions,
  deleteSuppression,
  getSuppression,
  listSuppressions,
} from '#services/suppressions.ts';
import { collectionHandlers } from './collection-handlers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(complianceRoutes, {
    ...collectionHandlers(deps, addSuppression, listSuppressions, getSuppression, deleteSuppression),
    createMany: ({ customerId, body }) => addSuppressions(deps, customerId, body.numbers),
    getContactPolicy: ({ customerId }) => getContactPolicy(deps, customerId),
    putContactPolicy: ({ customerId, body }) => putContactPolicy(deps, customerId, body),
  });

export const handler = lambdaHandler(routes);
