/** The held targets' side of an hours change (HeldWakeStore): pages of future retries and their moves. */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EngineTarget, FutureRetry, HeldWakeStore, WakePass } from '#ports/engine-store.ts';
import { unlessRefused } from './conditional-write.ts';
import { retriesAfterQuery, saveWakePassUpdate, wakeHeldUpdate } from './held-wake-requests.ts';
import { duePartitionKeys, timeOfTimeSortKey, timeSortKeyUpTo } from './keys.ts';
import { fromItem } from './resource-store.ts';

export class DynamoHeldWakeStore implements HeldWakeStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The cursor holds, per retry shard, the last sort key read (null: that shard is read to its end).
   * Each shard starts after the later of its cursor and `after`: what sorts before `after` is due now.
   */
  async futureRetries(
    outdialId: string,
    s: { after: string; cursor: WakePass['cursor'] | undefined; limit: number },
  ) {
    const floor = timeSortKeyUpTo(s.after);
    const shards = await Promise.all(
      duePartitionKeys(outdialId, 'retry').map(async (pk, i) => {
        const from = s.cursor?.[i];
        if (from === null) return { retries: [] as FutureRetry[], next: null };
        const start = from && from > floor ? from : floor;
        const out = await this.ddb.send(
          new QueryCommand(retriesAfterQuery(this.tableName, pk, start, s.limit)),
        );
        const retries = (out.Items ?? []).map((item) => ({
          target: fromItem(item) as unknown as EngineTarget,
          sortKey: String(item.gsi3sk),
          sortTime: timeOfTimeSortKey(String(item.gsi3sk)),
        }));
        const last = out.LastEvaluatedKey?.gsi3sk;
        return { retries, next: typeof last === 'string' ? last : null };
      }),
    );
    const cursor = shards.map((shard) => shard.next);
    return {
      retries: shards.flatMap((shard) => shard.retries),
      cursor,
      done: cursor.every((c) => c === null),
    };
  }

  async wakeHeld(s: Parameters<HeldWakeStore['wakeHeld']>[0]) {
    const out = await unlessRefused(this.ddb.send(new UpdateCommand(wakeHeldUpdate(this.tableName, s))));
    return out !== undefined;
  }

  async saveWakePass(campaignId: string, pass: WakePass, previous: WakePass | undefined) {
    const out = await unlessRefused(
      this.ddb.send(new UpdateCommand(saveWakePassUpdate(this.tableName, campaignId, pass, previous))),
    );
    return out !== undefined;
  }
}
