/**
 * The call simulator: a provider that dials nobody. Outcomes follow the destination's last digit
 * (1 busy, 2 no answer, 3 failed, 4 answering machine, else answered then a normal hangup), or, with
 * answer rates set (SIM_LIVE_ANSWER_RATE, SIM_MACHINE_RATE), are drawn per call from a seed; its
 * events reach us through the same signed webhook route a real carrier uses. When the campaign has an
 * opt-out prompt, an answered number ending in 99 presses its key a moment after the answer (before
 * the hangup), posted to the keypress route as a carrier's Gather callback would be.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Action, optOutOf } from '#domain/action.ts';
import type { HangupReason } from '#domain/dialing.ts';
import type { EngineStore } from '#ports/engine-store.ts';
import type { Scheduler } from '#ports/scheduler.ts';
import {
  type CallState,
  type KeypressEvent,
  type KeypressReply,
  keypressCallbackUrl,
  type NormalizedCallEvent,
  type PlaceCallOutcome,
  type PlaceCallRequest,
  type TelephonyProvider,
  type WebhookRequest,
} from '#ports/telephony.ts';
import {
  type AnswerRates,
  type MsRange,
  msRange,
  randomFor,
  type SampledCall,
  sampleCall,
  sampleMs,
} from './call-distributions.ts';

export const SIMULATOR_SIGNATURE_HEADER = 'x-simulator-signature';

export interface SimulatorOptions {
  /** Shared secret that signs every event (HMAC-SHA256 of URL, newline, body). */
  secret: string;
  scheduler: Scheduler;
  now: () => number;
  /** Posts a signed event to the webhook route. */
  deliver: (req: WebhookRequest) => Promise<void>;
  /** Ring time before an answer, fixed or drawn from a range. @default 2000 (SIM_RING_MS) */
  ringMs?: number | MsRange;
  /** Talk time of an answered call, fixed or drawn from a range. @default 5000 (SIM_TALK_MS) */
  talkMs?: number | MsRange;
  /**
   * Set: each call is answered by a person or a machine at these rates (or rings out), whatever its
   * number; unset: the last-digit rules. @default unset
   */
  answerRates?: AnswerRates;
  /** Seeds every drawn time and outcome, with the attempt's id: one seed, one set of calls. @default 0 */
  seed?: number;
  /** The opt-out key of a placement's campaign, if it has an opt-out prompt. @default none */
  optOutKey?: (req: PlaceCallRequest) => Promise<string | undefined>;
}

/** Reads a placement's campaign (metadata.campaign_id) for its opt-out key: one read per placed call. */
export const campaignOptOutKey =
  (store: Pick<EngineStore, 'getCampaign'>) =>
  async (req: PlaceCallRequest): Promise<string | undefined> => {
    const id = req.metadata.campaign_id;
    return optOutOf(id ? (await store.getCampaign(id))?.actions : undefined)?.digit;
  };

/** Whether the simulated person presses the opt-out key: an answered number ending in 99. */
export const pressesOptOut = (to: string) => to.trim().endsWith('99');

/** When the key is pressed: a moment after the answer, always before the hangup. */
export const keypressDelayMs = (talkMs: number) => Math.min(1000, Math.floor(talkMs / 2));

interface SimCall {
  state: CallState;
  /** The script answers with a machine: its hangup then says `amd`, as a carrier's would. */
  machine: boolean;
  callbackUrl: string;
  attemptId: string;
  sequence: number;
}

type Step = { atMs: number; kind: NormalizedCallEvent['kind']; reason?: HangupReason };

