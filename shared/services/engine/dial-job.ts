/** The dial job of one claimed attempt, as the tick sends it and the sweeper sends it again. */
import type { DialJob } from '#ports/dial-queue.ts';
import type { EngineCampaign } from '#ports/engine-store.ts';

/** An `amd` action in the campaign's flow asks the carrier to tell machines from people. */
export const detectsMachines = (campaign: Pick<EngineCampaign, 'type' | 'actions'>) =>
  campaign.type === 'call' && (campaign.actions ?? []).some((a) => a.type === 'amd');

export const dialJobFor = (
  campaign: Pick<EngineCampaign, 'type' | 'actions'>,
  campaigncallId: string,
): DialJob => ({
  campaigncallId,
  ...(detectsMachines(campaign) ? { machineDetection: true } : {}),
});
