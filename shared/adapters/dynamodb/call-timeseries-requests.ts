/**
 * Requests of the calls-per-minute store, as pure functions. A minute item holds, per count, the string
 * set of the attempts counted (as 8-character digests): adding to a set is idempotent, so the stream
 * handler may write the same record's attempt again (a redelivered batch) and the count, the set's
 * size, does not move. One UpdateItem adds every attempt a stream batch has for that minute.
 * The update returns the sets as they were, so what it added anew also goes, as plain sums, into the
 * campaign's hour and day items (rollupDelta): a redelivered record finds its members already there.
 */
import { createHash } from 'node:crypto';
import {
  type CallMinute,
  type CallRollup,
  DAYS_RETENTION_DAYS,
  dayStartOf,
  emptyRollup,
  HOUR_MS,
  HOURS_RETENTION_DAYS,
  hourStartOf,
  MINUTES_RETENTION_DAYS,
  type MinuteEvents,
  ROLLUP_FIELDS,
  SUCCESS,
} from '#domain/call-timeseries.ts';
import { formatTimestamp } from '#domain/time.ts';
import {
  callDayKey,
  callDaysKey,
  callHourKey,
  callHoursKey,
  callMinuteKey,
  callMinutesKey,
  MINUTE_SHARDS,
} from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

const DIALED = 'd';
const ANSWERED = 'a';
/** Closed after a person answered; ring and talk times as `<token>:<ms>`, so a repeat adds nothing. */
const HUMAN = 'h';
const RING = 'r';
const TALK = 't';
/** Outcome sets are `o_<outcome>`: `o_success`, or `o_<hangup reason>` for a failure. */
const OUTCOME_PREFIX = 'o_';

/**
 * An attempt's token in a minute's sets: 48 bits of its id's SHA-256. Two attempts of one minute share
 * one with odds of about n²/2⁴⁹ (1 in 140 million at 2,000 attempts a minute): far cheaper to store
 * than the 36-character id, which would cap a minute item at a quarter as many attempts.
 */
export const attemptToken = (attemptId: string) =>
  createHash('sha256').update(attemptId).digest('base64url').slice(0, 8);

const shardOfToken = (token: string) => token.charCodeAt(0) % MINUTE_SHARDS;

/** The sort key of a minute: its start in the API's timestamp form (sorts by time). */
export const minuteSortKey = (minuteMs: number) => formatTimestamp(minuteMs);

interface ShardAdds {
  shard: number;
  sets: Map<string, Set<string>>;
}

