import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '#ports/clock.ts';
import type { Deps } from '#services/deps.ts';
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

/** Wires the DynamoDB adapters into the ports the use cases take. */
export const dynamoDeps = (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  overrides: Partial<Pick<Deps, 'clock' | 'ids' | 'runtime'>> = {},
): Deps => {
  const resources = new DynamoResourceStore(ddb, tableName);
  return {
    resources,
    campaigns: new DynamoCampaignStore(ddb, tableName),
    agents: new DynamoAgentStore(ddb, tableName, resources),
    accesskeys: new DynamoAccesskeyStore(ddb, tableName),
    suppressions: new DynamoSuppressionStore(ddb, tableName),
    contactPolicies: new DynamoContactPolicyStore(ddb, tableName),
    timeseries: new DynamoCallTimeseriesStore(ddb, tableName),
    targetIndex: new DynamoTargetIndexStore(ddb, tableName),
    idempotency: new DynamoIdempotencyStore(ddb, tableName),
    replays: new DynamoReplayGuard(ddb, tableName),
    clock: systemClock,
    ids: cryptoIds,
    runtime: 'aws',
    ...overrides,
  };
};
