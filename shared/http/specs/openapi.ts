/** The route of GET /v1.0/openapi.json, public. */
import * as z from 'zod/mini';
import { withMeta } from '#schemas/with-meta.ts';
import type { RouteSpecs } from '../route.ts';

export const openapiRoutes = {
  document: {
    method: 'GET',
    path: '/v1.0/openapi.json',
    summary: 'This API as OpenAPI 3.1',
    tag: 'meta',
    access: 'public',
    response: z.object({ openapi: z.string() }).apply(withMeta, { id: 'OpenApiDocument' }),
  },
} satisfies RouteSpecs;
