/**
 * "Why is nothing dialing?" (our addition; see docs/behaviour.md, Diagnosis): the reasons a tick
 * started no call, or no more calls, as the tick itself decided them. The tick keeps its last decision
 * on the campaign, written with the lease it lets go anyway and only when it changed.
 */
import { type CallingHours, withinCallingHours } from './calling-hours.ts';

export const diagnosisCodes = [
  'stopped',
  'stopping',
  'no_outplan',
  'no_outdial',
  'not_ticked_yet',
  'list_done',
  'waiting_retry',
  'outside_calling_hours',
  'no_queue',
  'no_agent_available',
  'agents_in_wrapup',
  'pacing_bound',
  'max_concurrent_calls',
  'cps_budget',
  'carrier_errors',
  'abandon_governor',
  'held_by_contact_policy',
  'held_suppressed',
] as const;
export type DiagnosisCode = (typeof diagnosisCodes)[number];

export interface DiagnosisReason {
  code: DiagnosisCode;
  message: string;
  /** The earliest time this reason ends, when it is known. */
  until?: string;
}

/** What one tick decided about a campaign, as kept on the campaign item (`_decision`). */
export interface TickDecision {
  /** When this decision was first made: later ticks that decide the same leave it. */
  at: string;
  /** Whether that tick started calls. */
  dialing: boolean;
  reasons: DiagnosisReason[];
  /** The campaign's count of carrier refusals (`failed` hangups) as that tick saw it. */
  carrier_failed: number;
  /** When a tick last saw that count grow. */
  carrier_error_at?: string;
}

/** How long carrier refusals stay a reason after the last one was seen. */
export const CARRIER_ERROR_WINDOW_MS = 5 * 60_000;

/** Whether two decisions say the same thing (their time aside): only a change is written. */
export const sameDecision = (a: TickDecision | undefined, b: TickDecision) =>
  a !== undefined &&
  a.dialing === b.dialing &&
  a.carrier_failed === b.carrier_failed &&
  a.carrier_error_at === b.carrier_error_at &&
  JSON.stringify(a.reasons) === JSON.stringify(b.reasons);

const MINUTE = 60_000;
/** Calling hours are whole minutes on weekdays: a week ahead holds the next opening, if any. */
const WEEK = 7 * 24 * 60 * MINUTE;

/**
 * When calling hours next open after `nowMs` (ms), to the minute; undefined when they never do. A
 * coarse pass in quarter hours finds the quarter, a fine pass its minute.
 */
export const nextOpening = (hours: CallingHours | null, nowMs: number): number | undefined => {
  if (hours === null) return undefined;
  const start = Math.ceil(nowMs / MINUTE) * MINUTE;
  const open = (t: number) => withinCallingHours(hours, t);
  const QUARTER = 15 * MINUTE;
  let before = start;
  for (let t = start; t <= start + WEEK + QUARTER; t += QUARTER) {
    if (open(t)) {
      for (let m = before; m <= t; m += MINUTE) if (open(m)) return m;
      return t;
    }
    before = t;
  }
  return undefined;
};
