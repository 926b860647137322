/**
 * A budget of actions per second shared by every process that takes from it (the carrier's calls per
 * second): a caller takes one token per action and acts only when granted.
 */

export type TokenGrant =
  /** The token is reserved for `waitMs` from now: act no earlier than that. */
  | { granted: true; waitMs: number }
  /** No token within the wait the caller accepts; the next one is free in about `retryAfterMs`. */
  | { granted: false; retryAfterMs: number };

export interface RateLimiter {
  /** Reserves the next free token if it falls within `maxWaitMs` from now; never reserves a later one. */
  take(maxWaitMs: number): Promise<TokenGrant>;
}
