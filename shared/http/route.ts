import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Caller } from '#domain/customer.ts';
import { Forbidden, InvalidId, InvalidJsonBody, PayloadTooLarge, ValidationFailed } from '#domain/errors.ts';
import type { IdempotencyStore } from '#ports/idempotency-store.ts';
import { idempotencyKeyOf, requestFingerprint, runIdempotently } from './idempotency.ts';
import { json } from './responses.ts';

/** Bodies over this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

export type Access = 'customer' | 'admin' | 'public';

export interface RouteSpec<
  P extends z.ZodMiniType = z.ZodMiniType,
  Q extends z.ZodMiniType = z.ZodMiniType,
  B extends z.ZodMiniType = z.ZodMiniType,
> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path, e.g. /v1.0/campaigns/{id}. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  response: z.ZodMiniType;
}

export interface RouteInput<P, Q, B> {
  caller: Caller;
  /** The caller's customer; routes with `customer` access always have one. */
  customerId: string;
  params: P;
  query: Q;
  body: B;
  event: APIGatewayProxyEventV2;
}

export type Authenticator = (event: APIGatewayProxyEventV2) => Promise<Caller>;

/** What a route needs from its Lambda besides the event: who is calling, and replay of POSTs. */
export interface RouteContext {
  authenticate: Authenticator;
  idempotency?: { store: IdempotencyStore; now: () => number };
}

export interface Route extends RouteSpec {
  handler: (
    event: APIGatewayProxyEventV2,
    context: RouteContext,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
}

/** A family's route specs by operation name: what infra, the OpenAPI document and the handlers share. */
export type RouteSpecs = Record<string, RouteSpec>;

type Parsed<T> = T extends z.ZodMiniType ? z.output<T> : undefined;

/** One use case per spec, each typed by what its spec's schemas parse to. */
export type RouteHandlers<S extends RouteSpecs> = {
  [K in keyof S]: (
    input: RouteInput<Parsed<S[K]['params']>, Parsed<S[K]['query']>, Parsed<S[K]['body']>>,
  ) => Promise<unknown>;
};

/** zod issues → error details, naming the field and never echoing the input. */
const invalid = (error: z.core.$ZodError, where: string) =>
  new ValidationFailed(
    `The request ${where} is not valid`,
    error.issues.map((i) => ({
      field:
        [...i.path, ...('keys' in i && Array.isArray(i.keys) ? [i.keys.join(',')] : [])].join('.') || where,
      issue: i.message,
    })),
  );

const parse = <T extends z.ZodMiniType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.output<T> => {
  if (!schema) return undefined as z.output<T>;
  const out = schema.safeParse(value);
  if (!out.success) {
    // A malformed path id has its own reason, INVALID_ID.
    if (where === 'path') {
      const field = out.error.issues[0]?.path.join('.') || 'id';
      throw new InvalidId(field);
    }
    throw invalid(out.error, where);
  }
  return out.data;
};

const AUTH_QUERY_KEYS = new Set(['accesskey', 'token']);

const readBody = (event: APIGatewayProxyEventV2): unknown => {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLarge(MAX_BODY_BYTES);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidJsonBody();
  }
};

/** Size check for every request, body or not: done first so a huge payload costs nothing more. */
export const assertBodySize = (event: APIGatewayProxyEventV2) => {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) : Buffer.byteLength(raw, 'utf8');
  if (bytes > MAX_BODY_BYTES) throw new PayloadTooLarge(MAX_BODY_BYTES);
};

/** Binds a spec to its use case: authenticate, validate path/query/body with zod, call, answer 200. */
export const route = <P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  spec: RouteSpec<P, Q, B>,
  run: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>,
): Route => ({
  ...spec,
  handler: async (event, { authenticate, idempotency }) => {
    const caller: Caller = spec.access === 'public' ? { kind: 'admin' } : await authenticate(event);
    if (spec.access === 'admin' && caller.kind !== 'admin')
      throw new Forbidden('This route needs the operator key');
    if (spec.access === 'customer' && caller.kind !== 'customer') {
      throw new Forbidden('This route needs a customer access key');
    }
    const params = parse(spec.params, event.pathParameters ?? {}, 'path');
    const rawQuery = Object.fromEntries(
      Object.entries(event.queryStringParameters ?? {}).filter(([k]) => !AUTH_QUERY_KEYS.has(k)),
    );
    const query = parse(spec.query, rawQuery, 'query');
    const body = spec.body ? parse(spec.body, readBody(event), 'body') : (undefined as z.output<B>);
    const customerId = caller.kind === 'customer' ? caller.customerId : '';
    const answer = async () => json(200, await run({ caller, customerId, params, query, body, event }));
    const key = spec.method === 'POST' && spec.access !== 'public' ? idempotencyKeyOf(event) : undefined;
    if (!key || !idempotency) return answer();
    return runIdempotently(
      idempotency.store,
      {
        // Keys are the caller's own: one customer's key never meets another's.
        scope: caller.kind === 'customer' ? caller.customerId : 'operator',
        key,
        fingerprint: requestFingerprint(spec.method, event.rawPath, { params, query, body }),
        nowMs: idempotency.now(),
        requestId: event.requestContext?.requestId ?? '',
      },
      answer,
    );
  },
});

/** Binds every spec of a family to its use case; a spec without one does not compile. */
export const routesFor = <S extends RouteSpecs>(specs: S, handlers: RouteHandlers<S>): Route[] =>
  Object.entries(specs).map(([name, spec]) =>
    route(spec, handlers[name] as RouteHandlers<RouteSpecs>[string]),
  );
