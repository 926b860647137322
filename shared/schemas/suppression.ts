import * as z from 'zod/mini';
import { MAX_SUPPRESSIONS_PER_BATCH, SUPPRESSION_SOURCES } from '#domain/suppression.ts';
import { formatTimestamp } from '#domain/time.ts';
import { PageQuery, strings, Timestamps } from './common.ts';
import { withMeta } from './with-meta.ts';

const Reason = z
  ._default(z.string().check(z.maxLength(1024)), '')
  .apply(withMeta, { description: 'why the number must not be called' });

/** Any ISO-8601 date-time with a zone, kept in our timestamp form; null or left out: never expires. */
const ExpireAt = z
  .pipe(
    z._default(z.nullable(z.iso.datetime({ offset: true })), null),
    z.transform((at: string | null) => (at === null ? null : formatTimestamp(Date.parse(at)))),
  )
  .apply(withMeta, {
    description: 'ISO-8601 date-time after which the number may be called again; null: never',
  });

/**
 * A phone number as written: `+14155550100`, `+1 (415) 555-0100`, `tel:+14155550100`. The use case
 * normalises it (shared/domain/phone-number.ts), so only the bundles taking numbers carry libphonenumber;
 * in a batch, a row whose number is not a phone number is reported while the others are added.
 */
const WrittenNumber = z.string().check(z.maxLength(64)).apply(withMeta, {
  description: 'a phone number with its country code: +14155550100, +1 (415) 555-0100, tel:+14155550100',
});

export const CreateSuppression = z
  .strictObject({ number: WrittenNumber, reason: Reason, expire_at: ExpireAt })
  .apply(withMeta, { id: 'CreateSuppression' });

/** A row of a batch: a number, or a number with its reason and expiry. A row of another shape is a 400. */
export const SuppressionRow = z.union([
  WrittenNumber,
  z.strictObject({ number: WrittenNumber, reason: Reason, expire_at: ExpireAt }),
]);

export const CreateSuppressions = z
  .strictObject({
    numbers: z.array(SuppressionRow).check(z.minLength(1), z.maxLength(MAX_SUPPRESSIONS_PER_BATCH)),
  })
  .apply(withMeta, { id: 'CreateSuppressions' });

export const SuppressionQuery = z.extend(PageQuery, {
  // A `+` left unencoded in a query string arrives as a space (form encoding); it can only mean `+`.
  number: z
    .optional(
      z.pipe(
        z.string().check(z.maxLength(64)),
        z.transform((n: string) => n.replace(/^ (?=\d)/, '+')),
      ),
    )
    .apply(withMeta, { description: 'only the suppression in force for this number (send + as %2B)' }),
});

export const Suppression = z
  .object({
    ...strings('id', 'customer_id', 'number', 'reason'),
    source: z.enum(SUPPRESSION_SOURCES),
    ...Timestamps,
    expire_at: z.nullable(z.string()),
  })
  .apply(withMeta, { id: 'Suppression' });

export const SuppressionBatch = z
  .object({
    result: z.array(Suppression).apply(withMeta, { description: 'one per valid row, in the order sent' }),
    errors: z.array(
      z.object({ index: z.number().check(z.int()), number: z.string(), issue: z.string() }).apply(withMeta, {
        description: 'a row that was not added: its index in `numbers`, the number as sent, and why',
      }),
    ),
  })
  .apply(withMeta, { id: 'SuppressionBatch' });
