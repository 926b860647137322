/** Use cases of outdials (lists of people to reach) and their targets. */
import type * as z from 'zod';
import {
  Conflict,
  type ErrorDetail,
  Forbidden,
  notFound,
  resourceDeleted,
  ValidationFailed,
} from '#domain/errors.ts';
import { isNil } from '#domain/ids.ts';
import { COUNTED_BY_STATE, type Outdial, type OutdialTarget } from '#domain/outdial.ts';
import { DESTINATION_SLOTS } from '#domain/outplan.ts';
import { normalisePhoneNumber } from '#domain/phone-number.ts';
import { isDeleted } from '#domain/resource.ts';
import { formatTimestamp } from '#domain/time.ts';
import type {
  CreateOutdial,
  CreateTarget,
  UpdateOutdial,
  UpdateOutdialCampaign,
  UpdateOutdialData,
} from '#schemas/outdial.ts';
import type { Deps } from './deps.ts';
import {
  createOwned,
  deleteUnused,
  explain,
  getOwn,
  listOwn,
  listPage,
  loadOwned,
  now,
  type PageQuery,
} from './owned.ts';
import { presentOutdial as show, presentOutdialTarget as showTarget } from './present.ts';

/** A campaign_id set by hand must name a live campaign of the same customer. */
const checkCampaignLink = async (deps: Deps, customerId: string, campaignId: string) => {
  if (isNil(campaignId)) return;
  const campaign = await deps.resources.get('campaign', campaignId);
  if (!campaign || campaign.customer_id !== customerId || isDeleted(campaign as never)) {
    throw new ValidationFailed('campaign_id does not name a campaign of yours', [
      { field: 'campaign_id', issue: 'unknown campaign' },
    ]);
  }
};

/** The outdial a route addresses: the caller's, and live for writes. */
const loadOutdial = async (deps: Deps, customerId: string, outdialId: string, forWrite: boolean) => {
  const outdial = await loadOwned(deps, 'outdial', customerId, outdialId);
  if (forWrite && isDeleted(outdial as never)) throw resourceDeleted('outdial');
  return outdial;
};

export const createOutdial = async (
  deps: Deps,
  customerId: string,
  input: z.output<typeof CreateOutdial>,
): Promise<Outdial> => {
  await checkCampaignLink(deps, customerId, input.campaign_id);
  // Counted by state from its first target on (the stream's counts are complete for it).
  return createOwned(deps, 'outdial', customerId, { ...input, [COUNTED_BY_STATE]: true }, show);
};

export const listOutdials = (deps: Deps, customerId: string, query: PageQuery) =>
  listOwn(deps, 'outdial', customerId, query, show);

export const getOutdial = (deps: Deps, customerId: string, id: string) =>
  getOwn(deps, 'outdial', customerId, id, show);

export const updateOutdial = async (
  deps: Deps,
  customerId: string,
  id: string,
  /** The body of one of the three PUTs: name and detail, campaign_id, or data. */
  changes: Partial<
    z.output<typeof UpdateOutdial> &
      z.output<typeof UpdateOutdialCampaign> &
      z.output<typeof UpdateOutdialData>
  >,
) => {
  let unreferenced = false;
  if (changes.campaign_id !== undefined) {
    // The outdial is checked before the campaign, so an unknown, foreign or deleted outdial answers
    // 404 / 403 / 409 whatever campaign the body names.
    const current = await loadOutdial(deps, customerId, id, true);
    await checkCampaignLink(deps, customerId, changes.campaign_id);
    // While a campaign uses the outdial it owns the link (an outdial serves one campaign at most); only that
    // campaign letting go of it (delete, resource_info) may change it.
    unreferenced = current.campaign_id !== changes.campaign_id;
  }
  try {
    return show(
      await deps.resources.update(
        'outdial',
        id,
        { customerId, unreferenced },
        { ...changes, tm_update: now(deps) },
      ),
    );
  } catch (err) {
    const mapped = explain('outdial', err);
    if (mapped instanceof Conflict && mapped.reason === 'RESOURCE_IN_USE') {
      throw new Conflict(
        'RESOURCE_IN_USE',
        'A campaign uses the outdial; its campaign_id follows that campaign',
      );
    }
    throw mapped;
  }
};

/** Refused while a campaign uses the outdial (409 RESOURCE_IN_USE). */
export const deleteOutdial = (deps: Deps, customerId: string, id: string) =>
  deleteUnused(deps, 'outdial', customerId, id, show);

export type TargetInput = z.output<typeof CreateTarget>;

/**
 * The target with its `tel` destinations in E.164, however they were written, so one person is one
 * number in lines, suppressions and contact caps; a number that cannot be one is an issue named by its
 * field (`prefix` places it in a batch: `targets.3.`).
 */
