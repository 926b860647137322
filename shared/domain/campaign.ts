import type { Action } from './action.ts';
import type { CallingHours } from './calling-hours.ts';
import type { DialingMode } from './dialing.ts';
import type { OwnedResource } from './resource.ts';

export const campaignTypes = ['call', 'flow'] as const;
export type CampaignType = (typeof campaignTypes)[number];
export const campaignStatuses = ['stop', 'stopping', 'run'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];
export const endHandles = ['stop', 'continue'] as const;
export type EndHandle = (typeof endHandles)[number];

export interface CampaignBasicInfo {
  name: string;
  detail: string;
  type: CampaignType;
  service_level: number;
  end_handle: EndHandle;
}

export interface CampaignResourceInfo {
  outplan_id: string;
  outdial_id: string;
  queue_id: string;
  next_campaign_id: string;
}

export interface Campaign extends OwnedResource, CampaignBasicInfo, CampaignResourceInfo {
  status: CampaignStatus;
  /** Most open attempts at once with no queue to pace by (our addition; see docs/behaviour.md, "Pacing"). */
  max_concurrent_calls: number;
  /** How new calls are paced (our addition; absent on campaigns written before it: `service_level`). */
  dialing_mode?: DialingMode;
  /** Predictive: bound on abandoned / answered by a person (our addition; absent: the default 0.03). */
  max_abandon_rate?: number;
  /** When new calls may start; null: any time (Outbound's addition). */
  calling_hours: CallingHours | null;
  actions: Action[];
  /** How long an answered caller may wait for an agent before the call is abandoned (our addition). */
  abandon_after_ms?: number;
  /** What an abandoned caller hears before the call ends (our addition). */
  abandon_message?: Action[];
}

/**
 * What a PUT …/status request does to a campaign in a given status (see docs/behaviour.md, "Campaign
 * status changes").
 */
export type StatusDecision =
  | { kind: 'unchanged' }
  | { kind: 'run' }
  /** Stop now if nothing is in flight, else go to stopping; decided atomically by the store. */
  | { kind: 'stop' };

export const decideStatusChange = (current: CampaignStatus, requested: 'run' | 'stop'): StatusDecision => {
  if (requested === 'run') return current === 'run' ? { kind: 'unchanged' } : { kind: 'run' };
  return current === 'stop' ? { kind: 'unchanged' } : { kind: 'stop' };
};
