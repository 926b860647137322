import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { isInForce, type Suppression } from '#domain/suppression.ts';
import { ExpectationFailed } from '#ports/resource-store.ts';
import type { Added, SuppressionStore } from '#ports/suppression-store.ts';
import { batchGetInOrder } from './batch-get.ts';
import { itemKey, suppressionKey } from './keys.ts';
import { fromItem } from './resource-store.ts';
import { addSuppression, removeSuppression } from './suppression-requests.ts';
import { TransactionRefused, transact } from './transactions.ts';

/**
 * How often an add whose number turned out held by a suppression deleted a moment later is tried again
 * (each round needs a concurrent delete to lose: a few are plenty).
 */
const ADD_ROUNDS = 5;

/** Suppressions per transaction of addAll: two items each, DynamoDB's limit being 100. */
const ADDS_PER_TRANSACTION = 50;

export class DynamoSuppressionStore implements SuppressionStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async record(id: string): Promise<Suppression | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: itemKey('suppression', id), ConsistentRead: true }),
    );
    return out.Item ? (fromItem(out.Item) as unknown as Suppression) : undefined;
  }

  async add(s: Suppression): Promise<Added> {
    for (let round = 0; round < ADD_ROUNDS; round++) {
      try {
        await transact(this.ddb, addSuppression(this.tableName, s));
        return { created: true, suppression: s };
      } catch (err) {
        if (!(err instanceof TransactionRefused) || err.index !== 0) throw err;
        // Someone holds the number: answer their suppression. If it was deleted in between, the
        // number is free again and the next round takes it.
        const holder = err.current?.id;
        const existing = typeof holder === 'string' ? await this.record(holder) : undefined;
        if (existing && isInForce(existing, s.tm_create)) return { created: false, suppression: existing };
      }
    }
    throw new Error('the number kept changing hands while being suppressed');
  }

  /**
   * Numbers already held are answered from one read of their items; the rest go in transactions of 50,
   * so an upload of 1,000 is about 30 requests, not 1,000. A transaction refused because a number was
   * taken meanwhile is done again one suppression at a time, which answers that number's holder.
   */
  async addAll(list: readonly Suppression[]): Promise<Added[]> {
    const answers = new Map<string, Added>();
    for (const held of await this.inForce(list))
      answers.set(held.number, { created: false, suppression: held });
    const free = list.filter((s) => !answers.has(s.number));
    for (let i = 0; i < free.length; i += ADDS_PER_TRANSACTION) {
      const chunk = free.slice(i, i + ADDS_PER_TRANSACTION);
      try {
        await transact(
          this.ddb,
          chunk.flatMap((s) => addSuppression(this.tableName, s)),
        );
        for (const s of chunk) answers.set(s.number, { created: true, suppression: s });
      } catch (err) {
        if (!(err instanceof TransactionRefused)) throw err;
        for (const s of chunk) answers.set(s.number, await this.add(s));
      }
    }
    return list.map((s) => answers.get(s.number) as Added);
  }

  /** The suppressions in force now for the numbers of `list` (each at its own tm_create). */
  private async inForce(list: readonly Suppression[]): Promise<Suppression[]> {
    const at = new Map(list.map((s) => [s.number, s.tm_create]));
    const customerId = list[0]?.customer_id ?? '';
    const numbers = await batchGetInOrder(
      this.ddb,
      this.tableName,
      list.map((s) => suppressionKey(customerId, s.number)),
      { consistent: true },
    );
    // A person item without a suppression (only a line or a contact history) holds nothing.
    const holders = numbers.filter(
      (n) => typeof n.id === 'string' && isInForce(n, at.get(String(n.number)) ?? ''),
    );
    const records = await batchGetInOrder(
      this.ddb,
      this.tableName,
      holders.map((n) => itemKey('suppression', String(n.id))),
      { consistent: true },
    );
    return records
      .map((r) => fromItem(r) as unknown as Suppression)
      .filter((r) => isInForce(r, at.get(r.number) ?? ''));
  }

  async holderOf(customerId: string, number: string, now: string): Promise<string | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: suppressionKey(customerId, number),
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    return item && isInForce(item, now) && typeof item.id === 'string' ? item.id : undefined;
  }

  async remove(s: Suppression, now: string): Promise<Suppression> {
    let freeNumber = true;
    for (;;) {
      try {
        await transact(this.ddb, removeSuppression(this.tableName, s, now, freeNumber));
        return { ...s, tm_update: now, tm_delete: now };
      } catch (err) {
        if (!(err instanceof TransactionRefused)) throw err;
        // The number's item names a newer suppression (this one had expired): leave it to that one.
        if (err.index === 1 && freeNumber) {
          freeNumber = false;
          continue;
        }
        const deleted = err.current?.customer_id === s.customer_id;
        throw new ExpectationFailed(deleted ? 'deleted' : 'missing', err.current);
      }
    }
  }
}
