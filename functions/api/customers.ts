/** Entry point: /v1.0/customers (operator key) and /v1.0/customer (the caller's own). */
import { secretString } from '#adapters/aws/secrets.ts';
import { routesFor } from '#http/route.ts';
import { customerRoutes } from '#http/specs/customers.ts';
import { createCustomer, getCustomer, rotateWebhookSecret } from '#services/customers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(customerRoutes, {
    create: ({ body }) => createCustomer(deps, body),
    own: ({ customerId }) => getCustomer(deps, customerId),
    rotateWebhookSecret: ({ customerId }) => rotateWebhookSecret(deps, customerId),
  });

// The one family with an operator route, so the one given the operator key secret.
export const handler = lambdaHandler(routes, { operatorKeySecret: secretString });
