/**
 * Predictive pacing (our addition; see docs/behaviour.md, Pacing): how many calls of a campaign may
 * ring at once so that agents about to become free find a caller waiting, while the share of people
 * who answer and get no agent in time (abandoned) stays under the campaign's `max_abandon_rate`.
 * Pure: the tick feeds it the agents' states and the campaign's measured rates, and puts the bound it
 * returns into every claim, as it does for the other modes.
 */

/** What a campaign measured over its recent attempts (a rolling window kept by the engine). */
export interface MeasuredRates {
  /** Attempts that ended (any outcome) in the window. */
  ended: number;
  /** Of those, answered by a person (not a machine). */
  humanAnswered: number;
  /** Of those answered by a person, abandoned: no agent within abandon_after_ms. */
  abandoned: number;
  /** Mean time from placing a call to its answer or give-up, ms; absent before there is data. */
  meanRingMs?: number;
  /** Mean talk time of calls an agent took, ms; absent before there is data. */
  meanTalkMs?: number;
}

export interface PredictiveInput {
  /** Agents of the queue free now. */
  availableAgents: number;
  /** Agents of the queue on a call. */
  busyAgents: number;
  /**
   * Optional: for each agent on a call, ms since it became busy (took its call). When given, each of
   * those agents counts by the chance that its call, already this long, ends within the ring time;
   * agents beyond the list's length (or all, without it) count by the average chance.
   */
  busyElapsedMs?: readonly number[];
  /** Agents of the queue in wrap-up. */
  wrapupAgents: number;
  /** The queue's wrap-up time, ms. */
  wrapupMs: number;
  /** People who answered and wait in line for an agent now: the next free agents are theirs. */
  waitingCallers?: number;
  /**
   * Optional, with `ringTimeoutMs`: for each call of the campaign ringing now, ms since it was placed
   * (all of them: the bound is then these plus the new calls the timed balance allows). A call that
   * has rung most of the timeout is likely one nobody answers, so each counts by its own chance
   * (`answersWithin`); one past the timeout (its placement held back, or its end not in yet) counts as
   * just placed. Without them, every ringing call counts by the answer rate, as a fresh one.
   */
  ringingAgesMs?: readonly number[];
  /** Optional: the outplan's dial_timeout, ms: a call nobody answered by then rings no more. */
  ringTimeoutMs?: number;
  maxConcurrentCalls: number;
  /** The campaign's bound on abandoned / answered by a person, e.g. 0.03. */
  maxAbandonRate: number;
  rates: MeasuredRates;
}

/**
 * Before a campaign has data it is paced from these, weighted as if `weight` attempts had shown them.
 * The answer rate used is never below the upper confidence bound of what was measured, so with no
 * data at all the campaign dials progressively and over-dials only as far as its measurements allow.
 */
export const PREDICTIVE_PRIOR = {
  answerRate: 0.3,
  weight: 30,
  ringMs: 20_000,
  talkMs: 120_000,
} as const;

/** Teams this small are paced cautiously: one abandoned call is a large share of few answers. */
export const SMALL_TEAM = 5;

export type Governor = 'open' | 'cautious' | 'engaged';

export interface PredictiveDecision {
  /** Calls that may ring at once. */
  bound: number;
  /** The answer probability the bound was computed from (measured, blended with the prior). */
  answerRate: number;
  /** Agents expected to be free by the time a call placed now is answered. */
  expectedFree: number;
  /**
   * `engaged`: the measured abandon rate is at `ENGAGE_AT` of the bound or over, so the campaign dials
   * one call per free agent (progressive) until it falls; `cautious`: a small team, over-dialling held
   * back (twice the safety margin); `open`.
   */
  governor: Governor;
}

/** Share of the bound at which the governor engages: past it, the campaign dials progressively. */
export const ENGAGE_AT = 0.9;

/**
 * Safety margin, in standard deviations of the agents-free-minus-answers balance over the ring time.
 * Tuned on `npm run bench:pacing` (bench/pacing-sim.ts): 1.2 keeps every run of the bench's grid
 * under a 3 % abandon rate across seeds; 1.0–1.1 let 100 agents at 20 % answer reach it.
 */
