/** Use cases of queues: who takes answered calls, and how many of them are free (pacing capacity). */
import type * as z from 'zod';
import type { Queue } from '#domain/queue.ts';
import type { CreateQueue } from '#schemas/queue.ts';
import type { Deps } from './deps.ts';
import { guarded, listPage, loadOwned, now, type PageQuery } from './owned.ts';
import { presentQueue as show } from './present.ts';

/** Create and update take the same body. */
type QueueInput = z.output<typeof CreateQueue>;

export const createQueue = async (deps: Deps, customerId: string, input: QueueInput): Promise<Queue> => {
  const item = {
    id: deps.ids.uuid(),
    customer_id: customerId,
    ...input,
    tm_create: now(deps),
    tm_update: null,
  };
  await deps.resources.create('queue', item);
  return show(item);
};

export const listQueues = (deps: Deps, customerId: string, query: PageQuery) =>
  listPage(deps, 'queue', { by: 'customer', customerId }, query, show);

export const getQueue = async (deps: Deps, customerId: string, id: string) =>
  show(await loadOwned(deps, 'queue', customerId, id));

export const updateQueue = (deps: Deps, customerId: string, id: string, input: QueueInput) =>
  guarded('queue', async () =>
    show(await deps.resources.update('queue', id, { customerId }, { ...input, tm_update: now(deps) })),
  );

export const deleteQueue = (deps: Deps, customerId: string, id: string) =>
  guarded('queue', async () =>
    show(await deps.resources.softDelete('queue', id, { customerId, unreferenced: true }, now(deps))),
  );

/**
 * Available agents serving the queue (see docs/behaviour.md, "Queue join"); no cap, read from the sparse
 * available-agents index.
 */
export const countAvailableAgents = async (
  deps: Deps,
  customerId: string,
  queueId: string,
): Promise<number> => {
  const queue = await loadOwned(deps, 'queue', customerId, queueId);
  return deps.agents.countAvailable(customerId, (queue.tag_ids as string[] | undefined) ?? []);
};
