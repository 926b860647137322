import type { Expectation, ExpectationFailure } from '#ports/resource-store.ts';

/** Condition expression parts for an Expectation; pure, so it is unit-tested without DynamoDB. */
export const expectationCondition = (expect: Expectation) => {
  const parts = ['attribute_exists(pk)', 'customer_id = :expectCustomer'];
  const values: Record<string, unknown> = { ':expectCustomer': expect.customerId };
  const names: Record<string, string> = {};
  if (expect.notDeleted !== false) parts.push('attribute_not_exists(tm_delete)');
  if (expect.unreferenced) parts.push('(attribute_not_exists(#refs) OR #refs = :zero)');
  if (expect.unreferenced) {
    names['#refs'] = '_refs';
    values[':zero'] = 0;
  }
  if (expect.statusIn) {
    names['#status'] = 'status';
    const placeholders = expect.statusIn.map((s, i) => {
      values[`:expectStatus${i}`] = s;
      return `:expectStatus${i}`;
    });
    parts.push(`#status IN (${placeholders.join(', ')})`);
  }
  return { expression: parts.join(' AND '), names, values };
};

/** Given the item as it was when a conditional write was refused, says which expectation failed. */
export const classifyFailure = (
  expect: Expectation,
  current: Record<string, unknown> | undefined,
): ExpectationFailure => {
  if (!current) return 'missing';
  if (current.customer_id !== expect.customerId) return 'other-customer';
  if (expect.notDeleted !== false && current.tm_delete !== undefined && current.tm_delete !== null)
    return 'deleted';
  if (expect.unreferenced && Number(current._refs ?? 0) !== 0) return 'referenced';
  return 'status';
};
