/**
 * What the console's campaign pages and `outbound watch` show, from the API's answers: progress over
 * the list, rates, calls per minute between two stats readings, and why a campaign is not dialing.
 * No DOM and no Node API.
 */
import { withinCallingHours } from '#domain/calling-hours.ts';
import { isNil } from '#domain/ids.ts';
import type { Campaign, CampaignStats } from './resources.ts';

/** A campaign's list by target state, as its stats show it (kept by the API; null: not counted yet). */
export type TargetCounts = NonNullable<CampaignStats['targets']>;

/** How far a campaign's list is: targets done (reached or out of tries) of all its live targets. */
export const progressOf = (t: TargetCounts | null | undefined) => {
  if (!t || t.total === 0) return { finished: 0, total: t?.total ?? 0, percent: 0 };
  const finished = Math.min(t.done, t.total);
  return { finished, total: t.total, percent: Math.floor((finished * 100) / t.total) };
};

/** The states besides done, in words, for the text beside a progress bar (never colour alone). */
export const stateParts = (t: TargetCounts | null | undefined) =>
  t
    ? [
        { key: 'in_flight', label: 'in flight', n: t.in_flight },
        { key: 'waiting_retry', label: 'waiting for a retry', n: t.waiting_retry },
        { key: 'idle', label: 'not tried yet', n: t.idle },
        { key: 'held', label: 'held', n: t.held },
      ]
    : [];

/** "12 in flight · 40 waiting for a retry · …", leaving out states with none. */
export const stateSummary = (t: TargetCounts | null | undefined) =>
  stateParts(t)
    .filter((p) => p.n > 0)
    .map((p) => `${p.n.toLocaleString('en-US')} ${p.label}`)
    .join(' · ');

/** Shares of the attempts started: answered, and succeeded (a normal hangup after answer). */
export const ratesOf = (s: CampaignStats | undefined) => {
  const attempts = s?.attempts ?? 0;
  const closed = (s?.succeeded ?? 0) + (s?.failed ?? 0);
  return {
    answerRate: attempts ? (s?.answered ?? 0) / attempts : undefined,
    successRate: closed ? (s?.succeeded ?? 0) / closed : undefined,
  };
};

export const percent = (share: number | undefined) =>
  share === undefined ? '–' : `${Math.round(share * 100)} %`;

export interface StatsSample {
  at: number;
  attempts: number;
  succeeded: number;
  failed: number;
}

export interface MinutePoint {
  at: number;
  /** Calls started, succeeded and failed per minute, over the interval ending at `at`. */
  started: number;
  succeeded: number;
  failed: number;
}

/**
 * Per-minute rates from successive stats readings (the stats are running totals), over steps of
 * `stepMs` so that readings taken close together (a refresh right after an action) do not show as
 * spikes. Computed by the client until the engine keeps per-minute buckets of its own; a reload
 * starts the series afresh.
 */
export const perMinute = (samples: StatsSample[], stepMs = 15_000): MinutePoint[] => {
  const out: MinutePoint[] = [];
  let from = samples[0];
  for (const s of samples) {
    if (!from || s.at - from.at < stepMs) continue;
    const base = from;
    const perMin = 60_000 / (s.at - base.at);
    const rate = (key: 'attempts' | 'succeeded' | 'failed') => Math.max(0, s[key] - base[key]) * perMin;
    out.push({ at: s.at, started: rate('attempts'), succeeded: rate('succeeded'), failed: rate('failed') });
    from = s;
  }
  return out;
};

/** Keeps the samples of the last `windowMs`, appending one reading. */
export const addSample = (samples: StatsSample[], s: CampaignStats, at: number, windowMs = 15 * 60_000) => [
  ...samples.filter((x) => x.at >= at - windowMs),
  { at, attempts: s.attempts, succeeded: s.succeeded, failed: s.failed },
];

/**
 * Why a campaign places no calls now, in plain words, from what the API shows (there is no diagnosis
 * endpoint yet). Empty when nothing is in the way.
 */
export const notDialingReasons = (
  c: Campaign,
  s: CampaignStats | undefined,
  targets: TargetCounts | null | undefined,
  nowMs: number,
  availableAgents?: number,
): string[] => {
  const out: string[] = [];
  if (c.status === 'stop') out.push('The campaign is stopped.');
  if (c.status === 'stopping')
    out.push('The campaign is stopping: calls in flight finish, no new ones start.');
  if (isNil(c.outplan_id)) out.push('It has no outplan (how to dial).');
  if (isNil(c.outdial_id)) out.push('It has no list (outdial).');
  if (c.calling_hours && !withinCallingHours(c.calling_hours, nowMs)) {
    out.push(
      `Outside its calling hours (${c.calling_hours.start}–${c.calling_hours.end}, ${c.calling_hours.timezone}).`,
    );
  }
  if (targets && targets.total === 0) out.push('Its list has no targets.');
  else if (targets && targets.done >= targets.total)
    out.push('Every target is finished: reached or out of tries.');
  else if (
    targets &&
    targets.idle === 0 &&
    targets.in_flight === 0 &&
    targets.held === targets.total - targets.done
  )
    out.push('Every target left is held (suppressed, outside its calling hours or capped).');
  if (!isNil(c.queue_id) && availableAgents === 0) out.push('No agent of its queue is available.');
  if (isNil(c.queue_id) && s && s.in_flight >= c.max_concurrent_calls) {
    out.push(`It is at its limit of ${c.max_concurrent_calls} calls at once.`);
  }
  return out;
};
