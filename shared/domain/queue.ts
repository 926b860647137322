import type { OwnedResource } from './resource.ts';

/** Where answered calls wait for agents; `tag_ids` selects which of the customer's agents serve it. */
export interface Queue extends OwnedResource {
  name: string;
  detail: string;
  tag_ids: string[];
}

export const agentStatuses = ['available', 'away', 'busy', 'offline', 'ringing'] as const;
export type AgentStatus = (typeof agentStatuses)[number];

export interface Agent extends OwnedResource {
  name: string;
  detail: string;
  tag_ids: string[];
  status: AgentStatus;
}

/** An available agent serves a queue if the queue is untagged or they share any tag. */
export const agentServesQueue = (agentTags: readonly string[], queueTags: readonly string[]): boolean =>
  queueTags.length === 0 || agentTags.some((t) => queueTags.includes(t));
