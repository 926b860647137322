/**
 * The provider-neutral telephony port (see docs/behaviour.md, "Telephony provider"). Real adapters
 * (Twilio) and the local simulator implement it; the dialer, webhook route and sweeper use nothing else.
 */
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
  verifyWebhook(req: WebhookRequest): boolean;
  parseEvent(req: WebhookRequest): NormalizedCallEvent[];
}
