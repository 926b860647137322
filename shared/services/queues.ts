/** Use cases of queues: who takes answered calls, and how many of them are free (pacing capacity). */
import type * as z from 'zod';
import type { CreateQueue, UpdateQueue } from '#schemas/queue.ts';
import type { Deps } from './deps.ts';
import {
  createOwned,
  deleteUnused,
  getOwn,
  listOwn,
  loadOwned,
  type PageQuery,
  updateOwned,
} from './owned.ts';
import { presentQueue as show } from './present.ts';

export const createQueue = (deps: Deps, customerId: string, input: z.output<typeof CreateQueue>) =>
  createOwned(deps, 'queue', customerId, input, show);

export const listQueues = (deps: Deps, customerId: string, query: PageQuery) =>
  listOwn(deps, 'queue', customerId, query, show);

export const getQueue = (deps: Deps, customerId: string, id: string) =>
  getOwn(deps, 'queue', customerId, id, show);

export const updateQueue = (
  deps: Deps,
  customerId: string,
  id: string,
  input: z.output<typeof UpdateQueue>,
) => updateOwned(deps, 'queue', customerId, id, input, show);

export const deleteQueue = (deps: Deps, customerId: string, id: string) =>
  deleteUnused(deps, 'queue', customerId, id, show);

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