/** The outcome script for a destination, by its last digit. */
export const scriptFor = (to: string, ringMs: number, talkMs: number, ringTimeoutMs: number): Step[] => {
  const digit = to.trim().at(-1);
  const answers = ringMs <= ringTimeoutMs;
  switch (digit) {
    case '1':
      return [
        { atMs: 0, kind: 'ringing' },
        { atMs: Math.min(ringMs, 1000), kind: 'completed', reason: 'busy' },
      ];
    case '2':
      return [
        { atMs: 0, kind: 'ringing' },
        { atMs: ringTimeoutMs, kind: 'completed', reason: 'noanswer' },
      ];
    case '3':
      return [{ atMs: 100, kind: 'completed', reason: 'failed' }];
    case '4':
      return answers
        ? [
            { atMs: 0, kind: 'ringing' },
            { atMs: ringMs, kind: 'answered' },
            { atMs: ringMs + 1000, kind: 'completed', reason: 'amd' },
          ]
        : [
            { atMs: 0, kind: 'ringing' },
            { atMs: ringTimeoutMs, kind: 'completed', reason: 'noanswer' },
          ];
    default:
      return answers
        ? [
            { atMs: 0, kind: 'ringing' },
            { atMs: ringMs, kind: 'answered' },
            { atMs: ringMs + talkMs, kind: 'completed', reason: 'normal' },
          ]
        : [
            { atMs: 0, kind: 'ringing' },
            { atMs: ringTimeoutMs, kind: 'completed', reason: 'noanswer' },
          ];
  }
};

/** The script of a call drawn from the distributions (its ring time is the timeout when nobody answers). */
export const scriptForSampled = (call: SampledCall): Step[] => {
  switch (call.outcome) {
    case 'person':
      return [
        { atMs: 0, kind: 'ringing' },
        { atMs: call.ringMs, kind: 'answered' },
        { atMs: call.ringMs + call.talkMs, kind: 'completed', reason: 'normal' },
      ];
    case 'machine':
      return [
        { atMs: 0, kind: 'ringing' },
        { atMs: call.ringMs, kind: 'answered' },
        { atMs: call.ringMs + 1000, kind: 'completed', reason: 'amd' },
      ];
    case 'noanswer':
      return [
        { atMs: 0, kind: 'ringing' },
        { atMs: call.ringMs, kind: 'completed', reason: 'noanswer' },
      ];
  }
};

export const signSimulatorRequest = (secret: string, url: string, body: string) =>
  createHmac('sha256', secret).update(`${url}\n${body}`).digest('hex');

export class SimulatorProvider implements TelephonyProvider {
  readonly name = 'simulator' as const;
  private readonly calls = new Map<string, SimCall>();
  private counter = 0;

  constructor(private readonly options: SimulatorOptions) {}

  async placeCall(req: PlaceCallRequest): Promise<PlaceCallOutcome> {
    const callId = `SIM${(++this.counter).toString().padStart(8, '0')}${req.idempotencyKey.replace(/-/g, '').slice(0, 12)}`;
    const { script, talkMs } = this.scriptOf(req);
    const call: SimCall = {
      state: { callId, phase: 'pending' },
      callbackUrl: req.statusCallbackUrl,
      attemptId: req.idempotencyKey,
      sequence: 0,
      machine: script.some((step) => step.reason === 'amd'),
    };
    this.calls.set(callId, call);
    for (const step of script) {
      this.options.scheduler.after(step.atMs, () => this.emit(call, step.kind, step.reason));
    }
    const answeredAt = script.find((step) => step.kind === 'answered')?.atMs;
    const key =
      answeredAt !== undefined && pressesOptOut(req.to) ? await this.options.optOutKey?.(req) : undefined;
    if (answeredAt !== undefined && key) {
      const delay = answeredAt + keypressDelayMs(talkMs);
      this.options.scheduler.after(delay, () => this.press(call, key));
    }
    return { ok: true, callId, acceptedAt: new Date(this.options.now()) };
  }

  /** The call's script: drawn from the answer rates when set, else by the number's last digit. */
  private scriptOf(req: PlaceCallRequest): { script: Step[]; talkMs: number } {
    const random = randomFor(this.options.seed ?? 0, req.idempotencyKey);
    const ringMs = msRange(this.options.ringMs ?? 2000);
    const talkMs = msRange(this.options.talkMs ?? 5000);
    const timeoutMs = req.ringTimeoutSec * 1000;
    const rates = this.options.answerRates;
    if (rates) {
      const call = sampleCall(random, { ...rates, ringMs, talkMs }, timeoutMs);
      return { script: scriptForSampled(call), talkMs: call.talkMs };
    }
    const ring = sampleMs(random, ringMs);
    const talk = sampleMs(random, talkMs);
    return { script: scriptFor(req.to, ring, talk, timeoutMs), talkMs: talk };
  }

  async getCall(callId: string): Promise<CallState | null> {
    const call = this.calls.get(callId);
    return call ? { ...call.state } : null;
  }

