/** Entry point: /v1.0/customers (operator key) and /v1.0/customer (the caller's own). */
import * as z from 'zod';
import { route } from '#http/route.ts';
import { CreateCustomer, CreatedCustomer, Customer, WebhookSecret } from '#schemas/customer.ts';
import { createCustomer, getCustomer, rotateWebhookSecret } from '#services/customers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

const tag = 'customers';

export const routes: RouteFactory = (deps) => [
  route(
    {
      method: 'POST',
      path: '/v1.0/customers',
      summary: 'Create a customer and its first access key (operator key)',
      tag,
      access: 'admin',
      body: CreateCustomer,
      response: CreatedCustomer,
    },
    ({ body }) => createCustomer(deps, body),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/customer',
      summary: "The caller's own customer",
      tag,
      access: 'customer',
      query: z.strictObject({}),
      response: Customer,
    },
    ({ customerId }) => getCustomer(deps, customerId),
  ),
  route(
    {
      method: 'POST',
      path: '/v1.0/customer/webhook_secret',
      summary: "Rotate the caller's webhook signing secret (the new one is shown only here)",
      tag,
      access: 'customer',
      body: z.strictObject({}),
      response: WebhookSecret,
    },
    ({ customerId }) => rotateWebhookSecret(deps, customerId),
  ),
];

export const handler = lambdaHandler(routes);
