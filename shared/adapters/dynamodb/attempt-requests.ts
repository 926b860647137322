/**
 * The requests that open, answer and close an attempt, as pure builders: the engine store runs them
 * in its transactions, and unit tests read them offline. Each attempt moves exactly one runtime shard
 * of its campaign (the one its claim counted it on, kept on the attempt as `_shard`).
 */
import { failureCounter } from '#domain/campaign-stats.ts';
import type { Campaigncall } from '#domain/campaigncall.ts';
import type { DestinationChoice } from '#domain/dialing.ts';
import type {
  ClaimLimit,
  ClaimResult,
  EngineCampaigncall,
  EngineTarget,
  Finish,
} from '#ports/engine-store.ts';
import { compactCampaigncall } from './campaigncall-item.ts';
import { pageQuery } from './engine-reads.ts';
import {
  dueKeys,
  itemKey,
  lineKey,
  listKeys,
  openAttemptKeys,
  openAttemptsKeys,
  runtimeShardKey,
  timeSortKeyBefore,
} from './keys.ts';
import type { NamedStep } from './transactions.ts';

const duePrefixed = (keys: { gsi3pk: string; gsi3sk: string }) => ({
  ':pk': keys.gsi3pk,
  ':sk': keys.gsi3sk,
});

/** Attempts opened before runtime shards existed counted on the campaign item; they close on shard 0. */
export const shardOf = (call: Pick<EngineCampaigncall, '_shard'>) => call._shard ?? 0;

// --- claim -------------------------------------------------------------------------------------

/** Idle and unchanged since it was read: two ticks can never claim the same target. */
export const claimTargetUpdate = (
  tableName: string,
  target: EngineTarget,
  choice: DestinationChoice,
  call: Campaigncall,
) => ({
  TableName: tableName,
  Key: itemKey('outdialtarget', target.id),
  UpdateExpression:
    'SET #status = :progressing, #slot = :count, tm_update = :now, #open = :cc REMOVE gsi3pk, gsi3sk',
  ConditionExpression: '#status = :idle AND #slot = :before AND attribute_not_exists(tm_delete)',
  ExpressionAttributeNames: {
    '#status': 'status',
    '#slot': `try_count_${choice.index}`,
    '#open': '_open_cc',
  },
  ExpressionAttributeValues: {
    ':progressing': 'progressing',
    ':idle': 'idle',
    ':count': choice.tryCount,
    ':before': choice.tryCount - 1,
    ':now': call.tm_create,
    ':cc': call.id,
  },
});

/**
 * The attempt as a resource, in the customer's and the campaign's lists. Its open-attempt index entry
 * is carried by the line item instead (takeLinePut): that item is small and exists exactly while the
 * attempt is open, so the entry costs a fraction of a copy of the attempt.
 */
export const openAttemptPut = (tableName: string, call: Campaigncall, shard: number) => ({
  TableName: tableName,
  Item: {
    ...itemKey('campaigncall', call.id),
    ...listKeys('campaigncall', call),
    et: 'campaigncall',
    ...compactCampaigncall(call),
    _shard: shard,
  },
  ConditionExpression: 'attribute_not_exists(pk)',
});

/** The shard counts the attempt, while the campaign runs and the shard's share of the bound allows. */
export const claimShardUpdate = (tableName: string, campaignId: string, limit: ClaimLimit) => ({
  TableName: tableName,
  Key: runtimeShardKey(campaignId, limit.shard),
  UpdateExpression: 'ADD #inflight :one, #dialing :one, #attempts :one',
  ConditionExpression: '#status = :run AND (attribute_not_exists(#limit) OR #limit < :below)',
  ExpressionAttributeNames: {
    '#inflight': '_inflight',
    '#dialing': '_dialing',
    '#attempts': '_attempts',
    '#status': 'status',
    '#limit': limit.counter,
  },
  ExpressionAttributeValues: { ':one': 1, ':run': 'run', ':below': limit.below },
});

/**
 * One open attempt per person: the destination's line, taken by the claim and freed by the finish.
 * It also lists the attempt among its campaign's open ones (byState), oldest first, for the sweeper.
 */
export const takeLinePut = (tableName: string, call: Campaigncall) => ({
  TableName: tableName,
  Item: {
    ...lineKey(call.customer_id, call.destination),
    ...openAttemptKeys(call.campaign_id, call.tm_create, call.id),
    et: 'line',
    _open_cc: call.id,
    campaign_id: call.campaign_id,
    tm_create: call.tm_create,
  },
  ConditionExpression: 'attribute_not_exists(pk)',
});

export type ClaimRefusal = Exclude<ClaimResult, 'claimed'>;

/** The claim's transaction, each item named by what its refusal means. */
export const claimSteps = (
  tableName: string,
  campaignId: string,
  target: EngineTarget,
  choice: DestinationChoice,
  call: Campaigncall,
  limit: ClaimLimit,
): NamedStep<ClaimRefusal>[] => [
  { item: { Update: claimTargetUpdate(tableName, target, choice, call) }, refused: 'target-taken' },
  { item: { Put: openAttemptPut(tableName, call, limit.shard) }, refused: 'target-taken' },
  { item: { Update: claimShardUpdate(tableName, campaignId, limit) }, refused: 'campaign-refused' },
  { item: { Put: takeLinePut(tableName, call) }, refused: 'line-busy' },
];

// --- answer ------------------------------------------------------------------------------------

export const answerCallUpdate = (tableName: string, call: EngineCampaigncall, now: string) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', call.id),
  UpdateExpression: 'SET #status = :progressing, tm_update = :now',
  ConditionExpression: '#status = :dialing',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':progressing': 'progressing', ':dialing': 'dialing', ':now': now },
});

