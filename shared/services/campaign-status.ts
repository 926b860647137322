/**
 * Run and stop of a campaign (see docs/behaviour.md, "Campaign status changes"), apart from the rest of
 * the campaign use cases because the engine's chaining starts the next campaign too: this module shows
 * nothing (no presenter, no response schema), so the tick's bundle loads none of the API's shapes. It
 * returns the campaign as stored; the API shows it.
 */
import { type Campaign, decideStatusChange } from '#domain/campaign.ts';
import { resourceDeleted, ValidationFailed } from '#domain/errors.ts';
import { isNil } from '#domain/ids.ts';
import { isDeleted } from '#domain/resource.ts';
import { ReferenceRejected } from '#ports/campaign-store.ts';
import type { Deps } from './deps.ts';
import { loadOwned, now } from './owned.ts';

/** What a status change touches. */
export type CampaignStatusDeps = Pick<Deps, 'resources' | 'campaigns' | 'clock'>;

/** A 400 naming the reference field that cannot be used. */
export const rejected = (field: string, issue: string) =>
  new ValidationFailed(`${field} is not usable: ${issue}`, [{ field, issue }]);

/** Reference refusals from the store become 400s naming the field. */
export const referencesChecked = async <T>(write: () => Promise<T>): Promise<T> => {
  try {
    return await write();
  } catch (err) {
    if (err instanceof ReferenceRejected) {
      throw rejected(
        err.field,
        err.field === 'outdial_id'
          ? 'unknown, deleted, or already used by another campaign'
          : 'unknown or deleted, or not yours',
      );
    }
    throw err;
  }
};

/** The customer's campaign as stored (every reference field is stored, nil when unset); deleted → 410. */
export const loadLiveCampaign = async (
  deps: Pick<Deps, 'resources'>,
  customerId: string,
  id: string,
): Promise<Campaign> => {
  const campaign = (await loadOwned(deps, 'campaign', customerId, id)) as unknown as Campaign;
  if (isDeleted(campaign)) throw resourceDeleted('campaign');
  return campaign;
};

/** run re-validates references; stop goes to stopping while calls are in flight. */
export const changeCampaignStatus = async (
  deps: CampaignStatusDeps,
  customerId: string,
  id: string,
  requested: 'run' | 'stop',
  options: { force?: boolean } = {},
): Promise<Campaign> => {
  const current = await loadLiveCampaign(deps, customerId, id);
  // A forced stop of a campaign already stopping still has work to do: end its calls.
  const forcing = requested === 'stop' && options.force === true && current.status === 'stopping';
  const decision = forcing ? ({ kind: 'stop' } as const) : decideStatusChange(current.status, requested);
  if (decision.kind === 'unchanged') return current;
  if (decision.kind === 'run') {
    for (const field of ['outplan_id', 'outdial_id'] as const) {
      if (isNil(current[field])) throw rejected(field, 'a campaign needs an outplan and an outdial to run');
    }
    return await referencesChecked(() => deps.campaigns.run(current, now(deps)));
  }
  return await deps.campaigns.stop(current, now(deps), { force: options.force === true });
};
