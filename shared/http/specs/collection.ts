/** The routes every customer-owned collection has, so each family states only what is its own. */
import type * as z from 'zod/mini';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';

interface Listed<I extends z.ZodMiniType> {
  tag: string;
  /** e.g. /v1.0/queues; the item routes are under `<path>/{id}`. */
  path: string;
  /** The resource as the API shows it. */
  item: I;
  /** Component name of the list page, e.g. QueueList. */
  listId: string;
  summaries: { list: string; get: string; delete: string };
}

interface Created<I extends z.ZodMiniType, B extends z.ZodMiniType, C extends z.ZodMiniType>
  extends Listed<I> {
  /** The create body. */
  body: B;
  /** What a create answers, when not the item itself. */
  created?: C;
  summaries: Listed<I>['summaries'] & { create: string };
}

/**
 * List the collection, get and delete by id, all for a customer's access key. `base` and `one` are the
 * shared parts of the family's other routes (on the collection, and on one item).
 */
export const listedRoutes = <I extends z.ZodMiniType>(c: Listed<I>) => {
  const base = { tag: c.tag, access: 'customer' } as const;
  const one = { ...base, params: IdParams, response: c.item };
  const item = `${c.path}/{id}`;
  return {
    base,
    one,
    list: {
      ...base,
      method: 'GET',
      path: c.path,
      summary: c.summaries.list,
      query: PageQuery,
      response: pageOf(c.item, c.listId),
    },
    get: { ...one, method: 'GET', path: item, summary: c.summaries.get },
    delete: { ...one, method: 'DELETE', path: item, summary: c.summaries.delete },
  } as const;
};

/** The listed routes, and create on the collection. */
export const collectionRoutes = <
  I extends z.ZodMiniType,
  B extends z.ZodMiniType,
  C extends z.ZodMiniType = I,
>(
  c: Created<I, B, C>,
) => {
  const listed = listedRoutes(c);
  return {
    ...listed,
    create: {
      ...listed.base,
      method: 'POST',
      path: c.path,
      summary: c.summaries.create,
      body: c.body,
      response: (c.created ?? c.item) as C,
    },
  } as const;
};
