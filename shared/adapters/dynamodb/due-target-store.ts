/** The engine's due-targets section: idle targets in the byDue partitions, and their moves. */
import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DueTargetStore, EngineTarget, HeldTarget } from '#ports/engine-store.ts';
import { unlessRefused } from './conditional-write.ts';
import {
  deferBusyUpdate,
  dueTargetQueries,
  exhaustedTargetQueries,
  holdOutsideHoursItems,
  idleTargetHeads,
  idleTargetProbes,
  oldestFirst,
  parkExhaustedUpdate,
  reviveExhaustedUpdate,
} from './due-target-requests.ts';
import { readPages } from './engine-reads.ts';
import { timeOfTimeSortKey } from './keys.ts';
import { fromItem } from './resource-store.ts';
import { TransactionRefused, transact } from './transactions.ts';

export class DynamoDueTargetStore implements DueTargetStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async dueTargets(outdialId: string, retryCutoff: string, limit: number): Promise<EngineTarget[]> {
    const items = await readPages(this.ddb, dueTargetQueries(this.tableName, outdialId, retryCutoff, limit));
    // Oldest activity first across all of them (see docs/behaviour.md, Choosing a target and a destination): never-tried targets carry their creation time.
    return oldestFirst(items, limit).map((i) => fromItem(i) as unknown as EngineTarget);
  }

  async hasIdleTargets(outdialId: string): Promise<boolean> {
    const items = await readPages(this.ddb, idleTargetProbes(this.tableName, outdialId));
    return items.length > 0;
  }

  async idleTargetsLeft(outdialId: string) {
    const heads = await readPages(this.ddb, idleTargetHeads(this.tableName, outdialId));
    const retries = heads
      .filter((h) => String(h.gsi3pk).includes('#due#retry#'))
      .map((h) => timeOfTimeSortKey(String(h.gsi3sk)))
      .sort();
    const fresh = heads.length > retries.length;
    return { any: heads.length > 0, ...(fresh || !retries[0] ? {} : { oldestRetry: retries[0] }) };
  }

  async exhaustedTargets(outdialId: string, parkedBefore: string, limit: number): Promise<EngineTarget[]> {
    const items = await readPages(
      this.ddb,
      exhaustedTargetQueries(this.tableName, outdialId, parkedBefore, limit),
    );
    return oldestFirst(items, limit).map((i) => fromItem(i) as unknown as EngineTarget);
  }

  reviveExhausted(target: EngineTarget, lastActivity: string) {
    return this.move(reviveExhaustedUpdate(this.tableName, target, lastActivity));
  }

  deferBusy(target: EngineTarget, now: string) {
    return this.move(deferBusyUpdate(this.tableName, target, now));
  }

  parkExhausted(target: EngineTarget, now: string) {
    return this.move(parkExhaustedUpdate(this.tableName, target, now));
  }

  async holdOutsideHours(s: {
    campaignId: string;
    shard: number;
    retryCutoff: string;
    held: readonly HeldTarget[];
  }): Promise<number> {
    let held = [...s.held];
    while (held.length > 0) {
      try {
        await transact(this.ddb, holdOutsideHoursItems(this.tableName, { ...s, held }));
        return held.length;
      } catch (err) {
        if (!(err instanceof TransactionRefused)) throw err;
        // The shard is gone (the campaign with it): nothing to count on, so nothing is held.
        if (err.index >= held.length) return 0;
        // That target was claimed, held by an overlapping tick or deleted meanwhile: not ours to count.
        held = held.filter((_, i) => i !== err.index);
      }
    }
    return 0;
  }

  /** A refused move means the target moved on meanwhile (claimed, re-parked or deleted). */
  private async move(update: UpdateCommandInput) {
    await unlessRefused(this.ddb.send(new UpdateCommand(update)));
  }
}
