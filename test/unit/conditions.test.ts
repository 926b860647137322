import { describe, expect, it } from 'vitest';
import { classifyFailure, expectationCondition } from '#adapters/dynamodb/conditions.ts';
import { conditionalUpdate } from '#adapters/dynamodb/resource-store.ts';

describe('conditional writes', () => {
  it('always checks existence, the owner and that the item is not deleted', () => {
    const c = expectationCondition({ customerId: 'c1' });
    expect(c.expression).toBe(
      'attribute_exists(pk) AND customer_id = :expectCustomer AND attribute_not_exists(tm_delete)',
    );
    expect(c.values).toEqual({ ':expectCustomer': 'c1' });
  });

  it('adds the in-use counter and status guards when asked', () => {
    const c = expectationCondition({ customerId: 'c1', unreferenced: true, statusIn: ['idle', 'done'] });
    expect(c.expression).toContain('(attribute_not_exists(#refs) OR #refs = :zero)');
    expect(c.expression).toContain('#status IN (:expectStatus0, :expectStatus1)');
    expect(c.names).toEqual({ '#refs': '_refs', '#status': 'status' });
  });

  it('builds one UpdateItem with SET and REMOVE under the condition', () => {
    const input = conditionalUpdate(
      't',
      'outplan',
      'id1',
      { customerId: 'c1' },
      { name: 'n', tm_update: 'x' },
      ['gsi1pk'],
    );
    expect(input.Key).toEqual({ pk: 'outplan#id1', sk: 'outplan' });
    expect(input.UpdateExpression).toBe('SET #u0 = :u0, #u1 = :u1 REMOVE gsi1pk');
    expect(input.ExpressionAttributeNames).toMatchObject({ '#u0': 'name', '#u1': 'tm_update' });
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('says why a write was refused from the item as it was', () => {
    const expect_ = { customerId: 'c1', unreferenced: true };
    expect(classifyFailure(expect_, undefined)).toBe('missing');
    expect(classifyFailure(expect_, { customer_id: 'c2' })).toBe('other-customer');
    expect(classifyFailure(expect_, { customer_id: 'c1', tm_delete: 'x' })).toBe('deleted');
    expect(classifyFailure(expect_, { customer_id: 'c1', _refs: 2 })).toBe('referenced');
    expect(
      classifyFailure({ customerId: 'c1', statusIn: ['done'] }, { customer_id: 'c1', status: 'dialing' }),
    ).toBe('status');
  });
});
