/**
 * Why an idle target is not being dialled for now, shown on the target (our addition) so an operator
 * can tell a held target from one merely waiting its turn.
 */
export type HoldReason = 'suppressed' | 'outside_hours' | 'capped';

export interface TargetHold {
  reason: HoldReason;
  /** When it may be dialled again (ISO-8601), or null when that is not known (e.g. no zone known). */
  until: string | null;
}

/** The stored hold, with when it was set: an attempt ending after that (its tm_update) supersedes it. */
export interface StoredHold extends TargetHold {
  at: string;
}

/**
 * The hold in force on a target: only an idle one is held, and only by a hold set after its last
 * attempt ended. Moves between the due partitions remove the stored hold; a claim leaves it on the
 * item, and the claim's status and the attempt's end make it stale.
 */
export const holdOf = (target: {
  status?: unknown;
  tm_create?: unknown;
  tm_update?: unknown;
  _hold?: unknown;
}): TargetHold | null => {
  const hold = target._hold as StoredHold | undefined;
  if (!hold || target.status !== 'idle') return null;
  const lastChange = String(target.tm_update ?? target.tm_create ?? '');
  if (hold.at < lastChange) return null;
  return { reason: hold.reason, until: hold.until ?? null };
};
