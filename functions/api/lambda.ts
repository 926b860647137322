/** Turns a family of routes into a Lambda handler; deps and config are built on the first event. */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
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

/**
 * The operator key: in AWS from Secrets Manager (never a plain-text env var), locally from
 * OUTBOUND_ADMIN_KEY. The SDK client is imported only when a secret is configured, so the families
 * that never see the operator key do not load it at cold start.
 */
const loadAdminKey = async (cfg: Config): Promise<string | undefined> => {
  if (!cfg.adminKeySecretArn) return cfg.adminKey;
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: cfg.awsRegion, maxAttempts: 3 });
  const out = await client.send(new GetSecretValueCommand({ SecretId: cfg.adminKeySecretArn }));
  client.destroy();
  if (!out.SecretString || out.SecretString.length < 16) {
    throw new Error('The operator key secret is empty or shorter than 16 characters');
  }
  return out.SecretString;
};

const build = async (factory: RouteFactory): Promise<ApiHandler> => {
  const cfg = config();
  const adminKey = await loadAdminKey(cfg);
  const ddb = createDocumentClient();
  const deps = dynamoDeps(ddb, cfg.tableName, { runtime: cfg.runtime });
  const keyCache = createKeyCache(cfg.accesskeyCacheSeconds);
  return buildApiHandler(deps, factory(deps, { keysChanged: keyCache.clear }), {
    adminKeyHash: adminKey ? cryptoIds.hash(adminKey) : undefined,
    keyCache,
    budget: new DynamoRequestBudget(ddb, { tableName: cfg.tableName, policy: cfg.apiBudget }),
  });
};

export const lambdaHandler = (factory: RouteFactory): ApiHandler => {
  let built: Promise<ApiHandler> | undefined;
  return async (event: APIGatewayProxyEventV2, context: Context) => {
    // One build per container; a failed build (say, Secrets Manager unreachable) is retried next event.
    built ??= build(factory).catch((err: unknown) => {
      built = undefined;
      throw err;
    });
    return (await built)(event, context);
  };
};
