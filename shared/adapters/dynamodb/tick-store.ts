/**
 * The engine's lease and tick section: which campaigns to visit, the lease that keeps one tick per
 * campaign, the campaign's runtime shards, stopping it, and the resources a tick reads.
 */

import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TickDecision } from '#domain/diagnosis.ts';
import type { Outplan } from '#domain/outplan.ts';
import type { Queue } from '#domain/queue.ts';
import type { RuntimeShard } from '#domain/runtime-shards.ts';
import { totalCounters } from '#domain/runtime-shards.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign, EngineTickStore } from '#ports/engine-store.ts';
import { batchGetInOrder } from './batch-get.ts';
import { missingShardPut, readRuntime, runtimeShardOf } from './campaign-runtime.ts';
import { unlessRefused } from './conditional-write.ts';
import { getEngineItem, readPages } from './engine-reads.ts';
import { itemKey, RUNTIME_SHARDS, runtimeShardKey, runtimeShardKeys, timeOfTimeSortKey } from './keys.ts';
import { fromItem } from './resource-store.ts';
import {
  acquireLeaseUpdate,
  activeCampaignsQuery,
  activeShards,
  markExhaustedReviewedUpdate,
  oldestOpenAttemptQueries,
  recordDecisionUpdate,
  releaseLeaseUpdate,
  stopSteps,
} from './tick-requests.ts';
import { runSteps } from './transactions.ts';

/** Keys per BatchGetItem of the tick's screen, and such requests in flight at once. */
const READ_BATCH = 25;
const READS_AT_ONCE = 4;

