import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PacingBound } from '#domain/dialing.ts';
import {
  type RuntimeShard,
  roomPerShard,
  shardLimit,
  shardShare,
  totalCounters,
} from '#domain/runtime-shards.ts';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const SHARDS = 8;

const shards = (counts: number[], status = 'run'): RuntimeShard[] =>
  counts.map((n, shard) => ({ shard, status, counters: { _inflight: n, _dialing: n } }));

describe('runtime shards: the pacing bound split over them', () => {
  it('splits a bound into shares that add up to it exactly', () => {
    console.log(`runtime-shards property seed ${SEED}`);
    fc.assert(
      fc.property(fc.nat(10_000), fc.integer({ min: 1, max: 64 }), (bound, n) => {
        const shares = Array.from({ length: n }, (_, k) => shardShare(bound, k, n));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(bound);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
      { seed: SEED },
    );
  });

  it('never offers more room than the bound leaves, whatever the shards hold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(20), { minLength: SHARDS, maxLength: SHARDS }),
        fc.nat(100),
        fc.constantFrom<PacingBound['counter']>('dialing', 'inflight'),
        (counts, bound, counter) => {
          const room = roomPerShard(shards(counts), { counter, bound });
          const open = counts.reduce((a, b) => a + b, 0);
          const offered = [...room.values()].reduce((a, b) => a + b, 0);
          expect(offered).toBeLessThanOrEqual(Math.max(0, bound - open));
          for (const [shard, n] of room) {
            // A claim on that shard passes its own condition for each call offered there.
            expect(counts[shard]! + n).toBeLessThanOrEqual(
              shardLimit({ counter, bound }, shard, SHARDS).below,
            );
          }
        },
      ),
      { seed: SEED },
    );
  });

  it('offers the whole bound over empty shards, and nothing on a shard that is not running', () => {
    expect([
      ...roomPerShard(shards(Array(SHARDS).fill(0)), { counter: 'inflight', bound: 20 }).values(),
    ]).toEqual([3, 3, 3, 3, 2, 2, 2, 2]);
    expect(
      roomPerShard(shards(Array(SHARDS).fill(0), 'stopping'), { counter: 'inflight', bound: 20 }).size,
    ).toBe(0);
    const missing: RuntimeShard[] = shards(Array(SHARDS).fill(0)).map((s, i) =>
      i === 0 ? { ...s, status: undefined } : s,
    );
    expect(roomPerShard(missing, { counter: 'inflight', bound: 8 }).has(0)).toBe(false);
  });

  it('a bound that fell below what one shard holds starts nothing until the total is under it', () => {
    // Shard 0 holds 5 calls from when the bound was 40; the bound is now 4: nothing may start.
    expect(roomPerShard(shards([5, 0, 0, 0, 0, 0, 0, 0]), { counter: 'inflight', bound: 4 }).size).toBe(0);
  });

  it('adds every counter of every shard', () => {
    expect(
      totalCounters([
        { shard: 0, status: 'run', counters: { _attempts: 3, _failed_busy: 1 } },
        { shard: 1, status: 'run', counters: { _attempts: 2, _succeeded: 2 } },
        { shard: 2, counters: {} },
      ]),
    ).toEqual({ _attempts: 5, _failed_busy: 1, _succeeded: 2 });
  });
});
