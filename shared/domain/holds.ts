/**
 * Why a destination was not dialled when its turn came (our addition): suppressed, outside the callee's
 * calling hours, or capped by the customer's contact policy. A held target shows it on GET as `hold`,
 * and the campaign's stats count each such skip once, when it happens (`skipped`).
 */

export const HOLD_REASONS = ['suppressed', 'outside_hours', 'capped'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** What a held target shows: the reason, and when it may be dialled again (null: not by itself). */
export interface Hold {
  reason: HoldReason;
  until: string | null;
}

/** Internal attribute of a campaign's runtime shards counting the skips for one reason. */
export const skippedCounter = (reason: HoldReason) => `_skipped_${reason}`;

/** The `skipped` figures of a campaign's stats, from its counters added up over its shards. */
export const skippedOf = (n: (counter: string) => number): Record<HoldReason, number> =>
  Object.fromEntries(HOLD_REASONS.map((r) => [r, n(skippedCounter(r))])) as Record<HoldReason, number>;

/**
 * What the claim's checks saw, kept on every attempt so a call can be accounted for afterwards (small:
 * the attempt is written several times). Checked in the claim's own transaction, so it is exact.
 */
export interface ComplianceRecord {
  /** Never true on an attempt: a suppressed number is refused by the claim. */
  suppressed: false;
  /** The customer's contact policy the claim enforced; null: none set. */
  policy: {
    max_attempts: number | null;
    per_days: number | null;
    rest_after_contact_days: number | null;
  } | null;
  /** Attempts to the person within the policy's window, this one included; null without a cap. */
  attempts_in_window: number | null;
}
