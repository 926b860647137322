import type { ListScope, StoredKind } from '#ports/resource-store.ts';

/**
 * The only place key strings are built. Items are addressed by their globally unique id; ownership is
 * the `customer_id` attribute, checked in every condition expression and on every read, and every list
 * partition starts with the tenant (or with a parent that belongs to one tenant).
 */
export const itemKey = (kind: StoredKind, id: string) => ({ pk: `${kind}#${id}`, sk: kind });

/** Sort key of newest-first lists: tm_create then id, so ties at one timestamp have a stable order. */
export const listSortKey = (tmCreate: string, id: string) => `${tmCreate}#${id}`;

/** Upper bound (exclusive) for "older than the cursor" in a newest-first list. */
export const listSortKeyBefore = (tmCreate: string, id?: string) =>
  id ? `${tmCreate}#${id}` : `${tmCreate}#`;

/**
 * Attempts are written at the engine's pace, and one partition key takes about 1,000 write units a
 * second: the customer's and each campaign's list of attempts are split into shards by attempt id, so a
 * busy account is not capped by one list partition. A page reads every shard and merges them; the sort
 * key (tm_create, id) orders them all, so one cursor serves every shard. Lists written before the split
 * are still read (the shard-less partition).
 */
const LIST_SHARDS: Partial<Record<StoredKind, number>> = { campaigncall: 8 };

const listBase = (kind: StoredKind, scope: ListScope): { index: 'byList' | 'byParent'; pk: string } => {
  switch (scope.by) {
    case 'customer':
      return { index: 'byList', pk: `t#${scope.customerId}#${kind}` };
    case 'outdial':
      return { index: 'byList', pk: `outdial#${scope.outdialId}#${kind}` };
    case 'campaign':
      return { index: 'byParent', pk: `campaign#${scope.campaignId}#${kind}` };
  }
};

/** Every partition holding the list: its shards (if the kind has any) and the shard-less one. */
export const listPartitions = (
  kind: StoredKind,
  scope: ListScope,
): { index: 'byList' | 'byParent'; pks: string[] } => {
  const base = listBase(kind, scope);
  const shards = LIST_SHARDS[kind] ?? 0;
  return {
    index: base.index,
    pks: [base.pk, ...Array.from({ length: shards }, (_, shard) => `${base.pk}#${shard}`)],
  };
};

/** The partition an item of the list is written to. */
export const listPartitionOf = (kind: StoredKind, scope: ListScope, id: string) => {
  const base = listBase(kind, scope);
  const shards = LIST_SHARDS[kind];
  return { index: base.index, pk: shards ? `${base.pk}#${shardOf(id, shards)}` : base.pk };
};

/** The list memberships an item has while it is not deleted. */
export const listKeys = (kind: StoredKind, resource: object): Record<string, string> => {
  const item = resource as Record<string, unknown>;
  const id = String(item.id);
  const sk = listSortKey(String(item.tm_create), id);
  if (kind === 'outdialtarget') {
    return {
      gsi1pk: listPartitionOf(kind, { by: 'outdial', outdialId: String(item.outdial_id) }, id).pk,
      gsi1sk: sk,
      // A new target is idle and never tried: it waits in the fresh partition until the engine claims it.
      ...dueKeys(String(item.outdial_id), 'fresh', String(item.tm_create), id),
    };
  }
  const keys: Record<string, string> = {
    gsi1pk: listPartitionOf(kind, { by: 'customer', customerId: String(item.customer_id) }, id).pk,
    gsi1sk: sk,
  };
  if (kind === 'campaigncall') {
    keys.gsi2pk = listPartitionOf(kind, { by: 'campaign', campaignId: String(item.campaign_id) }, id).pk;
    keys.gsi2sk = sk;
  }
  return keys;
};

/** Sparse membership of an agent in its customer's "available" partition. */
export const availableAgentKeys = (customerId: string, agentId: string) => ({
  gsi2pk: availableAgentsKey(customerId),
  gsi2sk: agentId,
});

export const availableAgentsKey = (customerId: string) => `t#${customerId}#agent#available`;

