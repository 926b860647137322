/**
 * A fake Twilio Programmable Voice for tests and benches: a real HTTP server speaking the REST contract
 * (form bodies, Basic auth, JSON answers, Twilio error bodies) and sending real signed status callbacks.
 * It records every create as it arrived on the wire, plays a configured outcome per `To`, can deliver
 * callbacks out of order and twice, hang a create past the client's timeout, answer 429 storms, and
 * enforces (and measures) a calls-per-second limit in real time.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Scheduler } from '#ports/scheduler.ts';

export type FakeOutcome = 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled' | 'machine' | 'ringing';

/** How a create is answered for one `To`. */
export type CreateBehaviour =
  | { kind: 'ok' }
  /** Answers only after `hangMs`; the call exists from arrival, from the (late) answer, or never. */
  | { kind: 'hang'; hangMs: number; createCall: 'at-arrival' | 'at-answer' | 'never' }
  /** A Twilio error, e.g. 400 / 21211 for an invalid number, or 500. */
  | { kind: 'error'; status: number; code: number };

export interface CreateRecord {
  /** Wall-clock arrival, in fractional milliseconds. */
  atMs: number;
  to: string;
  form: URLSearchParams;
  /** The HTTP status we answered (or will answer, for a hung create). */
  status: number;
  callSid?: string;
  /** Refused by the CPS limit (not a storm). */
  overCps: boolean;
}

export interface FakeCall {
  sid: string;
  to: string;
  from: string;
  status: string;
  answeredBy: string | null;
  dateCreatedMs: number;
  answeredAtMs?: number;
  durationSec?: number;
  statusCallback: string;
  events: Set<string>;
  machineDetection: boolean;
  timeoutSec: number;
  timeLimitSec: number;
  sequence: number;
  /** Bumped when the call is ended by an update: scheduled steps of an older generation do nothing. */
  generation: number;
}

export interface CallbackRecord {
  url: string;
  form: URLSearchParams;
  status: number;
}

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  apiKey?: { sid: string; secret: string };
  /** Creates accepted per rolling second; above it: 429 / 20429. Unset: no limit. */
  cps?: number;
  ringMs?: number;
  talkMs?: number;
}

