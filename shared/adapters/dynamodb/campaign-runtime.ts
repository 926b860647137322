/**
 * A campaign's runtime shards (keys.ts, RUNTIME_SHARDS): reading them, and the transaction items that
 * change their status copy together with the campaign's own status. Pure request builders, so the
 * stores compose them into their transactions and unit tests can read them offline.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpenAttempt, RuntimeShard } from '#domain/runtime-shards.ts';
import { batchGetInOrder } from './batch-get.ts';
import { RUNTIME_SHARDS, runtimeShardKey, runtimeShardKeys } from './keys.ts';
import type { TransactItem } from './transactions.ts';

/** The kind recorded on shard items: no webhook is derived from them (they are not a resource). */
export const RUNTIME_KIND = 'campaign-run';

const isCounter = (k: string, v: unknown) => k.startsWith('_') && typeof v === 'number';

/**
 * A shard's open attempts and, among them, the ringing ones, as string sets: a claim ADDs its attempt
 * to both, an answer DELETEs it from `_ring`, the last write of a close from both. Each move is
 * conditioned on the attempt's membership, so it happens once however often it is tried, and needs no
 * transaction; `size()` of a set is what the claim's pacing condition checks. (Sets rather than map
 * entries: ADD and DELETE need no parent attribute, so shards written before them need no upgrade.)
 */
export const OPEN_SET = '_open';
export const RINGING_SET = '_ring';

/**
 * An attempt's member of `_open`: `<claim time in ms, 13 digits>#<attempt id>#<type>:<target>`, about
 * 65 bytes, built from the attempt alone. Members sort oldest first, so the sweeper finds old attempts
 * without an index; the destination names the attempt's line, which holds a copy of the attempt until
 * it is written (a crash right after the claim leaves only the copy).
 */
export const openMember = (call: {
  id: string;
  tm_create: string;
  destination: { type: string; target: string };
}) =>
  `${String(Date.parse(call.tm_create)).padStart(13, '0')}#${call.id}#${call.destination.type}:${call.destination.target}`;

const openAttemptOf = (member: string): OpenAttempt => {
  const [at, id = '', ...destination] = member.split('#');
  return { id, claimedAtMs: Number(at), destination: destination.join('#') };
};

/** The destination an open member names, as an address's type and target. */
export const destinationOf = (open: OpenAttempt) => {
  const colon = open.destination.indexOf(':');
  return { type: open.destination.slice(0, colon), target: open.destination.slice(colon + 1) };
};

/** The members of a string set as the document client returns it (a Set), or none. */
const members = (value: unknown): string[] => (value instanceof Set ? [...value].map(String) : []);

/** One stored shard as the engine reads it: its members shown as the counts `_inflight` and `_dialing`. */
export const runtimeShardOf = (shard: number, item: Record<string, unknown> | undefined): RuntimeShard => {
  const stored = Object.fromEntries(
    Object.entries(item ?? {}).filter(([k, v]) => isCounter(k, v)) as [string, number][],
  );
  const open = members(item?.[OPEN_SET]).map(openAttemptOf);
  const ringing = members(item?.[RINGING_SET]);
  const legacy = { inflight: stored._inflight ?? 0, dialing: stored._dialing ?? 0 };
  const counters = { ...stored };
  if (open.length > 0 || stored._inflight !== undefined) counters._inflight = legacy.inflight + open.length;
  if (ringing.length > 0 || stored._dialing !== undefined)
    counters._dialing = legacy.dialing + ringing.length;
  return {
    shard,
    ...(item ? { status: String(item.status) } : {}),
    counters,
    open,
    ringing,
    legacy,
  };
};

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
 * nothing in flight: no open attempt (an attempt leaves `_open` with the last write of its close) and
 * no attempt counted the old way. In one transaction with the campaign's own change, that is the
 * exact "stop once the last call has ended".
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
        ? {
            ConditionExpression:
              '(attribute_not_exists(#inflight) OR #inflight <= :zero) AND attribute_not_exists(#open)',
          }
        : {}),
      ExpressionAttributeNames: {
        '#status': 'status',
        '#et': 'et',
        '#shard': 'shard',
        '#c': 'campaign_id',
        '#cu': 'customer_id',
        ...(options.whenIdle ? { '#inflight': '_inflight', '#open': OPEN_SET } : {}),
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
