/** Routes of /v1.0/customers (operator key) and /v1.0/customer (the caller's own). */
import * as z from 'zod/mini';
import { CreateCustomer, CreatedCustomer, Customer, WebhookSecret } from '#schemas/customer.ts';
import type { RouteSpecs } from '../route.ts';

const tag = 'customers';

export const customerRoutes = {
  create: {
    method: 'POST',
    path: '/v1.0/customers',
    summary: 'Create a customer and its first access key (operator key)',
    tag,
    access: 'admin',
    body: CreateCustomer,
    response: CreatedCustomer,
  },
  own: {
    method: 'GET',
    path: '/v1.0/customer',
    summary: "The caller's own customer",
    tag,
    access: 'customer',
    query: z.strictObject({}),
    response: Customer,
  },
  rotateWebhookSecret: {
    method: 'POST',
    path: '/v1.0/customer/webhook_secret',
    summary: "Rotate the caller's webhook signing secret (the new one is shown only here)",
    tag,
    access: 'customer',
    body: z.strictObject({}),
    response: WebhookSecret,
  },
} satisfies RouteSpecs;
