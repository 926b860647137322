/**
 * Turns a family of routes into a Lambda handler; deps and config are built on the first event, and
 * again when the operator key (read again every 5 min) has been rotated.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { documentClient } from '#adapters/aws/clients/dynamodb.ts';
import { oncePerContainer, oncePerKey } from '#adapters/aws/once-per-container.ts';
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

/** A Secrets Manager secret's SecretString, read again once it is old (shared/adapters/aws/secrets.ts). */
export type SecretReader = (arn: string) => () => Promise<string | undefined>;

export interface LambdaHandlerOptions {
  /**
   * Reads the operator key secret. Only the customers function serves an operator route and is given
   * the secret (infra/constructs/api.ts), so only its entry passes a reader: the other API bundles then
   * hold no Secrets Manager client, about 30 KB of every cold start.
   * @default none: a function given OUTBOUND_ADMIN_KEY_SECRET_ARN anyway fails on its first event.
   */
  operatorKeySecret?: SecretReader;
}

/**
 * The operator key: in AWS from Secrets Manager (never a plain-text env var), locally from
 * OUTBOUND_ADMIN_KEY.
 */
const operatorKeyLoader = (readSecret: SecretReader | undefined) => {
  // The secret's reader, read again once 5 min old (none configured: undefined).
  const reader = oncePerContainer(() => {
    const arn = config().adminKeySecretArn;
    if (!arn) return undefined;
    if (!readSecret)
      throw new Error('OUTBOUND_ADMIN_KEY_SECRET_ARN is set for a function that reads no secret');
    return readSecret(arn);
  });
  return async (cfg: Config): Promise<string | undefined> => {
    const secret = await reader();
    if (!secret) return cfg.adminKey;
    const key = await secret();
    if (!key || key.length < 16) {
      throw new Error('The operator key secret is empty or shorter than 16 characters');
    }
    return key;
  };
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

export const lambdaHandler = (factory: RouteFactory, options: LambdaHandlerOptions = {}): ApiHandler => {
  const loadAdminKey = operatorKeyLoader(options.operatorKeySecret);
  // One build per container, and a new one when the operator key has been rotated; a failed build
  // (say, Secrets Manager unreachable) is retried on the next event.
  const handlerFor = oncePerKey((adminKey: string | undefined) => build(factory, config(), adminKey));
  return async (event: APIGatewayProxyEventV2, context: Context) =>
    (await handlerFor(await loadAdminKey(config())))(event, context);
};
