/**
 * A customer's contact policy (our addition): limits that hold for every campaign and list of the
 * customer, per person (normalised number). Stored and validated here; the engine enforces them in
 * the claim (see docs/behaviour.md, "Contact policy").
 */
import { DEFAULT_REST_AFTER_ABANDON_HOURS, restAfterAbandonMs } from './abandon.ts';
import type { CallingHours } from './calling-hours.ts';

export interface ContactPolicy {
  /** Most attempts to one person within `per_days` days, across all campaigns; null: no cap. */
  max_attempts: number | null;
  /** The window of `max_attempts`, in days. */
  per_days: number | null;
  /** Days without an attempt after one that reached the person; null: none. */
  rest_after_contact_days: number | null;
  /** Hours every campaign of the customer stays within (a campaign's own hours narrow them); null: any. */
  calling_hours: CallingHours | null;
  /** The most a predictive campaign's max_abandon_rate may be; absent: DEFAULT_MAX_ABANDON_RATE. */
  max_abandon_rate_ceiling?: number;
  /**
   * Hours without an attempt after a call to the person was abandoned; null or 0: none. Absent on
   * policies set before it existed: the default.
   */
  rest_after_abandon_hours?: number | null;
}

/** Until a customer sets a policy: no limits, as before policies existed. */
export const NO_CONTACT_LIMITS: ContactPolicy = {
  max_attempts: null,
  per_days: null,
  rest_after_contact_days: null,
  calling_hours: null,
  rest_after_abandon_hours: DEFAULT_REST_AFTER_ABANDON_HOURS,
};

const DAY_MS = 86_400_000;

/** What the claim enforces of a policy, in milliseconds; absent parts are not enforced. */
export interface ContactLimits {
  /** No attempt this long after one that reached the person. */
  restMs?: number;
  /** At most `max` attempts to the person within any `windowMs`. */
  cap?: { max: number; windowMs: number };
  /** No attempt this long after a call to the person was abandoned (on by default, without a policy too). */
  abandonRestMs?: number;
}

export const contactLimitsOf = (p: ContactPolicy | undefined): ContactLimits => {
  const abandonRestMs = restAfterAbandonMs(p?.rest_after_abandon_hours);
  return {
    ...policyLimitsOf(p),
    ...(abandonRestMs !== undefined ? { abandonRestMs } : {}),
  };
};

const policyLimitsOf = (p: ContactPolicy | undefined): ContactLimits => ({
  ...(p?.rest_after_contact_days ? { restMs: p.rest_after_contact_days * DAY_MS } : {}),
  ...(p?.max_attempts !== null && p?.max_attempts !== undefined && p.per_days
    ? { cap: { max: p.max_attempts, windowMs: p.per_days * DAY_MS } }
    : {}),
});

/** Whether the claim has anything of the policy to enforce. */
export const limitsAnything = (l: ContactLimits) =>
  l.restMs !== undefined || l.cap !== undefined || l.abandonRestMs !== undefined;

/**
 * The earliest time at which the person may be called again, under the cap and the rest, given the
 * attempt times within the window and the last contact; undefined when allowed at `nowMs`.
 */
export const nextAllowedMs = (
  limits: ContactLimits,
  recentMs: readonly number[],
  contactMs: number | undefined,
  nowMs: number,
  /** The end of the last call to the person that was abandoned. */
  abandonedMs?: number,
): number | undefined => {
  let until = nowMs;
  if (limits.abandonRestMs !== undefined && abandonedMs !== undefined)
    until = Math.max(until, abandonedMs + limits.abandonRestMs);
  if (limits.restMs !== undefined && contactMs !== undefined)
    until = Math.max(until, contactMs + limits.restMs);
  if (limits.cap) {
    // Sorted: a count moved to its call's placement (countAtPlacement) may land a moment after a later
    // claim's.
    const inWindow = recentMs.filter((t) => t > nowMs - limits.cap!.windowMs).sort((a, b) => a - b);
    if (inWindow.length >= limits.cap.max) {
      const oldestCounted = inWindow[inWindow.length - limits.cap.max] ?? nowMs;
      until = Math.max(until, oldestCounted + limits.cap.windowMs);
    }
  }
  return until > nowMs ? until : undefined;
};
