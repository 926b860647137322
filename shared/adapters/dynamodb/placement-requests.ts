/**
 * The dialer's and the sweeper's requests on an open attempt, as pure builders: the placement guard
 * (a small item beside the campaigncall, keys.ts placementGuardKey), the placed call's id, and the marks
 * a forced stop and a resent dial job leave on the attempt.
 */
import { NIL_UUID } from '#domain/ids.ts';
import { itemKey, placementGuardKey } from './keys.ts';

/** The once-only guard: refused when a placement was already started (a redelivered dial job). */
export const startPlacementPut = (tableName: string, campaigncallId: string) => ({
  TableName: tableName,
  Item: { ...placementGuardKey(campaigncallId), et: 'placement', state: 'placing' },
  ConditionExpression: 'attribute_not_exists(pk)',
});

export const recordPlacementUpdate = (
  tableName: string,
  campaigncallId: string,
  callId: string,
  now: string,
) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'SET reference_id = :call, tm_update = :now',
  ConditionExpression: 'attribute_exists(pk)',
  ExpressionAttributeValues: { ':call': callId, ':now': now },
});

/** Gives the guard back after a definite refusal, so the next delivery may place the call. */
export const resetPlacementDelete = (tableName: string, campaigncallId: string) => ({
  TableName: tableName,
  Key: placementGuardKey(campaigncallId),
  ConditionExpression: '#state = :placing',
  ExpressionAttributeNames: { '#state': 'state' },
  ExpressionAttributeValues: { ':placing': 'placing' },
});

export const markPlacementUnknownUpdate = (tableName: string, campaigncallId: string) => ({
  TableName: tableName,
  Key: placementGuardKey(campaigncallId),
  UpdateExpression: 'SET #state = :unknown',
  ExpressionAttributeNames: { '#state': 'state' },
  ExpressionAttributeValues: { ':unknown': 'unknown' },
});

export const placementGuardGet = (tableName: string, campaigncallId: string) => ({
  TableName: tableName,
  Key: placementGuardKey(campaigncallId),
});

/** Kept if already set, so the wait for the hangup runs from the first request; only while open. */
export const markCancelledUpdate = (tableName: string, campaigncallId: string, now: string) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'SET #cancel = if_not_exists(#cancel, :now)',
  ConditionExpression: '#status IN (:dialing, :progressing)',
  ExpressionAttributeNames: { '#cancel': '_cancel_at', '#status': 'status' },
  ExpressionAttributeValues: { ':now': now, ':dialing': 'dialing', ':progressing': 'progressing' },
});

export const markDialJobResentUpdate = (tableName: string, campaigncallId: string, now: string) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'SET #resent = :now',
  // Placed meanwhile (its call id is the reference): its job is no longer needed.
  ConditionExpression:
    '#status = :dialing AND (attribute_not_exists(#ref) OR #ref = :nil) AND attribute_not_exists(#call)',
  ExpressionAttributeNames: {
    '#resent': '_job_resent_at',
    '#status': 'status',
    '#ref': 'reference_id',
    '#call': '_call_id',
  },
  ExpressionAttributeValues: { ':now': now, ':dialing': 'dialing', ':nil': NIL_UUID },
});
