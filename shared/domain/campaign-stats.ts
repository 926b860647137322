/**
 * A campaign's running totals (Outbound's addition): kept on its runtime shards by the same
 * transactions that open, answer and close attempts, so they are exact and cost no extra write.
 * Cumulative over every run of the campaign.
 */
import type { HangupReason } from './dialing.ts';

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

/** Why a destination was held back rather than dialled (see target-hold.ts). */
export const SKIP_REASONS = ['suppressed', 'outside_hours', 'capped'] as const;

/** Internal attribute holding the count of destinations held back for one reason. */
export const skipCounter = (reason: (typeof SKIP_REASONS)[number]) => `_skipped_${reason}`;

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
  /** Destinations held back instead of dialled, counted once each time one is held. */
  skipped: Record<(typeof SKIP_REASONS)[number], number>;
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
    skipped: Object.fromEntries(SKIP_REASONS.map((r) => [r, n(skipCounter(r))])) as CampaignStats['skipped'],
  };
};
