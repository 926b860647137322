/** Turns a family of routes into a Lambda handler; deps and config are built on the first event. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { type ApiHandler, buildApiHandler, createKeyCache } from '#http/api-handler.ts';
import type { Route } from '#http/route.ts';
import type { Deps } from '#services/deps.ts';
import { config } from '#shared/config.ts';

export type RouteFactory = (deps: Deps, hooks: RouteHooks) => Route[];

/** Side effects a route may need on the process, such as dropping cached keys after a key is deleted. */
export interface RouteHooks {
  keysChanged(): void;
}

export const lambdaHandler = (factory: RouteFactory): ApiHandler => {
  let built: ApiHandler | undefined;
  return (event: APIGatewayProxyEventV2, context: Context) => {
    if (!built) {
      const cfg = config();
      const deps = dynamoDeps(createDocumentClient(), cfg.tableName, { runtime: cfg.runtime });
      const keyCache = createKeyCache(cfg.accesskeyCacheSeconds);
      built = buildApiHandler(deps, factory(deps, { keysChanged: keyCache.clear }), {
        adminKeyHash: cfg.adminKey ? cryptoIds.hash(cfg.adminKey) : undefined,
        keyCache,
      });
    }
    return built(event, context);
  };
};