  /** What each call was told to play before it ended (interrupt), for tests to read. */
  readonly interrupted: { callId: string; attemptId: string; actions: Pick<Action, 'type' | 'option'>[] }[] =
    [];

  /**
   * Plays nothing, but remembers the message, and ends an answered call at once: its completed event
   * is a normal hangup, as a carrier reports the end of a call it was told to end.
   */
  async interrupt(callId: string, actions: readonly Pick<Action, 'type' | 'option'>[]): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.state.phase !== 'answered') return;
    this.interrupted.push({ callId, attemptId: call.attemptId, actions: [...actions] });
    // A record for tests, bounded for a long `npm start`.
    if (this.interrupted.length > 1000) this.interrupted.shift();
    await this.emit(call, 'completed', call.machine ? 'amd' : 'normal');
  }

  async hangup(callId: string): Promise<void> {
    const call = this.calls.get(callId);
    if (!call || call.state.phase === 'ended') return;
    // A carrier reports the hangup of a machine-answered call with its machine verdict (Twilio's
    // completed + AnsweredBy=machine_*), so stopping a campaign cannot turn a machine into a person.
    const answered = call.state.phase === 'answered';
    await this.emit(call, 'completed', answered ? (call.machine ? 'amd' : 'normal') : 'cancel');
  }

  verifyWebhook(req: WebhookRequest): boolean {
    const given = req.headers[SIMULATOR_SIGNATURE_HEADER] ?? '';
    const expected = signSimulatorRequest(this.options.secret, req.url, req.rawBody);
    return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  }

  parseEvent(req: WebhookRequest): NormalizedCallEvent[] {
    const body = JSON.parse(req.rawBody) as {
      callId: string;
      kind: NormalizedCallEvent['kind'];
      reason?: HangupReason;
      at: string;
      sequence: number;
    };
    const attemptId = new URL(req.url).searchParams.get('cc') ?? undefined;
    return [
      {
        callId: body.callId,
        kind: body.kind,
        ...(body.reason ? { reason: body.reason } : {}),
        ...(attemptId ? { attemptId } : {}),
        at: new Date(body.at),
        sequence: body.sequence,
      },
    ];
  }

  parseKeypress(req: WebhookRequest): KeypressEvent {
    const body = JSON.parse(req.rawBody) as { digits?: unknown };
    const attemptId = new URL(req.url).searchParams.get('cc');
    if (!attemptId || typeof body.digits !== 'string') throw new Error('not a keypress');
    return { attemptId, digits: body.digits };
  }

  /** The simulator plays nothing: the call goes on by its script. */
  keypressReply(): KeypressReply {
    return { contentType: 'application/json', body: '{}' };
  }

  /** The person presses `key` while the call is up; the signed callback goes to the keypress route. */
  private async press(call: SimCall, key: string) {
    if (call.state.phase !== 'answered' || call.machine) return;
    const url = keypressCallbackUrl(call.callbackUrl);
    const body = JSON.stringify({ callId: call.state.callId, digits: key });
    await this.options.deliver({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        [SIMULATOR_SIGNATURE_HEADER]: signSimulatorRequest(this.options.secret, url, body),
      },
      rawBody: body,
    });
  }

  private async emit(call: SimCall, kind: NormalizedCallEvent['kind'], reason?: HangupReason) {
    if (call.state.phase === 'ended') return;
    call.state =
      kind === 'completed'
        ? { ...call.state, phase: 'ended', ...(reason ? { reason } : {}) }
        : {
            ...call.state,
            phase: kind === 'answered' ? 'answered' : 'ringing',
            ...(kind === 'answered' ? { answeredBy: call.machine ? 'machine' : 'human' } : {}),
          };
    const body = JSON.stringify({
      callId: call.state.callId,
      kind,
      ...(reason ? { reason } : {}),
      at: new Date(this.options.now()).toISOString(),
      sequence: call.sequence++,
    });
    await this.options.deliver({
      method: 'POST',
      url: call.callbackUrl,
      headers: {
        'content-type': 'application/json',
        [SIMULATOR_SIGNATURE_HEADER]: signSimulatorRequest(this.options.secret, call.callbackUrl, body),
      },
      rawBody: body,
    });
  }
}
