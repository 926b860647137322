/**
 * Requests of the calls-per-minute store, as pure functions. A minute item holds, per count, the string
 * set of the attempts counted (as 8-character digests): adding to a set is idempotent, so the stream
 * handler may write the same record's attempt again (a redelivered batch) and the count, the set's
 * size, does not move. One UpdateItem adds every attempt a stream batch has for that minute.
 */
import { createHash } from 'node:crypto';
import {
  type CallMinute,
  MINUTES_RETENTION_DAYS,
  type MinuteEvents,
  SUCCESS,
} from '#domain/call-timeseries.ts';
import { formatTimestamp } from '#domain/time.ts';
import { callMinuteKey, callMinutesKey, MINUTE_SHARDS } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

const DIALED = 'd';
const ANSWERED = 'a';
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
  const add = (attribute: string, attemptId: string) => {
    const token = attemptToken(attemptId);
    const shard = shardOfToken(token);
    let entry = shards.get(shard);
    if (!entry) {
      entry = { shard, sets: new Map() };
      shards.set(shard, entry);
    }
    const set = entry.sets.get(attribute) ?? new Set<string>();
    set.add(token);
    entry.sets.set(attribute, set);
  };
  for (const id of group.dialed) add(DIALED, id);
  for (const id of group.answered) add(ANSWERED, id);
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
    };
  });
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