/** One UpdateItem per minute shard that gets attempts; none for a group with no attempts. */
export const recordMinuteUpdates = (tableName: string, group: MinuteEvents) => {
  const shards = new Map<number, ShardAdds>();
  const add = (attribute: string, attemptId: string, ms?: number) => {
    const token = attemptToken(attemptId);
    const shard = shardOfToken(token);
    let entry = shards.get(shard);
    if (!entry) {
      entry = { shard, sets: new Map() };
      shards.set(shard, entry);
    }
    const set = entry.sets.get(attribute) ?? new Set<string>();
    set.add(ms === undefined ? token : `${token}:${ms}`);
    entry.sets.set(attribute, set);
  };
  for (const id of group.dialed) add(DIALED, id);
  for (const id of group.answered) add(ANSWERED, id);
  for (const id of group.human ?? []) add(HUMAN, id);
  for (const [id, ms] of group.ring ?? []) add(RING, id, ms);
  for (const [id, ms] of group.talk ?? []) add(TALK, id, ms);
  for (const [outcome, ids] of Object.entries(group.outcomes)) {
    for (const id of ids) add(`${OUTCOME_PREFIX}${outcome}`, id);
  }
  const minute = minuteSortKey(group.minute);
  const expires = Math.floor(group.minute / 1000) + MINUTES_RETENTION_DAYS * 86_400;
  return [...shards.values()].map(({ shard, sets }) => {
    const names: Record<string, string> = { '#ttl': TTL_ATTRIBUTE };
    const values: Record<string, unknown> = {
      ':et': 'callminute',
      ':customer': group.customerId,
      ':campaign': group.campaignId,
      ':ttl': expires,
    };
    const adds = [...sets.entries()].map(([attribute, tokens], i) => {
      names[`#s${i}`] = attribute;
      values[`:s${i}`] = tokens;
      return `#s${i} :s${i}`;
    });
    return {
      TableName: tableName,
      Key: callMinuteKey(group.campaignId, shard, minute),
      UpdateExpression: `SET et = :et, customer_id = :customer, campaign_id = :campaign, #ttl = :ttl ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      // The sets as they were: only members new to them go into the hour's and the day's sums.
      ReturnValues: 'UPDATED_OLD' as const,
    };
  });
};

/**
 * What one minute update added that its item did not hold yet, as rollup sums: `added` is the update's
 * sets, `before` the item's sets as the update found them (UPDATED_OLD). A redelivered record finds its
 * members there already and adds nothing.
 */
export const rollupDelta = (
  added: Readonly<Record<string, unknown>>,
  before: Readonly<Record<string, unknown>> | undefined,
  attributeOf: (placeholder: string) => string | undefined,
): CallRollup => {
  const delta = emptyRollup();
  for (const [placeholder, value] of Object.entries(added)) {
    if (!(value instanceof Set)) continue;
    const attribute = attributeOf(placeholder);
    if (!attribute) continue;
    const old = before?.[attribute];
    const fresh = [...(value as Set<string>)].filter((m) => !(old instanceof Set && old.has(m)));
    const n = fresh.length;
    if (n === 0) continue;
    const msSum = () => fresh.reduce((sum, m) => sum + (Number(m.slice(m.indexOf(':') + 1)) || 0), 0);
    if (attribute === DIALED) delta.dialed += n;
    else if (attribute === ANSWERED) delta.answered += n;
    else if (attribute === HUMAN) delta.human += n;
    else if (attribute === RING) {
      delta.ring_n += n;
      delta.ring_ms += msSum();
    } else if (attribute === TALK) {
      delta.talk_n += n;
      delta.talk_ms += msSum();
    } else if (attribute.startsWith(OUTCOME_PREFIX)) {
      const outcome = attribute.slice(OUTCOME_PREFIX.length);
      if (outcome === 'suppressed') continue;
      delta.ended += n;
      if (outcome === 'abandoned') delta.abandoned += n;
      if (outcome === 'failed') delta.carrier_failed += n;
    }
  }
  return delta;
};

const isEmptyRollup = (r: CallRollup) => ROLLUP_FIELDS.every((f) => r[f] === 0);

/** The hour's and the day's items get the delta (plain ADDs: rollupDelta already left repeats out). */
export const rollupUpdates = (
  tableName: string,
  group: Pick<MinuteEvents, 'customerId' | 'campaignId' | 'minute'>,
  delta: CallRollup,
) => {
  if (isEmptyRollup(delta)) return [];
  const fields = ROLLUP_FIELDS.filter((f) => delta[f] !== 0);
  const hour = hourStartOf(group.minute);
  const day = dayStartOf(group.minute);
  return [
    {
      key: callHourKey(group.campaignId, formatTimestamp(hour)),
      et: 'callhour',
      expires: hour / 1000 + HOURS_RETENTION_DAYS * 86_400,
    },
    {
      key: callDayKey(group.campaignId, formatTimestamp(day)),
      et: 'callday',
      expires: day / 1000 + DAYS_RETENTION_DAYS * 86_400,
    },
  ].map(({ key, et, expires }) => ({
    TableName: tableName,
    Key: key,
    UpdateExpression: `SET et = :et, customer_id = :customer, campaign_id = :campaign, #ttl = :ttl ADD ${fields
      .map((f) => `${f} :${f}`)
      .join(', ')}`,
    ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
    ExpressionAttributeValues: {
      ':et': et,
      ':customer': group.customerId,
      ':campaign': group.campaignId,
      ':ttl': Math.floor(expires),
      ...Object.fromEntries(fields.map((f) => [`:${f}`, delta[f]])),
    },
  }));
};

/** A rollup item's sums (absent ones 0). */
export const rollupFromItem = (item: Record<string, unknown> | undefined): CallRollup => {
  const r = emptyRollup();
  for (const f of ROLLUP_FIELDS) if (typeof item?.[f] === 'number') r[f] = item[f] as number;
  return r;
};

/** The hour or day items of a campaign from `fromMs` to `toMs` (starts, both included): one Query. */
export const rollupsQuery = (
  tableName: string,
  campaignId: string,
  period: 'hour' | 'day',
  fromMs: number,
  toMs: number,
) => ({
  TableName: tableName,
  KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
  ExpressionAttributeValues: {
    ':pk': period === 'hour' ? callHoursKey(campaignId) : callDaysKey(campaignId),
    ':from': formatTimestamp(fromMs),
    ':to': formatTimestamp(toMs),
  },
});

/** The engine's window: this hour, the one before, and today (for when the hours are thin). */
export const recentRollupKeys = (campaignId: string, nowMs: number) => {
  const hour = hourStartOf(nowMs);
  return {
    hours: [hour - HOUR_MS, hour].map((h) => callHourKey(campaignId, formatTimestamp(h))),
    day: callDayKey(campaignId, formatTimestamp(dayStartOf(nowMs))),
  };
};

/** One Query per shard for the minutes from `fromMs` to `toMs`, both included. */
export const minutesQueries = (tableName: string, campaignId: string, fromMs: number, toMs: number) =>
  Array.from({ length: MINUTE_SHARDS }, (_, shard) => ({
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': callMinutesKey(campaignId, shard),
      ':from': minuteSortKey(fromMs),
      ':to': minuteSortKey(toMs),
    },
  }));

const sizeOf = (value: unknown) => (value instanceof Set ? value.size : 0);

/** The minutes' counts from their shard items (any order), oldest first. */
export const minutesFromItems = (items: readonly Record<string, unknown>[]): CallMinute[] => {
  const byMinute = new Map<string, CallMinute>();
  for (const item of items) {
    const minute = String(item.sk);
    let m = byMinute.get(minute);
    if (!m) {
      m = { minute, dialed: 0, answered: 0, succeeded: 0, failed: 0, failed_by_reason: {} };
      byMinute.set(minute, m);
    }
    m.dialed += sizeOf(item[DIALED]);
    m.answered += sizeOf(item[ANSWERED]);
    for (const [attribute, value] of Object.entries(item)) {
      if (!attribute.startsWith(OUTCOME_PREFIX)) continue;
      const outcome = attribute.slice(OUTCOME_PREFIX.length);
      const n = sizeOf(value);
      if (outcome === SUCCESS) m.succeeded += n;
      else {
        m.failed += n;
        m.failed_by_reason[outcome] = (m.failed_by_reason[outcome] ?? 0) + n;
      }
    }
  }
  return [...byMinute.values()].sort((a, b) => a.minute.localeCompare(b.minute));
};

/**
 * Logged-in agent time (sampled by the tick, see agent-time.ts in the engine): the hour's and the day's
 * item each keep `agent_at`, the epoch ms of their last sample, beside the `agent_ms` sum.
 */
export const AGENT_AT = 'agent_at';

/** The hour and day items a sample at `nowMs` adds to, with their period starts and expiries. */
export const agentTimeItems = (campaignId: string, nowMs: number) => {
  const hour = hourStartOf(nowMs);
  const day = dayStartOf(nowMs);
  return {
    hour: {
      key: callHourKey(campaignId, formatTimestamp(hour)),
      et: 'callhour',
      startMs: hour,
      expires: Math.floor(hour / 1000) + HOURS_RETENTION_DAYS * 86_400,
    },
    day: {
      key: callDayKey(campaignId, formatTimestamp(day)),
      et: 'callday',
      startMs: day,
      expires: Math.floor(day / 1000) + DAYS_RETENTION_DAYS * 86_400,
    },
  };
};

/**
 * Adds `ms` of agent time to one item and moves its `agent_at` from `lastMs` (as just read) to `nowMs`.
 * The condition is the optimistic lock: a tick that overlaps (or repeats) this one read the same mark,
 * so only one of them adds the interval; the other is refused and adds nothing.
 */
export const agentTimeUpdate = (
  tableName: string,
  s: { customerId: string; campaignId: string; nowMs: number },
  item: { key: { pk: string; sk: string }; et: string; expires: number },
  lastMs: number | undefined,
  ms: number,
) => ({
  TableName: tableName,
  Key: item.key,
  UpdateExpression:
    'SET et = :et, customer_id = :customer, campaign_id = :campaign, #ttl = :ttl, #at = :now ADD agent_ms :ms',
  ConditionExpression: lastMs === undefined ? 'attribute_not_exists(#at)' : '#at = :last',
  ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#at': AGENT_AT },
  ExpressionAttributeValues: {
    ':et': item.et,
    ':customer': s.customerId,
    ':campaign': s.campaignId,
    ':ttl': item.expires,
    ':now': s.nowMs,
    ':ms': ms,
    ...(lastMs === undefined ? {} : { ':last': lastMs }),
  },
});
