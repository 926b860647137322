/**
 * The requests of the engine's due-targets section, as pure builders: pages of the byDue partitions
 * (fresh, retry, exhausted; keys.ts) and the moves of an idle target between them.
 */
import { skippedCounter } from '#domain/holds.ts';
import type { EngineTarget, HeldTarget } from '#ports/engine-store.ts';
import { type PageQuery, pageQuery } from './engine-reads.ts';
import {
  type DuePartition,
  dueKeys,
  duePartitionKeys,
  itemKey,
  runtimeShardKey,
  timeSortKeyBefore,
  timeSortKeyUpTo,
} from './keys.ts';
import type { TransactItem } from './transactions.ts';

const pages = (tableName: string, queries: PageQuery[]) => queries.map((q) => pageQuery(tableName, q));

/** Every never-tried target, and the retries whose last attempt ended at or before `retryCutoff`. */
export const dueTargetQueries = (tableName: string, outdialId: string, retryCutoff: string, limit: number) =>
  pages(tableName, [
    ...duePartitionKeys(outdialId, 'fresh').map((pk) => ({ pk, limit })),
    ...duePartitionKeys(outdialId, 'retry').map((pk) => ({ pk, upper: timeSortKeyUpTo(retryCutoff), limit })),
  ]);

/** One key of each fresh and retry shard: enough to tell whether any idle target with tries is left. */
export const idleTargetProbes = (tableName: string, outdialId: string) =>
  pages(
    tableName,
    [...duePartitionKeys(outdialId, 'fresh'), ...duePartitionKeys(outdialId, 'retry')].map((pk) => ({
      pk,
      limit: 1,
      keysOnly: true,
    })),
  );

/**
 * The oldest entry of each fresh and retry shard, with its sort key (`<last activity>#<id>` among the
 * retries): whether any idle target is left, and when the earliest retry had its last attempt.
 */
export const idleTargetHeads = (tableName: string, outdialId: string) =>
  [...duePartitionKeys(outdialId, 'fresh'), ...duePartitionKeys(outdialId, 'retry')].map((pk) => ({
    ...pageQuery(tableName, { pk, limit: 1 }),
    ProjectionExpression: 'gsi3pk, gsi3sk',
  }));

/** Targets parked (exhausted) strictly before `parkedBefore`. */
export const exhaustedTargetQueries = (
  tableName: string,
  outdialId: string,
  parkedBefore: string,
  limit: number,
) =>
  pages(
    tableName,
    duePartitionKeys(outdialId, 'exhausted').map((pk) => ({
      pk,
      upper: timeSortKeyBefore(parkedBefore),
      limit,
    })),
  );

/** The `limit` oldest items of several byDue pages (each sorted), by sort key. */
export const oldestFirst = (items: Record<string, unknown>[], limit: number) =>
  items.sort((a, b) => String(a.gsi3sk).localeCompare(String(b.gsi3sk))).slice(0, limit);

/** A further condition on a move, e.g. that the target is still where it was read. */
interface MoveCondition {
  expression: string;
  values: Record<string, unknown>;
}

/** Moves a live idle target to another byDue partition; a refused condition means it moved on. */
export const moveIdleTargetUpdate = (
  tableName: string,
  target: EngineTarget,
  to: { gsi3pk: string; gsi3sk: string },
  also?: MoveCondition,
) => ({
  TableName: tableName,
  Key: itemKey('outdialtarget', target.id),
  // A target moved for any other reason is no longer held (see holdOutsideHoursItems).
  UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk REMOVE #hold',
  ConditionExpression: `#status = :idle AND attribute_not_exists(tm_delete)${also ? ` AND ${also.expression}` : ''}`,
  ExpressionAttributeNames: { '#status': 'status', '#hold': '_hold' },
  ExpressionAttributeValues: { ':pk': to.gsi3pk, ':sk': to.gsi3sk, ':idle': 'idle', ...also?.values },
});

const to = (target: EngineTarget, partition: DuePartition, sortTime: string) =>
  dueKeys(target.outdial_id, partition, sortTime, target.id);

/** Back among the retries, due from `lastActivity`; only while still parked (not claimed or re-parked). */
export const reviveExhaustedUpdate = (tableName: string, target: EngineTarget, lastActivity: string) =>
  moveIdleTargetUpdate(tableName, target, to(target, 'retry', lastActivity), {
    expression: 'gsi3pk = :parked',
    values: { ':parked': to(target, 'exhausted', lastActivity).gsi3pk },
  });

/** Among the retries as if an attempt had just ended. */
export const deferBusyUpdate = (tableName: string, target: EngineTarget, now: string) =>
  moveIdleTargetUpdate(tableName, target, to(target, 'retry', now));

/** Out of the due partitions, parked at `now`. */
export const parkExhaustedUpdate = (tableName: string, target: EngineTarget, now: string) =>
  moveIdleTargetUpdate(tableName, target, to(target, 'exhausted', now));

/**
 * Holds idle targets outside their calling hours, in one transaction with their count: each goes among
 * the retries sorted at its `dueAt` and records its hold; one runtime shard counts them all. Each must
 * still be due where it was read (a fresh one, or a retry sorted at or before `retryCutoff`), so of two
 * overlapping ticks only one holds and counts it. Up to 99 targets (100 items a transaction).
 */
export const holdOutsideHoursItems = (
  tableName: string,
  s: { campaignId: string; shard: number; retryCutoff: string; held: readonly HeldTarget[] },
): TransactItem[] => [
  ...s.held.map(({ target, dueAt, hold }) => {
    const to = dueKeys(target.outdial_id, 'retry', dueAt, target.id);
    return {
      Update: {
        TableName: tableName,
        Key: itemKey('outdialtarget', target.id),
        UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk, #hold = :hold',
        ConditionExpression:
          '#status = :idle AND attribute_not_exists(tm_delete) AND (gsi3pk = :fresh OR (gsi3pk = :pk AND gsi3sk <= :cutoff))',
        ExpressionAttributeNames: { '#status': 'status', '#hold': '_hold' },
        ExpressionAttributeValues: {
          ':pk': to.gsi3pk,
          ':sk': to.gsi3sk,
          ':hold': hold,
          ':idle': 'idle',
          ':fresh': dueKeys(target.outdial_id, 'fresh', dueAt, target.id).gsi3pk,
          ':cutoff': timeSortKeyUpTo(s.retryCutoff),
        },
      },
    };
  }),
  {
    Update: {
      TableName: tableName,
      Key: runtimeShardKey(s.campaignId, s.shard),
      UpdateExpression: 'ADD #skipped :n',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#skipped': skippedCounter('outside_hours') },
      ExpressionAttributeValues: { ':n': s.held.length },
    },
  },
];
