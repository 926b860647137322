/**
 * Twilio call statuses, AMD verdicts and SIP codes → our normalised events and hangup reasons
 * (see docs/behaviour.md, "Hangup reasons and results"). Pure functions of one callback or one Call
 * resource: a callback is understood on its own, whatever order the callbacks arrive in.
 */
import type { HangupReason } from '#domain/dialing.ts';
import type { CallState, NormalizedCallEvent } from '#ports/telephony.ts';

/** Twilio's statuses (`initiated` exists only as a callback CallStatus). */
export type TwilioCallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'failed'
  | 'no-answer'
  | 'canceled';

/** Progress order of statuses: every terminal status ranks above answered, answered above ringing. */
export const STATUS_RANK: Record<TwilioCallStatus, number> = {
  queued: 0,
  initiated: 0,
  ringing: 1,
  'in-progress': 2,
  completed: 3,
  busy: 3,
  failed: 3,
  'no-answer': 3,
  canceled: 3,
};

const TERMINAL = new Set<string>(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const MACHINE = new Set(['machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other']);

export const isTerminalStatus = (status: string) => TERMINAL.has(status);

/** AnsweredBy → ours: `machine_*` is a machine, `fax` a fax, `human`/`unknown` as they are. */
export const answeredByOf = (answeredBy: string | undefined): CallState['answeredBy'] => {
  if (!answeredBy) return undefined;
  if (MACHINE.has(answeredBy)) return 'machine';
  if (answeredBy === 'fax' || answeredBy === 'human' || answeredBy === 'unknown') return answeredBy;
  return undefined;
};

const isMachine = (answeredBy: string | undefined) => answeredBy === 'fax' || MACHINE.has(answeredBy ?? '');

/**
 * SipResponseCode refines `failed`/`busy` only, never an answered call. 487 is our cancel only when we
 * asked for it.
 */
export const reasonFromSip = (sip: number, fallback: HangupReason, weCanceled = false): HangupReason => {
  if (sip === 486 || sip === 600) return 'busy';
  if (sip === 480 || sip === 408) return 'noanswer';
  if (sip === 487) return weCanceled ? 'cancel' : 'noanswer';
  if (sip >= 400 && sip < 700) return 'failed';
  return fallback;
};

export interface TerminalFacts {
  status: string;
  answeredBy?: string | undefined;
  sipResponseCode?: number | undefined;
  durationSec?: number | undefined;
  /** The TimeLimit we asked for: a completed call that lasted that long was cut by it. */
  timeLimitSec?: number | undefined;
}

/**
 * The hangup reason of a terminal status. `completed` means answered then ended: `amd` when a machine
 * or fax answered, `timeout` when it ran to our TimeLimit, else `normal` (SIP codes never change it).
 */
export const reasonOf = (f: TerminalFacts): HangupReason => {
  switch (f.status) {
    case 'completed':
      if (isMachine(f.answeredBy)) return 'amd';
      if (
        f.timeLimitSec !== undefined &&
        f.durationSec !== undefined &&
        f.durationSec >= f.timeLimitSec - 1
      ) {
        return 'timeout';
      }
      return 'normal';
    case 'busy':
      return f.sipResponseCode ? reasonFromSip(f.sipResponseCode, 'busy') : 'busy';
    case 'no-answer':
      return 'noanswer';
    case 'canceled':
      return 'cancel';
    default:
      return f.sipResponseCode ? reasonFromSip(f.sipResponseCode, 'failed') : 'failed';
  }
};

const int = (v: string | null | undefined) => {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
};

/**
 * One status callback (its form fields and the URL it was posted to) → 0 or 1 events. `initiated` and
 * `queued` say nothing we act on. An answer by a machine or fax closes the attempt as `amd` at once.
 */
export const eventFromCallback = (
  form: URLSearchParams,
  callbackUrl: string,
  receivedAt: Date,
): NormalizedCallEvent[] => {
  const callId = form.get('CallSid');
  const status = form.get('CallStatus') ?? '';
  if (!callId || !(status in STATUS_RANK)) return [];
  const query = new URL(callbackUrl).searchParams;
  const attemptId = query.get('cc') ?? undefined;
  const stamp = Date.parse(form.get('Timestamp') ?? '');
  const at = Number.isFinite(stamp) ? new Date(stamp) : receivedAt;
  // SequenceNumber orders one call's callbacks; without it, the status rank does.
  const sequence = int(form.get('SequenceNumber')) ?? STATUS_RANK[status as TwilioCallStatus];
  const answeredBy = form.get('AnsweredBy') ?? undefined;
  const base = { callId, ...(attemptId ? { attemptId } : {}), at, sequence };
  if (status === 'ringing') return [{ ...base, kind: 'ringing' }];
  if (status === 'in-progress') {
    return isMachine(answeredBy)
      ? [{ ...base, kind: 'completed', reason: 'amd' }]
      : [{ ...base, kind: 'answered' }];
  }
  if (!isTerminalStatus(status)) return [];
  const reason = reasonOf({
    status,
    answeredBy,
    sipResponseCode: int(form.get('SipResponseCode')),
    durationSec: int(form.get('CallDuration')),
    timeLimitSec: int(query.get('tl')),
  });
  return [{ ...base, kind: 'completed', reason }];
};

/** The Call resource fields we read (GET Calls/{Sid}.json, list). */
export interface TwilioCallResource {
  sid: string;
  status: string;
  answered_by?: string | null;
  duration?: string | null;
  date_created?: string | null;
  to?: string | null;
  from?: string | null;
}

/** A Call resource → the provider-neutral view the sweeper reconciles with. */
export const callStateOf = (call: TwilioCallResource, timeLimitSec?: number): CallState => {
  const answeredBy = answeredByOf(call.answered_by ?? undefined);
  const durationSec = int(call.duration ?? undefined);
  const extra = {
    ...(answeredBy ? { answeredBy } : {}),
    ...(durationSec !== undefined ? { durationSec } : {}),
  };
  switch (call.status) {
    case 'queued':
    case 'initiated':
      return { callId: call.sid, phase: 'pending', ...extra };
    case 'ringing':
      return { callId: call.sid, phase: 'ringing', ...extra };
    case 'in-progress':
      return { callId: call.sid, phase: 'answered', ...extra };
    default:
      return {
        callId: call.sid,
        phase: 'ended',
        reason: reasonOf({
          status: call.status,
          answeredBy: call.answered_by ?? undefined,
          durationSec,
          timeLimitSec,
        }),
        ...extra,
      };
  }
};
