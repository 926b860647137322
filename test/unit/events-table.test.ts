import { describe, expect, it } from 'vitest';
import { createTableInput, TABLE_STREAM } from '#adapters/dynamodb/table.ts';

describe('the table stream webhooks are derived from', () => {
  it('carries old and new images of every change', () => {
    expect(TABLE_STREAM).toBe('NEW_AND_OLD_IMAGES');
    expect(createTableInput('t', { stream: true }).StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  it('is left off local tables unless asked for, since DynamoDB Local keeps every record', () => {
    expect(createTableInput('t')).not.toHaveProperty('StreamSpecification');
  });
});