const MARGIN_SIGMAS = 1.2;
/** How much the margin grows as the measured abandon rate nears the engage point (×1.5 there). */
const GOVERNOR_GAIN = 0.5;
/**
 * The timed balance (with the ringing calls' ages): its margin in standard deviations, scaled by the
 * governor from GOVERNOR_FLOOR (nothing abandoned over many answers) up by GOVERNOR_SLOPE × the
 * abandon rate's upper bound (Wilson's, z = ABANDON_Z) / the engage point: ×1.6 there. An upper bound,
 * not the rate, so a campaign with few answers (a small team, the first minutes) is not taken for a
 * safe one because it has not abandoned anyone yet. Tuned on `npm run bench:pacing`.
 */
const TIMED_MARGIN_SIGMAS = 1.2;
const GOVERNOR_FLOOR = 0.6;
const GOVERNOR_SLOPE = 1;
const ABANDON_Z = 1;
/** Points of the ring timeout at which the timed balance is checked. */
const TIMED_STEPS = 15;
/** z of the upper confidence bound on the answer rate (Wilson's interval). */
const ANSWER_RATE_Z = 3;
/**
 * How far talk times are assumed to spread around the measured mean when an agent's elapsed time is
 * known: uniform over mean × [1 − TALK_SPREAD, 1 + TALK_SPREAD]. Only the mean is measured; ±50 % is
 * wider than most campaigns' middle half of calls, so a call is taken to be about to end later rather
 * than sooner than it is.
 */
