import * as z from 'zod';
import { addressTypes } from '#domain/address.ts';
import { NIL_UUID } from '#domain/ids.ts';
import { DESTINATION_SLOTS, type DestinationSlot } from '#domain/outplan.ts';
import { MAX_PAGE_SIZE } from '#domain/pagination.ts';
import { storableJson } from './storable-json.ts';

/** Any 8-4-4-4-12 hex id, the nil UUID included (VoIPBIN ids are not all RFC 4122 v4). */
export const Uuid = z.guid().transform((s) => s.toLowerCase());

/** A reference id: a UUID, or "" / nil / omitted meaning "not set", stored as the nil UUID. */
export const ReferenceId = z
  .union([z.literal(''), z.guid()])
  .optional()
  .transform((s) => (s ? s.toLowerCase() : NIL_UUID))
  .meta({ description: 'UUID, or "" / nil UUID for not set' });

const E164 = /^\+[1-9]\d{1,14}$/;

/** The fields of an address as a client sends them (AddressInput checks a tel target on top). */
export const AddressFields = z.strictObject({
  type: z.enum(addressTypes),
  target: z.string().min(1).max(512),
  target_name: z.string().max(255).default(''),
  name: z.string().max(255).default(''),
  detail: z.string().max(1024).default(''),
});

export const AddressInput = AddressFields.refine((a) => a.type !== 'tel' || E164.test(a.target), {
  message: 'a tel target must be an E.164 number such as +15551234567',
  path: ['target'],
}).meta({ id: 'AddressInput' });

export const Address = z
  .object({
    type: z.enum(addressTypes),
    target: z.string(),
    target_name: z.string(),
    name: z.string(),
    detail: z.string(),
  })
  .meta({ id: 'Address' });

export const ActionInput = z
  .strictObject({
    id: ReferenceId,
    next_id: ReferenceId,
    type: z.string().min(1).max(64),
    // Stored inside the campaign's actions list, in the action's map: two levels above it.
    option: storableJson(z.record(z.string(), z.unknown()), 2).default({}),
  })
  .meta({ id: 'ActionInput' });

/** Response fields that are plain strings, in the order named. */
export const strings = <K extends string>(...names: K[]) =>
  Object.fromEntries(names.map((n) => [n, z.string()])) as Record<K, z.ZodString>;

/** One field per destination slot, `<prefix>0` … `<prefix>4`, all of one schema, in slot order. */
export const perSlot = <P extends string, S extends z.ZodType>(prefix: P, schema: S) =>
  Object.fromEntries(DESTINATION_SLOTS.map((n) => [`${prefix}${n}`, schema])) as Record<
    `${P}${DestinationSlot}`,
    S
  >;

export const Action = z
  .object({ ...strings('id', 'next_id', 'type'), option: z.record(z.string(), z.unknown()) })
  .meta({ id: 'Action' });

export const Name = z.string().trim().min(1).max(255);
/** The name of a target or an access key, which may be left out. */
export const OptionalName = z.string().max(255).default('');
export const Detail = z.string().max(4096).default('');
export const Data = z.string().max(65536).default('');

export const IdParams = z.strictObject({ id: Uuid });

export const PageQuery = z.strictObject({
  // Any whole number is accepted, however large: as in VoIPBIN, values ≤ 0 or > 100 mean 100.
  page_size: z.coerce
    .number()
    .refine(Number.isInteger, { message: 'page_size must be a whole number' })
    .optional()
    .meta({ description: `default and maximum ${MAX_PAGE_SIZE}`, type: 'integer' }),
  page_token: z
    .string()
    .max(128)
    .optional()
    .meta({ description: 'tm_create of the last item of the previous page' }),
});

export const Timestamps = {
  tm_create: z.string(),
  tm_update: z.string().nullable(),
  tm_delete: z.string().nullable(),
};

export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ result: z.array(item), next_page_token: z.string() }).meta({ id });

export const TagIds = z.array(Uuid).max(100).default([]);