const withE164Destinations = (input: TargetInput, prefix: string, issues: ErrorDetail[]): TargetInput => {
  const out = { ...input };
  for (const slot of DESTINATION_SLOTS) {
    const d = input[`destination_${slot}`];
    if (d?.type !== 'tel') continue;
    const n = normalisePhoneNumber(d.target);
    if (n.ok) out[`destination_${slot}`] = { ...d, target: n.e164 };
    else issues.push({ field: `${prefix}destination_${slot}.target`, issue: n.issue });
  }
  return out;
};

/** Every target of the request with E.164 destinations, or a 400 naming each number that is not one. */
const normalised = (inputs: readonly TargetInput[], batch: boolean): TargetInput[] => {
  const issues: ErrorDetail[] = [];
  const out = inputs.map((input, i) => withE164Destinations(input, batch ? `targets.${i}.` : '', issues));
  if (issues.length > 0) throw new ValidationFailed('The request body is not valid', issues);
  return out;
};

/** A new target: idle and never tried, tm_update = tm_create marking "never tried". */
const newTarget = (deps: Deps, customerId: string, outdialId: string, input: TargetInput, ts: string) => ({
  id: deps.ids.uuid(),
  outdial_id: outdialId,
  customer_id: customerId,
  ...input,
  status: 'idle' as const,
  try_count_0: 0,
  try_count_1: 0,
  try_count_2: 0,
  try_count_3: 0,
  try_count_4: 0,
  tm_create: ts,
  tm_update: ts,
});

export const createTarget = async (
  deps: Deps,
  customerId: string,
  outdialId: string,
  input: TargetInput,
): Promise<OutdialTarget> => {
  const [target] = normalised([input], false) as [TargetInput];
  await loadOutdial(deps, customerId, outdialId, true);
  const item = newTarget(deps, customerId, outdialId, target, now(deps));
  await deps.resources.create('outdialtarget', item);
  return showTarget(item);
};

/**
 * Our addition: up to MAX_CREATE_ALL targets in one request, all or none. Each gets the next
 * microsecond of the same millisecond, so the list keeps the upload order and the engine dials the
 * batch first to last (fresh targets go oldest first).
 */
export const createTargets = async (
  deps: Deps,
  customerId: string,
  outdialId: string,
  inputs: readonly TargetInput[],
): Promise<{ result: OutdialTarget[] }> => {
  const targets = normalised(inputs, true);
  await loadOutdial(deps, customerId, outdialId, true);
  const ms = deps.clock.now();
  const items = targets.map((input, i) =>
    newTarget(deps, customerId, outdialId, input, formatTimestamp(ms, i)),
  );
  await deps.resources.createAll('outdialtarget', items);
  return { result: items.map(showTarget) };
};

export const listTargets = async (deps: Deps, customerId: string, outdialId: string, query: PageQuery) => {
  await loadOutdial(deps, customerId, outdialId, false);
  return listPage(deps, 'outdialtarget', { by: 'outdial', outdialId }, query, showTarget);
};

/** A target must belong to the outdial in the path, else 400 INVALID_ARGUMENT. */
const loadTarget = async (deps: Deps, customerId: string, outdialId: string, targetId: string) => {
  await loadOutdial(deps, customerId, outdialId, false);
  const target = await deps.resources.get('outdialtarget', targetId);
  if (!target) throw notFound('outdialtarget');
  if (target.customer_id !== customerId) throw new Forbidden();
  if (target.outdial_id !== outdialId) {
    throw new ValidationFailed('The target does not belong to this outdial', [
      { field: 'target_id', issue: 'belongs to another outdial' },
    ]);
  }
  return target;
};

export const getTarget = async (deps: Deps, customerId: string, outdialId: string, targetId: string) =>
  showTarget(await loadTarget(deps, customerId, outdialId, targetId));

/** A target being dialled cannot be deleted (409); try again when its call ends. */
export const deleteTarget = async (deps: Deps, customerId: string, outdialId: string, targetId: string) => {
  await loadTarget(deps, customerId, outdialId, targetId);
  try {
    return showTarget(
      await deps.resources.softDelete(
        'outdialtarget',
        targetId,
        { customerId, statusIn: ['idle', 'done'] },
        now(deps),
      ),
    );
  } catch (err) {
    const mapped = explain('outdialtarget', err);
    if (mapped instanceof Conflict && mapped.reason === 'FAILED_PRECONDITION') {
      throw new Conflict('TARGET_IN_PROGRESS', 'The target is being dialled; delete it when the call ends');
    }
    throw mapped;
  }
};
