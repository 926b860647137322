import * as z from 'zod';
import { MAX_SUPPRESSIONS_PER_BATCH, SUPPRESSION_SOURCES } from '#domain/suppression.ts';
import { formatTimestamp } from '#domain/time.ts';
import { PageQuery, PhoneNumber, strings, Timestamps } from './common.ts';

const Reason = z.string().max(1024).default('').meta({ description: 'why the number must not be called' });

/** Any ISO-8601 date-time with a zone, kept in our timestamp form; null or left out: never expires. */
const ExpireAt = z.iso
  .datetime({ offset: true })
  .nullable()
  .default(null)
  .transform((at) => (at === null ? null : formatTimestamp(Date.parse(at))))
  .meta({ description: 'ISO-8601 date-time after which the number may be called again; null: never' });

export const CreateSuppression = z
  .strictObject({ number: PhoneNumber, reason: Reason, expire_at: ExpireAt })
  .meta({ id: 'CreateSuppression' });

/**
 * A row of a batch: its number is checked by the use case, not here, so a number that is not a phone
 * number is reported in `errors` while the other rows are added. A row of the wrong shape is a 400.
 */
const WrittenNumber = z.string().max(64);
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
    .pipe(PhoneNumber)
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