export class DynamoTickStore implements EngineTickStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async activeCampaignIds(): Promise<string[]> {
    const shards = await Promise.all(activeShards().map((shard) => this.activeInShard(shard)));
    return shards.flat();
  }

  private async activeInShard(shard: number): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.ddb.send(new QueryCommand(activeCampaignsQuery(this.tableName, shard, start)));
      // byState copies keys only: the campaign id is the sort key.
      for (const item of out.Items ?? []) ids.push(String(item.gsi4sk));
      start = out.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async acquireLease(campaignId: string, owner: string, nowMs: number, leaseMs: number) {
    const out = await unlessRefused(
      this.ddb.send(new UpdateCommand(acquireLeaseUpdate(this.tableName, campaignId, owner, nowMs, leaseMs))),
    );
    if (!out) return undefined;
    return this.withRuntime(fromItem(out.Attributes ?? {}) as unknown as EngineCampaign);
  }

  async withRuntime(campaign: EngineCampaign): Promise<EngineCampaign> {
    const runtime = await readRuntime(this.ddb, this.tableName, campaign.id);
    const totals = totalCounters(runtime);
    return {
      ...campaign,
      _runtime: runtime,
      _inflight: totals._inflight ?? 0,
      _dialing: totals._dialing ?? 0,
    };
  }

  async restoreRuntime(campaign: EngineCampaign): Promise<void> {
    for (const shard of campaign._runtime ?? []) {
      if (shard.status !== undefined) continue;
      // Refused: another tick or a status change created it meanwhile.
      await unlessRefused(
        this.ddb.send(
          new PutCommand(
            missingShardPut(this.tableName, campaign.id, campaign.customer_id, shard.shard, campaign.status),
          ),
        ),
      );
    }
  }

  async releaseLease(campaignId: string, owner: string, sweepFrom?: string, decision?: TickDecision) {
    await unlessRefused(
      this.ddb.send(
        new UpdateCommand(releaseLeaseUpdate(this.tableName, campaignId, owner, sweepFrom, decision)),
      ),
    );
  }

  async recordDecision(campaignId: string, decision: TickDecision) {
    await unlessRefused(
      this.ddb.send(new UpdateCommand(recordDecisionUpdate(this.tableName, campaignId, decision))),
    );
  }

  async readCampaigns(ids: readonly string[]): Promise<Map<string, EngineCampaign>> {
    const items = await this.readMany(ids.map((id) => itemKey('campaign', id)));
    const campaigns = items.map((i) => fromItem(i) as unknown as EngineCampaign);
    return new Map(campaigns.map((c) => [c.id, c]));
  }

  async readOutplans(ids: readonly string[]): Promise<Map<string, Outplan>> {
    const keys = [...new Set(ids)].map((id) => itemKey('outplan', id));
    const outplans = (await batchGetInOrder(this.ddb, this.tableName, keys)).map(
      (i) => fromItem(i) as unknown as Outplan,
    );
    return new Map(outplans.map((o) => [o.id, o]));
  }

  async readFirstShards(
    wanted: readonly { campaignId: string; first: number }[],
  ): Promise<Map<string, RuntimeShard[]>> {
    const shardsOf = (first: number) =>
      Array.from({ length: Math.max(0, Math.min(first, RUNTIME_SHARDS)) }, (_, shard) => shard);
    const keys = wanted.flatMap((w) =>
      shardsOf(w.first).map((shard) => runtimeShardKey(w.campaignId, shard)),
    );
    const items = await this.readMany(keys);
    // Every shard has a partition key of its own.
    const byPk = new Map(items.map((i) => [String(i.pk), i]));
    return new Map(
      wanted.map((w) => [
        w.campaignId,
        shardsOf(w.first).map((shard) =>
          runtimeShardOf(shard, byPk.get(runtimeShardKey(w.campaignId, shard).pk)),
        ),
      ]),
    );
  }

  /**
   * Consistent reads of many items, in small batches a few at a time: DynamoDB Local answered four
   * BatchGetItems of 25 keys side by side sooner than one of 100.
   */
  private async readMany(keys: readonly { pk: string; sk: string }[]) {
    const batches: (typeof keys)[] = [];
    for (let i = 0; i < keys.length; i += READ_BATCH) batches.push(keys.slice(i, i + READ_BATCH));
    const pages: Record<string, unknown>[][] = [];
    for (let i = 0; i < batches.length; i += READS_AT_ONCE) {
      pages.push(
        ...(await Promise.all(
          batches
            .slice(i, i + READS_AT_ONCE)
            .map((batch) => batchGetInOrder(this.ddb, this.tableName, batch, { consistent: true })),
        )),
      );
    }
    return pages.flat();
  }

  async oldestOpenAttempt(campaignId: string): Promise<string | undefined> {
    // Open attempts are members of the runtime shards (a closed one whose last writes a crash cut
    // short included, so the sweep that repairs it stays due); attempts opened before shards held
    // members are on the open-attempt index of their lines, read only while a shard still counts one.
    // Eventually consistent: a stale shard shows an attempt closed meanwhile as still open, which only
    // makes the mark earlier (a sweep due sooner); attempts opened meanwhile are newer than the mark.
    const items = await batchGetInOrder(this.ddb, this.tableName, runtimeShardKeys(campaignId));
    const runtime = items.map((item) => runtimeShardOf(Number(item.shard), item));
    const claimed = runtime.flatMap((s) => (s.open ?? []).map((o) => o.claimedAtMs));
    const members = claimed.length ? [formatTimestamp(Math.min(...claimed))] : [];
    const legacy = runtime.some((s) => (s.legacy?.inflight ?? 0) > 0)
      ? (await readPages(this.ddb, oldestOpenAttemptQueries(this.tableName, campaignId))).map((i) =>
          timeOfTimeSortKey(String(i.gsi4sk)),
        )
      : [];
    return [...members, ...legacy].sort()[0];
  }

  getCampaign(id: string) {
    return getEngineItem<EngineCampaign>(this.ddb, this.tableName, 'campaign', id);
  }
  getOutplan(id: string) {
    return getEngineItem<Outplan>(this.ddb, this.tableName, 'outplan', id);
  }
  getQueue(id: string) {
    return getEngineItem<Queue>(this.ddb, this.tableName, 'queue', id);
  }

  async markExhaustedReviewed(campaignId: string, dialInfoAt: string) {
    await this.ddb.send(
      new UpdateCommand(markExhaustedReviewedUpdate(this.tableName, campaignId, dialInfoAt)),
    );
  }

  async stopWhenIdle(
    campaign: Pick<EngineCampaign, 'id' | 'customer_id'>,
    from: 'run' | 'stopping',
    now: string,
  ): Promise<boolean> {
    // Reads first: while calls are in flight (most finishes of a stopping campaign) no write is tried.
    const runtime = await readRuntime(this.ddb, this.tableName, campaign.id);
    if ((totalCounters(runtime)._inflight ?? 0) > 0) return false;
    const refusal = await runSteps(
      this.ddb,
      stopSteps(this.tableName, campaign.id, campaign.customer_id, from, now),
    );
    return refusal === undefined;
  }
}
