import { describe, expect, it } from 'vitest';
import { itemKey, lineKey, suppressionKey } from '#adapters/dynamodb/keys.ts';
import { addSuppression, removeSuppression } from '#adapters/dynamodb/suppression-requests.ts';
import type { Suppression } from '#domain/suppression.ts';
import { eventsFromChange } from '#services/events/events-from-change.ts';

const T0 = '2026-01-15T09:30:00.000000Z';
const T1 = '2026-02-15T09:30:00.000000Z';
const aSuppression = (overrides: Partial<Suppression> = {}): Suppression => ({
  id: 's1',
  customer_id: 'cust-1',
  number: '+14155550100',
  reason: 'asked',
  source: 'api',
  tm_create: T0,
  tm_update: null,
  tm_delete: null,
  expire_at: null,
  ...overrides,
});

describe('suppression keys', () => {
  it("keys one number of one customer as one item, the number's person item, apart from other customers and numbers", () => {
    expect(suppressionKey('cust-1', '+14155550100')).toEqual(
      lineKey('cust-1', { type: 'tel', target: '+14155550100' }),
    );
    expect(suppressionKey('cust-2', '+14155550100').pk).not.toBe(suppressionKey('cust-1', '+14155550100').pk);
    expect(suppressionKey('cust-1', '+14155550101').pk).not.toBe(suppressionKey('cust-1', '+14155550100').pk);
  });
});

describe('addSuppression', () => {
  it("takes the number only when it is free at the suppression's tm_create, and answers its holder if not", () => {
    const [number, record] = addSuppression('t', aSuppression());
    expect(number?.Update).toMatchObject({
      TableName: 't',
      Key: suppressionKey('cust-1', '+14155550100'),
      UpdateExpression:
        'SET et = if_not_exists(et, :et), #id = :id, customer_id = :customer, #number = :number REMOVE expire_at',
      ConditionExpression: 'attribute_not_exists(#id) OR expire_at <= :now',
      ExpressionAttributeValues: {
        ':now': T0,
        ':id': 's1',
        ':customer': 'cust-1',
        ':number': '+14155550100',
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(record?.Put).toMatchObject({
      Item: {
        ...itemKey('suppression', 's1'),
        et: 'suppression',
        gsi1pk: 't#cust-1#suppression',
        gsi1sk: `${T0}#s1`,
        number: '+14155550100',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    // "Not deleted" is the absence of tm_delete in every condition.
    expect(record?.Put?.Item).not.toHaveProperty('tm_delete');
  });

  it('copies an expiry onto the person item, with no TTL (the item may hold a line and a contact history)', () => {
    const [number] = addSuppression('t', aSuppression({ expire_at: T1 }));
    expect(number?.Update?.UpdateExpression).toContain(', expire_at = :expire');
    expect(number?.Update?.ExpressionAttributeValues).toMatchObject({ ':expire': T1 });
    expect(number?.Update?.UpdateExpression).not.toContain('ttl');
  });
});

describe('removeSuppression', () => {
  it("soft-deletes the customer's live record and frees the number only if it still holds it", () => {
    const [record, number] = removeSuppression('t', aSuppression(), T1);
    expect(record?.Update).toMatchObject({
      Key: itemKey('suppression', 's1'),
      UpdateExpression: 'SET tm_delete = :now, tm_update = :now REMOVE gsi1pk, gsi1sk',
      ConditionExpression:
        'attribute_exists(pk) AND customer_id = :customer AND attribute_not_exists(tm_delete)',
      ExpressionAttributeValues: { ':now': T1, ':customer': 'cust-1' },
    });
    expect(number?.Update).toMatchObject({
      Key: suppressionKey('cust-1', '+14155550100'),
      UpdateExpression: 'REMOVE #id, expire_at',
      ConditionExpression: '#id = :id',
      ExpressionAttributeValues: { ':id': 's1' },
    });
  });

  it('leaves the number alone when a newer suppression holds it', () => {
    expect(removeSuppression('t', aSuppression(), T1, false)).toHaveLength(1);
  });
});

describe('suppression events', () => {
  const [numberPut, recordPut] = addSuppression('t', aSuppression());
  const record = recordPut?.Put?.Item as Record<string, unknown>;

  it('publishes suppression_created and suppression_deleted, as the API shows it', () => {
    expect(eventsFromChange(undefined, record)).toEqual([
      {
        type: 'suppression_created',
        customerId: 'cust-1',
        data: { ...aSuppression() },
      },
    ]);
    const deleted = { ...record, tm_delete: T1, tm_update: T1 };
    expect(eventsFromChange(record, deleted).map((e) => e.type)).toEqual(['suppression_deleted']);
  });

  it("publishes nothing for the number's person item", () => {
    const item = { ...numberPut?.Update?.Key, et: 'person', id: 's1', customer_id: 'cust-1' };
    expect(eventsFromChange(undefined, item)).toEqual([]);
    expect(eventsFromChange(item, undefined)).toEqual([]);
  });
});
