/**
 * The requests of the engine's lease and tick section, as pure builders: which campaigns are active,
 * the tick lease on the campaign item, the exhausted-targets review mark, and the stop that waits for
 * the campaign's last call.
 */

import type { TickDecision } from '#domain/diagnosis.ts';
import { runtimeStatusItems } from './campaign-runtime.ts';
import { ACTIVE_SHARDS, activeShardKey, itemKey, openAttemptsKeys } from './keys.ts';
import type { NamedStep } from './transactions.ts';

/** One page of an active shard (byState). The index copies keys only: the campaign id is the sort key. */
export const activeCampaignsQuery = (tableName: string, shard: number, start?: Record<string, unknown>) => ({
  TableName: tableName,
  IndexName: 'byState',
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': 'gsi4pk', '#p': 'gsi4sk' },
  ExpressionAttributeValues: { ':pk': activeShardKey(shard) },
  ProjectionExpression: '#p',
  ExclusiveStartKey: start,
});

export const activeShards = () => Array.from({ length: ACTIVE_SHARDS }, (_, shard) => shard);

/** The lease is free (never taken, or expired); the campaign comes back whole. */
export const acquireLeaseUpdate = (
  tableName: string,
  campaignId: string,
  owner: string,
  nowMs: number,
  leaseMs: number,
) => ({
  TableName: tableName,
  Key: itemKey('campaign', campaignId),
  UpdateExpression: 'SET #until = :until, #owner = :owner',
  ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#until) OR #until < :now)',
  ExpressionAttributeNames: { '#until': '_lease_until', '#owner': '_lease_owner' },
  ExpressionAttributeValues: { ':until': nowMs + leaseMs, ':owner': owner, ':now': nowMs },
  ReturnValues: 'ALL_NEW' as const,
});

/**
 * Only the lease's own holder lets it go: a tick that outlived its lease leaves the next one's alone.
 * The tick's sweep mark (`_sweep_from`) rides on the same write, so keeping it costs no request.
 */
export const releaseLeaseUpdate = (
  tableName: string,
  campaignId: string,
  owner: string,
  sweepFrom?: string,
  decision?: TickDecision,
) => {
  const sets = [
    ...(sweepFrom === undefined ? [] : ['#sweep = :sweep']),
    ...(decision === undefined ? [] : ['#decision = :decision']),
  ];
  return {
    TableName: tableName,
    Key: itemKey('campaign', campaignId),
    UpdateExpression: `${sets.length ? `SET ${sets.join(', ')} ` : ''}REMOVE #until, #owner`,
    ConditionExpression: '#owner = :owner',
    ExpressionAttributeNames: {
      '#until': '_lease_until',
      '#owner': '_lease_owner',
      ...(sweepFrom === undefined ? {} : { '#sweep': '_sweep_from' }),
      ...(decision === undefined ? {} : { '#decision': '_decision' }),
    },
    ExpressionAttributeValues: {
      ':owner': owner,
      ...(sweepFrom === undefined ? {} : { ':sweep': sweepFrom }),
      ...(decision === undefined ? {} : { ':decision': decision }),
    },
  };
};

/** A tick's decision on a campaign it did not lease; only on a campaign that still exists. */
export const recordDecisionUpdate = (tableName: string, campaignId: string, decision: TickDecision) => ({
  TableName: tableName,
  Key: itemKey('campaign', campaignId),
  UpdateExpression: 'SET #decision = :decision',
  ConditionExpression: 'attribute_exists(pk)',
  ExpressionAttributeNames: { '#decision': '_decision' },
  ExpressionAttributeValues: { ':decision': decision },
});

/** The oldest entry of each open-attempts partition of a campaign (keys only: its sort key holds the time). */
export const oldestOpenAttemptQueries = (tableName: string, campaignId: string) =>
  openAttemptsKeys(campaignId).map((pk) => ({
    TableName: tableName,
    IndexName: 'byState',
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'gsi4pk', '#sk': 'gsi4sk' },
    ExpressionAttributeValues: { ':pk': pk },
    ProjectionExpression: '#sk',
    ScanIndexForward: true,
    Limit: 1,
  }));

export const markExhaustedReviewedUpdate = (tableName: string, campaignId: string, dialInfoAt: string) => ({
  TableName: tableName,
  Key: itemKey('campaign', campaignId),
  UpdateExpression: 'SET #reviewed = :at',
  ConditionExpression: 'attribute_exists(pk)',
  ExpressionAttributeNames: { '#reviewed': '_exhausted_reviewed' },
  ExpressionAttributeValues: { ':at': dialInfoAt },
});

/** The campaign stops from the status it was seen in, and leaves the active set. */
export const stopCampaignUpdate = (
  tableName: string,
  campaignId: string,
  from: 'run' | 'stopping',
  now: string,
) => ({
  TableName: tableName,
  Key: itemKey('campaign', campaignId),
  UpdateExpression: 'SET #status = :stop, tm_update = :now REMOVE gsi4pk, gsi4sk',
  ConditionExpression: '#status = :from',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':stop': 'stop', ':from': from, ':now': now },
});

export type StopRefusal = 'not-run' | 'not-stopping' | 'in-flight';

/**
 * Stop once the last call has ended: the campaign's own change and every runtime shard's status copy
 * in one transaction, each shard with nothing in flight.
 */
export const stopSteps = (
  tableName: string,
  campaignId: string,
  customerId: string,
  from: 'run' | 'stopping',
  now: string,
): NamedStep<StopRefusal>[] => [
  { item: { Update: stopCampaignUpdate(tableName, campaignId, from, now) }, refused: `not-${from}` },
  ...runtimeStatusItems(tableName, campaignId, customerId, 'stop', { whenIdle: true }).map((item) => ({
    item,
    refused: 'in-flight' as const,
  })),
];
