/**
 * How a dial job the carrier throttled comes back. Early retries follow the carrier's Retry-After, so
 * a short burst over the CPS budget costs seconds; later ones back off to a minute, so a long backlog
 * does not use up the job's receives and dead-letter it. The attempt waits, counted as in flight.
 */

/** Receives of a dial job before the dial queue dead-letters it (the stack's redrive policy). */
export const DIAL_JOB_MAX_RECEIVES = 20;

const BASE_MS = 1_000;
const CAP_MS = 60_000;

/** Delay before receive number `receiveCount + 1` of a throttled job (`receiveCount` ≥ 1). */
export const throttledRetryDelayMs = (receiveCount: number, retryAfterMs = 0) =>
  Math.min(CAP_MS, Math.max(retryAfterMs, BASE_MS * 2 ** Math.max(0, receiveCount - 1)));

/** The longest a job can keep coming back throttled before it is dead-lettered. */
export const throttledJobHorizonMs = () => {
  let total = 0;
  for (let n = 1; n < DIAL_JOB_MAX_RECEIVES; n++) total += throttledRetryDelayMs(n, CAP_MS);
  return total;
};
