/** The collection routes (create, list, get, delete), bound to their use cases the one way they all are. */
import type { Deps } from '#services/deps.ts';
import type { PageQuery } from '#services/owned.ts';

type Customer = { customerId: string };
type OneItem = Customer & { params: { id: string } };
type ById = (deps: Deps, customerId: string, id: string) => Promise<unknown>;

/** Handlers for the routes of shared/http/specs/collection.ts, given the use cases in route order. */
export const collectionHandlers = <B>(
  deps: Deps,
  create: (deps: Deps, customerId: string, body: B) => Promise<unknown>,
  list: (deps: Deps, customerId: string, query: PageQuery) => Promise<unknown>,
  get: ById,
  remove: ById,
) => ({
  create: ({ customerId, body }: Customer & { body: B }) => create(deps, customerId, body),
  list: ({ customerId, query }: Customer & { query: PageQuery }) => list(deps, customerId, query),
  get: ({ customerId, params }: OneItem) => get(deps, customerId, params.id),
  delete: ({ customerId, params }: OneItem) => remove(deps, customerId, params.id),
});
