/** Use cases of the customer's contact policy (our addition): read it, replace it, and one person's record. */
import type * as z from 'zod';
import { sameCallingHours } from '#domain/calling-hours.ts';
import { contactLimitsOf, NO_CONTACT_LIMITS, nextAllowedMs } from '#domain/contact-policy.ts';
import { DEFAULT_MAX_ABANDON_RATE } from '#domain/dialing.ts';
import { ValidationFailed } from '#domain/errors.ts';
import { normalisePhoneNumber } from '#domain/phone-number.ts';
import { isInForce } from '#domain/suppression.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { StoredContactPolicy } from '#ports/contact-policy-store.ts';
import type { ContactPolicyInput } from '#schemas/contact-policy.ts';
import type { Deps } from './deps.ts';
import { now } from './owned.ts';
import { presentContactPolicy as show } from './present.ts';

/** The policy in force: the customer's, or no limits at all until one is set. */
export const getContactPolicy = async (deps: Deps, customerId: string) =>
  show(
    (await deps.contactPolicies.get(customerId)) ?? {
      customer_id: customerId,
      ...NO_CONTACT_LIMITS,
      tm_update: null,
    },
  );

export const putContactPolicy = async (
  deps: Deps,
  customerId: string,
  // Callers in code (benches) may leave out fields added later: those take their defaults.
  input: Omit<z.output<typeof ContactPolicyInput>, 'max_abandon_rate_ceiling' | 'rest_after_abandon_hours'> &
    Partial<
      Pick<z.output<typeof ContactPolicyInput>, 'max_abandon_rate_ceiling' | 'rest_after_abandon_hours'>
    >,
) => {
  const at = now(deps);
  // When the hours last changed, kept across PUTs that leave them alone: the tick then looks again at
  // the targets held under the old hours (see wake-held.ts), once per change.
  const previous = await deps.contactPolicies.get(customerId);
  const hoursChangedAt = sameCallingHours(previous?.calling_hours, input.calling_hours)
    ? previous?._hours_changed_at
    : at;
  const policy: StoredContactPolicy = {
    customer_id: customerId,
    max_abandon_rate_ceiling: DEFAULT_MAX_ABANDON_RATE,
    ...input,
    tm_update: at,
    ...(hoursChangedAt ? { _hours_changed_at: hoursChangedAt } : {}),
  };
  await deps.contactPolicies.put(policy);
  return show(policy);
};

/**
 * GET /contacts/{number}: what the guardrails know about one person of the customer, so an operator can
 * answer "why was (or wasn't) this person called?": attempts in the policy's window, the last contact,
 * the suppression and when the person may be called next, and why not now.
 */
export const getContact = async (deps: Deps, customerId: string, written: string) => {
  const n = normalisePhoneNumber(written);
  if (!n.ok)
    throw new ValidationFailed('The request path is not valid', [{ field: 'number', issue: n.issue }]);
  const at = now(deps);
  const nowMs = deps.clock.now();
  const [history, policy] = await Promise.all([
    deps.contactPolicies.contactHistory(customerId, n.e164),
    deps.contactPolicies.get(customerId),
  ]);
  const limits = contactLimitsOf(policy);
  const inForce = history.suppression !== null && isInForce(history.suppression, at);
  const recentMs = history.recent.map((t) => Date.parse(t));
  const contactMs = history.lastContact ? Date.parse(history.lastContact) : undefined;
  const abandonedMs = history.lastAbandoned ? Date.parse(history.lastAbandoned) : undefined;
  const cappedUntil = nextAllowedMs(limits, recentMs, contactMs, nowMs, abandonedMs);
  const abandonRestUntil = nextAllowedMs(
    { ...(limits.abandonRestMs !== undefined ? { abandonRestMs: limits.abandonRestMs } : {}) },
    [],
    undefined,
    nowMs,
    abandonedMs,
  );
  const suppressedUntil = inForce ? history.suppression?.expire_at : undefined;
  const reason = inForce
    ? 'suppressed'
    : cappedUntil !== undefined
      ? // Named by what holds the person longest.
        abandonRestUntil === cappedUntil
        ? 'abandoned_rest'
        : 'capped'
      : history.openAttemptId
        ? 'on_call'
        : null;
  const next =
    suppressedUntil === null
      ? null
      : formatTimestamp(
          Math.max(nowMs, cappedUntil ?? nowMs, suppressedUntil ? Date.parse(suppressedUntil) : nowMs),
        );
  return {
    number: n.e164,
    attempts_in_window: limits.cap
      ? recentMs.filter((t) => t > nowMs - (limits.cap?.windowMs ?? 0)).length
      : null,
    last_contact: history.lastContact,
    last_abandoned: history.lastAbandoned,
    on_call: history.openAttemptId !== null,
    suppression: history.suppression ? { ...history.suppression, in_force: inForce } : null,
    next_allowed_at: next,
    reason,
  } as const;
};
