/**
 * A provider whose placeCall first takes a token from the shared calls-per-second budget. A token
 * within `maxWaitMs` is waited for (by the limiter); a later one is not taken and the placement is
 * `throttled`, so the dial job goes back to our queue instead of piling up in the carrier's. Everything
 * else passes through.
 */
import type { Action } from '#domain/action.ts';
import type { RateLimiter } from '#ports/rate-limiter.ts';
import type {
  CallState,
  KeypressEvent,
  KeypressReply,
  NormalizedCallEvent,
  PlaceCallOutcome,
  PlaceCallRequest,
  TelephonyProvider,
  WebhookRequest,
} from '#ports/telephony.ts';

export interface RateLimitedOptions {
  /**
   * Longest wait for a token inside one placement. @default 2000: the dialer places a batch of 10 one
   * after another within its 30 s timeout, and a longer wait belongs in the queue.
   */
  maxWaitMs?: number;
}

export class RateLimitedProvider implements TelephonyProvider {
  readonly name: TelephonyProvider['name'];

  constructor(
    private readonly inner: TelephonyProvider,
    private readonly limiter: RateLimiter,
    private readonly options: RateLimitedOptions = {},
  ) {
    this.name = inner.name;
  }

  async placeCall(req: PlaceCallRequest): Promise<PlaceCallOutcome> {
    let grant: Awaited<ReturnType<RateLimiter['take']>>;
    try {
      grant = await this.limiter.take(this.options.maxWaitMs ?? 2000);
    } catch {
      // The budget could not be read: nothing was placed, so the same attempt may be placed later.
      return { ok: false, kind: 'throttled', retryAfterMs: 1000 };
    }
    if (!grant.granted) return { ok: false, kind: 'throttled', retryAfterMs: grant.retryAfterMs };
    return this.inner.placeCall(req);
  }

  getCall(callId: string): Promise<CallState | null> {
    return this.inner.getCall(callId);
  }

  async findCall(q: { to: string; from: string; notBefore: Date }): Promise<CallState | null> {
    return this.inner.findCall ? this.inner.findCall(q) : null;
  }

  hangup(callId: string): Promise<void> {
    return this.inner.hangup(callId);
  }

  /** Not a call create: outside the CPS budget. */
  interrupt(callId: string, actions: readonly Pick<Action, 'type' | 'option'>[]): Promise<void> {
    return this.inner.interrupt ? this.inner.interrupt(callId, actions) : this.inner.hangup(callId);
  }

  verifyWebhook(req: WebhookRequest): boolean {
    return this.inner.verifyWebhook(req);
  }

  parseEvent(req: WebhookRequest): NormalizedCallEvent[] {
    return this.inner.parseEvent(req);
  }

  parseKeypress(req: WebhookRequest): KeypressEvent {
    if (!this.inner.parseKeypress) throw new Error(`${this.name} reports no keypresses`);
    return this.inner.parseKeypress(req);
  }

  keypressReply(actions: readonly Pick<Action, 'type' | 'option'>[], queueId?: string): KeypressReply {
    if (!this.inner.keypressReply) throw new Error(`${this.name} reports no keypresses`);
    return this.inner.keypressReply(actions, queueId);
  }
}
