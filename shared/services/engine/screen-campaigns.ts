/**
 * Before it leases anything, the tick reads every active campaign, their outplans and the runtime
 * shards that hold a share of each pacing bound, a hundred items per request, and tells which
 * campaigns have nothing to do: no room to claim, no sweep due, nothing to stop or end. Those are
 * left alone (no lease, no write); the others get the full, leased tick. The screen only ever errs
 * towards ticking: whatever it cannot rule out from these reads, the leased tick decides.
 */
import { hoursInForce } from '#domain/calling-hours.ts';
import { DEFAULT_MAX_CONCURRENT_CALLS, dialingModeOf, pacingBound, usesQueue } from '#domain/dialing.ts';
import { isNil } from '#domain/ids.ts';
import type { Outplan } from '#domain/outplan.ts';
import { type RuntimeShard, roomPerShard } from '#domain/runtime-shards.ts';
import type { EngineCampaign } from '#ports/engine-store.ts';
import { gateFor, type PolicyReads } from './calling-hours-gate.ts';
import type { EngineDeps } from './engine-deps.ts';
import { ringDeadlineMs, sweepDue } from './sweep.ts';

/** What a campaign's tick would do, as far as the screen can tell. */
export type Screened =
  /** Lease it and run the full tick. */
  | { tick: true }
  /** Nothing to do: the outcome the full tick would have reported, without its requests. */
  | { tick: false; outcome: 'not-running' | 'waiting' | 'outside-hours' };

const TICK: Screened = { tick: true };

/**
 * Campaigns paced by a queue's agents are always ticked (their bound follows the agents, and waiting
 * callers are served by the tick), and so are progressive and predictive ones without a queue (the
 * tick reports why nothing dials). Otherwise the bound is the concurrency cap, and the shards that hold a share of
 * it are the first `bound` ones: those are read.
 */
export const screenedShards = (campaign: EngineCampaign): number | undefined => {
  const mode = dialingModeOf(campaign);
  if (usesQueue(mode, !isNil(campaign.queue_id)) || mode === 'progressive' || mode === 'predictive')
    return undefined;
  return campaign.max_concurrent_calls ?? DEFAULT_MAX_CONCURRENT_CALLS;
};

/**
 * The verdict on one campaign from its item, its outplan and its first shards (see screenedShards).
 * Room is counted on those shards only; calls open on other shards (left from a higher bound) can only
 * take room away, so "no room" there is no room at all, and "room" is checked by the leased tick.
 */
export const screenCampaign = (s: {
  campaign: EngineCampaign | undefined;
  outplan: Outplan | undefined;
  shards: RuntimeShard[] | undefined;
  nowMs: number;
  deps: Pick<EngineDeps, 'settings'>;
}): Screened => {
  const { campaign, outplan, shards, nowMs } = s;
  // Gone since the index was read: the lease's own condition says so.
  if (!campaign || campaign.status === 'stopping') return TICK;
  if (campaign.status !== 'run' || campaign.tm_delete) return { tick: false, outcome: 'not-running' };
  const bound = screenedShards(campaign);
  // Misconfigured (the tick stops it), a queue's campaign, or shards to restore.
  if (!outplan || isNil(campaign.outdial_id) || bound === undefined || !shards) return TICK;
  if (shards.some((shard) => shard.status === undefined)) return TICK;
  const changedAt = outplan._dial_info_at;
  if (changedAt && (campaign._exhausted_reviewed ?? '') < changedAt) return TICK;
  if (sweepDue(campaign, ringDeadlineMs(s.deps, outplan), nowMs)) return TICK;
  // The list may be done: only the leased tick, which reads every shard, can tell.
  const inflight = shards.reduce((a, shard) => a + (shard.counters._inflight ?? 0), 0);
  if (campaign.end_handle === 'stop' && inflight <= 0) return TICK;
  // Only the campaign's own window in a fixed zone is known here; windows in the callee's time (and the
  // customer's default) are for the leased tick, which places each destination.
  if (!gateFor(hoursInForce(null, campaign.calling_hours), nowMs).open) {
    return { tick: false, outcome: 'outside-hours' };
  }
  const pacing = pacingBound({
    hasQueue: false,
    availableAgents: 0,
    serviceLevel: campaign.service_level,
    maxConcurrentCalls: bound,
  });
  const room = roomPerShard(shards, pacing);
  return room.size > 0 ? TICK : { tick: false, outcome: 'waiting' };
};

/** The tick's reads, shared by the screen and the leased ticks: outplans read once per tick. */
export interface TickReads {
  campaigns: Map<string, EngineCampaign>;
  outplans: Map<string, Outplan>;
  verdicts: Map<string, Screened>;
  /** Customers' contact policies, read by the leased ticks that need them, once per customer. */
  policies: PolicyReads;
}

/** Screens every campaign of one tick in a few batched reads. */
export const screenCampaigns = async (
  deps: EngineDeps,
  ids: readonly string[],
  nowMs: number,
): Promise<TickReads> => {
  const campaigns = await deps.engine.readCampaigns(ids);
  const running = [...campaigns.values()].filter((c) => c.status === 'run' && !c.tm_delete);
  const [outplans, shards] = await Promise.all([
    deps.engine.readOutplans(running.flatMap((c) => (isNil(c.outplan_id) ? [] : [c.outplan_id]))),
    deps.engine.readFirstShards(
      running.flatMap((c) => {
        const first = screenedShards(c);
        return first === undefined ? [] : [{ campaignId: c.id, first }];
      }),
    ),
  ]);
  const verdicts = new Map<string, Screened>();
  for (const id of ids) {
    const campaign = campaigns.get(id);
    try {
      verdicts.set(
        id,
        screenCampaign({
          campaign,
          outplan: campaign && !isNil(campaign.outplan_id) ? outplans.get(campaign.outplan_id) : undefined,
          shards: shards.get(id),
          nowMs,
          deps,
        }),
      );
    } catch {
      // A campaign the screen cannot read (a malformed item) gets the full tick, which reports it.
      verdicts.set(id, TICK);
    }
  }
  return { campaigns, outplans, verdicts, policies: new Map() };
};
