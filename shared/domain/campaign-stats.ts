/**
 * A campaign's running totals (Outbound's addition): kept on its runtime shards by the same
 * transactions that open, answer and close attempts, so they are exact and cost no extra write.
 * Cumulative over every run of the campaign.
 */
import type { HangupReason } from './dialing.ts';
import { type HoldReason, skippedOf } from './holds.ts';

export const FAILURE_REASONS = [
  'busy',
  'noanswer',
  'failed',
  'cancel',
  'amd',
  'dialout',
  'timeout',
  'abandoned',
] as const satisfies readonly HangupReason[];

/** Internal attribute holding the count of failed attempts for one reason. */
export const failureCounter = (reason: HangupReason) => `_failed_${reason}`;

export interface CampaignStats {
  campaign_id: string;
  /** Attempts started (claimed). */
  attempts: number;
  /** Attempts open now: ringing or answered. */
  in_flight: number;
  /** Attempts ringing now. */
  ringing: number;
  /** Attempts answered (by a person or machine that the carrier reported as answered). */
  answered: number;
  /** Attempts that reached the person: result `success`. */
  succeeded: number;
  /** Attempts with result `fail`, in total and by hangup reason. */
  failed: number;
  failed_by_reason: Record<(typeof FAILURE_REASONS)[number], number>;
  /**
   * Destinations skipped or held back, counted when it happened: suppressed (at the claim, or by the
   * dialer's last check, which closes the attempt without a call), outside the callee's calling hours,
   * capped by the customer's contact policy.
   */
  skipped: Record<HoldReason, number>;
}

/** The stats from a campaign's counters added up over its shards (absent counters count as 0). */
export const statsOf = (item: Record<string, unknown>): CampaignStats => {
  const n = (k: string) => (typeof item[k] === 'number' ? (item[k] as number) : 0);
  const failed_by_reason = Object.fromEntries(
    FAILURE_REASONS.map((r) => [r, n(failureCounter(r))]),
  ) as CampaignStats['failed_by_reason'];
  return {
    campaign_id: String(item.id),
    attempts: n('_attempts'),
    in_flight: Math.max(0, n('_inflight')),
    ringing: Math.max(0, n('_dialing')),
    answered: n('_answered'),
    succeeded: n('_succeeded'),
    failed: Object.values(failed_by_reason).reduce((a, b) => a + b, 0),
    failed_by_reason,
    skipped: skippedOf(n),
  };
};