/** Sparse membership of an agent in wrap-up in its customer's "wrap-up" partition, by when it ends. */
export const wrapUpAgentKeys = (customerId: string, until: string, agentId: string) => ({
  gsi2pk: wrapUpAgentsKey(customerId),
  gsi2sk: `${until}#${agentId}`,
});

export const wrapUpAgentsKey = (customerId: string) => `t#${customerId}#agent#wrapup`;

/**
 * Sparse membership of a busy agent (on a call, or set busy) in its customer's "busy" partition, so
 * predictive pacing counts agents about to be free without reading the agent list. Agents busy since
 * before this partition existed join it at their next status change. The sort key starts with when
 * the agent became busy (the index projects only ids and tags), so pacing knows how long each has
 * been on its call; items written before it carry the id alone.
 */
export const busyAgentKeys = (customerId: string, agentId: string, since: string) => ({
  gsi2pk: busyAgentsKey(customerId),
  gsi2sk: `${since}#${agentId}`,
});

/** When a busy agent became busy, epoch ms, from its sort key in the busy partition; undefined if unknown. */
export const busySinceOf = (gsi2sk: string): number | undefined => {
  const hash = gsi2sk.indexOf('#');
  if (hash < 0) return undefined;
  const ms = Date.parse(gsi2sk.slice(0, hash).replace(/\.(\d{3})\d*Z$/, '.$1Z'));
  return Number.isNaN(ms) ? undefined : ms;
};

export const busyAgentsKey = (customerId: string) => `t#${customerId}#agent#busy`;

export const accesskeyHashKey = (tokenHash: string) => ({
  pk: `accesskey-hash#${tokenHash}`,
  sk: 'accesskey-hash',
});

export const KEY_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi4sk',
] as const;

/** A stable shard from the last hex digits of a uuid (random in v4, so shards fill evenly). */
const shardOf = (id: string, shards: number) =>
  (Number.parseInt(id.replace(/-/g, '').slice(-4), 16) || 0) % shards;

/**
 * Engine partitions of the byDue index. An idle target is in exactly one of them: `fresh` (never tried,
 * oldest first), `retry` (sorted by the end of its last attempt, so "due" is a key condition with the
 * outplan's current try_interval) or `exhausted` (no destination has tries left, sorted by when it was
 * parked). Progressing, done and deleted targets are in none, so finding due targets never reads the
 * rest of the list.
 *
 * Each partition is split into DUE_SHARDS by target id. Every attempt writes its outdial's partitions
 * twice (claim removes, finish adds), and one partition key value takes about 1,000 writes a second;
 * four shards keep an outdial under that up to ~2,000 attempts a second, far above any carrier's CPS.
 * The tick reads the oldest `limit` of each shard and merges them, which is exact: the oldest `limit`
 * overall are among them.
 */
/**
 * The engine's sparse partitions (below) sort by `<time>#<id>`, oldest first. For a key condition
 * `sk <= bound`: `timeSortKeyBefore(t)` keeps the items strictly before t, `timeSortKeyUpTo(t)` those at
 * t as well (`~` sorts after every character of a uuid).
 */
const timeSortKey = (time: string, id: string) => `${time}#${id}`;

export const timeSortKeyBefore = (time: string) => `${time}#`;

export const timeSortKeyUpTo = (time: string) => `${time}#~`;

/** The id a `<time>#<id>` sort key ends with (an open-attempt entry names its campaigncall). */
export const idOfTimeSortKey = (sortKey: string) => sortKey.slice(sortKey.lastIndexOf('#') + 1);

/** The time a `<time>#<id>` sort key starts with (an open-attempt entry: its attempt's tm_create). */
export const timeOfTimeSortKey = (sortKey: string) => sortKey.slice(0, sortKey.lastIndexOf('#'));

export type DuePartition = 'fresh' | 'retry' | 'exhausted';

export const DUE_SHARDS = 4;

export const dueKeys = (outdialId: string, partition: DuePartition, sortTime: string, targetId: string) => ({
  gsi3pk: duePartitionKey(outdialId, partition, shardOf(targetId, DUE_SHARDS)),
  gsi3sk: timeSortKey(sortTime, targetId),
});

