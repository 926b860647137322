/** Entry point: /v1.0/customers (operator key) and /v1.0/customer (the caller's own). */
import { z } from 'zod';
import { route } from '#http/route.ts';
import { CreateCustomer, CreatedCustomer, Customer } from '#schemas/customer.ts';
import { createCustomer, getCustomer } from '#services/customers.ts';
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
];

export const handler = lambdaHandler(routes);
