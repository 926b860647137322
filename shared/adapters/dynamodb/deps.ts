import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '#ports/clock.ts';
import type { Deps } from '#services/deps.ts';
import type { EngineStoreDeps } from '#services/engine/engine-deps.ts';
import { cryptoIds } from '../crypto-ids.ts';
import { DynamoAccesskeyStore } from './accesskey-store.ts';
import { DynamoAgentStore } from './agent-store.ts';
import { DynamoCallTimeseriesStore } from './call-timeseries-store.ts';
import { DynamoCampaignStore } from './campaign-store.ts';
import { DynamoContactPolicyStore } from './contact-policy-store.ts';
import { DynamoIdempotencyStore } from './idempotency-store.ts';
import { DynamoReplayGuard } from './replay-guard.ts';
import { DynamoResourceStore } from './resource-store.ts';
import { DynamoSuppressionStore } from './suppression-store.ts';
import { DynamoTargetIndexStore } from './target-index-store.ts';

/** The stores an engine function needs (the tick, dialer and provider callbacks build no others). */
export const dynamoEngineStores = (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  overrides: Partial<Pick<Deps, 'clock' | 'ids'>> = {},
): EngineStoreDeps => {
  const resources = new DynamoResourceStore(ddb, tableName);
  return {
    resources,
    campaigns: new DynamoCampaignStore(ddb, tableName),
    agents: new DynamoAgentStore(ddb, tableName, resources),
    suppressions: new DynamoSuppressionStore(ddb, tableName),
    contactPolicies: new DynamoContactPolicyStore(ddb, tableName),
    replays: new DynamoReplayGuard(ddb, tableName),
    timeseries: new DynamoCallTimeseriesStore(ddb, tableName),
    clock: systemClock,
    ids: cryptoIds,
    ...overrides,
  };
};

/** Wires the DynamoDB adapters into the ports the use cases take. */
export const dynamoDeps = (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  overrides: Partial<Pick<Deps, 'clock' | 'ids' | 'runtime'>> = {},
): Deps => ({
  ...dynamoEngineStores(ddb, tableName),
  accesskeys: new DynamoAccesskeyStore(ddb, tableName),
  idempotency: new DynamoIdempotencyStore(ddb, tableName),
  targetIndex: new DynamoTargetIndexStore(ddb, tableName),
  runtime: 'aws',
  ...overrides,
});
