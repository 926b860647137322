/**
 * Fields every stored resource carries (see docs/behaviour.md, "Ids and timestamps"). tm_update is null
 * until the first update.
 */
export interface Timestamps {
  tm_create: string;
  tm_update: string | null;
  tm_delete: string | null;
}

export interface OwnedResource extends Timestamps {
  id: string;
  customer_id: string;
}

/** Stored items lack tm_delete until deleted; the legacy 9999 sentinel also means "not deleted". */
export const isDeleted = (r: { tm_delete?: unknown }): boolean =>
  typeof r.tm_delete === 'string' && !r.tm_delete.startsWith('9999-');

/** One page of a list (see docs/behaviour.md, "Pagination"). */
export interface Page<T> {
  result: T[];
  next_page_token: string;
}
