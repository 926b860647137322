import type { Address } from './address.ts';
import type { ComplianceRecord } from './holds.ts';
import type { OwnedResource } from './resource.ts';

export const campaigncallStatuses = ['dialing', 'progressing', 'done'] as const;
export type CampaigncallStatus = (typeof campaigncallStatuses)[number];
export type CampaigncallResult = '' | 'success' | 'fail';

/** One dial attempt of one target destination (read-only through the API). */
export interface Campaigncall extends OwnedResource {
  campaign_id: string;
  outplan_id: string;
  outdial_id: string;
  outdial_target_id: string;
  queue_id: string;
  activeflow_id: string;
  flow_id: string;
  reference_type: 'none' | 'call' | 'flow';
  reference_id: string;
  status: CampaigncallStatus;
  result: CampaigncallResult;
  source: Address;
  destination: Address;
  destination_index: number;
  try_count: number;
  /** What the claim's compliance checks saw (our addition); absent on attempts opened before them. */
  compliance?: ComplianceRecord;
  /** The person pressed the opt-out key during this call (our addition); absent or null otherwise. */
  opt_out?: OptOutRecord | null;
}

/** The opt-out key pressed during a call, and when (the first press counts). */
export interface OptOutRecord {
  digit: string;
  at: string;
}
