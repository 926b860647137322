/** The opt-out key pressed during a call, kept on its attempt (campaigncall). Pure: tested offline. */
import type { OptOutRecord } from '#domain/campaigncall.ts';
import { itemKey } from './keys.ts';

/** Sets `opt_out` unless set: the first press is the one that suppressed the number. */
export const recordOptOutUpdate = (tableName: string, campaigncallId: string, optOut: OptOutRecord) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'SET #optOut = if_not_exists(#optOut, :optOut)',
  ConditionExpression: 'attribute_exists(pk)',
  ExpressionAttributeNames: { '#optOut': 'opt_out' },
  ExpressionAttributeValues: { ':optOut': { digit: optOut.digit, at: optOut.at } },
});
