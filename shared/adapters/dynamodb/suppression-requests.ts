/**
 * The writes and checks of suppressions, as pure request builders (unit-tested offline). A suppression
 * is two items: the record (`itemKey('suppression', id)`, in the customer's list) and, while it is in
 * force, its number's item (`suppressionKey`), which holds the record's id and expiry.
 */
import type { Suppression } from '#domain/suppression.ts';
import { itemKey, listKeys, suppressionKey } from './keys.ts';
import { withoutUnsetDelete } from './resource-store.ts';
import type { TransactItem } from './transactions.ts';

/** Entity type of the number items; not an event kind, so they publish no webhook of their own. */
export const SUPPRESSED_NUMBER_TYPE = 'suppressed_number';

/** The number is free when nobody holds it, or its holder has expired by `now`. */
const NUMBER_FREE = 'attribute_not_exists(pk) OR expire_at <= :now';

/**
 * Epoch seconds after which DynamoDB may delete an expired number item (its TTL): only a tidy-up, since
 * every reader compares `expire_at` itself and TTL deletes run up to days late.
 */
const ttlOf = (expireAt: string) => Math.ceil(Date.parse(expireAt) / 1000);

/**
 * Adds a suppression: the number's item, taken only when free at the suppression's tm_create (a refusal
 * returns the holder, so the caller answers it), and the record. One transaction: never a record
 * without its number, nor a number pointing at no record.
 */
export const addSuppression = (tableName: string, s: Suppression): TransactItem[] => [
  {
    Put: {
      TableName: tableName,
      Item: {
        ...suppressionKey(s.customer_id, s.number),
        et: SUPPRESSED_NUMBER_TYPE,
        id: s.id,
        customer_id: s.customer_id,
        number: s.number,
        ...(s.expire_at ? { expire_at: s.expire_at, ttl: ttlOf(s.expire_at) } : {}),
      },
      ConditionExpression: NUMBER_FREE,
      ExpressionAttributeValues: { ':now': s.tm_create },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  },
  {
    Put: {
      TableName: tableName,
      Item: {
        ...itemKey('suppression', s.id),
        ...listKeys('suppression', s),
        et: 'suppression',
        ...withoutUnsetDelete(s),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
];

/**
 * Soft-deletes a live suppression of the customer (it leaves the list) and frees its number in the
 * same transaction. `freeNumber: false` when a newer suppression took the number over after this one
 * expired: then only the record changes.
 */
export const removeSuppression = (
  tableName: string,
  s: Suppression,
  now: string,
  freeNumber = true,
): TransactItem[] => [
  {
    Update: {
      TableName: tableName,
      Key: itemKey('suppression', s.id),
      UpdateExpression: 'SET tm_delete = :now, tm_update = :now REMOVE gsi1pk, gsi1sk',
      ConditionExpression:
        'attribute_exists(pk) AND customer_id = :customer AND attribute_not_exists(tm_delete)',
      ExpressionAttributeValues: { ':now': now, ':customer': s.customer_id },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  },
  ...(freeNumber
    ? [
        {
          Delete: {
            TableName: tableName,
            Key: suppressionKey(s.customer_id, s.number),
            ConditionExpression: 'attribute_not_exists(pk) OR #id = :id',
            ExpressionAttributeNames: { '#id': 'id' },
            ExpressionAttributeValues: { ':id': s.id },
          },
        },
      ]
    : []),
];

/**
 * For a claim's transaction: passes only while no suppression is in force for the number at `now`.
 * A claim that includes it can never open an attempt to a suppressed number, however the suppression
 * and the claim race.
 */
export const notSuppressedCheck = (tableName: string, customerId: string, e164: string, now: string) => ({
  ConditionCheck: {
    TableName: tableName,
    Key: suppressionKey(customerId, e164),
    ConditionExpression: NUMBER_FREE,
    ExpressionAttributeValues: { ':now': now },
  },
});
