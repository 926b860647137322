/**
 * Twilio Programmable Voice behind the provider port (see docs/behaviour.md, "Telephony provider"):
 * form-encoded REST with Basic auth, signed status callbacks, reconciliation by fetch and list.
 * placeCall never throws: every failure is classified as definite (rejected, throttled) or unknown (a
 * call may exist).
 */
import type { Action } from '#domain/action.ts';
import type { Clock } from '#ports/clock.ts';
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
import {
  callPath,
  callsPath,
  classifyCreateError,
  createCallForm,
  findCallQuery,
  parseTwilioError,
  retryAfterMs,
} from './call-requests.ts';
import { HttpRequestFailed, type HttpResponse, httpRequest } from './http-request.ts';
import { verifyTwilioRequest } from './signature.ts';
import { callStateOf, eventFromCallback, type TwilioCallResource } from './status-mapping.ts';
import { answerTwiml, interruptTwiml, keypressTwiml } from './twiml.ts';

export interface TwilioCredentials {
  accountSid: string;
  /** Signs webhooks; also the REST password unless an API key is given. */
  authToken: string;
  apiKeySid?: string | undefined;
  apiKeySecret?: string | undefined;
}

export interface TwilioProviderOptions extends TwilioCredentials {
  /** @default https://api.twilio.com */
  baseUrl?: string;
  /** Per-request timeout. @default 10000: a create that takes longer has an unknown outcome. */
  requestTimeoutMs?: number;
  /** The TwiML run on answer. @default no actions: the call ends once answered. */
  answerTwiml?: (req: PlaceCallRequest) => Promise<string>;
  /** Time for acceptedAt and reconciliation windows. @default Date.now */
  clock?: Clock;
}

const parseSid = (body: string) => {
  try {
    const sid = (JSON.parse(body) as { sid?: unknown }).sid;
    return typeof sid === 'string' && sid ? sid : undefined;
  } catch {
    return undefined;
  }
};

/** Twilio's date_created is to the second, and its clock is not ours: match within this much. */
const CLOCK_SLACK_MS = 2000;

export class TwilioProvider implements TelephonyProvider {
  readonly name = 'twilio' as const;
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly clock: Clock;