export const TALK_SPREAD = 0.5;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * The chance that an agent `elapsedMs` into a call is free again (talk ended, wrap-up done) within
 * `horizonMs`, talk uniform over [lo, hi]: the call ends within horizon − wrap-up, given that it has
 * not ended yet. Never lower for a longer elapsed time (a uniform talk time's hazard only rises); a
 * call past `hi` counts as ending now.
 */
export const freesWithin = (
  elapsedMs: number,
  horizonMs: number,
  talkMs: number,
  wrapupMs: number,
): number => {
  const e = Number.isFinite(elapsedMs) ? Math.max(0, elapsedMs) : 0;
  const left = horizonMs - wrapupMs;
  if (left <= 0) return 0;
  const lo = talkMs * (1 - TALK_SPREAD);
  const hi = talkMs * (1 + TALK_SPREAD);
  if (e >= hi) return 1;
  const from = Math.max(e, lo);
  return clamp01((e + left - from) / (hi - from));
};
/**
 * The chance that a call ringing `ageMs` after it was placed is answered by a person within the next
 * `withinMs`, `answerRate` being a fresh call's chance of being answered at all. Answers are taken as
 * coming evenly over the ring timeout; calls nobody answers ring until it, and their share follows
 * from the measured mean ring time (mean = timeout × (share + (1 − share) / 2)). A call past the
 * timeout counts as just placed (see `ringingAgesMs`). The chance of an answer at all (`withinMs` ≥ the
 * timeout) never rises with the age, from `answerRate` at 0.
 */
export const answersWithin = (
  ageMs: number,
  withinMs: number,
  answerRate: number,
  meanRingMs: number,
  timeoutMs: number,
): number => {
  const r = clamp01(answerRate);
  if (!(timeoutMs > 0)) return r;
  const a = Number.isFinite(ageMs) && ageMs > 0 && ageMs < timeoutMs ? ageMs : 0;
  const t = Math.max(0, Math.min(Number.isFinite(withinMs) ? withinMs : 0, timeoutMs - a));
  const unanswered = Math.min(1 - r, clamp01((2 * meanRingMs) / timeoutMs - 1));
  const stillRinging = (1 - unanswered) * (1 - a / timeoutMs) + unanswered;
  return stillRinging > 0 ? clamp01((r * t) / timeoutMs / stillRinging) : 0;
};

interface TimedBalance {
  available: number;
  busyElapsedMs: readonly number[];
  /** Busy agents whose time on the call is unknown, already weighed by the calls seen ending. */
  unknownBusy: number;
  wrapup: number;
  wrapupMs: number;
  talkMs: number;
  waiting: number;
  ringingAgesMs: readonly number[];
  answerRate: number;
  meanRingMs: number;
  timeoutMs: number;
  sigmas: number;
}

/**
 * New calls that may start now so that at each point t of the next ring timeout the people expected
 * to have answered by t (those waiting now, the ringing calls' by their age, the new calls') stay
 * below the agents expected to be free by t, by `sigmas` standard deviations of the difference. An
 * abandon happens when answers run ahead of agents at any moment, not only at the end of a ring time,
 * so every point counts; the new calls' answers are spread over the timeout. Agents in wrap-up are
 * taken as spread evenly through it. The agents' variance is the average chance's (as a count), so a
 * longer call never lowers the bound.
 */
const newCallsOverTime = (b: TimedBalance): number => {
  const T = b.timeoutMs;
  const cycle = b.talkMs + b.wrapupMs;
  const zz = b.sigmas * b.sigmas;
  let fewest = Number.POSITIVE_INFINITY;
  for (let step = 1; step <= TIMED_STEPS; step++) {
    const t = (T * step) / TIMED_STEPS;
    const average = clamp01(t / cycle);
    const fromWrapup = b.wrapupMs === 0 ? 1 : clamp01(t / b.wrapupMs);
    let free = b.available + b.unknownBusy * average + b.wrapup * fromWrapup - b.waiting;
    for (const e of b.busyElapsedMs) free += freesWithin(e, t, b.talkMs, b.wrapupMs);
    let variance =
      (b.busyElapsedMs.length + b.unknownBusy) * average + b.wrapup * fromWrapup * (1 - fromWrapup);
    let answers = 0;
    for (const age of b.ringingAgesMs) {
      const q = answersWithin(age, t, b.answerRate, b.meanRingMs, T);
      answers += q;
      variance += q * (1 - q);
    }
    // Largest n with d − n·g ≥ z·√(variance + n·g(1 − g)), g a new call's chance of an answer by t.
    const d = free - answers;
    // Already short at t whatever is dialled now (agents about to free are in wrap-up, say): no new
    // call. Skipping such points instead was tried; it lets answers pile up past the bound.
    if (d <= 0 || d * d < zz * variance) return 0;
    const g = (b.answerRate * t) / T;
    const k = 2 * d * g + zz * g * (1 - g);
    const n = (k - Math.sqrt(Math.max(0, k * k - 4 * g * g * (d * d - zz * variance)))) / (2 * g * g);
    fewest = Math.min(fewest, n);
  }
  return whole(fewest);
};

const whole = (x: number) => Math.max(0, Math.floor(Number.isFinite(x) ? x : 0));
const positive = (x: number | undefined, fallback: number) =>
  x !== undefined && Number.isFinite(x) && x > 0 ? x : fallback;

/** Wilson's upper bound on a proportion of `hits` in `n`; 1 with no observation at all. */
const upperBound = (hits: number, n: number, z: number) => {
  if (n === 0) return 1;
  const zz = z * z;
  return (hits + zz / 2 + z * Math.sqrt((hits * (n - hits)) / n + zz / 4)) / (n + zz);
};

/**
 * The bound, from a balance over the ring time (the time a call placed now takes to be answered or
 * given up): agents free now plus agents expected to free within it must cover the people expected
 * to answer the calls ringing, less a safety margin that grows with the randomness of both (a square
 * root of their variance, so a large team over-dials proportionally more than a small one).
 * - An agent on a call frees within the ring time with probability ring / (talk + wrap-up) (a call
 *   caught at a random point of its cycle); one in wrap-up, with ring / wrap-up. Busy agents count only
 *   as far as the window has seen calls end: after a start (all agents took a call at once) nobody
 *   is about to be free, whatever the average says.
 * - When the tick knows how long each busy agent has been on its call (`busyElapsedMs`), that agent
 *   counts by `freesWithin` instead: its own call, not an average one. The margin stays the average's,
 *   so a longer call never lowers the bound.
 * - The window counts a person's answer when the call ends, so the calls agents are on (and the people
 *   waiting) are counted as answered too; otherwise the first minutes, when only unanswered calls
 *   have ended, would look like a campaign nobody answers.
 * - Governor: the margin grows with the measured abandon rate; at ENGAGE_AT of the bound the campaign
 *   dials progressively until the rate falls. The bound never drops below the progressive one (one
 *   call per free agent) and never exceeds `max_concurrent_calls`.
 * - With the ringing calls' ages and the ring timeout (as the engine's tick gives them), the balance is
 *   the timed one instead (`newCallsOverTime`: checked at every point of the timeout, each ringing
 *   call by its own chance, the margin scaled by the abandon rate's upper bound); `expectedFree` is
 *   still the one over the ring time, for the diagnosis.
 */
export const predictivePacing = (p: PredictiveInput): PredictiveDecision => {
  const available = whole(p.availableAgents);
  const busy = whole(p.busyAgents);
  const wrapup = whole(p.wrapupAgents);
  const waiting = whole(p.waitingCallers ?? 0);
  const { rates } = p;
  const ended = whole(rates.ended);
  const humanAnswered = Math.min(ended, whole(rates.humanAnswered));
  const abandoned = Math.min(humanAnswered, whole(rates.abandoned));

  const unended = busy + waiting;
  const blended =
    (humanAnswered + unended + PREDICTIVE_PRIOR.answerRate * PREDICTIVE_PRIOR.weight) /
    (ended + unended + PREDICTIVE_PRIOR.weight);
  const answerRate = clamp01(
    Math.max(blended, upperBound(humanAnswered + unended, ended + unended, ANSWER_RATE_Z)),
  );

  const ringMs = positive(rates.meanRingMs, PREDICTIVE_PRIOR.ringMs);
  const talkMs = positive(rates.meanTalkMs, PREDICTIVE_PRIOR.talkMs);
  const wrapupMs = Number.isFinite(p.wrapupMs) ? Math.max(0, p.wrapupMs) : 0;
  const team = available + busy + wrapup;
  const seenCycling = clamp01((humanAnswered - abandoned) / Math.max(1, team));
  const known = (p.busyElapsedMs ?? []).slice(0, busy);
  const averageChance = clamp01(ringMs / (talkMs + wrapupMs));
  const fromWrapup = wrapup * (wrapupMs === 0 ? 1 : clamp01(ringMs / wrapupMs));
  const fromUnknown = (busy - known.length) * averageChance * seenCycling;
  const soon =
    known.reduce((sum, e) => sum + freesWithin(e, ringMs, talkMs, wrapupMs), 0) + fromUnknown + fromWrapup;
  const expectedFree = available + soon;
  // The margin is the one the average chance gives, whatever the elapsed times: knowing who is near
  // the end moves the agents expected free, never the margin, so a longer elapsed time never lowers
  // the bound.
  const soonForMargin = known.length * averageChance + fromUnknown + fromWrapup;

  const abandonRate = humanAnswered > 0 ? abandoned / humanAnswered : 0;
  const maxAbandon = Number.isFinite(p.maxAbandonRate) ? Math.max(0, p.maxAbandonRate) : 0;
  const cap = whole(p.maxConcurrentCalls);
  const progressive = Math.min(cap, available);
  if (maxAbandon === 0 || abandonRate >= ENGAGE_AT * maxAbandon) {
    return { bound: progressive, answerRate, expectedFree, governor: 'engaged' };
  }
  const governor: Governor = team < SMALL_TEAM ? 'cautious' : 'open';
  const margin =
    MARGIN_SIGMAS *
    Math.sqrt(soonForMargin + (available + soonForMargin) * (1 - answerRate)) *
    (1 + (GOVERNOR_GAIN * abandonRate) / (ENGAGE_AT * maxAbandon)) *
    (governor === 'cautious' ? 2 : 1);
  const rate = Math.max(answerRate, 0.02);
  const timeoutMs = p.ringTimeoutMs !== undefined && Number.isFinite(p.ringTimeoutMs) ? p.ringTimeoutMs : 0;
  const ahead =
    timeoutMs > 0 && p.ringingAgesMs !== undefined
      ? p.ringingAgesMs.length +
        newCallsOverTime({
          available,
          busyElapsedMs: known,
          unknownBusy: (busy - known.length) * seenCycling,
          wrapup,
          wrapupMs,
          talkMs,
          waiting,
          ringingAgesMs: p.ringingAgesMs,
          answerRate: rate,
          meanRingMs: ringMs,
          timeoutMs,
          sigmas:
            TIMED_MARGIN_SIGMAS *
            (GOVERNOR_FLOOR +
              (GOVERNOR_SLOPE * upperBound(abandoned, humanAnswered, ABANDON_Z)) / (ENGAGE_AT * maxAbandon)) *
            (governor === 'cautious' ? 2 : 1),
        })
      : whole((expectedFree - waiting - margin) / rate);
  return { bound: Math.min(cap, Math.max(progressive, ahead)), answerRate, expectedFree, governor };
};
