import * as z from 'zod/mini';
import { KEYPAD_KEY, OPT_OUT_ACTION, OPT_OUT_TEXT_MAX } from '#domain/action.ts';
import { addressTypes } from '#domain/address.ts';
import { NIL_UUID } from '#domain/ids.ts';
import { DESTINATION_SLOTS, type DestinationSlot } from '#domain/outplan.ts';
import { MAX_PAGE_SIZE } from '#domain/pagination.ts';
import { storableJson } from './storable-json.ts';
import { withMeta } from './with-meta.ts';

/** Any 8-4-4-4-12 hex id, the nil UUID included (VoIPBIN ids are not all RFC 4122 v4). */
export const Uuid = z.pipe(
  z.guid(),
  z.transform((s: string) => s.toLowerCase()),
);

/** A reference id: a UUID, or "" / nil / omitted meaning "not set", stored as the nil UUID. */
export const ReferenceId = z
  .pipe(
    z.optional(z.union([z.literal(''), z.guid()])),
    z.transform((s: string | undefined) => (s ? s.toLowerCase() : NIL_UUID)),
  )
  .apply(withMeta, { description: 'UUID, or "" / nil UUID for not set' });

const E164 = /^\+[1-9]\d{1,14}$/;

/** The fields of an address as a client sends them (AddressInput checks a tel target on top). */
export const AddressFields = z.strictObject({
  type: z.enum(addressTypes),
  target: z.string().check(z.minLength(1), z.maxLength(512)),
  target_name: z._default(z.string().check(z.maxLength(255)), ''),
  name: z._default(z.string().check(z.maxLength(255)), ''),
  detail: z._default(z.string().check(z.maxLength(1024)), ''),
});

export const AddressInput = AddressFields.check(
  z.refine((a) => a.type !== 'tel' || E164.test(a.target), {
    message: 'a tel target must be an E.164 number such as +15551234567',
    path: ['target'],
  }),
).apply(withMeta, { id: 'AddressInput' });

export const Address = z
  .object({
    type: z.enum(addressTypes),
    target: z.string(),
    target_name: z.string(),
    name: z.string(),
    detail: z.string(),
  })
  .apply(withMeta, { id: 'Address' });

/** The option of an `opt_out` action (our addition): the prompt and the key that opts out. */
export const OptOutOption = z
  .strictObject({
    digit: z.string().check(z.regex(KEYPAD_KEY, 'one key: 0–9, * or #')),
    text: z.string().check(z.trim(), z.minLength(1), z.maxLength(OPT_OUT_TEXT_MAX)),
  })
  .apply(withMeta, {
    id: 'OptOutOption',
    description:
      'option of an action of type opt_out: the person hears `text` and pressing `digit` adds the number to the suppression list (source opt_out)',
  });

export const ActionInput = z
  .strictObject({
    id: ReferenceId,
    next_id: ReferenceId,
    type: z.string().check(z.minLength(1), z.maxLength(64)),
    // Stored inside the campaign's actions list, in the action's map: two levels above it.
    option: z._default(storableJson(z.record(z.string(), z.unknown()), 2), {}),
  })
  .check(
    // Other types are VoIPBIN's and kept as sent; an opt_out must be one Outbound can play.
    z.superRefine((action, ctx) => {
      if (action.type !== OPT_OUT_ACTION) return;
      const parsed = z.safeParse(OptOutOption, action.option);
      for (const issue of parsed.error?.issues ?? [])
        ctx.addIssue({ code: 'custom', message: issue.message, path: ['option', ...issue.path] });
    }),
  )
  .apply(withMeta, {
    id: 'ActionInput',
    description:
      'a flow action, stored as sent; type opt_out (our addition) takes option {digit: one key 0–9, * or #; text: 1–500 characters}, at most one per campaign',
  });

/** Response fields that are plain strings, in the order named. */
export const strings = <K extends string>(...names: K[]) =>
  Object.fromEntries(names.map((n) => [n, z.string()])) as Record<K, z.ZodMiniString<string>>;

/** One field per destination slot, `<prefix>0` … `<prefix>4`, all of one schema, in slot order. */
export const perSlot = <P extends string, S extends z.ZodMiniType>(prefix: P, schema: S) =>
  Object.fromEntries(DESTINATION_SLOTS.map((n) => [`${prefix}${n}`, schema])) as Record<
    `${P}${DestinationSlot}`,
    S
  >;

export const Action = z
  .object({ ...strings('id', 'next_id', 'type'), option: z.record(z.string(), z.unknown()) })
  .apply(withMeta, { id: 'Action' });

export const Name = z.string().check(z.trim(), z.minLength(1), z.maxLength(255));
/** The name of a target or an access key, which may be left out. */
export const OptionalName = z._default(z.string().check(z.maxLength(255)), '');
export const Detail = z._default(z.string().check(z.maxLength(4096)), '');
export const Data = z._default(z.string().check(z.maxLength(65536)), '');

export const IdParams = z.strictObject({ id: Uuid });

export const PageQuery = z.strictObject({
  // Any whole number is accepted, however large: as in VoIPBIN, values ≤ 0 or > 100 mean 100.
  page_size: z
    .optional(
      z.coerce.number().check(z.refine(Number.isInteger, { message: 'page_size must be a whole number' })),
    )
    .apply(withMeta, { description: `default and maximum ${MAX_PAGE_SIZE}`, type: 'integer' }),
  page_token: z
    .optional(z.string().check(z.maxLength(128)))
    .apply(withMeta, { description: 'tm_create of the last item of the previous page' }),
});

export const Timestamps = {
  tm_create: z.string(),
  tm_update: z.nullable(z.string()),
  tm_delete: z.nullable(z.string()),
};

export const pageOf = <T extends z.ZodMiniType>(item: T, id: string) =>
  z.object({ result: z.array(item), next_page_token: z.string() }).apply(withMeta, { id });

export const TagIds = z._default(z.array(Uuid).check(z.maxLength(100)), []);
