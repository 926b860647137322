import { timingSafeEqual } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError, NotFound } from '#domain/errors.ts';
import { TooManyRequests } from '#domain/request-budget.ts';
import type { RequestBudget } from '#ports/request-budget.ts';
import { authenticate, type KeyCache } from '#services/authenticate.ts';
import type { Deps } from '#services/deps.ts';
import { logger } from '#shared/observability.ts';
import { credentialOf } from './credentials.ts';
import { errorResponse } from './responses.ts';
import { assertBodySize, type Route } from './route.ts';
import { httpRouter } from './router.ts';

/** Warm-container cache of verified keys: saves a read per request; a deleted key lives at most `ttl`. */
export const createKeyCache = (ttlSeconds: number, clock: () => number = Date.now) => {
  const entries = new Map<string, { customerId: string; until: number }>();
  return {
    get: (hash: string) => {
      const e = entries.get(hash);
      if (!e || e.until < clock()) return undefined;
      return e.customerId;
    },
    set: (hash: string, customerId: string) => {
      if (ttlSeconds > 0) entries.set(hash, { customerId, until: clock() + ttlSeconds * 1000 });
    },
    clear: () => entries.clear(),
  } satisfies KeyCache & { clear(): void };
};

const equalHashes = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface ApiHandlerOptions {
  adminKeyHash: string | undefined;
  keyCache?: ReturnType<typeof createKeyCache>;
  /** The per-customer request budget; none: unlimited. */
  budget?: RequestBudget;
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * One Lambda's HTTP stack: middy with Powertools context, the router (router.ts) over the family's routes,
 * and one error mapper that turns every failure into the one error envelope (see docs/behaviour.md,
 * "Errors").
 */
export const buildApiHandler = (deps: Deps, routes: Route[], options: ApiHandlerOptions): ApiHandler => {
  const { budget } = options;
  // The budget is checked as soon as the caller is known, before any other work is done for it.
  const auth = async (event: APIGatewayProxyEventV2) => {
    const caller = await authenticate(
      deps,
      { key: credentialOf(event) },
      options.adminKeyHash,
      options.keyCache,
      equalHashes,
    );
    if (budget && caller.kind === 'customer') {
      const decision = await budget.admit(caller.customerId);
      if (!decision.admitted) throw new TooManyRequests(decision.retryAfterSeconds);
    }
    return caller;
  };
  const router = httpRouter(
    routes.map((r) => ({
      method: r.method,
      path: r.path,
      handler: (event: APIGatewayProxyEventV2) =>
        r.handler(event, {
          authenticate: auth,
          idempotency: { store: deps.idempotency, now: () => deps.clock.now() },
        }),
    })),
    () => {
      throw new NotFound('ROUTE_NOT_FOUND', 'No such route');
    },
  );
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      before: (request) => {
        assertBodySize(request.event);
      },
      onError: (request) => {
        const requestId = request.event.requestContext?.requestId ?? request.context.awsRequestId ?? '';
        const err = request.error;
        if (!(err instanceof DomainError)) {
          logger.error('request failed', { requestId, error: err as Error });
        }
        request.response = errorResponse(err, requestId);
      },
    })
    .handler(router) as unknown as ApiHandler;
};
