import * as z from 'zod';
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

export const CreateOutdial = z
  .strictObject({ campaign_id: ReferenceId, name: Name, detail: Detail, data: Data })
  .meta({ id: 'CreateOutdial' });
export const UpdateOutdial = z.strictObject({ name: Name, detail: Detail }).meta({ id: 'UpdateOutdial' });
export const UpdateOutdialCampaign = z
  .strictObject({ campaign_id: ReferenceId })
  .meta({ id: 'UpdateOutdialCampaignId' });
export const UpdateOutdialData = z.strictObject({ data: Data }).meta({ id: 'UpdateOutdialData' });

const Destination = AddressInput.nullable()
  .optional()
  .transform((d) => d ?? null);

export const CreateTarget = z
  .strictObject({
    name: OptionalName,
    detail: Detail,
    data: Data,
    ...perSlot('destination_', Destination),
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
    ...Timestamps,
  })
  .meta({ id: 'OutdialTarget' });

export const OutdialTargetBatch = z
  .object({ result: z.array(OutdialTarget) })
  .meta({ id: 'OutdialTargetBatch' });
