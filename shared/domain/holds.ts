/**
 * Why a destination was not dialled when its turn came (our addition): suppressed, outside the callee's
 * calling hours, or capped by the customer's contact policy. A held target shows it on GET as `hold`,
 * and the campaign's stats count each such skip once, when it happens (`skipped`).
 */
import { localTimestamp } from './calling-hours.ts';

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
 * What the calling-hours check saw of the called person, when a window in the callee's time was in
 * force: the zones the destination was checked in (the target's own zone, else its number's) and the
 * local time there. A number that could be in many zones (a NANP toll-free number has every zone of the
 * plan) keeps only the first few, with their count, so the attempt stays small.
 */
export interface CalleeFacts {
  /** The first CALLEE_ZONES_KEPT zones checked (all of them when fewer). */
  zones: string[];
  /** How many zones were checked; 0: none known (such a number is never called under callee hours). */
  zone_count: number;
  /**
   * The person's local date and time with its offset (`2026-12-07T09:05-05:00`), only when a single zone
   * was checked: with several, no one local time is the person's (each zone's window was open).
   */
  local_time: string | null;
}

/** How many of a destination's zones its attempt records. */
export const CALLEE_ZONES_KEPT = 3;

/** The callee facts of a destination checked in `zones` at `atMs`. */
export const calleeFactsOf = (zones: readonly string[], atMs: number): CalleeFacts => ({
  zones: zones.slice(0, CALLEE_ZONES_KEPT),
  zone_count: zones.length,
  local_time: zones.length === 1 ? localTimestamp(zones[0] as string, atMs) : null,
});

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
  /** What the calling-hours check saw of the person; null: no window in the callee's time was in force. */
  callee: CalleeFacts | null;
}

const NO_POLICY: ComplianceRecord = {
  suppressed: false,
  policy: null,
  attempts_in_window: null,
  callee: null,
};

/** The record the tick starts an attempt with: what its calling-hours check saw (the claim adds its own). */
export const calleeRecord = (callee: CalleeFacts): ComplianceRecord => ({ ...NO_POLICY, callee });

/**
 * The record as stored: nothing without a policy and callee facts (the claim's suppression check
 * always passed), else one short string, since the attempt item must stay under 1 KB (a map of field
 * names took some attempts over it, which doubled their writes): the policy as
 * `max/per_days/rest/attempts` (`-` for null; empty without a policy), then, with callee facts,
 * `|zone,zone;count;local_time`.
 */
export const encodeCompliance = (r: ComplianceRecord): string | undefined => {
  if (!r.policy && !r.callee) return undefined;
  const f = (v: number | null) => (v === null ? '-' : String(v));
  const p = r.policy;
  const policy = p
    ? [p.max_attempts, p.per_days, p.rest_after_contact_days, r.attempts_in_window].map(f).join('/')
    : '';
  const c = r.callee;
  return c ? `${policy}|${c.zones.join(',')};${c.zone_count};${c.local_time ?? ''}` : policy;
};

const decodeCallee = (stored: string | undefined): CalleeFacts | null => {
  if (stored === undefined) return null;
  const [zones = '', count = '0', local = ''] = stored.split(';');
  return { zones: zones ? zones.split(',') : [], zone_count: Number(count), local_time: local || null };
};

/** The record of an attempt from its stored form; null for an attempt opened before the guardrails. */
export const decodeCompliance = (stored: unknown, opened: boolean): ComplianceRecord | null => {
  if (typeof stored !== 'string') return opened ? NO_POLICY : null;
  const [policy = '', callee] = stored.split('|');
  if (!policy) return { ...NO_POLICY, callee: decodeCallee(callee) };
  const [max, days, rest, n] = policy
    .split('/')
    .map((v) => (v === '-' || v === undefined ? null : Number(v)));
  return {
    suppressed: false,
    policy: { max_attempts: max ?? null, per_days: days ?? null, rest_after_contact_days: rest ?? null },
    attempts_in_window: n ?? null,
    callee: decodeCallee(callee),
  };
};
