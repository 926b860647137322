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
  previous?: TickDecision;
}

const reason = (code: DiagnosisReason['code'], message: string, untilMs?: number): DiagnosisReason =>
  untilMs === undefined ? { code, message } : { code, message, until: formatTimestamp(untilMs) };

const pacingReasons = (p: PacingFacts, claimed: number): DiagnosisReason[] => {
  if (p.allowed > claimed) return [];
  if (p.queueMissing) return [reason('no_queue', 'the campaign’s queue no longer exists')];
  if (p.mode === 'progressive' && !p.hasQueue)
    return [reason('no_queue', 'progressive dialing needs a queue whose agents take the answered calls')];
  if (p.counter === 'inflight')
    return [reason('max_concurrent_calls', `${p.maxConcurrentCalls} calls open: at max_concurrent_calls`)];
  if (p.agents === 0 && p.wrappingUp > 0)
    return [reason('agents_in_wrapup', `no agent available: ${p.wrappingUp} in wrap-up`)];
  if (p.agents === 0) return [reason('no_agent_available', 'no agent of the queue is available')];
  const rule =
    p.mode === 'progressive'
      ? `one call ringing per available agent (${p.agents})`
      : `floor(${p.agents} available agents × service_level ${p.serviceLevel} / 100) = ${p.bound} calls ringing`;
  return [reason('pacing_bound', `at the pacing bound: ${rule}`)];
};

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
