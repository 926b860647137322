/**
 * The requests of the look at held targets after a change of calling hours, as pure builders: a page of
 * one retry shard after a sort key, the conditional move of a held target earlier, and the campaign's
 * pass (`_wake`) kept after each page.
 */
import type { StoredHold } from '#domain/target-hold.ts';
import type { EngineTarget, WakePass } from '#ports/engine-store.ts';
import { dueKeys, itemKey } from './keys.ts';

/** Up to `limit` entries of one byDue retry partition sorted strictly after `after`, oldest first. */
export const retriesAfterQuery = (tableName: string, pk: string, after: string, limit: number) => ({
  TableName: tableName,
  IndexName: 'byDue',
  KeyConditionExpression: '#pk = :pk AND #sk > :after',
  ExpressionAttributeNames: { '#pk': 'gsi3pk', '#sk': 'gsi3sk' },
  ExpressionAttributeValues: { ':pk': pk, ':after': after },
  ScanIndexForward: true,
  Limit: limit,
});

/**
 * The held target earlier among the retries, at `dueAt`, with its new hold (or none). The index does
 * not carry `_hold` (adding it would rebuild the index), so the condition checks it: the target must be
 * idle and live, still at the sort key read, and held outside hours since before the change. A target
 * waiting for another reason (its retry interval, a busy line, a contact cap) or woken already is
 * refused.
 */
export const wakeHeldUpdate = (
  tableName: string,
  s: { target: EngineTarget; sortKey: string; changedAt: string; dueAt: string; hold: StoredHold | null },
) => {
  const to = dueKeys(s.target.outdial_id, 'retry', s.dueAt, s.target.id);
  return {
    TableName: tableName,
    Key: itemKey('outdialtarget', s.target.id),
    UpdateExpression: s.hold ? 'SET gsi3sk = :sk, #hold = :hold' : 'SET gsi3sk = :sk REMOVE #hold',
    ConditionExpression:
      '#status = :idle AND attribute_not_exists(tm_delete) AND gsi3pk = :pk AND gsi3sk = :from' +
      ' AND #hold.#reason = :outside AND #hold.#at < :changed',
    ExpressionAttributeNames: { '#status': 'status', '#hold': '_hold', '#reason': 'reason', '#at': 'at' },
    ExpressionAttributeValues: {
      ':sk': to.gsi3sk,
      ':pk': to.gsi3pk,
      ':from': s.sortKey,
      ':idle': 'idle',
      ':outside': 'outside_hours',
      ':changed': s.changedAt,
      ...(s.hold ? { ':hold': s.hold } : {}),
    },
  };
};

/** The campaign's pass after a page; over the pass read with the lease only, so it never goes back. */
export const saveWakePassUpdate = (
  tableName: string,
  campaignId: string,
  pass: WakePass,
  previous: WakePass | undefined,
) => ({
  TableName: tableName,
  Key: itemKey('campaign', campaignId),
  UpdateExpression: 'SET #wake = :pass',
  ConditionExpression: previous
    ? 'attribute_exists(pk) AND #wake.#at = :at AND #wake.#pages = :pages'
    : 'attribute_exists(pk) AND attribute_not_exists(#wake)',
  ExpressionAttributeNames: { '#wake': '_wake', ...(previous ? { '#at': 'at', '#pages': 'pages' } : {}) },
  ExpressionAttributeValues: {
    ':pass': pass,
    ...(previous ? { ':at': previous.at, ':pages': previous.pages } : {}),
  },
});
