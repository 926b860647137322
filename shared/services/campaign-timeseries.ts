/** Use case: a campaign's calls per minute over a range, every minute present (quiet ones as zeros). */
import {
  type CallMinute,
  DEFAULT_MINUTES,
  MAX_MINUTES_PER_REQUEST,
  minuteStartOf,
  minutesBetween,
} from '#domain/call-timeseries.ts';
import { ValidationFailed } from '#domain/errors.ts';
import { canonicalTimestamp, formatTimestamp } from '#domain/time.ts';
import type { Deps } from './deps.ts';
import { loadOwned } from './owned.ts';

const MINUTE_MS = 60_000;

const minuteOfQuery = (field: 'from' | 'to', value: string | undefined) => {
  if (value === undefined) return undefined;
  const canonical = canonicalTimestamp(value);
  const ms = canonical === undefined ? undefined : minuteStartOf(canonical);
  if (ms === undefined) {
    throw new ValidationFailed(`${field} is not a timestamp`, [
      { field, issue: 'expected a timestamp like 2026-01-15T09:30:00.000000Z' },
    ]);
  }
  return ms;
};

export const getCampaignTimeseries = async (
  deps: Deps,
  customerId: string,
  id: string,
  query: { from?: string | undefined; to?: string | undefined },
) => {
  const campaign = await loadOwned(deps, 'campaign', customerId, id);
  const to = minuteOfQuery('to', query.to) ?? (minuteStartOf(formatTimestamp(deps.clock.now())) as number);
  const from = minuteOfQuery('from', query.from) ?? to - (DEFAULT_MINUTES - 1) * MINUTE_MS;
  if (from > to) throw new ValidationFailed('from is after to', [{ field: 'from', issue: 'after to' }]);
  if ((to - from) / MINUTE_MS + 1 > MAX_MINUTES_PER_REQUEST) {
    throw new ValidationFailed(`At most ${MAX_MINUTES_PER_REQUEST} minutes at once`, [
      { field: 'from', issue: `more than ${MAX_MINUTES_PER_REQUEST} minutes before to` },
    ]);
  }
  const kept = new Map((await deps.timeseries.minutes(campaign.id, from, to)).map((m) => [m.minute, m]));
  const minutes = minutesBetween(from, to).map((ms): CallMinute => {
    const minute = formatTimestamp(ms);
    return (
      kept.get(minute) ?? { minute, dialed: 0, answered: 0, succeeded: 0, failed: 0, failed_by_reason: {} }
    );
  });
  return { campaign_id: campaign.id, from: formatTimestamp(from), to: formatTimestamp(to), minutes };
};
