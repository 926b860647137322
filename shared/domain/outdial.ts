import type { Address } from './address.ts';
import type { OwnedResource, Timestamps } from './resource.ts';

export interface Outdial extends OwnedResource {
  /** The campaign using this list; nil UUID when none. */
  campaign_id: string;
  name: string;
  detail: string;
  data: string;
}

export const targetStatuses = ['idle', 'progressing', 'done'] as const;
export type TargetStatus = (typeof targetStatuses)[number];

/** One person to reach. Targets carry no customer_id in the API; they inherit it from the outdial. */
export interface OutdialTarget extends Timestamps {
  id: string;
  outdial_id: string;
  name: string;
  detail: string;
  data: string;
  status: TargetStatus;
  destination_0: Address | null;
  destination_1: Address | null;
  destination_2: Address | null;
  destination_3: Address | null;
  destination_4: Address | null;
  try_count_0: number;
  try_count_1: number;
  try_count_2: number;
  try_count_3: number;
  try_count_4: number;
}
