import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/** Which item of a transaction refused its condition, with that item as it was (if it existed). */
export class TransactionRefused extends Error {
  constructor(
    readonly index: number,
    readonly current: Record<string, unknown> | undefined,
  ) {
    super(`transaction item ${index} refused its condition`);
  }
}

/** Runs a write transaction; a refused condition becomes TransactionRefused naming the item. */
export const transact = async (ddb: DynamoDBDocumentClient, items: TransactItem[]): Promise<void> => {
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const reasons = err.CancellationReasons ?? [];
      const index = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (index >= 0) {
        const raw = reasons[index]?.Item;
        throw new TransactionRefused(index, raw ? (unmarshall(raw) as Record<string, unknown>) : undefined);
      }
    }
    throw err;
  }
};
