/**
 * A campaign's runtime shards (keys.ts, RUNTIME_SHARDS): reading them, and the transaction items that
 * change their status copy together with the campaign's own status. Pure request builders, so the
 * stores compose them into their transactions and unit tests can read them offline.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RuntimeShard } from '#domain/runtime-shards.ts';
import { batchGetInOrder } from './batch-get.ts';
import { RUNTIME_SHARDS, runtimeShardKey, runtimeShardKeys } from './keys.ts';
import type { TransactItem } from './transactions.ts';

/** The kind recorded on shard items: no webhook is derived from them (they are not a resource). */
export const RUNTIME_KIND = 'campaign-run';

const isCounter = (k: string, v: unknown) => k.startsWith('_') && typeof v === 'number';

/** One stored shard as the engine reads it; a missing one has no status and no counters. */
export const runtimeShardOf = (shard: number, item: Record<string, unknown> | undefined): RuntimeShard => ({
  shard,
  ...(item ? { status: String(item.status) } : {}),
  counters: Object.fromEntries(
    Object.entries(item ?? {}).filter(([k, v]) => isCounter(k, v)) as [string, number][],
  ),
});

/** Every shard of a campaign, missing ones included (status undefined, no counters). */
export const readRuntime = async (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  campaignId: string,
): Promise<RuntimeShard[]> => {
  const items = await batchGetInOrder(ddb, tableName, runtimeShardKeys(campaignId), { consistent: true });
  const byShard = new Map(items.map((i) => [Number(i.shard), i]));
  return Array.from({ length: RUNTIME_SHARDS }, (_, shard) => runtimeShardOf(shard, byShard.get(shard)));
};

/**
 * Sets the status copy on every shard (creating missing ones). With `whenIdle`, each shard must have
 * nothing in flight: in one transaction with the campaign's own change, that is the exact "stop once
 * the last call has ended".
 */
export const runtimeStatusItems = (
  tableName: string,
  campaignId: string,
  customerId: string,
  status: string,
  options: { whenIdle?: boolean } = {},
): TransactItem[] =>
  Array.from({ length: RUNTIME_SHARDS }, (_, shard) => ({
    Update: {
      TableName: tableName,
      Key: runtimeShardKey(campaignId, shard),
      UpdateExpression: 'SET #status = :status, #et = :et, #shard = :shard, #c = :c, #cu = :cu',
      ...(options.whenIdle
        ? { ConditionExpression: 'attribute_not_exists(#inflight) OR #inflight <= :zero' }
        : {}),
      ExpressionAttributeNames: {
        '#status': 'status',
        '#et': 'et',
        '#shard': 'shard',
        '#c': 'campaign_id',
        '#cu': 'customer_id',
        ...(options.whenIdle ? { '#inflight': '_inflight' } : {}),
      },
      ExpressionAttributeValues: {
        ':status': status,
        ':et': RUNTIME_KIND,
        ':shard': shard,
        ':c': campaignId,
        ':cu': customerId,
        ...(options.whenIdle ? { ':zero': 0 } : {}),
      },
    },
  }));

/** Creates a missing shard with the campaign's status (a campaign started before shards existed). */
export const missingShardPut = (
  tableName: string,
  campaignId: string,
  customerId: string,
  shard: number,
  status: string,
) => ({
  TableName: tableName,
  Item: {
    ...runtimeShardKey(campaignId, shard),
    et: RUNTIME_KIND,
    shard,
    campaign_id: campaignId,
    customer_id: customerId,
    status,
  },
  ConditionExpression: 'attribute_not_exists(pk)',
});
