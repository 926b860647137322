/**
 * Queue join (see docs/behaviour.md, Queue join): an answered call of a campaign with a queue is offered to an available agent of
 * that queue, who becomes busy for the call; with no agent free the caller waits in line and is offered
 * again on the next tick, oldest first. A caller who starts waiting gets a delayed check on the dial
 * queue that abandons them if still waiting after the campaign's `abandon_after_ms` (abandon-call.ts):
 * an event of its own, since the tick may come far later than that.
 */
import { abandonAfterMsOf } from '#domain/abandon.ts';
import { isNil } from '#domain/ids.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaigncall } from '#ports/engine-store.ts';
import { abandonOverdue } from './abandon-call.ts';
import type { EngineDeps } from './engine-deps.ts';

export const joinQueue = async (deps: EngineDeps, call: EngineCampaigncall): Promise<string | undefined> => {
  if (isNil(call.queue_id)) return undefined;
  const queue = await deps.engine.getQueue(call.queue_id);
  const now = formatTimestamp(deps.clock.now());
  const agentId = queue ? await deps.engine.assignAgent(call, queue.tag_ids ?? [], now) : undefined;
  if (!agentId && (await deps.engine.waitInQueue(call, now))) {
    const campaign = await deps.engine.getCampaign(call.campaign_id);
    await deps.dialQueue.sendLater(
      { campaigncallId: call.id, kind: 'abandon' },
      abandonAfterMsOf(campaign ?? {}),
    );
  }
  return agentId;
};

/** What serving a queue's waiting line did: callers given an agent, and those still waiting after it. */
export interface ServedCallers {
  served: number;
  /** Of the first page of the line (25, oldest first), those still waiting: predictive pacing counts them. */
  waiting: number;
}

/** Offers waiting callers of a queue to agents that became free; stops at the first caller left waiting. */
export const serveWaitingCallers = async (deps: EngineDeps, queueId: string): Promise<ServedCallers> => {
  if (isNil(queueId)) return { served: 0, waiting: 0 };
  const queue = await deps.engine.getQueue(queueId);
  if (!queue) return { served: 0, waiting: 0 };
  let served = 0;
  let waiting = 0;
  const callers = await deps.engine.waitingCallers(queueId, 25);
  for (const call of callers) {
    const agentId = await deps.engine.assignAgent(
      call,
      queue.tag_ids ?? [],
      formatTimestamp(deps.clock.now()),
    );
    if (!agentId) {
      // Those left waiting past their abandon time lost their check (its send failed): abandon them.
      const left = callers.slice(served);
      waiting = left.length - (await abandonOverdue(deps, left));
      break;
    }
    served++;
  }
  return { served, waiting };
};
