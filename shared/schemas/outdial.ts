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
  ReferenceId,
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
    destination_0: Destination,
    destination_1: Destination,
    destination_2: Destination,
    destination_3: Destination,
    destination_4: Destination,
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
  .object({
    id: z.string(),
    customer_id: z.string(),
    campaign_id: z.string(),
    name: z.string(),
    detail: z.string(),
    data: z.string(),
    ...Timestamps,
  })
  .meta({ id: 'Outdial' });

export const OutdialTarget = z
  .object({
    id: z.string(),
    outdial_id: z.string(),
    name: z.string(),
    detail: z.string(),
    data: z.string(),
    status: z.enum(targetStatuses),
    destination_0: Address.nullable(),
    destination_1: Address.nullable(),
    destination_2: Address.nullable(),
    destination_3: Address.nullable(),
    destination_4: Address.nullable(),
    try_count_0: z.number(),
    try_count_1: z.number(),
    try_count_2: z.number(),
    try_count_3: z.number(),
    try_count_4: z.number(),
    ...Timestamps,
  })
  .meta({ id: 'OutdialTarget' });

export const OutdialTargetBatch = z
  .object({ result: z.array(OutdialTarget) })
  .meta({ id: 'OutdialTargetBatch' });
