/**
 * Dialing rules of the engine (see docs/behaviour.md: Pacing; Choosing a target and a destination; Retries and dial_info; Hangup reasons and results), pure: which target may be dialled now, on which
 * destination, whether pacing allows another call, and what a hangup means for the attempt and target.
 */
import type { Address } from './address.ts';
import type { CampaigncallResult } from './campaigncall.ts';
import type { OutdialTarget, TargetStatus } from './outdial.ts';
import { DESTINATION_SLOTS, type DestinationSlot, type DialInfo } from './outplan.ts';

export type HangupReason =
  | 'normal'
  | 'busy'
  | 'noanswer'
  | 'failed'
  | 'cancel'
  | 'amd'
  | 'dialout'
  | 'timeout'
  /** Ours, not a provider's: answered, but the caller hung up while waiting for an agent. */
  | 'abandoned'
  /** Ours: the number was suppressed while its dial job waited; no call was placed, no try spent. */
  | 'suppressed';

type TargetSlots = Pick<
  OutdialTarget,
  | 'destination_0'
  | 'destination_1'
  | 'destination_2'
  | 'destination_3'
  | 'destination_4'
  | 'try_count_0'
  | 'try_count_1'
  | 'try_count_2'
  | 'try_count_3'
  | 'try_count_4'
> & {
  /** Slots skipped for good (their number was suppressed): never chosen, whatever their tries. */
  _skip?: ReadonlySet<number>;
};

type Limits = Pick<
  DialInfo,
  'max_try_count_0' | 'max_try_count_1' | 'max_try_count_2' | 'max_try_count_3' | 'max_try_count_4'
>;

export interface DestinationChoice {
  index: DestinationSlot;
  destination: Address;
  /** The attempt number for that destination: try_count_N after the increment. */
  tryCount: number;
}

/**
 * The first slot with a destination and tries left, not skipped; slot 0 is exhausted (or skipped)
 * before slot 1 is tried. `alsoSkip`: a slot to treat as skipped too (one about to be).
 */
export const chooseDestination = (
  target: TargetSlots,
  limits: Limits,
  alsoSkip?: number,
): DestinationChoice | undefined => {
  for (const n of DESTINATION_SLOTS) {
    if (n === alsoSkip || target._skip?.has(n)) continue;
    const destination = target[`destination_${n}`];
    const tries = target[`try_count_${n}`];
    if (destination && tries < limits[`max_try_count_${n}`])
      return { index: n, destination, tryCount: tries + 1 };
  }
  return undefined;
};

/** Never tried, or the retry interval since the end of the last attempt has passed (inclusive). */
export const isDue = (
  target: TargetSlots & { tm_create: string; tm_update: string | null },
  tryIntervalMs: number,
  nowMs: number,
): boolean => {
  const neverTried = DESTINATION_SLOTS.every((n) => target[`try_count_${n}`] === 0);
  if (neverTried || !target.tm_update) return true;
  return Date.parse(target.tm_update) + tryIntervalMs <= nowMs;
};

/** An idle, live target with a destination left, due now. */
export const isDialable = (
  target: TargetSlots & {
    status: TargetStatus;
    tm_create: string;
    tm_update: string | null;
    tm_delete?: unknown;
  },
  plan: Limits & Pick<DialInfo, 'try_interval'>,
  nowMs: number,
): boolean =>
  target.status === 'idle' &&
  (target.tm_delete === undefined || target.tm_delete === null) &&
  chooseDestination(target, plan) !== undefined &&
  isDue(target, plan.try_interval, nowMs);

/** Default cap on concurrent attempts of a campaign without a queue (VoIPBIN has none; our choice). */
export const DEFAULT_MAX_CONCURRENT_CALLS = 10;

/**
 * How a campaign paces its calls (our addition; see docs/behaviour.md, Pacing):
 * - `service_level`: VoIPBIN's rule, the default, so existing clients see no difference;
 * - `progressive`: one ringing call per available agent of the queue, never more;
 * - `agentless`: no queue (answered calls never join one); open attempts under `max_concurrent_calls`;
 * - `predictive`: over-dials from measured rates, under `max_abandon_rate` (predictive-pacing.ts); like
 *   `progressive`, it needs a queue (none: nothing dials, and the diagnosis says why).
 */
