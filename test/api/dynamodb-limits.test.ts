/**
 * What DynamoDB (Local) refuses to store, probed with the client the API writes with: the storable JSON
 * rule (shared/schemas/storable-json.ts) must refuse exactly what fails here, and accept the neighbours
 * that are written fine, so the limits it states are the store's and not guesses.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES, STORED_NESTING_LIMIT, storableIssues } from '#schemas/storable-json.ts';
import { localDocumentClient } from '../support/local-dynamo.ts';

const ddb = localDocumentClient();

/** Writes `option` where the API keeps it (a campaign's actions list, in an action's map). */
const written = async (option: unknown) => {
  try {
    await ddb.send(
      new PutCommand({
        TableName: 'outbound-test',
        Item: { pk: `probe#${crypto.randomUUID()}`, sk: 'probe', actions: [{ type: 'x', option }] },
      }),
    );
    return true;
  } catch {
    return false;
  }
};

/** `levels` nested maps around a number. */
const nest = (levels: number): unknown => (levels === 0 ? 1 : { a: nest(levels - 1) });
const optionDepth = STORED_NESTING_LIMIT - 2;

const cases: [string, unknown, boolean][] = [
  ['1e308', { x: 1e308 }, false],
  ['9.99e125', { x: 9.99e125 }, false],
  ['2^53', { x: 2 ** 53 }, false],
  ['-(2^53)', { x: -(2 ** 53) }, false],
  ['2^53 − 1', { x: 2 ** 53 - 1 }, true],
  ['1e-320', { x: 1e-320 }, false],
  ['9.9e-131', { x: 9.9e-131 }, false],
  ['1e-130', { x: 1e-130 }, true],
  ['-1e-130', { x: -1e-130 }, true],
  ['0.1 and 1.234567890123456e-7', { x: 0.1, y: 1.234567890123456e-7 }, true],
  ['empty key', { '': 'v' }, false],
  ['nested empty key', { a: [{ '': 'v' }] }, false],
  [`key of ${MAX_KEY_BYTES} bytes`, { ['é'.repeat(MAX_KEY_BYTES / 2)]: 1 }, true],
  ['key of 54,000 bytes', { ['é'.repeat(27_000)]: 1 }, false],
  ['key with a lone surrogate', { '\ud800': 1 }, false],
  ['__proto__ key', JSON.parse('{"__proto__":{"a":1}}'), false],
  [`${optionDepth} levels of maps`, nest(optionDepth), true],
  [`${optionDepth + 1} levels of maps`, nest(optionDepth + 1), false],
  ['empty map, list, string, null, NUL', { a: {}, b: [], c: '', d: null, e: '\u0000' }, true],
];

describe('what DynamoDB cannot store is what the storable JSON rule refuses', () => {
  it.each(cases)('%s', async (_name, option, storable) => {
    expect(await written(option)).toBe(storable);
    expect(storableIssues(option, optionDepth).length === 0).toBe(storable);
  });

  it('a lone surrogate in a value is written but not kept, so the rule refuses it too', async () => {
    expect(storableIssues({ a: '\ud800' }, optionDepth)).toHaveLength(1);
  });
});
