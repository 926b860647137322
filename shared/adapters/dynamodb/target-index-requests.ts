/**
 * Requests of the target index, as pure functions. A count moves in one transaction with its target's
 * "counted" marker: added only while the marker is absent, removed only while it is there, so a
 * change handled twice moves nothing the second time. Number entries are plain puts and deletes of
 * fixed keys, idempotent by themselves.
 */
import type { Cursor } from '#domain/pagination.ts';
import type { IndexedTarget } from '#ports/target-index-store.ts';
import {
  itemKey,
  listSortKey,
  listSortKeyBefore,
  targetCountedKey,
  targetNumberKey,
  targetNumberPartition,
} from './keys.ts';
import type { TransactItem } from './transactions.ts';

/** Targets counted in one transaction: DynamoDB's 100 actions, less the outdial's own update. */
export const TARGETS_PER_COUNT = 99;

/** The outdial's count moved by `delta`; the outdial must exist (no stray item for a vanished one). */
export const countUpdate = (tableName: string, outdialId: string, delta: number): TransactItem => ({
  Update: {
    TableName: tableName,
    Key: itemKey('outdial', outdialId),
    UpdateExpression: 'ADD #count :delta',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#count': '_target_count' },
    ExpressionAttributeValues: { ':delta': delta },
  },
});

/** The markers of targets being counted in (absent before) or out (present before). */
export const markerWrite = (
  tableName: string,
  kind: 'added' | 'removed',
  target: IndexedTarget,
): TransactItem =>
  kind === 'added'
    ? {
        Put: {
          TableName: tableName,
          Item: { ...targetCountedKey(target.id), et: 'targetcounted', outdial_id: target.outdialId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }
    : {
        Delete: {
          TableName: tableName,
          Key: targetCountedKey(target.id),
          ConditionExpression: 'attribute_exists(pk)',
        },
      };

/** One transaction counting `targets` (all of one outdial) in or out. */
export const countTransaction = (
  tableName: string,
  kind: 'added' | 'removed',
  outdialId: string,
  targets: readonly IndexedTarget[],
): TransactItem[] => [
  ...targets.map((t) => markerWrite(tableName, kind, t)),
  countUpdate(tableName, outdialId, kind === 'added' ? targets.length : -targets.length),
];

/** The number entries of a target, as BatchWriteItem requests (put when added, delete when removed). */
export const numberWrites = (kind: 'added' | 'removed', target: IndexedTarget) =>
  target.numbers.map((e164) => {
    const key = targetNumberKey(
      target.customerId,
      e164,
      target.outdialId,
      listSortKey(target.tmCreate, target.id),
    );
    return {
      entry: `${key.pk}|${key.sk}`,
      write:
        kind === 'added'
          ? { PutRequest: { Item: { ...key, et: 'targetnumber', target_id: target.id } } }
          : { DeleteRequest: { Key: key } },
    };
  });

/**
 * The page of one outdial's entries for a number, newest first: the range from the outdial's first
 * key up to the cursor (inclusive, so the caller drops the cursor's own entry).
 */
export const byNumberQuery = (
  tableName: string,
  q: { customerId: string; outdialId: string; e164: string; cursor?: Cursor; limit: number },
) => ({
  TableName: tableName,
  KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
  ExpressionAttributeValues: {
    ':pk': targetNumberPartition(q.customerId, q.e164),
    ':lo': `${q.outdialId}#`,
    ':hi': q.cursor
      ? `${q.outdialId}#${listSortKeyBefore(q.cursor.tmCreate, q.cursor.id)}`
      : `${q.outdialId}#~`,
  },
  ScanIndexForward: false,
  // One more: the cursor's own entry may be the first.
  Limit: q.limit + 1,
});
