/** Time is a port so tests can pin it (equal timestamps, retry intervals) without sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
