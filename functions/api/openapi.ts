/** Entry point: GET /v1.0/openapi.json, public. */
import { routesFor } from '#http/route.ts';
import { openapiRoutes } from '#http/specs/openapi.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';
import { openApiDocument } from './openapi-document.ts';

let cached: unknown;

export const routes: RouteFactory = () =>
  routesFor(openapiRoutes, {
    document: async () => {
      cached ??= openApiDocument();
      return cached;
    },
  });

export const handler = lambdaHandler(routes);
