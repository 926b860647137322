import * as z from 'zod/mini';
import { Address, AddressInput, Detail, Name, perSlot, strings, Timestamps } from './common.ts';
import { withMeta } from './with-meta.ts';

const MaxTry = z.number().check(z.int(), z.minimum(0), z.maximum(100));

export const DialInfoInput = z.strictObject({
  source: AddressInput,
  dial_timeout: z
    .number()
    .check(z.int(), z.minimum(1000), z.maximum(600_000))
    .apply(withMeta, { description: 'ring timeout, milliseconds' }),
  try_interval: z
    .number()
    .check(z.int(), z.minimum(0), z.maximum(30 * 24 * 3600 * 1000))
    .apply(withMeta, {
      description: 'gap from the end of one attempt to the next on the same target, milliseconds',
    }),
  ...perSlot('max_try_count_', MaxTry),
});

export const CreateOutplan = z
  .strictObject({ name: Name, detail: Detail, ...DialInfoInput.shape })
  .apply(withMeta, { id: 'CreateOutplan' });
export const UpdateOutplan = z
  .strictObject({ name: Name, detail: Detail })
  .apply(withMeta, { id: 'UpdateOutplan' });
export const UpdateDialInfo = DialInfoInput.apply(withMeta, { id: 'UpdateOutplanDialInfo' });

export const Outplan = z
  .object({
    ...strings('id', 'customer_id', 'name', 'detail'),
    source: Address,
    dial_timeout: z.number(),
    try_interval: z.number(),
    ...perSlot('max_try_count_', z.number()),
    ...Timestamps,
  })
  .apply(withMeta, { id: 'Outplan' });
