import type { OwnedResource } from './resource.ts';

/** Where answered calls wait for agents; `tag_ids` selects which of the customer's agents serve it. */
export interface Queue extends OwnedResource {
  name: string;
  detail: string;
  tag_ids: string[];
  /** How long an agent stays in wrap-up after a call (our addition; absent on older queues: 0). */
  wrapup_ms?: number;
}

/** Agents go straight back to available after a call unless the queue asks for wrap-up time. */
export const DEFAULT_WRAPUP_MS = 0;

/** `wrapup` (our addition): after a call, until the queue's wrap-up time passes or the agent is set available. */
export const agentStatuses = ['available', 'away', 'busy', 'offline', 'ringing', 'wrapup'] as const;
export type AgentStatus = (typeof agentStatuses)[number];

export interface Agent extends OwnedResource {
  name: string;
  detail: string;
  tag_ids: string[];
  status: AgentStatus;
}

/** When an agent who ends a call at `nowMs` leaves wrap-up; undefined: no wrap-up, available at once. */
export const wrapUpEndsAt = (queue: Pick<Queue, 'wrapup_ms'> | undefined, nowMs: number) => {
  const ms = queue?.wrapup_ms ?? DEFAULT_WRAPUP_MS;
  return ms > 0 ? nowMs + ms : undefined;
};

/** An available agent serves a queue if the queue is untagged or they share any tag. */
export const agentServesQueue = (agentTags: readonly string[], queueTags: readonly string[]): boolean =>
  queueTags.length === 0 || agentTags.some((t) => queueTags.includes(t));
