/** Use case: an outdial's targets with one phone number, paged newest first like the target list. */
import { ValidationFailed } from '#domain/errors.ts';
import { normalisePageSize, parsePageToken, toPage } from '#domain/pagination.ts';
import { normalisePhoneNumber } from '#domain/phone-number.ts';
import type { Deps } from './deps.ts';
import { loadOwned } from './owned.ts';
import { presentOutdialTarget } from './present.ts';

export const searchTargetsByNumber = async (
  deps: Deps,
  customerId: string,
  outdialId: string,
  query: { number: string; page_size?: number | undefined; page_token?: string | undefined },
) => {
  const n = normalisePhoneNumber(query.number);
  if (!n.ok)
    throw new ValidationFailed('number is not a phone number', [{ field: 'number', issue: n.issue }]);
  await loadOwned(deps, 'outdial', customerId, outdialId);
  const size = normalisePageSize(query.page_size);
  const cursor = parsePageToken(query.page_token);
  const items = await deps.targetIndex.byNumber({
    customerId,
    outdialId,
    e164: n.e164,
    limit: size + 1,
    ...(cursor ? { cursor } : {}),
  });
  return toPage(items.map(presentOutdialTarget), size);
};
