/**
 * What predictive pacing is given for a campaign now, built one way for the tick (which dials by it)
 * and the forecast (which estimates a pace from it), so the two never disagree on what the agents
 * and the measured rates say: the queue's agents free and on calls, how long each has been on its
 * call, those in wrap-up, the queue's wrap-up time and the campaign's rolling rates.
 */
import { DEFAULT_MAX_CONCURRENT_CALLS, maxAbandonRateOf } from '#domain/dialing.ts';
import type { MeasuredRates, PredictiveInput } from '#domain/predictive-pacing.ts';
import { DEFAULT_WRAPUP_MS } from '#domain/queue.ts';
import type { AgentStore } from '#ports/agent-store.ts';
import type { CallTimeseriesStore } from '#ports/call-timeseries-store.ts';

/** The reads pacing needs besides the wrap-up count (the tick gets that from ending wrap-ups). */
export interface PredictiveReads {
  /** Agents of the queue free now. */
  available: number;
  /** One entry per agent of the queue on a call: when it took it (epoch ms), undefined if not kept. */
  busySince: readonly (number | undefined)[];
  rates: MeasuredRates;
}

/** The agents free and on calls (the busy partition's sort keys) and the rates: three reads at once. */
export const readPredictive = async (
  deps: { agents: AgentStore; timeseries: CallTimeseriesStore },
  campaign: { id: string; customer_id: string },
  queueTagIds: readonly string[],
  nowMs: number,
): Promise<PredictiveReads> => {
  const [available, busySince, rates] = await Promise.all([
    deps.agents.countAvailable(campaign.customer_id, queueTagIds),
    deps.agents.busySince(campaign.customer_id, queueTagIds),
    deps.timeseries.recentRates(campaign.id, nowMs),
  ]);
  return { available, busySince, rates };
};

/**
 * predictivePacing's input. Busy agents whose start is not kept count by the average chance (they are
 * left out of `busyElapsedMs` but not of `busyAgents`).
 */
export const predictiveInput = (p: {
  campaign: { max_concurrent_calls?: number | null; max_abandon_rate?: number | null };
  queue: { wrapup_ms?: number | null };
  reads: PredictiveReads;
  /** Agents of the queue in wrap-up now. */
  wrappingUp: number;
  /** People who answered and still wait for an agent (the tick knows them; the forecast does not). */
  waitingCallers?: number;
  nowMs: number;
  /** The tick's calls ringing now (ms since each was placed) and the outplan's dial_timeout. */
  ringing?: { ringTimeoutMs: number; ringingAgesMs: readonly number[] };
}): PredictiveInput => ({
  availableAgents: p.reads.available,
  busyAgents: p.reads.busySince.length,
  busyElapsedMs: p.reads.busySince.flatMap((since) => (since === undefined ? [] : [p.nowMs - since])),
  wrapupAgents: p.wrappingUp,
  wrapupMs: p.queue.wrapup_ms ?? DEFAULT_WRAPUP_MS,
  ...(p.waitingCallers ? { waitingCallers: p.waitingCallers } : {}),
  maxConcurrentCalls: p.campaign.max_concurrent_calls ?? DEFAULT_MAX_CONCURRENT_CALLS,
  maxAbandonRate: maxAbandonRateOf(p.campaign),
  rates: p.reads.rates,
  ...(p.ringing ?? {}),
});
