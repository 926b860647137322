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

/**
 * How often a transaction cancelled only by a concurrent one on the same item is tried again. A busy
 * campaign's hangups meet on its runtime shards; the waits grow to a second, so a burst clears.
 */
const CONFLICT_RETRIES = 10;
const conflictBackoffMs = (attempt: number) => Math.min(1000, 10 * 2 ** attempt) * (0.5 + Math.random());

/**
 * Runs a write transaction; a refused condition becomes TransactionRefused naming the item. A
 * cancellation caused only by another transaction touching the same item (TransactionConflict, common
 * on a busy campaign's counters in AWS) is retried with jittered backoff before it is reported.
 */
export const transact = async (ddb: DynamoDBDocumentClient, items: TransactItem[]): Promise<void> => {
  for (let attempt = 0; ; attempt++) {
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      const index = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (index >= 0) {
        const raw = reasons[index]?.Item;
        throw new TransactionRefused(index, raw ? (unmarshall(raw) as Record<string, unknown>) : undefined);
      }
      const conflictOnly =
        reasons.some((r) => r.Code === 'TransactionConflict') &&
        reasons.every((r) => r.Code === 'TransactionConflict' || r.Code === 'None' || !r.Code);
      if (!conflictOnly || attempt >= CONFLICT_RETRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, conflictBackoffMs(attempt)));
    }
  }
};

/** A transaction item together with the name of what its refusal means. */
export interface NamedStep<R extends string> {
  item: TransactItem;
  refused: R;
}

/** The step whose condition refused a transaction, with its item as it was (when the step asked for it). */
export interface Refusal<R extends string> {
  refused: R;
  current: Record<string, unknown> | undefined;
}

/**
 * Runs the steps as one transaction; returns the refusing step's name and item, or undefined when it
 * committed. Other failures are thrown.
 */
export const runStepsReadingRefusal = async <R extends string>(
  ddb: DynamoDBDocumentClient,
  steps: readonly NamedStep<R>[],
): Promise<Refusal<R> | undefined> => {
  try {
    await transact(
      ddb,
      steps.map((s) => s.item),
    );
    return undefined;
  } catch (err) {
    const step = err instanceof TransactionRefused ? steps[err.index] : undefined;
    if (step) return { refused: step.refused, current: (err as TransactionRefused).current };
    throw err;
  }
};

/**
 * Runs the steps as one transaction; returns the name of the step whose condition refused it, or
 * undefined when it committed. Other failures are thrown.
 */
export const runSteps = async <R extends string>(
  ddb: DynamoDBDocumentClient,
  steps: readonly NamedStep<R>[],
): Promise<R | undefined> => (await runStepsReadingRefusal(ddb, steps))?.refused;
