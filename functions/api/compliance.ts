/** Entry point: /v1.0/suppressions, /v1.0/customer/contact_policy and /v1.0/contacts. Wires routes to use cases. */
import { routesFor } from '#http/route.ts';
import { complianceRoutes } from '#http/specs/compliance.ts';
import { getContact, getContactPolicy, putContactPolicy } from '#services/contact-policy.ts';
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
    getContact: ({ customerId, params }) => getContact(deps, customerId, pathSegment(params.number)),
  });

/** A path segment as written: `+` and spaces arrive percent-encoded (%2B, %20); a bad escape is kept as is. */
const pathSegment = (raw: string) => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
};

export const handler = lambdaHandler(routes);
