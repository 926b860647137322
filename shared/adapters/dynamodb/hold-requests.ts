/**
 * The requests that hold a target back for a compliance reason without spending a try, as pure
 * builders: a suppressed destination skipped for good, a capped one parked among the retries until the
 * contact policy allows it. Each is one transaction of the target (only while idle and unchanged since
 * it was read: the try count of the slot the tick chose) and the campaign's runtime shard, which counts
 * the skip (`skipped` in the stats) exactly once.
 */
import type { DestinationChoice } from '#domain/dialing.ts';
import { type HoldReason, skippedCounter } from '#domain/holds.ts';
import type { StoredHold } from '#domain/target-hold.ts';
import type { EngineTarget } from '#ports/engine-store.ts';
import { dueKeys, itemKey, runtimeShardKey } from './keys.ts';
import type { NamedStep } from './transactions.ts';

/** The target as the tick read it: idle, live, its chosen slot's try count unchanged. */
const UNCHANGED = '#status = :idle AND #slot = :tries AND attribute_not_exists(tm_delete)';

const unchangedParts = (choice: DestinationChoice) => ({
  names: { '#status': 'status', '#slot': `try_count_${choice.index}` },
  values: { ':idle': 'idle', ':tries': choice.tryCount - 1 },
});

/** Counts one skip for `reason` on a runtime shard; also for other holds (e.g. calling hours). */
export const countSkippedUpdate = (
  tableName: string,
  campaignId: string,
  shard: number,
  reason: HoldReason,
) => ({
  TableName: tableName,
  Key: runtimeShardKey(campaignId, shard),
  UpdateExpression: 'ADD #skipped :one',
  ExpressionAttributeNames: { '#skipped': skippedCounter(reason) },
  ExpressionAttributeValues: { ':one': 1 },
});

/**
 * The slot's number is suppressed: the slot is skipped (`_skip`), and with no other destination left
 * (`last`) the target ends `done`, showing why.
 */
export const skipSuppressedSteps = (
  tableName: string,
  campaignId: string,
  shard: number,
  target: EngineTarget,
  choice: DestinationChoice,
  last: boolean,
  now: string,
): NamedStep<'target-moved'>[] => {
  const u = unchangedParts(choice);
  const hold: StoredHold = { reason: 'suppressed', until: null, at: now };
  return [
    {
      item: {
        Update: {
          TableName: tableName,
          Key: itemKey('outdialtarget', target.id),
          UpdateExpression: last
            ? 'SET #status = :done, tm_update = :now, #hold = :hold ADD #skip :slot REMOVE gsi3pk, gsi3sk'
            : 'ADD #skip :slot',
          ConditionExpression: UNCHANGED,
          ExpressionAttributeNames: { ...u.names, '#skip': '_skip', ...(last ? { '#hold': '_hold' } : {}) },
          ExpressionAttributeValues: {
            ...u.values,
            ':slot': new Set([choice.index]),
            ...(last ? { ':done': 'done', ':now': now, ':hold': hold } : {}),
          },
        },
      },
      refused: 'target-moved',
    },
    {
      item: { Update: countSkippedUpdate(tableName, campaignId, shard, 'suppressed') },
      refused: 'target-moved',
    },
  ];
};

/**
 * Held back until `until`: among the retries, due then (the retry partition's sort time is the end of
 * the last attempt, due after the outplan's try_interval), showing the hold.
 */
export const holdTargetSteps = (
  tableName: string,
  campaignId: string,
  shard: number,
  target: EngineTarget,
  choice: DestinationChoice,
  hold: { reason: HoldReason; until: string },
  dueSortTime: string,
  now: string,
): NamedStep<'target-moved'>[] => {
  const u = unchangedParts(choice);
  const due = dueKeys(target.outdial_id, 'retry', dueSortTime, target.id);
  return [
    {
      item: {
        Update: {
          TableName: tableName,
          Key: itemKey('outdialtarget', target.id),
          UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk, #hold = :hold',
          ConditionExpression: UNCHANGED,
          ExpressionAttributeNames: { ...u.names, '#hold': '_hold' },
          ExpressionAttributeValues: {
            ...u.values,
            ':pk': due.gsi3pk,
            ':sk': due.gsi3sk,
            ':hold': { ...hold, at: now } satisfies StoredHold,
          },
        },
      },
      refused: 'target-moved',
    },
    {
      item: { Update: countSkippedUpdate(tableName, campaignId, shard, hold.reason) },
      refused: 'target-moved',
    },
  ];
};
