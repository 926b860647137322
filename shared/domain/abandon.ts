/**
 * Abandoned calls (our addition; see docs/behaviour.md, "Abandoned calls"): a person who answered and
 * got no agent within the campaign's `abandon_after_ms` hears its `abandon_message` and the call ends
 * with reason `abandoned`; the customer's other campaigns then leave the person alone for a rest.
 */
import type { Action } from './action.ts';

/** How long an answered caller may wait for an agent: regulators allow 2 seconds. */
export const DEFAULT_ABANDON_AFTER_MS = 2000;
/** Below a second the carrier's own latency decides; above a minute nobody is waiting any more. */
export const ABANDON_AFTER_MS_BOUNDS = { min: 1000, max: 60_000 } as const;

/** What an abandon message may do: say, play, pause. Nothing that waits for the person or goes on. */
export const ABANDON_MESSAGE_ACTIONS = ['talk', 'play', 'sleep'] as const;
/** A short message: a greeting, who called, a number to call back. */
export const ABANDON_MESSAGE_MAX_ACTIONS = 5;

/** How long a person whose call was abandoned is left alone by every campaign of the customer. */
export const DEFAULT_REST_AFTER_ABANDON_HOURS = 72;
export const REST_AFTER_ABANDON_HOURS_MAX = 24 * 365;

export const abandonAfterMsOf = (c: { abandon_after_ms?: number | null }) =>
  c.abandon_after_ms ?? DEFAULT_ABANDON_AFTER_MS;

export const abandonMessageOf = (c: { abandon_message?: Action[] | null }): Action[] =>
  c.abandon_message ?? [];

/** When a caller waiting since `waitingSince` is abandoned (epoch ms). */
export const abandonDueMs = (waitingSince: string, abandonAfterMs: number) =>
  Date.parse(waitingSince) + abandonAfterMs;

/**
 * The rest after an abandoned call, in ms, from the customer's policy: 72 h when the policy does not
 * say (or there is none); null or 0: none.
 */
export const restAfterAbandonMs = (hours: number | null | undefined): number | undefined => {
  const h = hours === undefined ? DEFAULT_REST_AFTER_ABANDON_HOURS : hours;
  return h ? h * 3_600_000 : undefined;
};
