import * as z from 'zod/mini';
import { targetStatuses } from '#domain/outdial.ts';
import { MAX_CREATE_ALL } from '#ports/resource-store.ts';
import {
  Address,
  AddressInput,
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

const Destination = z.pipe(
  z.optional(z.nullable(AddressInput)),
  z.transform((d: z.output<typeof AddressInput> | null | undefined) => d ?? null),
);

export const CreateTarget = z
  .strictObject({
    name: OptionalName,
    detail: Detail,
    data: Data,
    ...perSlot('destination_', Destination),
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

export const Outdial = z
  .object({ ...strings('id', 'customer_id', 'campaign_id', 'name', 'detail', 'data'), ...Timestamps })
  .apply(withMeta, { id: 'Outdial' });

export const OutdialTarget = z
  .object({
    ...strings('id', 'outdial_id', 'name', 'detail', 'data'),
    status: z.enum(targetStatuses),
    ...perSlot('destination_', z.nullable(Address)),
    ...perSlot('try_count_', z.number()),
    ...Timestamps,
  })
  .apply(withMeta, { id: 'OutdialTarget' });

export const OutdialTargetBatch = z
  .object({ result: z.array(OutdialTarget) })
  .apply(withMeta, { id: 'OutdialTargetBatch' });
