/** The OpenAPI document of every family's routes (also in docs/openapi.json), from their specs alone. */
import { buildOpenApi } from '#http/openapi.ts';
import { familySpecs } from '#http/specs/families.ts';

export const API_VERSION = '1.0.0';

export const openApiDocument = () =>
  buildOpenApi(
    familySpecs.flatMap((f) => Object.values(f.specs)),
    { version: API_VERSION },
  );
