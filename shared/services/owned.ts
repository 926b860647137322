import type * as z from 'zod';
import {
  Conflict,
  Forbidden,
  notFound,
  type ResourceKind,
  resourceDeleted,
  resourceInUse,
} from '#domain/errors.ts';
import { normalisePageSize, parsePageToken, toPage } from '#domain/pagination.ts';
import type { Page } from '#domain/resource.ts';
import { formatTimestamp } from '#domain/time.ts';
import {
  ExpectationFailed,
  type ListScope,
  type StoredItem,
  type StoredKind,
} from '#ports/resource-store.ts';
import type { PageQuery as PageQuerySchema } from '#schemas/common.ts';
import type { Deps } from './deps.ts';

/** Helpers every resource service shares: tenant-checked loads, error mapping, paging. */

export const now = (deps: Pick<Deps, 'clock'>) => formatTimestamp(deps.clock.now());

/** Loads an item the caller owns: unknown → 404, another customer's → 403 with nothing of it shown. */
export const loadOwned = async (
  deps: Pick<Deps, 'resources'>,
  kind: StoredKind & ResourceKind,
  customerId: string,
  id: string,
) => {
  const item = await deps.resources.get(kind, id);
  if (!item) throw notFound(kind);
  if (item.customer_id !== customerId) throw new Forbidden();
  return item;
};

/** Maps a refused conditional write to the error the API reports. */
export const explain = (kind: ResourceKind, err: unknown): unknown => {
  if (!(err instanceof ExpectationFailed)) return err;
  switch (err.failure) {
    case 'missing':
      return notFound(kind);
    case 'other-customer':
      return new Forbidden();
    case 'deleted':
      return resourceDeleted(kind);
    case 'referenced':
      return resourceInUse(kind);
    case 'status':
      return new Conflict('FAILED_PRECONDITION', `The ${kind} is not in a state that allows this`);
  }
};

/** Runs a conditional write and rethrows refusals as API errors. */
export const guarded = async <T>(kind: ResourceKind, write: () => Promise<T>): Promise<T> => {
  try {
    return await write();
  } catch (err) {
    throw explain(kind, err);
  }
};

export type PageQuery = z.output<typeof PageQuerySchema>;

export const listPage = async <T>(
  deps: Deps,
  kind: StoredKind,
  scope: ListScope,
  query: PageQuery,
  present: (item: StoredItem) => T & { id: string; tm_create: string },
): Promise<Page<T>> => {
  const size = normalisePageSize(query.page_size);
  const cursor = parsePageToken(query.page_token);
  const items = await deps.resources.list(kind, { scope, limit: size + 1, ...(cursor ? { cursor } : {}) });
  return toPage(items.map(present), size);
};

/** A new resource of the customer: a fresh id, created now, never updated, not deleted. */
export const newOwned = <T extends object>(deps: Deps, customerId: string, fields: T) => ({
  id: deps.ids.uuid(),
  customer_id: customerId,
  ...fields,
  tm_create: now(deps),
  tm_update: null,
  tm_delete: null,
});

type Kind = StoredKind & ResourceKind;
type Presenter<R> = (item: StoredItem) => R;

/** The customer's page of a kind, newest first. */
export const listOwn = <R extends { id: string; tm_create: string }>(
  deps: Deps,
  kind: Kind,
  customerId: string,
  query: PageQuery,
  show: Presenter<R>,
) => listPage(deps, kind, { by: 'customer', customerId }, query, show);

/** One resource the customer owns, as shown (a deleted one too). */
export const getOwn = async <R>(deps: Deps, kind: Kind, customerId: string, id: string, show: Presenter<R>) =>
  show(await loadOwned(deps, kind, customerId, id));

/** Plain attribute changes of a live resource the customer owns, stamped now. */
export const updateOwned = <R>(
  deps: Deps,
  kind: Kind,
  customerId: string,
  id: string,
  changes: object,
  show: Presenter<R>,
) =>
  guarded(kind, async () =>
    show(await deps.resources.update(kind, id, { customerId }, { ...changes, tm_update: now(deps) })),
  );

/** Soft-deletes a resource of the customer that no campaign uses (409 RESOURCE_IN_USE while one does). */
export const deleteUnused = <R>(deps: Deps, kind: Kind, customerId: string, id: string, show: Presenter<R>) =>
  guarded(kind, async () =>
    show(await deps.resources.softDelete(kind, id, { customerId, unreferenced: true }, now(deps))),
  );

/** Creates a resource kept in the resource store, and shows it. */
export const createOwned = async <R>(
  deps: Deps,
  kind: Kind,
  customerId: string,
  fields: object,
  show: Presenter<R>,
) => {
  const item = newOwned(deps, customerId, fields);
  await deps.resources.create(kind, item);
  return show(item);
};
