/** Use cases of campaigns: CRUD, references to outplan/outdial/queue/next campaign, and run/stop
 * (see docs/behaviour.md, "Campaign status changes" and "References between resources"). */
import type * as z from 'zod';
import type { Campaign } from '#domain/campaign.ts';
import { statsOf } from '#domain/campaign-stats.ts';
import { Conflict } from '#domain/errors.ts';
import { isNil } from '#domain/ids.ts';
import type {
  CreateCampaign,
  UpdateActions,
  UpdateCampaign,
  UpdateNextCampaign,
  UpdateResourceInfo,
  UpdateServiceLevel,
} from '#schemas/campaign.ts';
import {
  changeCampaignStatus as changeStatus,
  loadLiveCampaign,
  referencesChecked,
  rejected,
} from './campaign-status.ts';
import type { Deps } from './deps.ts';
import { getOwn, guarded, listOwn, listPage, loadOwned, newOwned, now, type PageQuery } from './owned.ts';
import { presentCampaign as show, presentCampaigncall as showCall } from './present.ts';

export const createCampaign = async (
  deps: Deps,
  customerId: string,
  // Fields added later may be left out by callers in code (benches); the engine then uses their defaults.
  input: Omit<z.output<typeof CreateCampaign>, 'abandon_after_ms' | 'abandon_message'> &
    Partial<Pick<z.output<typeof CreateCampaign>, 'abandon_after_ms' | 'abandon_message'>>,
): Promise<Campaign> => {
  const campaign: Campaign = newOwned(deps, customerId, { ...input, status: 'stop' as const });
  await referencesChecked(() => deps.campaigns.create(campaign));
  return show(campaign as never);
};

export const listCampaigns = (deps: Deps, customerId: string, query: PageQuery) =>
  listOwn(deps, 'campaign', customerId, query, show);

export const getCampaign = (deps: Deps, customerId: string, id: string) =>
  getOwn(deps, 'campaign', customerId, id, show);

/** PUT basic info, service_level, actions: plain attribute changes on a live campaign. */
export const updateCampaign = (
  deps: Deps,
  customerId: string,
  id: string,
  changes:
    | z.output<typeof UpdateCampaign>
    | z.output<typeof UpdateServiceLevel>
    | z.output<typeof UpdateActions>
    | z.output<typeof UpdateNextCampaign>,
) =>
  guarded('campaign', async () =>
    show(await deps.resources.update('campaign', id, { customerId }, { ...changes, tm_update: now(deps) })),
  );

export const updateResourceInfo = async (
  deps: Deps,
  customerId: string,
  id: string,
  next: z.output<typeof UpdateResourceInfo>,
) => {
  if (next.next_campaign_id === id) throw rejected('next_campaign_id', 'a campaign cannot follow itself');
  const current = await loadLiveCampaign(deps, customerId, id);
  return show(
    (await referencesChecked(() => deps.campaigns.replaceResources(current, next, now(deps)))) as never,
  );
};

export const updateNextCampaign = async (deps: Deps, customerId: string, id: string, nextId: string) => {
  if (nextId === id) throw rejected('next_campaign_id', 'a campaign cannot follow itself');
  await loadLiveCampaign(deps, customerId, id);
  if (!isNil(nextId)) {
    await referencesChecked(() => deps.campaigns.checkReference(customerId, 'next_campaign_id', nextId, id));
  }
  return updateCampaign(deps, customerId, id, { next_campaign_id: nextId });
};

/** PUT …/status (the change itself is campaign-status.ts's, shared with the engine's chaining). */
export const changeCampaignStatus = async (
  deps: Deps,
  customerId: string,
  id: string,
  requested: 'run' | 'stop',
  options: { force?: boolean } = {},
) => show((await changeStatus(deps, customerId, id, requested, options)) as never);

/** The campaign's running totals (Outbound's addition), kept by the engine on its runtime shards. */
export const getCampaignStats = async (deps: Deps, customerId: string, id: string) => {
  const campaign = await loadOwned(deps, 'campaign', customerId, id);
  return statsOf({ id: campaign.id, ...(await deps.campaigns.runtimeTotals(campaign.id)) });
};

/** Only a stopped campaign can be deleted (409 CAMPAIGN_NOT_STOPPED); it releases what it used. */
export const deleteCampaign = async (deps: Deps, customerId: string, id: string) => {
  const current = await loadLiveCampaign(deps, customerId, id);
  if (current.status !== 'stop')
    throw new Conflict('CAMPAIGN_NOT_STOPPED', 'Stop the campaign before deleting it');
  return show((await deps.campaigns.remove(current, now(deps))) as never);
};

export const listCampaigncallsOfCampaign = async (
  deps: Deps,
  customerId: string,
  id: string,
  query: PageQuery,
) => {
  await loadOwned(deps, 'campaign', customerId, id);
  return listPage(deps, 'campaigncall', { by: 'campaign', campaignId: id }, query, showCall);
};
