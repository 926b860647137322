import * as z from 'zod';
import { MAX_SUPPRESSIONS_PER_BATCH, SUPPRESSION_SOURCES } from '#domain/suppression.ts';
import { formatTimestamp } from '#domain/time.ts';
import { PageQuery, strings, Timestamps } from './common.ts';

const Reason = z.string().max(1024).default('').meta({ description: 'why the number must not be called' });

/** Any ISO-8601 date-time with a zone, kept in our timestamp form; null or left out: never expires. */
const ExpireAt = z.iso
  .datetime({ offset: true })
  .nullable()
  .default(null)
  .transform((at) => (at === null ? null : formatTimestamp(Date.parse(at))))
  .meta({ description: 'ISO-8601 date-time after which the number may be called again; null: never' });

/**
 * A phone number as written: `+14155550100`, `+1 (415) 555-0100`, `tel:+14155550100`. The use case
 * normalises it (shared/domain/phone-number.ts), so only the bundles taking numbers carry libphonenumber;
 * in a batch, a row whose number is not a phone number is reported while the others are added.
 */
const WrittenNumber = z.string().max(64).meta({
  description: 'a phone number with its country code: +14155550100, +1 (415) 555-0100, tel:+14155550100',
});

export const CreateSuppression = z
  .strictObject({ number: WrittenNumber, reason: Reason, expire_at: ExpireAt })
  .meta({ id: 'CreateSuppression' });

/** A row of a batch: a number, or a number with its reason and expiry. A row of another shape is a 400. */
export const SuppressionRow = z.union([
  WrittenNumber,
  z.strictObject({ number: WrittenNumber, reason: Reason, expire_at: ExpireAt }),
]);

export const CreateSuppressions = z
  .strictObject({ numbers: z.array(SuppressionRow).min(1).max(MAX_SUPPRESSIONS_PER_BATCH) })
  .meta({ id: 'CreateSuppressions' });

export const SuppressionQuery = PageQuery.extend({
  // A `+` left unencoded in a query string arrives as a space (form encoding); it can only mean `+`.
  number: z
    .string()
    .max(64)
    .transform((n) => n.replace(/^ (?=\d)/, '+'))
    .optional()
    .meta({ description: 'only the suppression in force for this number (send + as %2B)' }),
});

export const Suppression = z
  .object({
    ...strings('id', 'customer_id', 'number', 'reason'),
    source: z.enum(SUPPRESSION_SOURCES),
    ...Timestamps,
    expire_at: z.string().nullable(),
  })
  .meta({ id: 'Suppression' });

export const SuppressionBatch = z
  .object({
    result: z.array(Suppression).meta({ description: 'one per valid row, in the order sent' }),
    errors: z.array(
      z.object({ index: z.number().int(), number: z.string(), issue: z.string() }).meta({
        description: 'a row that was not added: its index in `numbers`, the number as sent, and why',
      }),
    ),
  })
  .meta({ id: 'SuppressionBatch' });
