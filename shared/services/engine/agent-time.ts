/**
 * Logged-in agent time for a campaign's occupancy (talking / logged-in time, see docs/behaviour.md,
 * Stats rates): each leased tick of a queue-paced campaign in its calling hours counts the queue's
 * logged-in agents and adds them × the time since the last sample to the campaign's hour and day sums.
 * Sampled by the tick rather than summed from agents' status changes: the tick already reads most of
 * the counts, and a campaign's occupancy is about the time it was dialing for its agents.
 */
import { usesQueue } from '#domain/dialing.ts';
import type { Queue } from '#domain/queue.ts';
import type { EngineCampaign } from '#ports/engine-store.ts';
import { type EngineDeps, TICK_PERIOD_MS } from './engine-deps.ts';
import type { PacingFacts } from './tick-decision.ts';

/** Ticks farther apart than this (stopped, outside hours, an outage) count this much, not the gap. */
export const AGENT_SAMPLE_CAP_MS = 2 * TICK_PERIOD_MS;

/**
 * After pacing: `pacing` holds the available agents it counted (and the busy ones, for predictive);
 * `wrappingUp` is the tick's wrap-up count. Nothing is read or written for a campaign not paced by a
 * queue, or when no agent is logged in (the next sample's interval is capped anyway).
 */
export const sampleAgentTime = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  queue: Queue | undefined,
  pacing: PacingFacts,
  wrappingUp: number,
  nowMs: number,
) => {
  if (!queue || pacing.queueMissing || !usesQueue(pacing.mode, pacing.hasQueue)) return;
  const busy =
    pacing.predictive?.busy ?? (await deps.agents.countBusy(campaign.customer_id, queue.tag_ids ?? []));
  const agents = pacing.agents + busy + wrappingUp;
  if (agents <= 0) return;
  try {
    await deps.timeseries.addAgentTime({
      customerId: campaign.customer_id,
      campaignId: campaign.id,
      nowMs,
      agents,
      capMs: AGENT_SAMPLE_CAP_MS,
    });
  } catch {
    // A statistic must not stop the dialing: this interval is lost (occupancy reads a little high),
    // and the next tick samples from the mark as it stands.
  }
};
