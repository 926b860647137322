/**
 * The decision a tick keeps on its campaign (see shared/domain/diagnosis.ts): built from what the
 * tick saw and did, never from a second look. Pure: the tick gathers the facts as it goes.
 */
import {
  CARRIER_ERROR_WINDOW_MS,
  type DiagnosisReason,
  sameDecision,
  type TickDecision,
} from '#domain/diagnosis.ts';
import type { DialingMode } from '#domain/dialing.ts';
import type { PredictiveDecision } from '#domain/predictive-pacing.ts';
import { formatTimestamp } from '#domain/time.ts';

/** How the tick paced the campaign, when it was within calling hours. */
export interface PacingFacts {
  mode: DialingMode;
  hasQueue: boolean;
  /** The campaign names a queue that no longer exists. */
  queueMissing: boolean;
  /** Available agents serving the queue, and those in wrap-up (agent-paced modes only). */
  agents: number;
  wrappingUp: number;
  counter: 'dialing' | 'inflight';
  bound: number;
  serviceLevel: number;
  maxConcurrentCalls: number;
  /** Calls pacing allowed this tick. */
  allowed: number;
  /** What predictive pacing used and decided (predictive campaigns with a queue only). */
  predictive?: PredictiveFacts;
}

/** A predictive tick's inputs and verdict, beyond the bound itself. */
export interface PredictiveFacts extends PredictiveDecision {
  busy: number;
  maxAbandonRate: number;
  /** Measured abandoned / answered by a person in the window; null before anyone answered. */
  abandonRate: number | null;
  /** Ended attempts the rates were measured on. */
  ended: number;
}

export interface TickFacts {
  nowMs: number;
  claimed: number;
  /** The campaign is stopping (calls in flight finish, none starts). */
  stopping?: boolean;
  missing?: { outplan: boolean; outdial: boolean };
  inHours: boolean;
  /** When calling hours open next (ms), if known. */
  opensAtMs?: number;
  pacing?: PacingFacts;
  /** The carrier's calls-per-second budget gave fewer calls than pacing allowed. */
  budgetCut?: boolean;
  /** Read when pacing allowed calls but none was due: whether idle targets are left, and when the next retry is due. */
  list?: { idleLeft: boolean; nextRetryAtMs?: number };
  /** The campaign's count of carrier refusals so far. */
  carrierFailed: number;
  /**
   * Claims of this tick the compliance checks refused: destinations skipped as suppressed, people held
   * by the contact policy's caps (and the earliest time one of them may be called).
   */
  held?: { suppressed: number; capped: number; cappedUntilMs?: number };
  previous?: TickDecision;
}

const reason = (code: DiagnosisReason['code'], message: string, untilMs?: number): DiagnosisReason =>
  untilMs === undefined ? { code, message } : { code, message, until: formatTimestamp(untilMs) };

const pacingReasons = (p: PacingFacts, claimed: number): DiagnosisReason[] => {
  if (p.allowed > claimed) return [];
  if (p.queueMissing) return [reason('no_queue', 'the campaign’s queue no longer exists')];
  if ((p.mode === 'progressive' || p.mode === 'predictive') && !p.hasQueue)
    return [reason('no_queue', `${p.mode} dialing needs a queue whose agents take the answered calls`)];
  if (p.counter === 'inflight')
    return [reason('max_concurrent_calls', `${p.maxConcurrentCalls} calls open: at max_concurrent_calls`)];
  if (p.predictive) return predictiveReasons(p, p.predictive);
  if (p.agents === 0 && p.wrappingUp > 0)
    return [reason('agents_in_wrapup', `no agent available: ${p.wrappingUp} in wrap-up`)];
  if (p.agents === 0) return [reason('no_agent_available', 'no agent of the queue is available')];
  const rule =
    p.mode === 'progressive'
      ? `one call ringing per available agent (${p.agents})`
      : `floor(${p.agents} available agents × service_level ${p.serviceLevel} / 100) = ${p.bound} calls ringing`;
  return [reason('pacing_bound', `at the pacing bound: ${rule}`)];
};

const percent = (x: number) => `${(Math.round(x * 1000) / 10).toString()} %`;

