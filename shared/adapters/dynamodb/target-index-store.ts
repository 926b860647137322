import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Cursor } from '#domain/pagination.ts';
import type { StoredItem } from '#ports/resource-store.ts';
import type { IndexedTarget, TargetIndexChange, TargetIndexStore } from '#ports/target-index-store.ts';
import { batchGetInOrder } from './batch-get.ts';
import { itemKey, listSortKeyBefore } from './keys.ts';
import { fromItem } from './resource-store.ts';
import {
  byNumberQuery,
  type CountMove,
  countOutWithoutState,
  countTransaction,
  netMoves,
  numberWrites,
  TARGETS_PER_COUNT,
} from './target-index-requests.ts';

const BATCH_WRITE = 25;
const CONFLICT_RETRIES = 8;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DynamoTargetIndexStore implements TargetIndexStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(changes: readonly TargetIndexChange[]): Promise<void> {
    // Number entries: adds before removes, since a target's add always precedes its remove in the
    // stream, so a batch (or a redelivered one) holding both ends with its entries gone.
    for (const kind of ['added', 'removed'] as const) {
      const targets = changes.filter((c) => c.kind === kind).map((c) => c.target);
      if (targets.length > 0) await this.writeNumbers(kind, targets);
    }
    const byOutdial = new Map<string, CountMove[]>();
    for (const m of netMoves(changes)) byOutdial.set(m.outdialId, [...(byOutdial.get(m.outdialId) ?? []), m]);
    for (const [outdialId, moves] of byOutdial) {
      for (let i = 0; i < moves.length; i += TARGETS_PER_COUNT) {
        await this.count(outdialId, moves.slice(i, i + TARGETS_PER_COUNT));
      }
    }
  }

  private async writeNumbers(kind: 'added' | 'removed', targets: readonly IndexedTarget[]) {
    // Keyed by the entry, so a batch never holds one key twice (BatchWriteItem refuses that).
    const writes = [
      ...new Map(targets.flatMap((t) => numberWrites(kind, t)).map((w) => [w.entry, w.write])).values(),
    ];
    for (let i = 0; i < writes.length; i += BATCH_WRITE) {
      let pending = writes.slice(i, i + BATCH_WRITE) as NonNullable<
        ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']
      >[string];
      for (let round = 0; pending.length > 0; round++) {
        if (round > CONFLICT_RETRIES)
          throw new Error('target number entries left unwritten under throttling');
        if (round > 0) await pause(20 * 2 ** round);
        const out = await this.ddb.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  /**
   * Counts a group in one transaction. When it is refused (some target's marker is not in the state
   * moved from: a redelivered record) each target is counted on its own, and a refusal then means
   * "already done", except for a target counted before states were, which is counted out by total.
   */
  private async count(outdialId: string, moves: readonly CountMove[]) {
    const outcome = await this.transact(countTransaction(this.tableName, outdialId, moves));
    if (outcome !== 'refused') return;
    for (const m of moves) {
      if (
        moves.length > 1 &&
        (await this.transact(countTransaction(this.tableName, outdialId, [m]))) === 'done'
      )
        continue;
      if (m.from !== null && m.to === null) await this.transact(countOutWithoutState(this.tableName, m));
    }
  }

  private async transact(items: ReturnType<typeof countTransaction>): Promise<'done' | 'refused'> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ddb.send(new TransactWriteCommand({ TransactItems: items }));
        return 'done';
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const reasons = err.CancellationReasons ?? [];
        if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return 'refused';
        if (attempt >= CONFLICT_RETRIES) throw err;
        await pause(Math.min(1000, 10 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  async byNumber(q: {
    customerId: string;
    outdialId: string;
    e164: string;
    cursor?: Cursor;
    limit: number;
  }): Promise<StoredItem[]> {
    const out = await this.ddb.send(new QueryCommand(byNumberQuery(this.tableName, q)));
    const cursorKey = q.cursor
      ? `${q.outdialId}#${listSortKeyBefore(q.cursor.tmCreate, q.cursor.id)}`
      : undefined;
    const ids = (out.Items ?? [])
      .filter((e) => e.sk !== cursorKey)
      .slice(0, q.limit)
      .map((e) => String(e.target_id));
    const items = await batchGetInOrder(
      this.ddb,
      this.tableName,
      ids.map((id) => itemKey('outdialtarget', id)),
    );
    // The entries lag the table a little: a target deleted a moment ago may still have one.
    return items.filter((i) => i.tm_delete === undefined || i.tm_delete === null).map(fromItem);
  }
}
