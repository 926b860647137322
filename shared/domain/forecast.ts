/**
 * "When will it finish?" (our addition; see docs/behaviour.md, Forecast), pure: from the tries left on
 * each target, the campaign's measured success rate and dialing rate (or, before there is data, priors
 * and the pacing it would get), how many attempts are still expected and when they will be done.
 */

/** Before any data: about a third of attempts reach a person, as in the simulator's default mix. */
export const PRIOR_SUCCESS_RATE = 0.35;
/** Attempts the prior counts as: a few measured attempts move the rate, twenty weigh as much as it. */
const PRIOR_WEIGHT = 20;
/** An unanswered attempt rings this long (capped by the outplan's dial_timeout); a success talks this long. */
export const DEFAULT_RING_MS = 15_000;
export const DEFAULT_TALK_MS = 120_000;
/** Fewest attempts whose pace counts as measured. */
const MIN_MEASURED = 10;

export interface ForecastInput {
  nowMs: number;
  /** Tries left on each target still to be called (idle with tries, or in flight). */
  triesLeft: readonly number[];
  inFlight: number;
  /** The campaign's latest attempts: how many, how many succeeded, and when the first and last started. */
  recent: { attempts: number; succeeded: number; firstMs: number; lastMs: number } | undefined;
  /** Calls the campaign's pacing lets it have going at once now (0: none, e.g. no agent). */
  concurrency: number;
  /**
   * A predictive campaign: the concurrency bounds calls ringing only, so a slot is free again once its
   * call is answered or given up; the people who answer are then as many as its agents (`team`, free
   * or on a call) can talk to, each taking the talk time and the queue's wrap-up.
   */
  predictive?: { team: number; wrapupMs: number };
  outplan: { try_interval: number; dial_timeout: number };
}

export interface Forecast {
  targets_left: number;
  attempts_possible: number;
  attempts_expected: number;
  success_rate: number;
  attempts_per_minute: number;
  basis: 'measured' | 'defaults';
  estimated_finish: number | undefined;
  earliest_finish: number | undefined;
  latest_finish: number | undefined;
}

/** Expected attempts on a target with `r` tries left, each succeeding with probability `p`. */
const expectedAttempts = (r: number, p: number) => (p >= 1 ? Math.min(r, 1) : (1 - (1 - p) ** r) / p);

export const forecast = (f: ForecastInput): Forecast => {
  const left = f.triesLeft.filter((r) => r > 0);
  const measured =
    f.recent !== undefined && f.recent.attempts >= MIN_MEASURED && f.recent.lastMs > f.recent.firstMs;
  const n = f.recent?.attempts ?? 0;
  const p = ((f.recent?.succeeded ?? 0) + PRIOR_SUCCESS_RATE * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT);
  const expected = left.reduce((a, r) => a + expectedAttempts(r, p), 0);
  const possible = left.reduce((a, r) => a + r, 0);
  const ringMs = Math.min(DEFAULT_RING_MS, f.outplan.dial_timeout);
  const attemptMs = ringMs + p * DEFAULT_TALK_MS;
  const perMs =
    measured && f.recent
      ? (f.recent.attempts - 1) / (f.recent.lastMs - f.recent.firstMs)
      : f.predictive
        ? Math.min(
            f.concurrency / ringMs,
            f.predictive.team / (p * (DEFAULT_TALK_MS + Math.max(0, f.predictive.wrapupMs))),
          )
        : f.concurrency / attemptMs;
  const base = {
    targets_left: left.length,
    attempts_possible: possible,
    attempts_expected: Math.round(expected * 10) / 10,
    success_rate: Math.round(p * 1000) / 1000,
    attempts_per_minute: Math.round(perMs * 60_000 * 10) / 10,
    basis: measured ? ('measured' as const) : ('defaults' as const),
  };
  if (left.length === 0 && f.inFlight <= 0)
    return { ...base, estimated_finish: f.nowMs, earliest_finish: f.nowMs, latest_finish: f.nowMs };
  if (perMs <= 0)
    return { ...base, estimated_finish: undefined, earliest_finish: undefined, latest_finish: undefined };
  // Retries wait try_interval after each failed attempt: a list needing more than one round on average
  // takes at least that many intervals, however fast the dialing.
  const retryRounds = left.length ? Math.max(0, expected / left.length - 1) : 0;
  // A measured pace already includes how long attempts last; the defaults add the calls now open.
  const tail = !measured && f.inFlight > 0 ? attemptMs : 0;
  const ms = Math.max(expected / perMs, retryRounds * f.outplan.try_interval) + tail;
  const [low, high] = measured ? [0.8, 1.25] : [0.5, 2];
  return {
    ...base,
    estimated_finish: f.nowMs + ms,
    earliest_finish: f.nowMs + ms * low,
    latest_finish: f.nowMs + ms * high,
  };
};