/** Why a predictive campaign at its bound starts no more calls. */
const predictiveReasons = (p: PacingFacts, f: PredictiveFacts): DiagnosisReason[] => {
  if (f.governor === 'engaged') {
    const measured = f.abandonRate === null ? 'no answers yet' : `${percent(f.abandonRate)} measured`;
    return [
      reason(
        'abandon_governor',
        `abandon-rate governor engaged: ${measured} over ${f.ended} ended calls, bound max_abandon_rate ${percent(f.maxAbandonRate)}; one call ringing per available agent (${p.agents}) until it falls`,
      ),
    ];
  }
  if (f.bound === 0 && p.agents === 0 && p.wrappingUp > 0)
    return [reason('agents_in_wrapup', `no agent available: ${p.wrappingUp} in wrap-up`)];
  if (f.bound === 0 && p.agents === 0)
    return [reason('no_agent_available', 'no agent of the queue is available')];
  const capped = f.bound >= p.maxConcurrentCalls ? ', at max_concurrent_calls' : '';
  const cautious = f.governor === 'cautious' ? ', cautious (a small team)' : '';
  const free = Math.round(f.expectedFree * 10) / 10;
  return [
    reason(
      'pacing_bound',
      `at the pacing bound: predictive, ${f.bound} calls ringing (answer rate ${percent(f.answerRate)}, ${free} agents expected free as they answer)${cautious}${capped}`,
    ),
  ];
};

/** Claims the compliance checks refused this tick, when no call started. */
const heldReasons = (held: NonNullable<TickFacts['held']>): DiagnosisReason[] => [
  ...(held.capped > 0
    ? [
        reason(
          'held_by_contact_policy',
          `${held.capped} due ${held.capped === 1 ? 'person is' : 'people are'} held by the contact policy's caps`,
          held.cappedUntilMs,
        ),
      ]
    : []),
  ...(held.suppressed > 0
    ? [
        reason(
          'held_suppressed',
          `${held.suppressed} due destination(s) skipped: their numbers are suppressed`,
        ),
      ]
    : []),
];

/** The decision of one tick, keeping the previous one's time when nothing changed. */
export const decideTick = (f: TickFacts): TickDecision => {
  const reasons: DiagnosisReason[] = [];
  if (f.stopping) reasons.push(reason('stopping', 'stopping: calls in flight finish, none starts'));
  if (f.missing?.outplan) reasons.push(reason('no_outplan', 'the campaign has no outplan'));
  if (f.missing?.outdial) reasons.push(reason('no_outdial', 'the campaign has no outdial (list)'));
  const running = !f.stopping && !f.missing;
  if (running && !f.inHours)
    reasons.push(reason('outside_calling_hours', 'outside the campaign’s calling hours', f.opensAtMs));
  if (running && f.inHours && f.pacing) reasons.push(...pacingReasons(f.pacing, f.claimed));
  if (running && f.budgetCut)
    reasons.push(reason('cps_budget', 'the carrier’s calls-per-second budget is used up this tick'));
  if (running && f.held && f.claimed === 0) reasons.push(...heldReasons(f.held));
  if (running && f.list && f.claimed === 0) {
    reasons.push(
      f.list.idleLeft
        ? reason('waiting_retry', 'every target left is waiting for its try_interval', f.list.nextRetryAtMs)
        : reason('list_done', 'no target is left to call: the list is empty or done'),
    );
  }
  const prev = f.previous;
  const grew = prev !== undefined && f.carrierFailed > prev.carrier_failed;
  const errorAt = grew ? formatTimestamp(f.nowMs) : prev?.carrier_error_at;
  if (errorAt && f.nowMs - Date.parse(errorAt) < CARRIER_ERROR_WINDOW_MS)
    reasons.push(
      reason(
        'carrier_errors',
        'the carrier refused calls in the last minutes',
        Date.parse(errorAt) + CARRIER_ERROR_WINDOW_MS,
      ),
    );
  const next: TickDecision = {
    at: formatTimestamp(f.nowMs),
    dialing: f.claimed > 0,
    reasons,
    carrier_failed: f.carrierFailed,
    ...(errorAt ? { carrier_error_at: errorAt } : {}),
  };
  return prev && sameDecision(prev, next) ? prev : next;
};