  constructor(private readonly options: TwilioProviderOptions) {
    this.baseUrl = (options.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
    const user = options.apiKeySid && options.apiKeySecret ? options.apiKeySid : options.accountSid;
    const password = options.apiKeySid && options.apiKeySecret ? options.apiKeySecret : options.authToken;
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  async placeCall(req: PlaceCallRequest): Promise<PlaceCallOutcome> {
    let twiml: string;
    try {
      twiml = await (this.options.answerTwiml ?? (async () => answerTwiml([])))(req);
    } catch {
      // Nothing was sent: the same attempt may be placed later.
      return { ok: false, kind: 'throttled', retryAfterMs: 1000 };
    }
    const submittedAt = this.clock.now();
    let res: HttpResponse;
    try {
      res = await this.request('POST', callsPath(this.options.accountSid), createCallForm(req, twiml));
    } catch (err) {
      if (err instanceof HttpRequestFailed && !err.sent) {
        return { ok: false, kind: 'throttled', retryAfterMs: 1000 };
      }
      return this.reconcileUnknown(req, submittedAt, `create ${(err as Error).message}`);
    }
    if (res.status === 200 || res.status === 201) {
      const sid = parseSid(res.body);
      if (sid) return { ok: true, callId: sid, acceptedAt: new Date(this.clock.now()) };
      return this.reconcileUnknown(req, submittedAt, 'create answered without a sid');
    }
    const outcome = classifyCreateError(
      res.status,
      parseTwilioError(res.body),
      retryAfterMs(res.headers['retry-after'], Date.now()),
    );
    return outcome.ok || outcome.kind !== 'unknown'
      ? outcome
      : this.reconcileUnknown(req, submittedAt, outcome.detail);
  }

  /**
   * The create may have placed a call we have no SID for. Never create again: look for it once (list by
   * To/From, created since we submitted). Exactly one match is that call; otherwise the attempt stays
   * unknown and its callbacks (which name the attempt) or the sweeper settle it.
   */
  private async reconcileUnknown(req: PlaceCallRequest, submittedAt: number, detail: string) {
    try {
      const matches = await this.listCalls({ to: req.to, from: req.from, notBefore: new Date(submittedAt) });
      const upTo = this.clock.now() + CLOCK_SLACK_MS;
      const mine = matches.filter((c) => Date.parse(c.date_created ?? '') <= upTo);
      if (mine.length === 1 && mine[0]) {
        return { ok: true as const, callId: mine[0].sid, acceptedAt: new Date(this.clock.now()) };
      }
    } catch {
      // The list failing changes nothing: the outcome stays unknown.
    }
    return { ok: false as const, kind: 'unknown' as const, detail };
  }

  async getCall(callId: string): Promise<CallState | null> {
    const res = await this.request('GET', callPath(this.options.accountSid, callId));
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`Twilio fetch call answered ${res.status}`);
    return callStateOf(JSON.parse(res.body) as TwilioCallResource);
  }

  async findCall(q: { to: string; from: string; notBefore: Date }): Promise<CallState | null> {
    const [first] = await this.listCalls(q);
    return first ? callStateOf(first) : null;
  }

  /** Calls to `to` from `from` created at or after `notBefore` (less the clock slack), oldest first. */
  private async listCalls(q: { to: string; from: string; notBefore: Date }) {
    const res = await this.request('GET', `${callsPath(this.options.accountSid)}?${findCallQuery(q)}`);
    if (res.status !== 200) throw new Error(`Twilio list calls answered ${res.status}`);
    const calls = (JSON.parse(res.body) as { calls?: TwilioCallResource[] }).calls ?? [];
    const since = q.notBefore.getTime() - CLOCK_SLACK_MS;
    return calls
      .filter((c) => c.to === q.to && c.from === q.from && Date.parse(c.date_created ?? '') >= since)
      .sort((a, b) => Date.parse(a.date_created ?? '') - Date.parse(b.date_created ?? ''));
  }

  /** `Status=completed` ends a call in any live state; an ended or unknown call is left alone. */
  async hangup(callId: string): Promise<void> {
    const res = await this.request(
      'POST',
      callPath(this.options.accountSid, callId),
      new URLSearchParams({ Status: 'completed' }),
    );
    if (res.status === 200 || res.status === 201 || res.status === 404) return;
    const error = parseTwilioError(res.body);
    // 21220: the call is not in progress (already ended).
    if (error.code === 21220) return;
    if (res.status === 400) {
      const state = await this.getCall(callId);
      if (!state || state.phase === 'ended') return;
    }
    throw new Error(`Twilio hangup answered ${res.status}${error.code ? ` (${error.code})` : ''}`);
  }

  /**
   * Updates the live call with new TwiML (the message, then <Hangup/>): Twilio leaves what the call was
   * doing (its <Enqueue> wait) and runs it. A call no longer in progress (21220), or gone (404), is
   * left alone: it has ended, and its completed callback says so.
   */
  async interrupt(callId: string, actions: readonly Pick<Action, 'type' | 'option'>[]): Promise<void> {
    const res = await this.request(
      'POST',
      callPath(this.options.accountSid, callId),
      new URLSearchParams({ Twiml: interruptTwiml(actions) }),
    );
    if (res.status === 200 || res.status === 201 || res.status === 404) return;
    const error = parseTwilioError(res.body);
    if (error.code === 21220) return;
    throw new Error(`Twilio call update answered ${res.status}${error.code ? ` (${error.code})` : ''}`);
  }

  verifyWebhook(req: WebhookRequest): boolean {
    return verifyTwilioRequest(this.options.authToken, req);
  }

  parseEvent(req: WebhookRequest): NormalizedCallEvent[] {
    const form = req.method === 'POST' ? new URLSearchParams(req.rawBody) : new URL(req.url).searchParams;
    return eventFromCallback(form, req.url, new Date(this.clock.now()));
  }

  /** A <Gather> action request: `Digits` in the form, the attempt in the URL (`cc`, as we set it). */
  parseKeypress(req: WebhookRequest): KeypressEvent {
    const form = req.method === 'POST' ? new URLSearchParams(req.rawBody) : new URL(req.url).searchParams;
    const attemptId = new URL(req.url).searchParams.get('cc');
    if (!attemptId) throw new Error('the keypress callback names no attempt');
    return { attemptId, digits: form.get('Digits') ?? '' };
  }

  keypressReply(actions: readonly Pick<Action, 'type' | 'option'>[], queueId?: string): KeypressReply {
    return { contentType: 'text/xml', body: keypressTwiml(actions, queueId) };
  }

  private request(method: 'GET' | 'POST', path: string, form?: URLSearchParams) {
    return httpRequest(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: this.authorization,
        accept: 'application/json',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: form.toString() } : {}),
      timeoutMs: this.options.requestTimeoutMs ?? 10_000,
    });
  }
}
