import type { Agent, AgentStatus } from '#domain/queue.ts';
import type { Expectation } from './resource-store.ts';

/** Agent writes that maintain the sparse "available agents" index, and the capacity count on it. */
export interface AgentStore {
  create(agent: Agent): Promise<void>;
  setStatus(id: string, expect: Expectation, status: AgentStatus, now: string): Promise<Agent>;
  update(
    id: string,
    expect: Expectation,
    changes: Pick<Agent, 'name' | 'detail' | 'tag_ids'>,
    now: string,
  ): Promise<Agent>;
  remove(id: string, expect: Expectation, now: string): Promise<Agent>;
  /** Available agents of the customer serving a queue with these tags; reads every page, no cap. */
  countAvailable(customerId: string, queueTagIds: readonly string[]): Promise<number>;
  /**
   * Busy agents (on a call, or set busy) of the customer serving a queue with these tags, from their
   * own sparse partition as countAvailable (agents in wrap-up are counted by the engine's wrap-up read).
   */
  countBusy(customerId: string, queueTagIds: readonly string[]): Promise<number>;
  /**
   * The same busy agents as countBusy, one entry each: when it became busy (epoch ms: it took its
   * call, or was set busy), from the same Query; undefined for an agent busy since before this was kept.
   */
  busySince(customerId: string, queueTagIds: readonly string[]): Promise<(number | undefined)[]>;
  /**
   * Agents serving a queue with these tags in the customer's wrap-up partition, read only (the tick's
   * endWrapUps also frees them): `wrappingUp` until after `now`, `ended` whose wrap-up is over but who
   * wait for a tick to be made available.
   */
  wrapUps(
    customerId: string,
    queueTagIds: readonly string[],
    now: string,
  ): Promise<{ wrappingUp: number; ended: number }>;
}
