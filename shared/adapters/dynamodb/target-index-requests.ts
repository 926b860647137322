/**
 * Requests of the target index, as pure functions. A count moves in one transaction with its target's
 * "counted" marker, which holds the state the target is counted in: added only while the marker is
 * absent, moved or removed only while it holds the state moved from, so a change handled twice moves
 * nothing the second time. Number entries are plain puts and deletes of fixed keys, idempotent by
 * themselves.
 */

import { COUNTED_BY_STATE, type TargetState, targetStateCounter, targetStateOf } from '#domain/outdial.ts';
import type { Cursor } from '#domain/pagination.ts';
import type { IndexedTarget, TargetIndexChange } from '#ports/target-index-store.ts';
import {
  isExhaustedTarget,
  itemKey,
  listSortKey,
  listSortKeyBefore,
  targetCountedKey,
  targetNumberKey,
  targetNumberPartition,
} from './keys.ts';
import type { TransactItem } from './transactions.ts';

/** The outdial's count of live targets (shown as `target_count`). */
const TARGET_COUNT = '_target_count';

/** Targets counted in one transaction: DynamoDB's 100 actions, less the outdial's own update. */
export const TARGETS_PER_COUNT = 99;

/**
 * One target's change of count in a batch: from the state it was counted in (null: not counted, i.e.
 * new) to the one it is counted in now (null: counted out, i.e. deleted).
 */
export interface CountMove {
  targetId: string;
  outdialId: string;
  from: TargetState | null;
  to: TargetState | null;
}

/** How much each of an outdial's counters moves for these moves (zeros left out). */
export const countDeltas = (moves: readonly CountMove[]): Record<string, number> => {
  const deltas: Record<string, number> = {};
  const add = (counter: string, d: number) => {
    deltas[counter] = (deltas[counter] ?? 0) + d;
  };
  for (const m of moves) {
    if (m.from === null && m.to !== null) add(TARGET_COUNT, 1);
    if (m.from !== null && m.to === null) add(TARGET_COUNT, -1);
    if (m.from !== null) add(targetStateCounter(m.from), -1);
    if (m.to !== null) add(targetStateCounter(m.to), 1);
  }
  return Object.fromEntries(Object.entries(deltas).filter(([, d]) => d !== 0));
};

/**
 * The outdial's counters moved by `deltas`; the outdial must exist (no stray item for a vanished one).
 * With nothing to move (moves that cancel out) only that is checked.
 */
