/**
 * API shapes, read off the zod response schemas so that a field is declared once: a presenter shows
 * exactly the fields of its schema, in the schema's order, drops internal attributes, and shows a field
 * the item lacks as null (tm_update and tm_delete until set; see docs/behaviour.md, "Ids and timestamps").
 * The item is not validated again: it was valid when written, and a list page must stay cheap.
 */
import type * as z from 'zod/mini';
import { DEFAULT_ABANDON_AFTER_MS, DEFAULT_REST_AFTER_ABANDON_HOURS } from '#domain/abandon.ts';
import { DEFAULT_DIALING_MODE, DEFAULT_MAX_ABANDON_RATE } from '#domain/dialing.ts';
import { decodeCompliance } from '#domain/holds.ts';
import { NIL_UUID } from '#domain/ids.ts';
import { targetCountOf, targetsByStateOf } from '#domain/outdial.ts';
import { DEFAULT_WRAPUP_MS } from '#domain/queue.ts';
import { holdOf } from '#domain/target-hold.ts';
import type { StoredContactPolicy } from '#ports/contact-policy-store.ts';
import type { StoredItem } from '#ports/resource-store.ts';
import { Campaign, Campaigncall } from '#schemas/campaign.ts';
import { Address } from '#schemas/common.ts';
import { ContactPolicy } from '#schemas/contact-policy.ts';
import { Accesskey, Customer } from '#schemas/customer.ts';
import { Outdial, OutdialTarget } from '#schemas/outdial.ts';
import { Outplan } from '#schemas/outplan.ts';
import { Agent, Queue } from '#schemas/queue.ts';
import { Suppression } from '#schemas/suppression.ts';

type ResponseSchema = z.ZodMiniObject<z.core.$ZodShape & { id: z.ZodMiniString; tm_create: z.ZodMiniString }>;

const ADDRESS_FIELDS = Object.keys(Address.shape);

/** DynamoDB maps come back in any key order; addresses are shown in the documented order. */
const address = (a: unknown) => {
  if (!a || typeof a !== 'object') return null;
  const stored = a as Record<string, unknown>;
  return Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, stored[f] === undefined ? '' : stored[f]]));
};

/** Whether a field holds an address (possibly null): its schema is Address, or nullable Address. */
const isAddress = (field: z.ZodMiniType) =>
  field === Address ||
  (field.def.type === 'nullable' && (field as z.ZodMiniNullable).def.innerType === Address);

/** The presenter of one response schema: its field list and address fields are worked out once. */
export const presenter = <S extends ResponseSchema>(schema: S) => {
  const fields = Object.entries(schema.shape).map(([name, field]) => ({
    name,
    isAddress: isAddress(field as z.ZodMiniType),
  }));
  return (item: StoredItem): z.output<S> => {
    const out: Record<string, unknown> = {};
    // An id left out of a stored item is the nil id (attempts store only the ids they have).
    for (const f of fields)
      out[f.name] = f.isAddress
        ? address(item[f.name])
        : (item[f.name] ?? (f.name.endsWith('_id') ? NIL_UUID : null));
    return out as z.output<S>;
  };
};

const campaignFields = presenter(Campaign);
/**
 * Campaigns written before dialing modes existed pace by service level, and show it; those written
 * before abandoned calls were handled abandon after the default wait, with no message.
 */
export const presentCampaign = (item: StoredItem) =>
  campaignFields({
    dialing_mode: DEFAULT_DIALING_MODE,
    max_abandon_rate: DEFAULT_MAX_ABANDON_RATE,
    abandon_after_ms: DEFAULT_ABANDON_AFTER_MS,
    abandon_message: [],
    ...item,
  } as StoredItem);
const campaigncallFields = presenter(Campaigncall);
/** An attempt's compliance record is stored compactly (`_cmp`; see encodeCompliance). */
export const presentCampaigncall = (item: StoredItem) =>
  campaigncallFields({ ...item, compliance: decodeCompliance(item._cmp, item._tracked === true) });
export const presentOutplan = presenter(Outplan);
const outdialFields = presenter(Outdial);
/** The counts are internal counters the stream keeps (outdial.ts says when they are unknown). */
export const presentOutdial = (item: StoredItem) => ({
  ...outdialFields(item),
  target_count: targetCountOf(item),
  targets_by_state: targetsByStateOf(item),
});
const presentTargetFields = presenter(OutdialTarget);
/** A target with the hold in force on it (target-hold.ts), worked out from its stored hold. */
export const presentOutdialTarget = (item: StoredItem): z.output<typeof OutdialTarget> => ({
  ...presentTargetFields(item),
  hold: holdOf(item),
});
const queueFields = presenter(Queue);
/** Queues written before wrap-up existed have none. */
export const presentQueue = (item: StoredItem) =>
  queueFields({ wrapup_ms: DEFAULT_WRAPUP_MS, ...item } as StoredItem);
export const presentAgent = presenter(Agent);
export const presentAccesskey = presenter(Accesskey);
export const presentCustomer = presenter(Customer);
export const presentSuppression = presenter(Suppression);

const CONTACT_POLICY_FIELDS = Object.keys(ContactPolicy.shape) as (keyof StoredContactPolicy)[];

/** The contact policy has no id of its own (one per customer): its schema's fields, unset ones null. */
export const presentContactPolicy = (policy: StoredContactPolicy): z.output<typeof ContactPolicy> =>
  Object.fromEntries(
    CONTACT_POLICY_FIELDS.map((f) => [
      f,
      // Policies set before these fields existed have their defaults.
      f === 'rest_after_abandon_hours' && policy[f] === undefined
        ? DEFAULT_REST_AFTER_ABANDON_HOURS
        : (policy[f] ?? (f === 'max_abandon_rate_ceiling' ? DEFAULT_MAX_ABANDON_RATE : null)),
    ]),
  ) as z.output<typeof ContactPolicy>;
