import * as z from 'zod/mini';
import { MAX_BODY_BYTES, type RouteSpec } from './route.ts';

/** OpenAPI 3.1 from the same zod schemas the routes validate with; schemas with an id become components. */
const schemaOf = (schema: z.ZodMiniType) =>
  JSON.parse(
    JSON.stringify(
      z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    ).replaceAll('"#/$defs/', '"#/components/schemas/'),
  ) as Record<string, unknown>;

const componentRef = (
  schema: z.ZodMiniType,
  components: Record<string, unknown>,
): Record<string, unknown> => {
  const json = schemaOf(schema);
  const defs = (json.$defs ?? {}) as Record<string, unknown>;
  delete json.$defs;
  delete json.$schema;
  for (const [id, def] of Object.entries(defs)) components[id] = def;
  const id = z.globalRegistry.get(schema)?.id;
  if (id) {
    // zod puts a schema with an id in $defs and answers with a $ref to it: keep the definition.
    if (!(id in defs)) components[id] = json;
    return { $ref: `#/components/schemas/${id}` };
  }
  return json;
};

const ERROR_RESPONSES = {
  '400': 'Invalid argument, id, JSON body or reference',
  '401': 'No or invalid access key',
  '403': "Another customer's resource, or a route for another kind of caller",
  '404': 'Not found',
  '409': 'Failed precondition: deleted, in use, not stopped, not done',
  '413': `Body over ${MAX_BODY_BYTES / 1024} KB`,
  '429':
    "Over the customer's request budget (API_REQUESTS_PER_SECOND, API_REQUEST_BURST); retry after the Retry-After header's seconds",
};

const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds until the customer has budget again',
    schema: { type: 'integer', minimum: 1 },
  },
};

const IDEMPOTENCY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retried POST safe: the same key with the same request within 24 h returns the first answer ' +
    '(with `Idempotent-Replayed: true`) instead of creating a second resource.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

const IDEMPOTENCY_RESPONSES = {
  '409':
    'Failed precondition: deleted, in use, not stopped, not done; or a request with this Idempotency-Key is still running',
  '422': 'This Idempotency-Key was used with a different request',
};

export const buildOpenApi = (routes: RouteSpec[], info: { version: string }) => {
  const components: Record<string, unknown> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const json = schemaOf(schema);
      const props = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, s] of Object.entries(props)) {
        parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: s });
      }
    }
    const idempotent = r.method === 'POST' && r.access !== 'public';
    if (idempotent) parameters.push(IDEMPOTENCY_PARAMETER);
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${r.path
        .replace(/\/v1\.0/, '')
        .replace(/[{}]/g, '')
        .replace(/[/_.](\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: r.summary,
      tags: [r.tag],
      ...(r.access === 'public' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: componentRef(r.body, components) } },
            },
          }
        : {}),
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: componentRef(r.response, components) } },
        },
        ...Object.fromEntries(
          Object.entries({ ...ERROR_RESPONSES, ...(idempotent ? IDEMPOTENCY_RESPONSES : {}) }).map(
            ([code, description]) => [
              code,
              {
                description,
                ...(code === '429' ? { headers: RETRY_AFTER_HEADER } : {}),
                content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
              },
            ],
          ),
        ),
      },
    };
    paths[r.path.replace('/v1.0', '')] ??= {};
    (paths[r.path.replace('/v1.0', '')] as Record<string, unknown>)[r.method.toLowerCase()] = op;
  }
  components.ErrorResponse = {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['status', 'reason', 'message', 'request_id'],
        properties: {
          status: { type: 'string' },
          reason: { type: 'string' },
          message: { type: 'string' },
          request_id: { type: 'string' },
          details: {
            type: 'array',
            items: { type: 'object', properties: { field: { type: 'string' }, issue: { type: 'string' } } },
          },
        },
      },
    },
  };
  const sortedComponents = Object.fromEntries(
    Object.entries(components).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Outbound campaign API',
      version: info.version,
      description:
        'VoIPBIN-compatible outbound campaign API: campaigns, campaigncalls, outplans, outdials, queues, agents.',
    },
    servers: [{ url: '/v1.0' }],
    security: [{ bearer: [] }, { accesskey: [] }],
    paths,
    components: {
      schemas: sortedComponents,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <access key>' },
        accesskey: { type: 'apiKey', in: 'query', name: 'accesskey' },
      },
    },
  };
};