export const countUpdate = (
  tableName: string,
  outdialId: string,
  deltas: Record<string, number>,
): TransactItem => {
  const counters = Object.keys(deltas);
  if (counters.length === 0) {
    return {
      ConditionCheck: {
        TableName: tableName,
        Key: itemKey('outdial', outdialId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    };
  }
  return {
    Update: {
      TableName: tableName,
      Key: itemKey('outdial', outdialId),
      UpdateExpression: `ADD ${counters.map((_, i) => `#c${i} :d${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(counters.map((c, i) => [`#c${i}`, c])),
      ExpressionAttributeValues: Object.fromEntries(counters.map((c, i) => [`:d${i}`, deltas[c]])),
    },
  };
};

/**
 * A target's "counted" marker moved with its count: created when counted in (only while absent),
 * deleted when counted out and moved between states, each only while it holds the state moved from.
 * So a change handled twice, or one older than the state the marker holds, moves nothing.
 */
export const markerWrite = (tableName: string, m: CountMove): TransactItem => {
  const Key = targetCountedKey(m.targetId);
  if (m.from === null) {
    return {
      Put: {
        TableName: tableName,
        Item: { ...Key, et: 'targetcounted', outdial_id: m.outdialId, state: m.to },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
  const held = { ExpressionAttributeNames: { '#state': 'state' }, ConditionExpression: '#state = :from' };
  if (m.to === null) {
    return {
      Delete: { TableName: tableName, Key, ...held, ExpressionAttributeValues: { ':from': m.from } },
    };
  }
  return {
    Update: {
      TableName: tableName,
      Key,
      UpdateExpression: 'SET #state = :to',
      ...held,
      ExpressionAttributeValues: { ':from': m.from, ':to': m.to },
    },
  };
};

/** One transaction moving the counts of `moves` (all of one outdial, each target once). */
export const countTransaction = (
  tableName: string,
  outdialId: string,
  moves: readonly CountMove[],
): TransactItem[] => [
  ...moves.map((m) => markerWrite(tableName, m)),
  countUpdate(tableName, outdialId, countDeltas(moves)),
];

/**
 * Counting out a target counted before states were (its marker has no state): the total only. Only
 * a removal needs this; such a target's moves wait for the backfill to give its marker a state.
 */
export const countOutWithoutState = (tableName: string, m: CountMove): TransactItem[] => [
  {
    Delete: {
      TableName: tableName,
      Key: targetCountedKey(m.targetId),
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#state)',
      ExpressionAttributeNames: { '#state': 'state' },
    },
  },
  countUpdate(tableName, m.outdialId, { [TARGET_COUNT]: -1 }),
];

/** Each target's moves in a batch (in stream order) made one: where it was first, where it is last. */
export const netMoves = (changes: readonly TargetIndexChange[]): CountMove[] => {
  const byTarget = new Map<string, CountMove>();
  for (const c of changes) {
    const from = c.kind === 'added' ? null : c.kind === 'moved' ? c.from : c.target.state;
    const to = c.kind === 'removed' ? null : c.target.state;
    const seen = byTarget.get(c.target.id);
    byTarget.set(c.target.id, {
      targetId: c.target.id,
      outdialId: c.target.outdialId,
      from: seen ? seen.from : from,
      to,
    });
  }
  return [...byTarget.values()].filter((m) => m.from !== m.to);
};

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

/** What decides a target's state (targetStateOf) and whether it is live, as a backfill read it. */
const STATE_ATTRIBUTES = [
  'status',
  'tm_create',
  'tm_update',
  'tm_delete',
  ...[0, 1, 2, 3, 4].map((s) => `try_count_${s}`),
];

/**
 * The target as the backfill read it: every attribute its state depends on is as read (its hold by
 * when it was set). Refused, the target has changed since: the backfill reads it again.
 */
export const targetUnchanged = (tableName: string, target: Record<string, unknown>): TransactItem => {
  const names: Record<string, string> = { '#hold': '_hold' };
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  STATE_ATTRIBUTES.forEach((attribute, i) => {
    names[`#a${i}`] = attribute;
    const v = target[attribute];
    if (v === undefined) parts.push(`attribute_not_exists(#a${i})`);
    else if (v === null) {
      parts.push(`attribute_type(#a${i}, :null)`);
      values[':null'] = 'NULL';
    } else {
      parts.push(`#a${i} = :v${i}`);
      values[`:v${i}`] = v;
    }
  });
  const hold = target._hold as { at?: unknown } | undefined;
  if (hold && typeof hold.at === 'string') {
    names['#at'] = 'at';
    parts.push('#hold.#at = :holdAt');
    values[':holdAt'] = hold.at;
  } else parts.push('attribute_not_exists(#hold)');
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: itemKey('outdialtarget', String(target.id)),
      ConditionExpression: parts.join(' AND '),
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    },
  };
};

/**
 * The backfill's count of one live target the stream has not counted by state: with no marker, counted
 * in (total and state); with a marker from before states (counted in the total), its state only. Both
 * only while the target is as read and the marker as found, so the stream's own moves, which need a
 * marker holding a state, can never count it twice.
 */
export const backfillCount = (
  tableName: string,
  target: Record<string, unknown>,
  marker: 'absent' | 'without-state',
): TransactItem[] => {
  const state = targetStateOf(target, isExhaustedTarget(target));
  const outdialId = String(target.outdial_id);
  const Key = targetCountedKey(String(target.id));
  return [
    targetUnchanged(tableName, target),
    marker === 'absent'
      ? {
          Put: {
            TableName: tableName,
            Item: { ...Key, et: 'targetcounted', outdial_id: outdialId, state },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }
      : {
          Update: {
            TableName: tableName,
            Key,
            UpdateExpression: 'SET #state = :state',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#state)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':state': state },
          },
        },
    countUpdate(tableName, outdialId, {
      ...(marker === 'absent' ? { [TARGET_COUNT]: 1 } : {}),
      [targetStateCounter(state)]: 1,
    }),
  ];
};

/** The backfill's last write: the outdial's counts by state are complete from now on. */
export const countedByState = (tableName: string, outdialId: string) => ({
  TableName: tableName,
  Key: itemKey('outdial', outdialId),
  UpdateExpression: 'SET #counted = :yes',
  ConditionExpression: 'attribute_exists(pk)',
  ExpressionAttributeNames: { '#counted': COUNTED_BY_STATE },
  ExpressionAttributeValues: { ':yes': true },
});
