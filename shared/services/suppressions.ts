/** Use cases of suppressions: the customer's own do-not-call list (our addition). */
import type * as z from 'zod';
import { type ErrorDetail, notFound, ValidationFailed } from '#domain/errors.ts';
import { normalisePhoneNumber } from '#domain/phone-number.ts';
import type { Suppression, SuppressionSource } from '#domain/suppression.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { CreateSuppression, SuppressionQuery, SuppressionRow } from '#schemas/suppression.ts';
import type { Deps } from './deps.ts';
import { guarded, listOwn, now } from './owned.ts';
import { presentSuppression as show } from './present.ts';

interface NewSuppression {
  number: string;
  reason: string;
  expire_at: string | null;
}

const expiryIssue = (expireAt: string | null, at: string) =>
  expireAt !== null && expireAt <= at ? 'expire_at is not in the future' : undefined;

const newSuppression = (
  deps: Deps,
  customerId: string,
  input: NewSuppression,
  source: SuppressionSource,
  tmCreate: string,
): Suppression => ({
  id: deps.ids.uuid(),
  customer_id: customerId,
  number: input.number,
  reason: input.reason,
  source,
  tm_create: tmCreate,
  tm_update: null,
  tm_delete: null,
  expire_at: input.expire_at,
});

/** The E.164 form of a number the client wrote, or a 400 naming the field. */
const e164Of = (written: string, field: string, where = 'body') => {
  const n = normalisePhoneNumber(written);
  if (!n.ok) throw new ValidationFailed(`The request ${where} is not valid`, [{ field, issue: n.issue }]);
  return n.e164;
};

/** Adds the number, or answers the suppression already in force for it (never a second one). */
export const addSuppression = async (
  deps: Deps,
  customerId: string,
  input: z.output<typeof CreateSuppression>,
) => {
  const number = e164Of(input.number, 'number');
  const at = now(deps);
  const issue = expiryIssue(input.expire_at, at);
  if (issue) throw new ValidationFailed('The request body is not valid', [{ field: 'expire_at', issue }]);
  const added = await deps.suppressions.add(
    newSuppression(deps, customerId, { ...input, number }, 'api', at),
  );
  return show(added.suppression);
};

type Row = z.output<typeof SuppressionRow>;

/**
 * Up to 1,000 numbers (an import). Every valid row is added even when others are not, since a safety
 * list must not lose its good rows to one bad one; the bad ones come back in `errors` with their index.
 * Rows of one number share its suppression. Rows get consecutive microseconds of one millisecond, so
 * the list shows them in the order sent.
 */
export const addSuppressions = async (deps: Deps, customerId: string, rows: readonly Row[]) => {
  const ms = deps.clock.now();
  const at = formatTimestamp(ms);
  const errors: (ErrorDetail & { index: number; number: string })[] = [];
  const valid: { index: number; input: NewSuppression }[] = [];
  for (const [index, row] of rows.entries()) {
    const {
      number: written,
      reason,
      expire_at,
    } = typeof row === 'string' ? { number: row, reason: '', expire_at: null } : row;
    const parsed = normalisePhoneNumber(written);
    const issue = parsed.ok ? expiryIssue(expire_at, at) : parsed.issue;
    if (!parsed.ok || issue) errors.push({ index, number: written, issue: issue ?? 'not a phone number' });
    else valid.push({ index, input: { number: parsed.e164, reason, expire_at } });
  }
  // The first row of a number decides its reason and expiry; later rows of it get the same answer.
  const byNumber = new Map<string, Suppression>();
  for (const [i, { input }] of valid.entries()) {
    if (!byNumber.has(input.number)) {
      byNumber.set(
        input.number,
        newSuppression(deps, customerId, input, 'import', formatTimestamp(ms, Math.min(i, 999))),
      );
    }
  }
  const added = new Map(
    (await deps.suppressions.addAll([...byNumber.values()])).map((a) => [
      a.suppression.number,
      a.suppression,
    ]),
  );
  return {
    result: valid.map(({ input }) => show(added.get(input.number) as Suppression)),
    errors: errors.map(({ index, number, issue }) => ({ index, number, issue })),
  };
};

/** The customer's suppression; another customer's id is unknown here (404), not forbidden. */
const loadSuppression = async (deps: Deps, customerId: string, id: string) => {
  const item = await deps.resources.get('suppression', id);
  if (!item || item.customer_id !== customerId) throw notFound('suppression');
  return item as unknown as Suppression;
};

export const getSuppression = async (deps: Deps, customerId: string, id: string) =>
  show(await loadSuppression(deps, customerId, id));

/** Newest first; with `number`, only the suppression in force for it (one page, maybe empty). */
export const listSuppressions = async (
  deps: Deps,
  customerId: string,
  query: z.output<typeof SuppressionQuery>,
) => {
  const { number: written, ...page } = query;
  if (written === undefined) return listOwn(deps, 'suppression', customerId, page, show);
  const number = e164Of(written, 'number', 'query');
  const holder = await deps.suppressions.holderOf(customerId, number, now(deps));
  const found = holder ? await deps.resources.get('suppression', holder) : undefined;
  return { result: found ? [show(found)] : [], next_page_token: '' };
};

/** Soft delete: the number may be called again, and the record stays readable by id. */
export const deleteSuppression = async (deps: Deps, customerId: string, id: string) => {
  const current = await loadSuppression(deps, customerId, id);
  return guarded('suppression', async () => show(await deps.suppressions.remove(current, now(deps))));
};
