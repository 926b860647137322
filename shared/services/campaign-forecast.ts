/**
 * "When will it finish?" (see docs/behaviour.md, Forecast): reads the list's targets, the campaign's
 * latest attempts and its pacing now, and leaves the arithmetic to the domain's forecast.
 */
import { DEFAULT_MAX_CONCURRENT_CALLS, type DialingMode, dialingModeOf, usesQueue } from '#domain/dialing.ts';
import { type Forecast, type ForecastInput, forecast } from '#domain/forecast.ts';
import { isNil } from '#domain/ids.ts';
import { DESTINATION_SLOTS } from '#domain/outplan.ts';
import { parsePageToken, toPage } from '#domain/pagination.ts';
import { predictivePacing } from '#domain/predictive-pacing.ts';
import { DEFAULT_WRAPUP_MS } from '#domain/queue.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { StoredItem } from '#ports/resource-store.ts';
import type { Deps } from './deps.ts';
import { predictiveInput, readPredictive } from './engine/predictive-input.ts';
import { loadOwned } from './owned.ts';

/** Targets read per request; the whole list is read, page by page. */
const TARGET_PAGE = 1000;
/** The latest attempts the measured rates come from. */
const RECENT_ATTEMPTS = 200;

export interface CampaignForecast
  extends Omit<Forecast, 'estimated_finish' | 'earliest_finish' | 'latest_finish'> {
  campaign_id: string;
  in_flight: number;
  estimated_finish: string | null;
  earliest_finish: string | null;
  latest_finish: string | null;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Tries left on an idle, live target: per slot with a destination, its maximum less its tries. */
const triesLeftOn = (t: StoredItem, outplan: StoredItem) =>
  t.status !== 'idle' || t.tm_delete
    ? 0
    : DESTINATION_SLOTS.reduce<number>(
        (a, n) =>
          a +
          (t[`destination_${n}`]
            ? Math.max(0, num(outplan[`max_try_count_${n}`]) - num(t[`try_count_${n}`]))
            : 0),
        0,
      );

const allTargets = async (deps: Deps, outdialId: string) => {
  const all: StoredItem[] = [];
  let token: string | undefined;
  do {
    const cursor = parsePageToken(token);
    const items = await deps.resources.list('outdialtarget', {
      scope: { by: 'outdial', outdialId },
      limit: TARGET_PAGE + 1,
      ...(cursor ? { cursor } : {}),
    });
    const page = toPage(items as (StoredItem & { id: string; tm_create: string })[], TARGET_PAGE);
    all.push(...page.result);
    token = page.next_page_token || undefined;
  } while (token);
  return all;
};

const concurrencyOf = async (
  deps: Deps,
  campaign: StoredItem,
  mode: DialingMode,
): Promise<Pick<ForecastInput, 'concurrency' | 'predictive'>> => {
  const queueId = String(campaign.queue_id);
  if (!usesQueue(mode, !isNil(queueId)))
    return { concurrency: num(campaign.max_concurrent_calls) || DEFAULT_MAX_CONCURRENT_CALLS };
  const queue = await deps.resources.get('queue', queueId);
  if (!queue) return { concurrency: 0 };
  const customerId = String(campaign.customer_id);
  const tags = (queue.tag_ids as string[]) ?? [];
  if (mode === 'predictive') {
    // The tick's own bound, from the same input the tick builds: agents free, on calls (each by how
    // long it has been on its call), in wrap-up, and the measured rates (its priors before any data).
    // Agents whose wrap-up is over are free: the next tick makes them available before it paces.
    const nowMs = deps.clock.now();
    const [reads, wrapUps] = await Promise.all([
      readPredictive(deps, { id: String(campaign.id), customer_id: customerId }, tags, nowMs),
      deps.agents.wrapUps(customerId, tags, formatTimestamp(nowMs)),
    ]);
    const freed = { ...reads, available: reads.available + wrapUps.ended };
    const bound = predictivePacing(
      predictiveInput({
        campaign: campaign as { max_concurrent_calls?: number; max_abandon_rate?: number },
        queue: queue as { wrapup_ms?: number },
        reads: freed,
        wrappingUp: wrapUps.wrappingUp,
        nowMs,
      }),
    ).bound;
    const team = freed.available + freed.busySince.length + wrapUps.wrappingUp;
    return {
      concurrency: bound,
      predictive: { team, wrapupMs: num(queue.wrapup_ms ?? DEFAULT_WRAPUP_MS) },
    };
  }
  const agents = await deps.agents.countAvailable(customerId, tags);
  return {
    concurrency: mode === 'progressive' ? agents : Math.floor((agents * num(campaign.service_level)) / 100),
  };
};

export const getCampaignForecast = async (
  deps: Deps,
  customerId: string,
  id: string,
): Promise<CampaignForecast> => {
  const campaign = await loadOwned(deps, 'campaign', customerId, id);
  const nowMs = deps.clock.now();
  const outplan = isNil(String(campaign.outplan_id))
    ? undefined
    : await deps.resources.get('outplan', String(campaign.outplan_id));
  const targets = isNil(String(campaign.outdial_id))
    ? []
    : await allTargets(deps, String(campaign.outdial_id));
  const [totals, recentCalls, { concurrency, predictive }] = await Promise.all([
    deps.campaigns.runtimeTotals(id),
    deps.resources.list('campaigncall', {
      scope: { by: 'campaign', campaignId: id },
      limit: RECENT_ATTEMPTS,
    }),
    concurrencyOf(deps, campaign, dialingModeOf(campaign as { dialing_mode?: DialingMode })),
  ]);
  const inFlight = Math.max(0, totals._inflight ?? 0);
  const started = recentCalls.map((c) => Date.parse(String(c.tm_create)));
  const result = forecast({
    nowMs,
    triesLeft: outplan ? targets.map((t) => triesLeftOn(t, outplan)) : [],
    inFlight,
    recent: recentCalls.length
      ? {
          attempts: recentCalls.length,
          succeeded: recentCalls.filter((c) => c.result === 'success').length,
          firstMs: Math.min(...started),
          lastMs: Math.max(...started),
        }
      : undefined,
    concurrency: Math.max(concurrency, inFlight > 0 ? 1 : 0),
    ...(predictive ? { predictive } : {}),
    outplan: { try_interval: num(outplan?.try_interval), dial_timeout: num(outplan?.dial_timeout) || 30_000 },
  });
  const at = (ms: number | undefined) => (ms === undefined ? null : formatTimestamp(Math.round(ms)));
  return {
    campaign_id: id,
    ...result,
    in_flight: inFlight,
    estimated_finish: at(result.estimated_finish),
    earliest_finish: at(result.earliest_finish),
    latest_finish: at(result.latest_finish),
  };
};
