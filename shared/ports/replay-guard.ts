/**
 * Remembers signed requests already accepted (by a digest of signature, URL and body), so a captured
 * request sent again is refused. A request that failed is forgotten, so the sender's retry gets in.
 */
export interface ReplayGuard {
  /** True the first time `digest` is seen (within the retention); false for a replay. */
  firstSight(digest: string, nowMs: number): Promise<boolean>;
  /** Forgets a digest whose request failed, so its retry is accepted. */
  forget(digest: string): Promise<void>;
}