export const answerShardUpdate = (tableName: string, call: EngineCampaigncall) => ({
  TableName: tableName,
  Key: runtimeShardKey(call.campaign_id, shardOf(call)),
  UpdateExpression: 'ADD #dialing :minus, #answered :one',
  ExpressionAttributeNames: { '#dialing': '_dialing', '#answered': '_answered' },
  ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
});

/** dialing → progressing, with the shard's ringing count down and answered count up. */
export const answerSteps = (
  tableName: string,
  call: EngineCampaigncall,
  now: string,
): NamedStep<'not-dialing'>[] => [
  { item: { Update: answerCallUpdate(tableName, call, now) }, refused: 'not-dialing' },
  { item: { Update: answerShardUpdate(tableName, call) }, refused: 'not-dialing' },
];

// --- finish ------------------------------------------------------------------------------------

/** Closes the attempt, only from the status it was read in (the first terminal event wins). */
export const closeCallUpdate = (
  tableName: string,
  call: EngineCampaigncall,
  outcome: Finish,
  now: string,
) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', call.id),
  UpdateExpression: `SET #status = :done, #result = :result, #reason = :reason, tm_update = :now${
    outcome.providerCode ? ', #code = :code' : ''
  } REMOVE gsi4pk, gsi4sk, gsi3pk, gsi3sk`,
  ConditionExpression: '#status = :was',
  ExpressionAttributeNames: {
    '#status': 'status',
    '#result': 'result',
    '#reason': '_reason',
    ...(outcome.providerCode ? { '#code': '_provider_code' } : {}),
  },
  ExpressionAttributeValues: {
    ':done': 'done',
    ':result': outcome.result,
    ':reason': outcome.reason,
    ':now': now,
    ':was': call.status,
    ...(outcome.providerCode ? { ':code': outcome.providerCode } : {}),
  },
});

/** The target back in line (retry or parked) or done; only while it still points at this attempt. */
export const releaseTargetUpdate = (
  tableName: string,
  call: EngineCampaigncall,
  outcome: Finish,
  now: string,
) => {
  const partition = outcome.targetStatus === 'idle' ? (outcome.targetPartition ?? 'retry') : undefined;
  const due = partition ? duePrefixed(dueKeys(call.outdial_id, partition, now, call.outdial_target_id)) : {};
  return {
    TableName: tableName,
    Key: itemKey('outdialtarget', call.outdial_target_id),
    UpdateExpression: partition
      ? 'SET #status = :status, tm_update = :now, gsi3pk = :pk, gsi3sk = :sk REMOVE #open'
      : 'SET #status = :status, tm_update = :now REMOVE #open, gsi3pk, gsi3sk',
    ConditionExpression: '#open = :cc',
    ExpressionAttributeNames: { '#status': 'status', '#open': '_open_cc' },
    ExpressionAttributeValues: { ':status': outcome.targetStatus, ':now': now, ':cc': call.id, ...due },
  };
};

/** The shard's totals move in the same write: `_succeeded`, or `_failed_<reason>`. */
export const finishShardUpdate = (tableName: string, call: EngineCampaigncall, outcome: Finish) => ({
  TableName: tableName,
  Key: runtimeShardKey(call.campaign_id, shardOf(call)),
  UpdateExpression: 'ADD #inflight :minus, #dialing :dialing, #outcome :one',
  ExpressionAttributeNames: {
    '#inflight': '_inflight',
    '#dialing': '_dialing',
    '#outcome': outcome.result === 'success' ? '_succeeded' : failureCounter(outcome.reason),
  },
  ExpressionAttributeValues: { ':minus': -1, ':dialing': call.status === 'dialing' ? -1 : 0, ':one': 1 },
});

/**
 * The destination's line is free again. Only this attempt can hold it while it is open; an attempt
 * opened before lines existed holds none, and deleting nothing is a no-op.
 */
export const freeLineDelete = (tableName: string, call: EngineCampaigncall) => ({
  TableName: tableName,
  Key: lineKey(call.customer_id, call.destination),
  ConditionExpression: 'attribute_not_exists(pk) OR #open = :cc',
  ExpressionAttributeNames: { '#open': '_open_cc' },
  ExpressionAttributeValues: { ':cc': call.id },
});

export type FinishRefusal = 'call-moved' | 'target-moved' | 'line-elsewhere';

/**
 * The finish's transaction. Without `target`, the target no longer points at this attempt (freed by
 * the sweeper) and the attempt closes alone; without `line`, the line is another attempt's (this one
 * was opened before lines existed and holds none).
 */
export const finishSteps = (
  tableName: string,
  call: EngineCampaigncall,
  outcome: Finish,
  now: string,
  include: { target: boolean; line: boolean },
): NamedStep<FinishRefusal>[] => [
  { item: { Update: closeCallUpdate(tableName, call, outcome, now) }, refused: 'call-moved' },
  { item: { Update: finishShardUpdate(tableName, call, outcome) }, refused: 'call-moved' },
  ...(include.target
    ? [
        {
          item: { Update: releaseTargetUpdate(tableName, call, outcome, now) },
          refused: 'target-moved' as const,
        },
      ]
    : []),
  ...(include.line
    ? [{ item: { Delete: freeLineDelete(tableName, call) }, refused: 'line-elsewhere' as const }]
    : []),
];

// --- open attempts -----------------------------------------------------------------------------

/**
 * A campaign's open attempts created strictly before `before`, oldest first (byState, keys only): one
 * query per shard; the oldest `limit` of them all are among their pages.
 */
export const openAttemptsQueries = (tableName: string, campaignId: string, before: string, limit: number) =>
  openAttemptsKeys(campaignId).map((pk) =>
    pageQuery(tableName, { pk, upper: timeSortKeyBefore(before), limit, index: 'gsi4' }),
  );
