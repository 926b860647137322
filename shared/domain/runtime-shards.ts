/**
 * A running campaign's counters are split over a few shards so that many claims and hangups can move
 * them at once (see shared/adapters/dynamodb/keys.ts, RUNTIME_SHARDS). The pacing bound is split with
 * them: each claim checks only its own shard against that shard's share, and the shares add up to the
 * bound, so the shards together never exceed it, whichever ticks claim at the same time.
 */
import type { PacingBound } from './dialing.ts';

/** An attempt a shard holds open: from its claim until every write of its close has been made. */
export interface OpenAttempt {
  id: string;
  /** When it was claimed (ms): the sweeper looks at the oldest first. */
  claimedAtMs: number;
  /** The destination it calls (`<type>:<target>`): its line, which holds a copy of it. */
  destination: string;
}

/**
 * One shard as stored. Open and ringing attempts are members of the shard (so each claim, answer and
 * close moves exactly one attempt, once, in a plain conditional write); `counters` shows them as the
 * counts `_inflight` and `_dialing` beside the stored totals (absent counters count as 0).
 */
export interface RuntimeShard {
  shard: number;
  /** The campaign status copied onto the shard; claims need `run`. Undefined: the shard is missing. */
  status?: string;
  counters: Record<string, number>;
  /** The attempts this shard holds open, closed ones whose last writes a crash cut short included. */
  open?: readonly OpenAttempt[];
  /** Of the open attempts, those still ringing (not answered). */
  ringing?: readonly string[];
  /**
   * Attempts opened before shards held them as members are counted in the numbers `_inflight` and
   * `_dialing` (included in `counters`); they fall to 0 as those attempts close.
   */
  legacy?: { inflight: number; dialing: number };
}

/** The share of `bound` that shard `shard` of `shards` may hold: the bound split as evenly as possible. */
export const shardShare = (bound: number, shard: number, shards: number) =>
  Math.floor(bound / shards) + (shard < bound % shards ? 1 : 0);

/** The counters of all shards added up. */
export const totalCounters = (shards: readonly RuntimeShard[]): Record<string, number> => {
  const total: Record<string, number> = {};
  for (const s of shards) for (const [k, v] of Object.entries(s.counters)) total[k] = (total[k] ?? 0) + v;
  return total;
};

const counterName = (counter: PacingBound['counter']) =>
  counter === 'dialing' ? ('_dialing' as const) : ('_inflight' as const);

/**
 * Room left on each shard under `pacing`: how many more claims its share allows. A shard over its share
 * (the bound fell while its calls were up) has none. The total room is also capped by what the bound
 * allows across all shards, so a tick that sees the whole campaign never claims past the bound even
 * when some shards are over their share.
 */
export const roomPerShard = (shards: readonly RuntimeShard[], pacing: PacingBound): Map<number, number> => {
  const name = counterName(pacing.counter);
  const open = shards.reduce((a, s) => a + Math.max(0, s.counters[name] ?? 0), 0);
  let left = Math.max(0, pacing.bound - open);
  const room = new Map<number, number>();
  for (const s of shards) {
    if (s.status !== 'run') continue;
    const free = Math.max(0, shardShare(pacing.bound, s.shard, shards.length) - (s.counters[name] ?? 0));
    const take = Math.min(free, left);
    if (take > 0) room.set(s.shard, take);
    left -= take;
  }
  return room;
};

/** The claim-time condition for one shard: its counter must stay below its share. */
export const shardLimit = (pacing: PacingBound, shard: number, shards: number) => ({
  counter: counterName(pacing.counter),
  below: shardShare(pacing.bound, shard, shards),
  shard,
});
