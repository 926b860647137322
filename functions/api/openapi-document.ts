/** The OpenAPI document of every family's routes (also written to docs/openapi.json). */
import { buildOpenApi } from '#http/openapi.ts';
import type { Deps } from '#services/deps.ts';
import { families } from './families.ts';

export const API_VERSION = '1.0.0';

/** Routes are only described here, never run, so they get deps that refuse to be used. */
const unusable = new Proxy({} as Deps, {
  get: () => {
    throw new Error('route specs only');
  },
});

export const openApiDocument = () =>
  buildOpenApi(
    families.flatMap((f) => f.routes(unusable, { keysChanged: () => {} })),
    { version: API_VERSION },
  );
