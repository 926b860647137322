/** Entry point: GET /v1.0/openapi.json, public. */
import * as z from 'zod';
import { route } from '#http/route.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';
import { openApiDocument } from './openapi-document.ts';

let cached: unknown;

export const routes: RouteFactory = () => [
  route(
    {
      method: 'GET',
      path: '/v1.0/openapi.json',
      summary: 'This API as OpenAPI 3.1',
      tag: 'meta',
      access: 'public',
      response: z.object({ openapi: z.string() }).meta({ id: 'OpenApiDocument' }),
    },
    async () => {
      cached ??= openApiDocument();
      return cached;
    },
  ),
];

export const handler = lambdaHandler(routes);
