import { ValidationFailed } from './errors.ts';
import type { Page } from './resource.ts';
import { canonicalTimestamp } from './time.ts';

export const MAX_PAGE_SIZE = 100;

/** As in VoIPBIN: values ≤ 0, > 100 or absent become 100. */
export const normalisePageSize = (size: number | undefined): number =>
  size === undefined || !Number.isFinite(size) || size <= 0 || size > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : size;

/** Position in a newest-first list: items strictly before (older than) this point come next. */
export interface Cursor {
  tmCreate: string;
  /** Set only when a page ended inside a group of items created in the same microsecond. */
  id?: string;
}

/** Separator of the tie-breaking form `<tm_create>~<id>`; `~` is URL-safe and never in a timestamp. */
const TIE = '~';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const parsePageToken = (token: string | undefined): Cursor | undefined => {
  if (token === undefined || token === '') return undefined;
  const [ts = '', id, ...rest] = token.split(TIE);
  const tmCreate = canonicalTimestamp(ts);
  if (!tmCreate || rest.length > 0 || (id !== undefined && !UUID.test(id))) {
    throw new ValidationFailed('page_token must be a tm_create timestamp from a previous page', [
      { field: 'page_token', issue: 'not a timestamp' },
    ]);
  }
  return id === undefined ? { tmCreate } : { tmCreate, id: id.toLowerCase() };
};

/**
 * Builds a page from up to pageSize + 1 items fetched newest first. The token is the last item's
 * tm_create, as in VoIPBIN; only when the next item shares that timestamp does it carry the id as well, so no
 * item is skipped at equal timestamps while plain tm_create tokens stay valid.
 */
export const toPage = <T extends { id: string; tm_create: string }>(
  fetched: T[],
  pageSize: number,
): Page<T> => {
  const result = fetched.slice(0, pageSize);
  const last = result.at(-1);
  if (!last) return { result: [], next_page_token: '' };
  const next = fetched[pageSize];
  const tie = next !== undefined && next.tm_create === last.tm_create;
  return { result, next_page_token: tie ? `${last.tm_create}${TIE}${last.id}` : last.tm_create };
};
