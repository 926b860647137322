/**
 * Twilio REST requests and answers, as pure functions: the create form, the error classification
 * (Twilio's create takes no idempotency key, so a create that may have made a call is `unknown`), list
 * filters. Tested without a network.
 */
import type { PlaceCallOutcome, PlaceCallRequest } from '#ports/telephony.ts';

export const API_VERSION = '2010-04-01';

/** Twilio's bounds: Timeout 1..600 s (default 60); TimeLimit 1..86,400 s (default 14,400). */
export const TIMEOUT_BOUNDS = { min: 1, max: 600 } as const;
export const TIME_LIMIT_BOUNDS = { min: 1, max: 86_400, default: 14_400 } as const;

export const STATUS_CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)));

export const callsPath = (accountSid: string) => `/${API_VERSION}/Accounts/${accountSid}/Calls.json`;
export const callPath = (accountSid: string, callSid: string) =>
  `/${API_VERSION}/Accounts/${accountSid}/Calls/${encodeURIComponent(callSid)}.json`;

export const timeLimitOf = (req: Pick<PlaceCallRequest, 'maxCallSec'>) =>
  clamp(req.maxCallSec ?? TIME_LIMIT_BOUNDS.default, TIME_LIMIT_BOUNDS.min, TIME_LIMIT_BOUNDS.max);

/**
 * The status callback URL: the engine's (which names the attempt, `cc=`) plus the TimeLimit (`tl=`), so
 * a completed callback can tell a call cut by the limit (`timeout`) from a normal hangup.
 */
export const statusCallbackOf = (req: Pick<PlaceCallRequest, 'statusCallbackUrl' | 'maxCallSec'>) => {
  const sep = req.statusCallbackUrl.includes('?') ? '&' : '?';
  return `${req.statusCallbackUrl}${sep}tl=${timeLimitOf(req)}`;
};

/** The form of `POST …/Calls.json`; list parameters repeat their key. */
export const createCallForm = (req: PlaceCallRequest, twiml: string): URLSearchParams => {
  const form = new URLSearchParams();
  form.append('To', req.to);
  form.append('From', req.from);
  form.append('Twiml', twiml);
  form.append('StatusCallback', statusCallbackOf(req));
  for (const e of STATUS_CALLBACK_EVENTS) form.append('StatusCallbackEvent', e);
  form.append('StatusCallbackMethod', 'POST');
  form.append('Timeout', String(clamp(req.ringTimeoutSec, TIMEOUT_BOUNDS.min, TIMEOUT_BOUNDS.max)));
  form.append('TimeLimit', String(timeLimitOf(req)));
  if (req.machineDetection) form.append('MachineDetection', 'Enable');
  return form;
};

/** Twilio's error body: `{code, message, more_info, status}`. */
export interface TwilioError {
  code?: number;
  message?: string;
  status?: number;
}

export const parseTwilioError = (body: string): TwilioError => {
  try {
    const parsed = JSON.parse(body) as TwilioError;
    return typeof parsed === 'object' && parsed ? parsed : {};
  } catch {
    return {};
  }
};

/** Retry-After in seconds or an HTTP date → milliseconds from `nowMs`. */
export const retryAfterMs = (header: string | string[] | undefined, nowMs: number): number | undefined => {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
};

/** Codes that say "not now" rather than "never": too many requests, call concurrency, auth. */
const RETRYABLE_CODES = new Set([20429, 10004, 20003]);

/**
 * A non-201 answer to a create. 429/20429 (and call concurrency): throttled, the request was not
 * processed. 401/20003: throttled too, so a wrong credential never burns every target's tries (the job
 * stays in our queue until fixed or dead-lettered). Other 4xx: rejected as `failed`, code kept. 5xx: the
 * call may exist, so unknown.
 */
export const classifyCreateError = (
  status: number,
  error: TwilioError,
  retryAfter: number | undefined,
): PlaceCallOutcome => {
  const code = error.code;
  if (status === 429 || status === 401 || (code !== undefined && RETRYABLE_CODES.has(code))) {
    return {
      ok: false,
      kind: 'throttled',
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  }
  if (status >= 400 && status < 500) {
    return { ok: false, kind: 'rejected', reason: 'failed', code: String(code ?? status) };
  }
  return { ok: false, kind: 'unknown', detail: `Twilio answered ${status}${code ? ` (${code})` : ''}` };
};

/** `StartTime>=` filters by whole UTC days. */
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export const findCallQuery = (q: { to: string; from: string; notBefore: Date }) => {
  const query = new URLSearchParams();
  query.append('To', q.to);
  query.append('From', q.from);
  query.append('StartTime>', utcDay(q.notBefore));
  query.append('PageSize', '50');
  return query;
};
