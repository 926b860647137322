import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  availableAgentKeys,
  availableAgentsKey,
  cpsBucketKey,
  DUE_SHARDS,
  dueKeys,
  duePartitionKeys,
  idempotencyKey,
  idOfTimeSortKey,
  itemKey,
  listKeys,
  listPartitions,
  listSortKeyBefore,
  openAttemptKeys,
  replayKey,
  timeSortKeyBefore,
  timeSortKeyUpTo,
  waitingCallerKeys,
} from '#adapters/dynamodb/keys.ts';
import { formatTimestamp } from '#domain/time.ts';

describe('due partitions', () => {
  it('puts each target in one shard of its partition, always the same one, with every shard in use', () => {
    const shards = duePartitionKeys('d1', 'retry');
    expect(shards).toHaveLength(DUE_SHARDS);
    const used = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = randomUUID();
      const key = dueKeys('d1', 'retry', 'T', id);
      expect(shards).toContain(key.gsi3pk);
      expect(dueKeys('d1', 'retry', 'U', id).gsi3pk).toBe(key.gsi3pk);
      expect(key.gsi3sk).toBe(`T#${id}`);
      used.add(key.gsi3pk);
    }
    expect(used.size).toBe(DUE_SHARDS);
  });
  it('keeps fresh, retry and exhausted apart, and outdials apart', () => {
    const id = randomUUID();
    const pks = [
      dueKeys('d1', 'fresh', 'T', id).gsi3pk,
      dueKeys('d1', 'retry', 'T', id).gsi3pk,
      dueKeys('d1', 'exhausted', 'T', id).gsi3pk,
      dueKeys('d2', 'fresh', 'T', id).gsi3pk,
    ];
    expect(new Set(pks).size).toBe(4);
  });
});

describe('engine sort keys', () => {
  it('bounds <time>#<id> keys strictly before a time, or up to it inclusive', () => {
    const id = randomUUID();
    const at = dueKeys('d1', 'retry', 'T1', id).gsi3sk;
    expect(at <= timeSortKeyUpTo('T1')).toBe(true);
    expect(at <= timeSortKeyBefore('T1')).toBe(false);
    expect(dueKeys('d1', 'retry', 'T0', id).gsi3sk <= timeSortKeyBefore('T1')).toBe(true);
    expect(dueKeys('d1', 'retry', 'T2', id).gsi3sk <= timeSortKeyUpTo('T1')).toBe(false);
  });
  it('reads the campaigncall id back from an open-attempt entry, and queues callers by time', () => {
    const id = randomUUID();
    expect(idOfTimeSortKey(openAttemptKeys('k1', '2026-01-15T09:30:00.000000Z', id).gsi4sk)).toBe(id);
    expect(waitingCallerKeys('q1', 'T', id)).toEqual({ gsi3pk: 'queue#q1#waiting', gsi3sk: `T#${id}` });
  });
});

describe('keys', () => {
  it('lists a resource under its customer, newest first by tm_create then id', () => {
    expect(listKeys('outplan', { id: 'o1', customer_id: 'c1', tm_create: 'T' })).toEqual({
      gsi1pk: 't#c1#outplan',
      gsi1sk: 'T#o1',
    });
  });
  it('lists targets under their outdial and campaigncalls under both customer and campaign', () => {
    expect(
      listKeys('outdialtarget', { id: 'x', outdial_id: 'd1', customer_id: 'c1', tm_create: 'T' }).gsi1pk,
    ).toBe('outdial#d1#outdialtarget');
    const keys = listKeys('campaigncall', { id: 'x', customer_id: 'c1', campaign_id: 'k1', tm_create: 'T' });
    expect(keys.gsi1pk).toMatch(/^t#c1#campaigncall#[0-7]$/);
    expect(keys.gsi2pk).toMatch(/^campaign#k1#campaigncall#[0-7]$/);
  });
  it('spreads attempts over list shards, and reads every shard and the list kept before shards', () => {
    const ids = Array.from({ length: 400 }, () => crypto.randomUUID());
    const used = new Set(
      ids.map(
        (id) => listKeys('campaigncall', { id, customer_id: 'c', campaign_id: 'k', tm_create: 'T' }).gsi1pk,
      ),
    );
    const read = listPartitions('campaigncall', { by: 'customer', customerId: 'c' });
    expect(read.index).toBe('byList');
    expect(new Set(read.pks)).toEqual(new Set([...used, 't#c#campaigncall']));
    expect(listPartitions('campaign', { by: 'customer', customerId: 'c' }).pks).toEqual(['t#c#campaign']);
  });
  it('puts the bound for "older than T" below every item created at T', () => {
    expect(listSortKeyBefore('T') < 'T#00000000').toBe(true);
    expect(listSortKeyBefore('T', 'b') > 'T#a').toBe(true);
  });
  it('addresses items by kind and id, available agents by customer', () => {
    expect(itemKey('campaign', 'k')).toEqual({ pk: 'campaign#k', sk: 'campaign' });
    expect(availableAgentKeys('c', 'a')).toEqual({ gsi2pk: 't#c#agent#available', gsi2sk: 'a' });
    expect(availableAgentsKey('c')).toBe(availableAgentKeys('c', 'a').gsi2pk);
  });
  it('keeps the small items in no index, each kind under its own prefix', () => {
    expect(cpsBucketKey('twilio#AC1')).toEqual({ pk: 'RATE#twilio#AC1', sk: 'RATE' });
    expect(idempotencyKey('t1', 'k')).toEqual({ pk: 'idem#t1#k', sk: 'idem' });
    expect(replayKey('abc')).toEqual({ pk: 'replay#abc', sk: 'replay' });
  });
  it('formats timestamps with six fractional digits in UTC', () => {
    expect(formatTimestamp(Date.parse('2026-01-15T09:30:00.123Z'))).toBe('2026-01-15T09:30:00.123000Z');
  });
  it('fills the sub-millisecond digits when asked, so a batch made in one millisecond keeps its order', () => {
    const ms = Date.parse('2026-01-15T09:30:00.123Z');
    expect(formatTimestamp(ms, 7)).toBe('2026-01-15T09:30:00.123007Z');
    expect(formatTimestamp(ms, 999)).toBe('2026-01-15T09:30:00.123999Z');
    expect(formatTimestamp(ms, 99) < formatTimestamp(ms, 100)).toBe(true);
    expect(formatTimestamp(ms, 999) < formatTimestamp(ms + 1)).toBe(true);
    for (const bad of [-1, 1000, 1.5]) expect(() => formatTimestamp(ms, bad)).toThrow(RangeError);
  });
});
