import type { Address } from './address.ts';
import type { OwnedResource, Timestamps } from './resource.ts';
import { holdOf } from './target-hold.ts';

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

/**
 * Where a target stands, as its outdial counts it (our addition): `in_flight` while an attempt is open,
 * `done` when finished (reached, or `exhausted`: idle with no try left, which the caller tells from the
 * item's keys), `held` while a hold keeps it back, `waiting_retry` when idle with a try spent, `idle`
 * when never tried. A pure function of the target's item, so the stream can count each change.
 */
export const targetStates = ['idle', 'waiting_retry', 'in_flight', 'done', 'held'] as const;
export type TargetState = (typeof targetStates)[number];

/** An outdial's live targets in total and by state. */
export type TargetsByState = { total: number } & Record<TargetState, number>;

export const targetStateOf = (item: Record<string, unknown>, exhausted = false): TargetState => {
  if (item.status === 'done') return 'done';
  if (item.status !== 'idle') return 'in_flight';
  if (holdOf(item)) return 'held';
  if (exhausted) return 'done';
  for (let slot = 0; slot < 5; slot++) {
    const tries = item[`try_count_${slot}`];
    if (typeof tries === 'number' && tries > 0) return 'waiting_retry';
  }
  return 'idle';
};

/** Internal outdial attribute counting its live targets in one state. */
export const targetStateCounter = (state: TargetState) => `_targets_${state}`;

/**
 * Internal outdial attribute: its counts by state are complete, because the stream has counted every
 * target from the list's creation or the backfill has counted the ones before (scripts/).
 */
export const COUNTED_BY_STATE = '_counted_by_state';

/** The counts by state of an outdial item; null (unknown) for a list not yet counted by state. */
export const targetsByStateOf = (item: Record<string, unknown>): TargetsByState | null => {
  if (item[COUNTED_BY_STATE] !== true) return null;
  const n = (k: string) => (typeof item[k] === 'number' ? Math.max(0, item[k] as number) : 0);
  return {
    total: n('_target_count'),
    ...(Object.fromEntries(targetStates.map((s) => [s, n(targetStateCounter(s))])) as Record<
      TargetState,
      number
    >),
  };
};

/**
 * The live targets of an outdial item: its count when it has one or was counted from its creation
 * (0 then), else null: a list from before the count existed, unknown until the backfill.
 */
export const targetCountOf = (item: Record<string, unknown>): number | null =>
  typeof item._target_count === 'number'
    ? Math.max(0, item._target_count)
    : item[COUNTED_BY_STATE] === true
      ? 0
      : null;
