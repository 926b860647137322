/**
 * A budget of actions per second shared by every process that takes from it (the carrier's calls per
 * second): a caller takes one token per action and acts as soon as `take` grants it.
 */

export type TokenGrant =
  /** The token's time has come: act now. */
  | { granted: true }
  /** No token within the wait the caller accepts; the next one is free in about `retryAfterMs`. */
  | { granted: false; retryAfterMs: number };

export interface RateLimiter {
  /**
   * Reserves the next free token if its time falls within `maxWaitMs`, waits for that time, and grants
   * it; never reserves a later one.
   */
  take(maxWaitMs: number): Promise<TokenGrant>;
}
