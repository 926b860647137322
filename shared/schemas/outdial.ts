import * as z from 'zod/mini';
import { canonicalTimeZone } from '#domain/calling-hours.ts';
import { HOLD_REASONS } from '#domain/holds.ts';
import { targetStates, targetStatuses } from '#domain/outdial.ts';
import { MAX_CREATE_ALL } from '#ports/resource-store.ts';
import {
  Address,
  AddressFields,
  Data,
  Detail,
  Name,
  OptionalName,
  PageQuery,
  perSlot,
  ReferenceId,
  strings,
  Timestamps,
  Uuid,
} from './common.ts';
import { withMeta } from './with-meta.ts';

export const CreateOutdial = z
  .strictObject({ campaign_id: ReferenceId, name: Name, detail: Detail, data: Data })
  .apply(withMeta, { id: 'CreateOutdial' });
export const UpdateOutdial = z
  .strictObject({ name: Name, detail: Detail })
  .apply(withMeta, { id: 'UpdateOutdial' });
export const UpdateOutdialCampaign = z
  .strictObject({ campaign_id: ReferenceId })
  .apply(withMeta, { id: 'UpdateOutdialCampaignId' });
export const UpdateOutdialData = z.strictObject({ data: Data }).apply(withMeta, { id: 'UpdateOutdialData' });

/**
 * Our addition: the person's own time zone, when the list knows it better than the number does (a
 * mobile number travels). Left out, the zones are worked out from the number.
 */
const TargetTimeZone = z
  .optional(
    z.pipe(
      z.string().check(z.maxLength(64)),
      z.transform((tz: string, ctx) => {
        const canonical = canonicalTimeZone(tz);
        if (canonical) return canonical;
        ctx.issues.push({ code: 'custom', message: 'an IANA time zone, e.g. America/New_York', input: tz });
        return z.NEVER;
      }),
    ),
  )
  .apply(withMeta, {
    description: "IANA time zone of the person; calling_hours with timezone 'callee' use it",
  });

/**
 * A target's destination. A `tel` target may be written with separators or as a `tel:` URI: the use
 * case stores it in E.164 (shared/domain/phone-number.ts), so one person is one number everywhere. It
 * is checked there rather than here so that only the bundles taking phone numbers carry libphonenumber.
 */
const DestinationInput = AddressFields.apply(withMeta, {
  id: 'DestinationInput',
  description: 'a tel target may be written +1 (415) 555-0100 or tel:+14155550100; it is stored in E.164',
});

const Destination = z.pipe(
  z.optional(z.nullable(DestinationInput)),
  z.transform((d: z.output<typeof DestinationInput> | null | undefined) => d ?? null),
);

export const CreateTarget = z
  .strictObject({
    name: OptionalName,
    detail: Detail,
    data: Data,
    ...perSlot('destination_', Destination),
    timezone: TargetTimeZone,
  })
  .check(
    z.refine(
      (t) =>
        [t.destination_0, t.destination_1, t.destination_2, t.destination_3, t.destination_4].some(
          (d) => d !== null,
        ),
      { message: 'at least one of destination_0..destination_4 is required', path: ['destination_0'] },
    ),
  )
  .apply(withMeta, { id: 'CreateOutdialTarget' });

/** Our addition: a batch of targets, created all or none (DynamoDB's 100 items per transaction). */
export const CreateTargets = z
  .strictObject({ targets: z.array(CreateTarget).check(z.minLength(1), z.maxLength(MAX_CREATE_ALL)) })
  .apply(withMeta, { id: 'CreateOutdialTargets' });

export const TargetParams = z.strictObject({ id: Uuid, target_id: Uuid });

/** Our addition: why a target waits, or ended without a call (compliance), and until when. */
export const TargetHold = z
  .object({
    reason: z.enum(HOLD_REASONS),
    until: z.nullable(z.string()).apply(withMeta, {
      description:
        'when the target may be dialled again (ISO-8601); null: not by itself (a suppressed number, a number in no known zone)',
    }),
  })
  .apply(withMeta, { id: 'TargetHold' });

const TargetCount = z.number().check(z.int());

/** Our addition: a list's live targets in total and by state, kept from the change stream. */
export const TargetsByState = z
  .object({
    total: TargetCount.apply(withMeta, { description: 'live targets' }),
    ...(Object.fromEntries(targetStates.map((s) => [s, TargetCount])) as Record<
      (typeof targetStates)[number],
      typeof TargetCount
    >),
  })
  .apply(withMeta, {
    id: 'TargetsByState',
    description:
      'live targets by state: idle (never tried), waiting_retry (idle with a try spent and tries left), in_flight (an attempt open), done (reached, or out of tries), held (kept back by a hold)',
  });

export const Outdial = z
  .object({
    ...strings('id', 'customer_id', 'campaign_id', 'name', 'detail', 'data'),
    target_count: z.nullable(TargetCount).apply(withMeta, {
      description:
        'live targets (our addition; kept from the change stream, a moment behind a write); null for a list from before the count, until the backfill',
    }),
    targets_by_state: z.nullable(TargetsByState).apply(withMeta, {
      description:
        'live targets by state (our addition; kept from the change stream, a moment behind a write); null for a list from before these counts, until the backfill',
    }),
    ...Timestamps,
  })
  .apply(withMeta, { id: 'Outdial' });

export const OutdialTarget = z
  .object({
    ...strings('id', 'outdial_id', 'name', 'detail', 'data'),
    status: z.enum(targetStatuses),
    ...perSlot('destination_', z.nullable(Address)),
    ...perSlot('try_count_', z.number()),
    timezone: z.nullable(z.string()),
    hold: z.nullable(TargetHold),
    ...Timestamps,
  })
  .apply(withMeta, { id: 'OutdialTarget' });

export const OutdialTargetBatch = z
  .object({ result: z.array(OutdialTarget) })
  .apply(withMeta, { id: 'OutdialTargetBatch' });

/** A target list page, or with `number` the targets having that number (our addition). */
export const TargetListQuery = z.strictObject({
  ...PageQuery.shape,
  number: z
    .optional(z.string().check(z.minLength(1), z.maxLength(40)))
    .apply(withMeta, { description: 'only targets with this phone number (any form; compared in E.164)' }),
});
