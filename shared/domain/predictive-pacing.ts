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
  /** Agents of the queue in wrap-up. */
  wrapupAgents: number;
  /** The queue's wrap-up time, ms. */
  wrapupMs: number;
  maxConcurrentCalls: number;
  /** The campaign's bound on abandoned / answered by a person, e.g. 0.03. */
  maxAbandonRate: number;
  rates: MeasuredRates;
}

/** Before a campaign has data it is paced from these, weighted as if `weight` attempts had shown them. */
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
   * `engaged`: the measured abandon rate is near the bound, so the campaign dials one call per free
   * agent (progressive) until it falls; `cautious`: a small team, over-dialling held back; `open`.
   */
  governor: Governor;
}

/** Share of the bound at which the governor engages. */
const ENGAGE_AT = 0.8;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const whole = (x: number) => Math.max(0, Math.floor(Number.isFinite(x) ? x : 0));

export const predictivePacing = (p: PredictiveInput): PredictiveDecision => {
  const available = whole(p.availableAgents);
  const busy = whole(p.busyAgents);
  const wrapup = whole(p.wrapupAgents);
  const { rates } = p;
  const answerRate = clamp01(
    (whole(rates.humanAnswered) + PREDICTIVE_PRIOR.answerRate * PREDICTIVE_PRIOR.weight) /
      (whole(rates.ended) + PREDICTIVE_PRIOR.weight),
  );
  const ringMs = Math.max(1, rates.meanRingMs ?? PREDICTIVE_PRIOR.ringMs);
  const talkMs = Math.max(1, rates.meanTalkMs ?? PREDICTIVE_PRIOR.talkMs);
  const wrapupMs = Math.max(0, p.wrapupMs);
  // An agent on a call is free within the ring time with about that share of a call's cycle; one in
  // wrap-up, with that share of the wrap-up.
  const expectedFree =
    available +
    busy * clamp01(ringMs / (talkMs + wrapupMs)) +
    wrapup * (wrapupMs === 0 ? 1 : clamp01(ringMs / wrapupMs));

  const abandonRate = rates.humanAnswered > 0 ? rates.abandoned / rates.humanAnswered : 0;
  const maxAbandon = Math.max(0, p.maxAbandonRate);
  const cap = whole(p.maxConcurrentCalls);
  const progressive = Math.min(cap, available);
  if (maxAbandon === 0 || abandonRate >= ENGAGE_AT * maxAbandon) {
    return { bound: progressive, answerRate, expectedFree, governor: 'engaged' };
  }
  // Over-dial in proportion to the room left under the abandon bound; a small team over-dials half as much.
  const team = available + busy + wrapup;
  const governor: Governor = team < SMALL_TEAM ? 'cautious' : 'open';
  const headroom = clamp01(1 - abandonRate / maxAbandon) * (governor === 'cautious' ? 0.5 : 1);
  const ahead = expectedFree / Math.max(answerRate, 0.01) - available;
  const bound = Math.min(cap, available + whole(Math.max(0, ahead) * headroom));
  return { bound, answerRate, expectedFree, governor };
};
