/**
 * The hold shown on a target (our addition), so an operator can tell a held target from one merely
 * waiting its turn, and see why a target ended without a call.
 */
import type { Hold } from './holds.ts';

/** The stored hold (`_hold`), with when it was set: an attempt ending after that supersedes it. */
export interface StoredHold extends Hold {
  at: string;
}

/**
 * The hold in force on a target: an idle one is held by a hold set after its last attempt ended
 * (moves between the due partitions remove the stored hold; a claim removes it too, and the claim's
 * status and the attempt's end make it stale); a target that ended `done` because every destination
 * left was suppressed keeps showing why.
 */
export const holdOf = (target: {
  status?: unknown;
  tm_create?: unknown;
  tm_update?: unknown;
  _hold?: unknown;
}): Hold | null => {
  const hold = target._hold as StoredHold | undefined;
  if (!hold) return null;
  const endedSuppressed = target.status === 'done' && hold.reason === 'suppressed';
  if (target.status !== 'idle' && !endedSuppressed) return null;
  const lastChange = String(target.tm_update ?? target.tm_create ?? '');
  if (hold.at < lastChange) return null;
  return { reason: hold.reason, until: hold.until ?? null };
};
