/**
 * The writes of suppressions, as pure request builders (unit-tested offline). A suppression is two
 * items: the record (`itemKey('suppression', id)`, in the customer's list) and, while it is in force,
 * the record's id and expiry on its number's person item (`suppressionKey`, person-requests.ts), which
 * the engine's claim writes anyway: so the claim checks the suppression at no extra cost.
 */
import type { Suppression } from '#domain/suppression.ts';
import { itemKey, listKeys, suppressionKey } from './keys.ts';
import { PERSON_TYPE } from './person-requests.ts';
import { withoutUnsetDelete } from './resource-store.ts';
import type { TransactItem } from './transactions.ts';

/** The number is free when no suppression holds it, or its holder has expired by `now`. */
const NUMBER_FREE = 'attribute_not_exists(#id) OR expire_at <= :now';

/**
 * Adds a suppression: the number's person item takes the suppression only when the number is free at
 * the suppression's tm_create (a refusal returns the holder, so the caller answers it), and the
 * record. One transaction: never a record without its number, nor a number pointing at no record.
 * The person item has no TTL: it may hold an open attempt's line and the person's contact history.
 */
export const addSuppression = (tableName: string, s: Suppression): TransactItem[] => [
  {
    Update: {
      TableName: tableName,
      Key: suppressionKey(s.customer_id, s.number),
      UpdateExpression: `SET et = if_not_exists(et, :et), #id = :id, customer_id = :customer, #number = :number${
        s.expire_at ? ', expire_at = :expire' : ''
      }${s.expire_at ? '' : ' REMOVE expire_at'}`,
      ConditionExpression: NUMBER_FREE,
      ExpressionAttributeNames: { '#id': 'id', '#number': 'number' },
      ExpressionAttributeValues: {
        ':now': s.tm_create,
        ':et': PERSON_TYPE,
        ':id': s.id,
        ':customer': s.customer_id,
        ':number': s.number,
        ...(s.expire_at ? { ':expire': s.expire_at } : {}),
      },
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
          Update: {
            TableName: tableName,
            Key: suppressionKey(s.customer_id, s.number),
            UpdateExpression: 'REMOVE #id, expire_at',
            ConditionExpression: '#id = :id',
            ExpressionAttributeNames: { '#id': 'id' },
            ExpressionAttributeValues: { ':id': s.id },
          },
        },
      ]
    : []),
];
