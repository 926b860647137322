import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem takes at most 100 keys per request. */
const MAX_KEYS = 100;
/** Unprocessed keys come back under throttling; a few quick rounds, then give up loudly. */
const MAX_ROUNDS = 8;

type Key = { pk: string; sk: string };

const keyOf = (k: Record<string, unknown>) => `${String(k.pk)}\u0000${String(k.sk)}`;

/**
 * Reads whole items for keys that came from a keys-only index page, in the page's order. Keys-only
 * list indexes keep every engine update off the index (a status change writes one copy, not three);
 * a list page pays for it with this read. Keys whose item is gone are left out.
 */
export const batchGetInOrder = async (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> => {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < keys.length; i += MAX_KEYS) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + MAX_KEYS).map((k) => ({ pk: k.pk, sk: k.sk }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (round > 0) await new Promise((r) => setTimeout(r, 2 ** round * 10));
      const out = await ddb.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      for (const item of out.Responses?.[tableName] ?? []) found.set(keyOf(item), item);
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return keys.flatMap((k) => {
    const item = found.get(keyOf(k));
    return item ? [item] : [];
  });
};
