/** Use cases of campaigns: CRUD, references to outplan/outdial/queue/next campaign, and run/stop
 * (see docs/behaviour.md, "Campaign status changes" and "References between resources"). */
import type * as z from 'zod';
import { DAY_MS, dayStartOf, HOUR_MS, hourStartOf, ratesOf } from '#domain/call-timeseries.ts';
import { sameCallingHours } from '#domain/calling-hours.ts';
import type { Campaign } from '#domain/campaign.ts';
import { statsOf } from '#domain/campaign-stats.ts';
import { DEFAULT_MAX_ABANDON_RATE } from '#domain/dialing.ts';
import { Conflict, ValidationFailed } from '#domain/errors.ts';
import { isNil } from '#domain/ids.ts';
import { targetsByStateOf } from '#domain/outdial.ts';
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

/**
 * A max_abandon_rate above the default is the customer's explicit choice: its contact policy must have
 * raised the ceiling that far (400 naming the field otherwise). The policy is read only then.
 */
const checkAbandonRate = async (deps: Deps, customerId: string, rate: number | undefined) => {
  if (rate === undefined || rate <= DEFAULT_MAX_ABANDON_RATE) return;
  const policy = await deps.contactPolicies.get(customerId);
  const ceiling = policy?.max_abandon_rate_ceiling ?? DEFAULT_MAX_ABANDON_RATE;
  if (rate > ceiling) {
    throw new ValidationFailed('The request body is not valid', [
      {
        field: 'max_abandon_rate',
        issue: `at most ${ceiling}: the contact policy's max_abandon_rate_ceiling (PUT /contact_policy raises it)`,
      },
    ]);
  }
};

export const createCampaign = async (
  deps: Deps,
  customerId: string,
  // Fields added later may be left out by callers in code (benches); the engine then uses their defaults.
  input: Omit<z.output<typeof CreateCampaign>, 'max_abandon_rate' | 'abandon_after_ms' | 'abandon_message'> &
    Partial<
      Pick<z.output<typeof CreateCampaign>, 'max_abandon_rate' | 'abandon_after_ms' | 'abandon_message'>
    >,
): Promise<Campaign> => {
  await checkAbandonRate(deps, customerId, input.max_abandon_rate);
  const campaign: Campaign = newOwned(deps, customerId, {
    max_abandon_rate: DEFAULT_MAX_ABANDON_RATE,
    ...input,
    status: 'stop' as const,
  });
  await referencesChecked(() => deps.campaigns.create(campaign));
  return show(campaign as never);
};

export const listCampaigns = (deps: Deps, customerId: string, query: PageQuery) =>
  listOwn(deps, 'campaign', customerId, query, show);

export const getCampaign = (deps: Deps, customerId: string, id: string) =>
  getOwn(deps, 'campaign', customerId, id, show);

/** PUT basic info, service_level, actions: plain attribute changes on a live campaign. */
export const updateCampaign = async (
  deps: Deps,
  customerId: string,
  id: string,
  changes:
    | z.output<typeof UpdateCampaign>
    | z.output<typeof UpdateServiceLevel>
    | z.output<typeof UpdateActions>
    | z.output<typeof UpdateNextCampaign>,
) => {
  if ('max_abandon_rate' in changes) await checkAbandonRate(deps, customerId, changes.max_abandon_rate);
  const at = now(deps);
  const hoursChanged = 'calling_hours' in changes && (await changesHours(deps, customerId, id, changes));
  return guarded('campaign', async () =>
    show(
      await deps.resources.update(
        'campaign',
        id,
        { customerId },
        { ...changes, tm_update: at, ...(hoursChanged ? { _hours_changed_at: at } : {}) },
      ),
    ),
  );
};

/**
 * Whether the update changes the campaign's calling hours: the tick then looks again at the targets
 * held under the old ones (see wake-held.ts), so a wider window wakes them early.
 */
const changesHours = async (
  deps: Deps,
  customerId: string,
  id: string,
  changes: { calling_hours?: Campaign['calling_hours'] },
) => {
  const current = await loadOwned(deps, 'campaign', customerId, id);
  return !sameCallingHours(current.calling_hours as Campaign['calling_hours'], changes.calling_hours);
};

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

/**
 * The campaign's running totals (Outbound's addition), kept by the engine on its runtime shards, and
 * its rates over the last 24 hours and 30 days from its hour and day sums (two Queries, ≤ 24 and ≤ 30
 * small items; see docs/data-model.md, call rollups), and its list's targets by state, kept on the
 * outdial by the stream (one read of the outdial).
 */
export const getCampaignStats = async (deps: Deps, customerId: string, id: string) => {
  const campaign = await loadOwned(deps, 'campaign', customerId, id);
  const nowMs = deps.clock.now();
  const hour = hourStartOf(nowMs);
  const day = dayStartOf(nowMs);
  const from24h = hour - 23 * HOUR_MS;
  const from30d = day - 29 * DAY_MS;
  const outdialId = String(campaign.outdial_id ?? '');
  const [totals, hours, days, outdial] = await Promise.all([
    deps.campaigns.runtimeTotals(campaign.id),
    deps.timeseries.rollups(campaign.id, 'hour', from24h, hour),
    deps.timeseries.rollups(campaign.id, 'day', from30d, day),
    outdialId && !isNil(outdialId) ? deps.resources.get('outdial', outdialId) : undefined,
  ]);
  // Dials per minute over the time the window and the campaign have both run.
  const created = Date.parse(String(campaign.tm_create));
  const minutes = (fromMs: number) =>
    Math.max(1, (nowMs - Math.max(fromMs, Number.isFinite(created) ? created : fromMs)) / 60_000);
  const owned = outdial && outdial.customer_id === customerId ? outdial : undefined;
  return {
    ...statsOf({ id: campaign.id, ...totals }),
    rates: { last_24h: ratesOf(hours, minutes(from24h)), last_30d: ratesOf(days, minutes(from30d)) },
    targets: owned ? targetsByStateOf(owned) : null,
  };
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
