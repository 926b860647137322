import type { Address } from './address.ts';
import type { OwnedResource } from './resource.ts';

export const DESTINATION_SLOTS = [0, 1, 2, 3, 4] as const;
export type DestinationSlot = (typeof DESTINATION_SLOTS)[number];

export interface DialInfo {
  source: Address;
  /** Ring timeout, milliseconds. */
  dial_timeout: number;
  /** Minimum gap between the end of one attempt and the next on the same target, milliseconds. */
  try_interval: number;
  max_try_count_0: number;
  max_try_count_1: number;
  max_try_count_2: number;
  max_try_count_3: number;
  max_try_count_4: number;
}

export interface Outplan extends OwnedResource, DialInfo {
  name: string;
  detail: string;
  /**
   * Internal, never shown: when dial_info last changed. The engine reviews exhausted targets parked
   * before it, since a raised maximum can make them dialable again.
   */
  _dial_info_at?: string;
}
