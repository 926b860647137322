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

const NO_POLICY: ComplianceRecord = { suppressed: false, policy: null, attempts_in_window: null };

/**
 * The record as stored: nothing without a policy (the claim's suppression check always passed), else
 * `max/per_days/rest/attempts` in one short string (`-` for null), since the attempt item must stay
 * under 1 KB: a map of field names took some attempts over it, which doubled their writes.
 */
export const encodeCompliance = (r: ComplianceRecord): string | undefined => {
  if (!r.policy) return undefined;
  const f = (v: number | null) => (v === null ? '-' : String(v));
  const p = r.policy;
  return [p.max_attempts, p.per_days, p.rest_after_contact_days, r.attempts_in_window].map(f).join('/');
};

/** The record of an attempt from its stored form; null for an attempt opened before the guardrails. */
export const decodeCompliance = (stored: unknown, opened: boolean): ComplianceRecord | null => {
  if (typeof stored !== 'string') return opened ? NO_POLICY : null;
  const [max, days, rest, n] = stored
    .split('/')
    .map((v) => (v === '-' || v === undefined ? null : Number(v)));
  return {
    suppressed: false,
    policy: { max_attempts: max ?? null, per_days: days ?? null, rest_after_contact_days: rest ?? null },
    attempts_in_window: n ?? null,
  };
};