const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** Twilio's signature, written independently of the adapter's so each checks the other. */
export const fakeTwilioSignature = (authToken: string, url: string, form: URLSearchParams) => {
  let data = url;
  for (const name of [...new Set(form.keys())].sort()) {
    for (const value of [...new Set(form.getAll(name))].sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
};

const TERMINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Largest number of times in any window of `windowMs` (half-open), times sorted ascending. */
export const maxInWindow = (times: number[], windowMs: number) => {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while ((t[j] ?? 0) - (t[i] ?? 0) >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
};

export class FakeTwilio {
  readonly creates: CreateRecord[] = [];
  readonly callbacks: CallbackRecord[] = [];
  readonly hangups: { sid: string; status: string }[] = [];
  /** Live calls given new TwiML (`POST Calls/{Sid}.json` with `Twiml`), as it arrived. */
  readonly twimlUpdates: { sid: string; twiml: string }[] = [];
  readonly calls = new Map<string, FakeCall>();
  /** Order in which callbacks of one call are delivered. */
  delivery: 'in-order' | 'reversed' | 'duplicated' | 'reversed-duplicated' = 'in-order';
  cps: number | undefined;
  /** Off: calls progress but post no callbacks at all (benches measure creates only). */
  sendCallbacks = true;
  private readonly outcomes = new Map<string, FakeOutcome>();
  private readonly behaviours = new Map<string, CreateBehaviour>();
  private readonly silent = new Set<string>();
  private storm = { left: 0, retryAfterSec: 1 };
  private scheduler: Scheduler;
  private now: () => number = () => Date.now();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private readonly options: FakeTwilioOptions,
  ) {
    this.cps = options.cps;
    this.scheduler = {
      after: (ms, task) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          void Promise.resolve(task()).catch(() => {});
        }, ms);
        this.timers.add(t);
      },
    };
  }

  static async start(options: FakeTwilioOptions): Promise<FakeTwilio> {
    let fake: FakeTwilio | undefined;
    const server = createServer((req, res) => {
      // Arrival is when the request line came in, before the body is read.
      const arrivedMs = performance.timeOrigin + performance.now();
      void fake?.handle(req, res, arrivedMs).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeTwilio(server, `http://127.0.0.1:${port}`, options);
    server.on('connection', (s) => {
      fake?.sockets.add(s);
      s.on('close', () => fake?.sockets.delete(s));
    });
    return fake;
  }

  /** Callbacks and call progress on a test's scheduler and clock instead of real timers. */
  useClock(scheduler: Scheduler, now: () => number) {
    this.scheduler = scheduler;
    this.now = now;
  }

  outcomeFor(to: string, outcome: FakeOutcome) {
    this.outcomes.set(to, outcome);
  }

  behaviourFor(to: string, behaviour: CreateBehaviour) {
    this.behaviours.set(to, behaviour);
  }

  /** Calls to `to` progress as configured but send no callbacks. */
  silence(to: string) {
    this.silent.add(to);
  }

  /**
   * Twilio no longer knows the calls to `to` (as for a call past its retention, or of another
   * account): fetch and update answer 404, and their scripts send nothing more.
   */
  forget(to: string) {
    for (const [sid, call] of this.calls) {
      if (call.to !== to) continue;
      call.generation++;
      this.calls.delete(sid);
    }
  }

  /** The next `count` creates are answered 429 / 20429 with Retry-After. */
  startStorm(count: number, retryAfterSec = 1) {
    this.storm = { left: count, retryAfterSec };
  }

  createsTo(to: string) {
    return this.creates.filter((c) => c.to === to);
  }

  /** Most create requests (any answer) / accepted creates that arrived within one rolling second. */
  maxCreatesPerSecond(which: 'all' | 'accepted' = 'all', windowMs = 1000) {
    const list = which === 'all' ? this.creates : this.creates.filter((c) => c.status === 201);
    return maxInWindow(
      list.map((c) => c.atMs),
      windowMs,
    );
  }

  /** Create requests per calendar second (wall clock). */
  createsPerCalendarSecond() {
    const out = new Map<number, number>();
    for (const c of this.creates)
      out.set(Math.floor(c.atMs / 1000), (out.get(Math.floor(c.atMs / 1000)) ?? 0) + 1);
    return out;
  }

  /** Posts a form to a callback URL signed with `token` (default the account's), as Twilio would. */
  async postCallback(
    url: string,
    form: URLSearchParams,
    opts: { token?: string; signature?: string | null } = {},
  ) {
    const signature =
      opts.signature === null
        ? undefined
        : (opts.signature ?? fakeTwilioSignature(opts.token ?? this.options.authToken, url, form));
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature ? { 'x-twilio-signature': signature } : {}),
      },
      body: form.toString(),
    });
    await res.arrayBuffer();
    return res.status;
  }

  async close() {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse, arrivedMs: number) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.baseUrl);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
    };
    const error = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
      send(
        status,
        { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
        headers,
      );

    if (!this.authorized(req.headers.authorization)) return error(401, 20003, 'Authenticate');
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls(?:\/([^/.]+))?\.json$/.exec(url.pathname);
    if (!m || m[1] !== this.options.accountSid)
      return error(404, 20404, 'The requested resource was not found');
    const callSid = m[2];
    if (
      req.method === 'POST' &&
      !/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')
    ) {
      return error(400, 20001, 'Bodies are form-encoded');
    }
    const form = new URLSearchParams(body);
    if (req.method === 'POST' && !callSid) return this.create(form, arrivedMs, send, error);
    if (req.method === 'GET' && !callSid) return send(200, { calls: this.list(url.searchParams) });
    const call = callSid ? this.calls.get(callSid) : undefined;
    if (!call) return error(404, 20404, `The requested resource ${url.pathname} was not found`);
    if (req.method === 'GET') return send(200, this.resource(call));
    if (req.method === 'POST' && form.has('Twiml')) {
      // Twilio redirects only a call in progress: a queued, ringing or ended one is refused with 21220.
      if (call.status !== 'in-progress')
        return error(400, 21220, 'Call is not in-progress. Cannot redirect.');
      this.twimlUpdates.push({ sid: call.sid, twiml: form.get('Twiml') ?? '' });
      this.runTwiml(call, form.get('Twiml') ?? '');
      return send(200, this.resource(call));
    }
    if (req.method === 'POST') {
      await this.update(call, form.get('Status') ?? '');
      return send(200, this.resource(call));
    }
    return error(405, 20004, 'Method not allowed');
  }

  private authorized(header: string | undefined) {
    const m = /^Basic (.+)$/.exec(header ?? '');
    if (!m?.[1]) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    const [user, pass] = [decoded.slice(0, at), decoded.slice(at + 1)];
    if (user === this.options.accountSid && pass === this.options.authToken) return true;
    return Boolean(
      this.options.apiKey && user === this.options.apiKey.sid && pass === this.options.apiKey.secret,
    );
  }

  private create(
    form: URLSearchParams,
    atMs: number,
    send: (status: number, json: unknown, headers?: Record<string, string>) => void,
    error: (status: number, code: number, message: string, headers?: Record<string, string>) => void,
  ) {
    const to = form.get('To') ?? '';
    const record: CreateRecord = { atMs, to, form, status: 201, overCps: false };
    this.creates.push(record);
    if (this.storm.left > 0) {
      this.storm.left--;
      record.status = 429;
      return error(429, 20429, 'Too Many Requests', { 'retry-after': String(this.storm.retryAfterSec) });
    }
    if (this.cps !== undefined) {
      const accepted = this.creates.filter((c) => c.status === 201 && c !== record && atMs - c.atMs < 1000);
      if (accepted.length >= this.cps) {
        record.status = 429;
        record.overCps = true;
        return error(429, 20429, 'Too Many Requests: calls per second exceeded', { 'retry-after': '1' });
      }
    }
    if (!/^\+[1-9]\d{1,14}$/.test(to)) {
      record.status = 400;
      return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    }
    if (!form.get('From') || !(form.get('Twiml') || form.get('Url') || form.get('ApplicationSid'))) {
      record.status = 400;
      return error(400, 21205, 'Url, Twiml or ApplicationSid is required');
    }
    const behaviour = this.behaviours.get(to) ?? { kind: 'ok' };
    if (behaviour.kind === 'error') {
      record.status = behaviour.status;
      return error(behaviour.status, behaviour.code, `configured failure ${behaviour.code}`);
    }
    if (behaviour.kind === 'hang') {
      const call = behaviour.createCall === 'at-arrival' ? this.newCall(form) : undefined;
      if (call) record.callSid = call.sid;
      const t = setTimeout(() => {
        this.timers.delete(t);
        const late = behaviour.createCall === 'at-answer' ? this.newCall(form) : call;
        if (late) record.callSid = late.sid;
        record.status = late ? 201 : 500;
        send(
          late ? 201 : 500,
          late ? this.resource(late) : { code: 20500, message: 'Internal Server Error' },
        );
      }, behaviour.hangMs);
      this.timers.add(t);
      return;
    }
    const call = this.newCall(form);
    record.callSid = call.sid;
    send(201, this.resource(call));
  }

  private list(q: URLSearchParams) {
    const to = q.get('To');
    const from = q.get('From');
    const since = q.get('StartTime>');
    return [...this.calls.values()]
      .filter((c) => (!to || c.to === to) && (!from || c.from === from))
      .filter((c) => !since || new Date(c.dateCreatedMs).toISOString().slice(0, 10) >= since)
      .sort((a, b) => b.dateCreatedMs - a.dateCreatedMs)
      .map((c) => this.resource(c));
  }

  private resource(c: FakeCall) {
    return {
      sid: c.sid,
      account_sid: this.options.accountSid,
      to: c.to,
      from: c.from,
      status: c.status,
      direction: 'outbound-api',
      answered_by: c.answeredBy,
      duration: c.durationSec === undefined ? null : String(c.durationSec),
      start_time: new Date(c.dateCreatedMs).toUTCString(),
      date_created: new Date(c.dateCreatedMs).toUTCString(),
      date_updated: new Date(this.now()).toUTCString(),
    };
  }

  // --- calls and callbacks -----------------------------------------------------------------------------

  private newCall(form: URLSearchParams): FakeCall {
    const call: FakeCall = {
      sid: newSid('CA'),
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      status: 'queued',
      answeredBy: null,
      dateCreatedMs: this.now(),
      statusCallback: form.get('StatusCallback') ?? '',
      events: new Set(form.getAll('StatusCallbackEvent')),
      machineDetection: Boolean(form.get('MachineDetection')),
      timeoutSec: Number(form.get('Timeout') ?? 60),
      timeLimitSec: Number(form.get('TimeLimit') ?? 14_400),
      sequence: 0,
      generation: 0,
    };
    this.calls.set(call.sid, call);
    this.play(call, this.outcomes.get(call.to) ?? 'completed');
    return call;
  }

  /** The outcome's script on the scheduler: each step moves the call and posts its callback. */
  private play(call: FakeCall, outcome: FakeOutcome) {
    const ring = this.options.ringMs ?? 2000;
    const talkMs = Math.min(this.options.talkMs ?? 5000, call.timeLimitSec * 1000);
    const machine = outcome === 'machine' && call.machineDetection ? 'machine_start' : null;
    type Step = { atMs: number; status: string; sip?: number };
    const steps: Step[] = [{ atMs: 0, status: 'initiated' }];
    switch (outcome) {
      case 'completed':
      case 'machine':
        steps.push({ atMs: 0, status: 'ringing' }, { atMs: ring, status: 'in-progress' });
        steps.push({ atMs: ring + talkMs, status: 'completed' });
        break;
      case 'busy':
        steps.push({ atMs: 0, status: 'ringing' }, { atMs: Math.min(ring, 1000), status: 'busy', sip: 486 });
        break;
      case 'no-answer':
        steps.push(
          { atMs: 0, status: 'ringing' },
          { atMs: call.timeoutSec * 1000, status: 'no-answer', sip: 487 },
        );
        break;
      case 'failed':
        steps.push({ atMs: 100, status: 'failed', sip: 404 });
        break;
      case 'canceled':
        steps.push(
          { atMs: 0, status: 'ringing' },
          { atMs: Math.floor(ring / 2), status: 'canceled', sip: 487 },
        );
        break;
      case 'ringing':
        steps.push({ atMs: 0, status: 'ringing' });
        break;
    }
    const generation = call.generation;
    const due: { form: URLSearchParams }[] = [];
    const last = steps.length - 1;
    steps.forEach((step, i) => {
      this.scheduler.after(step.atMs, async () => {
        if (call.generation !== generation || TERMINAL.has(call.status)) return;
        const form = this.move(call, step.status, step.sip, machine);
        if (!form) return;
        if (this.delivery.startsWith('reversed')) {
          // Held back and sent newest first once the last one is due.
          due.push({ form });
          if (i === last || TERMINAL.has(call.status)) {
            for (const d of due.reverse()) await this.send(call, d.form);
          }
          return;
        }
        await this.send(call, form);
      });
    });
  }

  /** Moves the call to `status` and returns the callback form, or undefined when not subscribed. */
  private move(call: FakeCall, status: string, sip: number | undefined, answeredBy: string | null) {
    const now = this.now();
    call.status = status === 'initiated' ? 'queued' : status;
    if (status === 'in-progress') {
      call.answeredAtMs = now;
      call.answeredBy = answeredBy;
    }
    if (TERMINAL.has(status)) {
      call.durationSec =
        call.answeredAtMs === undefined
          ? 0
          : Math.min(call.timeLimitSec, Math.ceil((now - call.answeredAtMs) / 1000));
    }
    const event = status === 'in-progress' ? 'answered' : TERMINAL.has(status) ? 'completed' : status;
    if (!call.events.has(event) && !(event === 'completed')) return undefined;
    const form = new URLSearchParams({
      AccountSid: this.options.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      Direction: 'outbound-api',
      From: call.from,
      To: call.to,
      SequenceNumber: String(call.sequence++),
      Timestamp: new Date(now).toUTCString(),
    });
    if (call.answeredBy) form.set('AnsweredBy', call.answeredBy);
    if (TERMINAL.has(status)) form.set('CallDuration', String(call.durationSec ?? 0));
    if (sip) form.set('SipResponseCode', String(sip));
    return form;
  }

  private async send(call: FakeCall, form: URLSearchParams) {
    if (!this.sendCallbacks || this.silent.has(call.to) || !call.statusCallback) return;
    const times = this.delivery.endsWith('duplicated') ? 2 : 1;
    for (let i = 0; i < times; i++) {
      const status = await this.postCallback(call.statusCallback, form).catch(() => 0);
      this.callbacks.push({ url: call.statusCallback, form, status });
    }
  }

  /**
   * New TwiML for a live call: what it was doing stops (its scheduled end is dropped), and a TwiML that
   * ends in <Hangup/> completes the call a second per verb later, as if it had played them.
   */
  private runTwiml(call: FakeCall, twiml: string) {
    call.generation++;
    if (!/<Hangup\s*\/>\s*<\/Response>\s*$/.test(twiml)) return;
    const verbs = (twiml.match(/<(Say|Play|Pause)\b/g) ?? []).length;
    const generation = call.generation;
    this.scheduler.after(verbs * 1000, async () => {
      if (call.generation !== generation || TERMINAL.has(call.status)) return;
      const form = this.move(call, 'completed', undefined, call.answeredBy);
      if (form) await this.send(call, form);
    });
  }

  /** POST Calls/{Sid}.json Status=completed|canceled: ends a live call (canceled only before answer). */
  private async update(call: FakeCall, status: string) {
    this.hangups.push({ sid: call.sid, status });
    if (TERMINAL.has(call.status)) return;
    const answered = call.status === 'in-progress';
    if (status === 'canceled' && answered) return;
    if (status !== 'canceled' && status !== 'completed') return;
    call.generation++;
    const form = this.move(
      call,
      answered ? 'completed' : 'canceled',
      answered ? undefined : 487,
      call.answeredBy,
    );
    if (form) await this.send(call, form);
  }
}