export const duePartitionKey = (outdialId: string, partition: DuePartition, shard: number) =>
  `outdial#${outdialId}#due#${partition}#${shard}`;

/** An idle target parked with no try left (in its list's `exhausted` due partition). */
export const isExhaustedTarget = (item: Record<string, unknown>) =>
  typeof item.gsi3pk === 'string' && /#due#exhausted#\d+$/.test(item.gsi3pk);

export const duePartitionKeys = (outdialId: string, partition: DuePartition) =>
  Array.from({ length: DUE_SHARDS }, (_, shard) => duePartitionKey(outdialId, partition, shard));

/**
 * Engine partitions of the byState index: campaigns the tick must visit (run or stopping), sharded so
 * the tick can read them in parallel, and each campaign's open attempts for the sweeper.
 */
export const ACTIVE_SHARDS = 4;

export const activeCampaignKeys = (campaignId: string) => ({
  gsi4pk: activeShardKey(shardOf(campaignId, ACTIVE_SHARDS)),
  gsi4sk: campaignId,
});

export const activeShardKey = (shard: number) => `campaign#active#${shard}`;

/**
 * A campaign's open attempts are split into OPEN_SHARDS partitions by attempt id: each attempt adds and
 * removes its entry (about 4 write units), and one partition key takes about 1,000 a second. The
 * sweeper reads the oldest of every shard (and of the partition written before the split) and merges
 * them, which is exact.
 */
export const OPEN_SHARDS = 8;

export const openAttemptKeys = (campaignId: string, tmCreate: string, campaigncallId: string) => ({
  gsi4pk: `${openAttemptsKey(campaignId)}#${shardOf(campaigncallId, OPEN_SHARDS)}`,
  gsi4sk: timeSortKey(tmCreate, campaigncallId),
});

/** The partition of a campaign's open attempts kept before the split (still read). */
export const openAttemptsKey = (campaignId: string) => `campaign#${campaignId}#open`;

export const openAttemptsKeys = (campaignId: string) => [
  openAttemptsKey(campaignId),
  ...Array.from({ length: OPEN_SHARDS }, (_, shard) => `${openAttemptsKey(campaignId)}#${shard}`),
];

/** Answered calls waiting in a queue for a free agent, oldest first (byDue index, sparse). */
export const waitingCallerKeys = (queueId: string, since: string, campaigncallId: string) => ({
  gsi3pk: waitingCallersKey(queueId),
  gsi3sk: timeSortKey(since, campaigncallId),
});

export const waitingCallersKey = (queueId: string) => `queue#${queueId}#waiting`;

/**
 * A person of a customer: one small item per destination (for a phone number, its E.164 form), in no
 * index. It holds the open attempt to that person (its "line": taken by the claim that opens the
 * attempt, freed by the close), the suppression in force for the number, and the contact history the
 * customer's contact policy counts (person-requests.ts). So the claim checks "not on a call, not
 * suppressed, not over the cap" on the item it writes anyway: two targets with the same number (a
 * list with duplicates, or two campaigns) never ring it at once nor pass its cap together.
 */
export const lineKey = (customerId: string, destination: { type: string; target: string }) => ({
  pk: `line#${customerId}#${destination.type}:${destination.target}`,
  sk: 'line',
});

/**
 * The dialer's once-only guard for an attempt: a small item beside the campaigncall, in no index, so
 * guarding a placement costs one write instead of rewriting the campaigncall in every list it is in.
 */
export const placementGuardKey = (campaigncallId: string) => ({
  pk: `campaigncall#${campaigncallId}`,
  sk: 'placement',
});

/**
 * A customer's API request budget (shared/adapters/dynamodb/request-budget.ts): one small item in no
 * index, written by the API containers only.
 */
export const requestBudgetKey = (customerId: string) => ({ pk: `budget#${customerId}`, sk: 'budget' });

/**
 * A running campaign's counters (attempts, in flight, ringing, totals by result) and a copy of its
 * status live in RUNTIME_SHARDS small items beside the campaign, each with its own partition key.
 * Every claim, answer and finish moves one shard, so a busy campaign's writes spread over several
 * items instead of queueing (and conflicting) on one: AWS takes about 1,000 write units a second per
 * partition key, and transactions touching one item at once cancel each other.
 */
