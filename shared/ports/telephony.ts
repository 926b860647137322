/**
 * The provider-neutral telephony port (see docs/behaviour.md, "Telephony provider"). Real adapters
 * (Twilio) and the local simulator implement it; the dialer, webhook route and sweeper use nothing else.
 */
import type { Action } from '#domain/action.ts';
import type { HangupReason } from '#domain/dialing.ts';

export interface PlaceCallRequest {
  /** The campaigncall id: one per attempt, never reused. */
  idempotencyKey: string;
  from: string;
  to: string;
  /** ceil(dial_timeout / 1000), 1..600. */
  ringTimeoutSec: number;
  machineDetection: boolean;
  maxCallSec?: number;
  /** Public URL carrying the attempt id: …?cc=<id>. */
  statusCallbackUrl: string;
  metadata: Record<string, string>;
}

export type PlaceCallOutcome =
  | { ok: true; callId: string; acceptedAt: Date }
  | { ok: false; kind: 'rejected'; reason: HangupReason; code?: string }
  | { ok: false; kind: 'throttled'; retryAfterMs?: number }
  | { ok: false; kind: 'unknown'; detail: string };

export interface CallState {
  callId: string;
  /**
   * `unknown`: the provider keeps no call state and cannot tell (the queued simulator); the call may
   * still be up. Unlike a null answer from getCall, it is no evidence that the call is gone.
   */
  phase: 'pending' | 'ringing' | 'answered' | 'ended' | 'unknown';
  reason?: HangupReason;
  answeredBy?: 'human' | 'machine' | 'fax' | 'unknown';
  durationSec?: number;
}

export interface NormalizedCallEvent {
  callId: string;
  attemptId?: string;
  kind: 'ringing' | 'answered' | 'completed';
  reason?: HangupReason;
  at: Date;
  sequence: number;
}

/** Keys the called person pressed in answer to a prompt (the opt-out's Gather), for one attempt. */
export interface KeypressEvent {
  attemptId: string;
  digits: string;
}

/** What the provider expects back from a keypress callback: the call's next instructions. */
export interface KeypressReply {
  contentType: string;
  body: string;
}

/**
 * The callback URL of an attempt's keypresses: its status callback URL (ours, …/events?cc=<id>) with
 * `gather` for `events`, so both carry the attempt and neither needs more configuration.
 */
export const keypressCallbackUrl = (statusCallbackUrl: string) => {
  const url = new URL(statusCallbackUrl);
  url.pathname = url.pathname.replace(/\/events\/?$/, '/gather');
  return url.toString();
};

export interface WebhookRequest {
  method: 'GET' | 'POST';
  /** Public URL as configured, never rebuilt from proxy headers. */
  url: string;
  headers: Record<string, string>;
  rawBody: string;
}

export interface TelephonyProvider {
  readonly name: 'twilio' | 'simulator' | 'chime' | 'connect';
  placeCall(req: PlaceCallRequest): Promise<PlaceCallOutcome>;
  /**
   * null: the provider definitely has no such call (never had it, or has forgotten it: the local
   * simulator after a restart, Twilio's 404). A provider that cannot tell answers phase `unknown`.
   */
  getCall(callId: string): Promise<CallState | null>;
  findCall?(q: { to: string; from: string; notBefore: Date }): Promise<CallState | null>;
  /** Idempotent: an ended call is a no-op. */
  hangup(callId: string): Promise<void>;
  /**
   * Ends an answered call after it plays `actions` (talk, play, sleep), whatever it was doing (e.g.
   * waiting in a queue); the provider then reports it completed as usual. Idempotent: an ended call
   * is a no-op. Absent: the provider can only hang up.
   */
  interrupt?(callId: string, actions: readonly Pick<Action, 'type' | 'option'>[]): Promise<void>;
  verifyWebhook(req: WebhookRequest): boolean;
  parseEvent(req: WebhookRequest): NormalizedCallEvent[];
  /** A verified keypress callback; throws when it cannot be read. Absent: the provider has no prompts. */
  parseKeypress?(req: WebhookRequest): KeypressEvent;
  /** The answer to a keypress callback: go on with `actions` (then the queue, if any). */
  keypressReply?(actions: readonly Pick<Action, 'type' | 'option'>[], queueId?: string): KeypressReply;
}
