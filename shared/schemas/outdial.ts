import * as z from 'zod';
import { canonicalTimeZone } from '#domain/calling-hours.ts';
import { targetStatuses } from '#domain/outdial.ts';
import { MAX_CREATE_ALL } from '#ports/resource-store.ts';
import {
  Address,
  AddressFields,
  Data,
  Detail,
  Name,
  OptionalName,
  perSlot,
  ReferenceId,
  strings,
  Timestamps,
  Uuid,
} from './common.ts';

export const CreateOutdial = z
  .strictObject({ campaign_id: ReferenceId, name: Name, detail: Detail, data: Data })
  .meta({ id: 'CreateOutdial' });
export const UpdateOutdial = z.strictObject({ name: Name, detail: Detail }).meta({ id: 'UpdateOutdial' });
export const UpdateOutdialCampaign = z
  .strictObject({ campaign_id: ReferenceId })
  .meta({ id: 'UpdateOutdialCampaignId' });
export const UpdateOutdialData = z.strictObject({ data: Data }).meta({ id: 'UpdateOutdialData' });

/**
 * Our addition: the person's own time zone, when the list knows it better than the number does (a
 * mobile number travels). Left out, the zones are worked out from the number.
 */
const TargetTimeZone = z
  .string()
  .max(64)
  .transform((tz, ctx) => {
    const canonical = canonicalTimeZone(tz);
    if (canonical) return canonical;
    ctx.issues.push({ code: 'custom', message: 'an IANA time zone, e.g. America/New_York', input: tz });
    return z.NEVER;
  })
  .optional()
  .meta({ description: "IANA time zone of the person; calling_hours with timezone 'callee' use it" });

/**
 * A target's destination. A `tel` target may be written with separators or as a `tel:` URI: the use
 * case stores it in E.164 (shared/domain/phone-number.ts), so one person is one number everywhere. It
 * is checked there rather than here so that only the bundles taking phone numbers carry libphonenumber.
 */
const DestinationInput = AddressFields.meta({
  id: 'DestinationInput',
  description: 'a tel target may be written +1 (415) 555-0100 or tel:+14155550100; it is stored in E.164',
});

const Destination = DestinationInput.nullable()
  .optional()
  .transform((d) => d ?? null);

export const CreateTarget = z
  .strictObject({
    name: OptionalName,
    detail: Detail,
    data: Data,
    ...perSlot('destination_', Destination),
    timezone: TargetTimeZone,
  })
  .refine(
    (t) =>
      [t.destination_0, t.destination_1, t.destination_2, t.destination_3, t.destination_4].some(
        (d) => d !== null,
      ),
    { message: 'at least one of destination_0..destination_4 is required', path: ['destination_0'] },
  )
  .meta({ id: 'CreateOutdialTarget' });

/** Our addition: a batch of targets, created all or none (DynamoDB's 100 items per transaction). */
export const CreateTargets = z
  .strictObject({ targets: z.array(CreateTarget).min(1).max(MAX_CREATE_ALL) })
  .meta({ id: 'CreateOutdialTargets' });

export const TargetParams = z.strictObject({ id: Uuid, target_id: Uuid });

export const Outdial = z
  .object({ ...strings('id', 'customer_id', 'campaign_id', 'name', 'detail', 'data'), ...Timestamps })
  .meta({ id: 'Outdial' });

export const OutdialTarget = z
  .object({
    ...strings('id', 'outdial_id', 'name', 'detail', 'data'),
    status: z.enum(targetStatuses),
    ...perSlot('destination_', Address.nullable()),
    ...perSlot('try_count_', z.number()),
    timezone: z.string().nullable(),
    ...Timestamps,
  })
  .meta({ id: 'OutdialTarget' });

export const OutdialTargetBatch = z
  .object({ result: z.array(OutdialTarget) })
  .meta({ id: 'OutdialTargetBatch' });
