/**
 * What the console's campaign pages and `outbound watch` show, from the API's answers: progress over
 * the list, rates, calls per minute between two stats readings, and why a campaign is not dialing.
 * No DOM and no Node API.
 */
import { withinCallingHours } from '#domain/calling-hours.ts';
import { chooseDestination } from '#domain/dialing.ts';
import { isNil } from '#domain/ids.ts';
import type { ApiClient } from './api-client.ts';
import {
  allPages,
  type Campaign,
  type CampaignStats,
  type OutdialTarget,
  type Outplan,
} from './resources.ts';

/** How far a campaign's list is: a target is finished once reached or out of tries. */
export interface TargetCensus {
  total: number;
  /** Reached (a successful call). */
  reached: number;
  /** Not reached, with no try left under the outplan. */
  exhausted: number;
  /** Being called now. */
  inProgress: number;
  /** Waiting for a first or a next try. */
  waiting: number;
  /** False when the list is longer than the pages read: the counts are then of the first pages only. */
  complete: boolean;
}

/**
 * Counts the list page by page. The API keeps no per-list counters yet, so this reads every target
 * (100 a request); `maxPages` bounds the cost on very long lists.
 */
export const targetCensus = async (
  api: ApiClient,
  outdialId: string,
  outplan: Outplan | undefined,
  maxPages = 200,
  signal?: AbortSignal,
): Promise<TargetCensus> => {
  const { items, complete } = await allPages<OutdialTarget>(
    api,
    `/outdials/${outdialId}/targets`,
    maxPages,
    signal,
  );
  return censusOf(items, outplan, complete);
};

export const censusOf = (
  targets: OutdialTarget[],
  outplan: Outplan | undefined,
  complete = true,
): TargetCensus => {
  const c: TargetCensus = {
    total: targets.length,
    reached: 0,
    exhausted: 0,
    inProgress: 0,
    waiting: 0,
    complete,
  };
  for (const t of targets) {
    if (t.status === 'done') c.reached++;
    else if (t.status === 'progressing') c.inProgress++;
    else if (outplan && chooseDestination(t, outplan) === undefined) c.exhausted++;
    else c.waiting++;
  }
  return c;
};

export const progressOf = (c: TargetCensus | undefined) => {
  if (!c || c.total === 0) return { finished: 0, total: c?.total ?? 0, percent: 0 };
  const finished = c.reached + c.exhausted;
  return { finished, total: c.total, percent: Math.floor((finished * 100) / c.total) };
};

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
  census: TargetCensus | undefined,
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
  if (census?.complete && census.total === 0) out.push('Its list has no targets.');
  else if (census?.complete && census.waiting === 0 && census.inProgress === 0)
    out.push('Every target is finished: reached or out of tries.');
  if (!isNil(c.queue_id) && availableAgents === 0) out.push('No agent of its queue is available.');
  if (isNil(c.queue_id) && s && s.in_flight >= c.max_concurrent_calls) {
    out.push(`It is at its limit of ${c.max_concurrent_calls} calls at once.`);
  }
  return out;
};
