/**
 * What the tick does with a target whose claim a compliance check refused (see docs/behaviour.md,
 * "Suppressions and contact caps"): no try is spent either way. A suppressed destination is skipped
 * for good and the next destination of the target is tried (a target with none left ends `done`); a
 * person capped by the customer's contact policy waits, parked among the retries until allowed.
 */
import { type ContactLimits, contactLimitsOf } from '#domain/contact-policy.ts';
import { chooseDestination, type DestinationChoice } from '#domain/dialing.ts';
import type { Outplan } from '#domain/outplan.ts';
import type { ClaimResult, EngineCampaign, EngineTarget } from '#ports/engine-store.ts';
import { type PolicyReads, policyOf } from './calling-hours-gate.ts';
import type { EngineDeps } from './engine-deps.ts';

/** The customer's contact policy as the claim enforces it (read at most once per customer per tick). */
export const contactLimitsFor = async (
  deps: EngineDeps,
  customerId: string,
  reads: PolicyReads,
): Promise<ContactLimits> => contactLimitsOf(await policyOf(deps, customerId, reads));

/** Holds the target back for a compliance refusal; other refusals are not this step's. */
export const holdBack = async (
  deps: EngineDeps,
  campaign: Pick<EngineCampaign, 'id'>,
  outplan: Outplan,
  target: EngineTarget,
  choice: DestinationChoice,
  shard: number,
  refused: Exclude<ClaimResult, 'claimed'>,
  now: string,
): Promise<void> => {
  if (refused === 'suppressed') {
    const last = chooseDestination(target, outplan, choice.index) === undefined;
    await deps.engine.skipSuppressed(campaign.id, shard, target, choice, last, now);
  } else if (typeof refused === 'object') {
    await deps.engine.holdTarget(
      campaign.id,
      shard,
      target,
      choice,
      { reason: refused.held, until: refused.until },
      outplan.try_interval,
      now,
    );
  }
};