export const RUNTIME_SHARDS = 32;

export const runtimeShardKey = (campaignId: string, shard: number) => ({
  pk: `campaign#${campaignId}#run#${shard}`,
  sk: 'run',
});

export const runtimeShardKeys = (campaignId: string) =>
  Array.from({ length: RUNTIME_SHARDS }, (_, shard) => runtimeShardKey(campaignId, shard));

/**
 * The carrier's calls-per-second budget (cps-bucket.ts): one item per carrier account, in no index,
 * shared by every dialer.
 */
export const cpsBucketKey = (name: string) => ({ pk: `RATE#${name}`, sk: 'RATE' });

/** An API request's idempotency record: one small item per scope and key, in no index, expired by TTL. */
export const idempotencyKey = (scope: string, key: string) => ({ pk: `idem#${scope}#${key}`, sk: 'idem' });

/** A provider callback's replay marker: one small item per request digest, in no index, expired by TTL. */
export const replayKey = (digest: string) => ({ pk: `replay#${digest}`, sk: 'replay' });

/**
 * A suppressed number of a customer: the person item of the number (`lineKey` of its `tel` address),
 * which holds the suppression's `id` and `expire_at` while one is in force (suppression-requests.ts).
 * Adding is a conditional update of this item, so one number is one suppression even when many
 * requests add it at once, and the claim's own write to the person item checks it: the number is
 * suppressed while the item has an `id` and its `expire_at` is absent or later than now. The
 * suppression itself (the record shown by the API) is `itemKey('suppression', id)`.
 */
export const suppressionKey = (customerId: string, e164: string) =>
  lineKey(customerId, { type: 'tel', target: e164 });

/** A customer's contact policy: one small item in no index, read by the API and (next) the engine. */
export const contactPolicyKey = (customerId: string) => ({
  pk: `policy#${customerId}`,
  sk: 'contact_policy',
});

/**
 * A campaign's calls of one minute (call-timeseries-requests.ts), in no index: the minute is the sort
 * key, so a range of minutes is one Query per shard. Each minute is split into MINUTE_SHARDS items by
 * attempt, so one item holds the attempts of a quarter of the minute and stays well under DynamoDB's
 * 400 KB item limit up to about 250 attempts a second per campaign.
 */
export const MINUTE_SHARDS = 4;

export const callMinutesKey = (campaignId: string, shard: number) =>
  `campaign#${campaignId}#minutes#${shard}`;

export const callMinuteKey = (campaignId: string, shard: number, minute: string) => ({
  pk: callMinutesKey(campaignId, shard),
  sk: minute,
});

/**
 * A campaign's calls per hour and per day (call-timeseries-requests.ts, rollupUpdates): sums added from
 * the minute updates, one small item per hour or day, sorted by its start, so 24 hours or 30 days are
 * one Query each.
 */
export const callHoursKey = (campaignId: string) => `campaign#${campaignId}#hours`;
export const callHourKey = (campaignId: string, hour: string) => ({ pk: callHoursKey(campaignId), sk: hour });
export const callDaysKey = (campaignId: string) => `campaign#${campaignId}#days`;
export const callDayKey = (campaignId: string, day: string) => ({ pk: callDaysKey(campaignId), sk: day });

/**
 * Targets by number (target-index-requests.ts): one small item per tel destination of a live target,
 * written from the table's stream, in no index. The partition is the customer's number, the sort key
 * `<outdial id>#<tm_create>#<target id>`, so the targets of one list with one number are a range of
 * one partition, newest first, and the read never grows with the list.
 */
export const targetNumberPartition = (customerId: string, e164: string) => `t#${customerId}#number#${e164}`;

export const targetNumberKey = (customerId: string, e164: string, outdialId: string, sortKey: string) => ({
  pk: targetNumberPartition(customerId, e164),
  sk: `${outdialId}#${sortKey}`,
});

/**
 * A target counted in its outdial's `_target_count`: present from the count's increment to its
 * decrement, in the same transactions, so a stream record handled twice counts once.
 */
export const targetCountedKey = (targetId: string) => ({ pk: `outdialtarget#${targetId}`, sk: 'counted' });
