import * as z from 'zod';
import { Address, AddressInput, Detail, Name, perSlot, strings, Timestamps } from './common.ts';

const MaxTry = z.number().int().min(0).max(100);

export const DialInfoInput = z.strictObject({
  source: AddressInput,
  dial_timeout: z.number().int().min(1000).max(600_000).meta({ description: 'ring timeout, milliseconds' }),
  try_interval: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600 * 1000)
    .meta({ description: 'gap from the end of one attempt to the next on the same target, milliseconds' }),
  ...perSlot('max_try_count_', MaxTry),
});

export const CreateOutplan = z
  .strictObject({ name: Name, detail: Detail, ...DialInfoInput.shape })
  .meta({ id: 'CreateOutplan' });
export const UpdateOutplan = z.strictObject({ name: Name, detail: Detail }).meta({ id: 'UpdateOutplan' });
export const UpdateDialInfo = DialInfoInput.meta({ id: 'UpdateOutplanDialInfo' });

export const Outplan = z
  .object({
    ...strings('id', 'customer_id', 'name', 'detail'),
    source: Address,
    dial_timeout: z.number(),
    try_interval: z.number(),
    ...perSlot('max_try_count_', z.number()),
    ...Timestamps,
  })
  .meta({ id: 'Outplan' });