export const dialingModes = ['service_level', 'progressive', 'agentless', 'predictive'] as const;
export type DialingMode = (typeof dialingModes)[number];
/** The modes a campaign may be set to today. */
export const availableDialingModes = ['service_level', 'progressive', 'agentless', 'predictive'] as const;
export const DEFAULT_DIALING_MODE = 'service_level' as const;

/** A predictive campaign's bound on abandoned / answered by a person, unless it sets its own. */
export const DEFAULT_MAX_ABANDON_RATE = 0.03;
/** The most a customer's contact policy may let a campaign set max_abandon_rate to. */
export const MAX_ABANDON_RATE_CEILING = 0.1;

/** A stored campaign's max_abandon_rate: campaigns written before it existed have the default. */
export const maxAbandonRateOf = (c: { max_abandon_rate?: number | null }) =>
  c.max_abandon_rate ?? DEFAULT_MAX_ABANDON_RATE;

/** A stored campaign's mode: campaigns written before modes existed pace as they always did. */
export const dialingModeOf = (c: { dialing_mode?: DialingMode | null }): DialingMode =>
  c.dialing_mode ?? DEFAULT_DIALING_MODE;

/** Whether answered calls of a campaign in this mode go to its queue (and agents pace it). */
export const usesQueue = (mode: DialingMode, hasQueue: boolean) => hasQueue && mode !== 'agentless';

export interface PacingInput {
  /** Default `service_level`. */
  mode?: DialingMode;
  hasQueue: boolean;
  /** Available agents serving the queue. */
  availableAgents: number;
  serviceLevel: number;
  /** This campaign's attempts in `dialing` (ringing, unanswered). */
  dialing: number;
  /** All of this campaign's open attempts (dialing + progressing). */
  inFlight: number;
  maxConcurrentCalls: number;
}

/** Which open attempts a campaign's pacing counts, and how many of them it allows at once. */
export interface PacingBound {
  /** `dialing`: ringing attempts (with a queue); `inflight`: every open attempt (without one). */
  counter: 'dialing' | 'inflight';
  bound: number;
}

/**
 * The pacing bound of a campaign's mode. `service_level` is VoIPBIN's rule exactly (see
 * docs/behaviour.md, Pacing): with a queue, dial while floor(available agents × service level / 100)
 * exceeds the attempts ringing; without one, while open attempts are under the concurrency cap.
 * `progressive` lets ring at most one call per available agent (none without a queue: there is
 * nobody to give an answered call to); `agentless` counts open attempts against the cap. The bound is
 * checked again inside every claim, so overlapping ticks can never pass it together.
 */
export const pacingBound = (p: Omit<PacingInput, 'dialing' | 'inFlight'>): PacingBound => {
  const mode = p.mode ?? DEFAULT_DIALING_MODE;
  const agents = Math.max(0, Math.floor(p.availableAgents));
  if (mode === 'progressive') return { counter: 'dialing', bound: p.hasQueue ? agents : 0 };
  // The tick paces a predictive campaign with a queue by predictivePacing; without one, nothing rings.
  if (mode === 'predictive' && !p.hasQueue) return { counter: 'dialing', bound: 0 };
  if (usesQueue(mode, p.hasQueue))
    return { counter: 'dialing', bound: Math.floor((agents * p.serviceLevel) / 100) };
  return { counter: 'inflight', bound: p.maxConcurrentCalls };
};

/** How many calls may start now under the campaign's pacing. */
export const callsAllowed = (p: PacingInput): number => {
  const { counter, bound } = pacingBound(p);
  return Math.max(0, bound - (counter === 'dialing' ? p.dialing : p.inFlight));
};

/** Only a normal hangup after answer is a success. */
export const resultOf = (reason: HangupReason): Exclude<CampaigncallResult, ''> =>
  reason === 'normal' ? 'success' : 'fail';

/** A success finishes the target; anything else returns it to idle for a retry. */
export const targetStatusAfter = (result: Exclude<CampaigncallResult, ''>): TargetStatus =>
  result === 'success' ? 'done' : 'idle';
