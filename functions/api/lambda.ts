/**
 * Turns a family of routes into a Lambda handler; deps and config are built on the first event, and
 * again when the operator key (read again every 5 min) has been rotated.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { documentClient } from '#adapters/aws/clients/dynamodb.ts';
import { oncePerContainer, oncePerKey } from '#adapters/aws/once-per-container.ts';
import { secretString } from '#adapters/aws/secrets.ts';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { DynamoRequestBudget } from '#adapters/dynamodb/request-budget.ts';
import { type ApiHandler, buildApiHandler, createKeyCache } from '#http/api-handler.ts';
import type { Route } from '#http/route.ts';
import type { Deps } from '#services/deps.ts';
import { type Config, config } from '#shared/config.ts';

export type RouteFactory = (deps: Deps, hooks: RouteHooks) => Route[];

/** Side effects a route may need on the process, such as dropping cached keys after a key is deleted. */
export interface RouteHooks {
  keysChanged(): void;
}

/** The operator key's secret, read again once 5 min old (none configured: undefined). */
const adminKeySecret = oncePerContainer(() => {
  const arn = config().adminKeySecretArn;
  return arn ? secretString(arn) : undefined;
});

/**
 * The operator key: in AWS from Secrets Manager (never a plain-text env var), locally from
 * OUTBOUND_ADMIN_KEY. The SDK client is imported only when a secret is configured, so the families
 * that never see the operator key do not load it at cold start.
 */
const loadAdminKey = async (cfg: Config): Promise<string | undefined> => {
  const secret = await adminKeySecret();
  if (!secret) return cfg.adminKey;
  const key = await secret();
  if (!key || key.length < 16) {
    throw new Error('The operator key secret is empty or shorter than 16 characters');
  }
  return key;
};

const build = (factory: RouteFactory, cfg: Config, adminKey: string | undefined): ApiHandler => {
  const ddb = documentClient();
  const deps = dynamoDeps(ddb, cfg.tableName, { runtime: cfg.runtime });
  const keyCache = createKeyCache(cfg.accesskeyCacheSeconds);
  return buildApiHandler(deps, factory(deps, { keysChanged: keyCache.clear }), {
    adminKeyHash: adminKey ? cryptoIds.hash(adminKey) : undefined,
    keyCache,
    budget: new DynamoRequestBudget(ddb, { tableName: cfg.tableName, policy: cfg.apiBudget }),
  });
};

export const lambdaHandler = (factory: RouteFactory): ApiHandler => {
  // One build per container, and a new one when the operator key has been rotated; a failed build
  // (say, Secrets Manager unreachable) is retried on the next event.
  const handlerFor = oncePerKey((adminKey: string | undefined) => build(factory, config(), adminKey));
  return async (event: APIGatewayProxyEventV2, context: Context) =>
    (await handlerFor(await loadAdminKey(config())))(event, context);
};
