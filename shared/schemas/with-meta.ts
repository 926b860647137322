import * as z from 'zod/mini';

/**
 * Classic zod's `.meta()` for zod/mini schemas, used as `schema.apply(withMeta, { id: 'Campaign' })`: a
 * copy of the schema with the metadata (OpenAPI component id, description) in the global registry.
 * Not zod/mini's `z.meta` check: that stores the metadata in the schema's definition, which a schema
 * built from it (`z.extend`) inherits, id included, so the OpenAPI document would give both one name.
 */
export const withMeta = <T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T => {
  const copy = schema.clone();
  z.globalRegistry.add(copy, meta);
  return copy;
};
