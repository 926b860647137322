/**
 * The call simulator for AWS: Lambda cannot keep timers, so each scripted event becomes a delayed SQS
 * message (functions/engine/simulator-events.ts posts it to the webhook route when it comes due).
 * Outcomes, bodies and signatures are the local simulator's; verification and parsing are delegated to it.
 */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  type CallState,
  type KeypressEvent,
  type KeypressReply,
  keypressCallbackUrl,
  type PlaceCallOutcome,
  type PlaceCallRequest,
  type TelephonyProvider,
  type WebhookRequest,
} from '#ports/telephony.ts';
import {
  keypressDelayMs,
  pressesOptOut,
  SIMULATOR_SIGNATURE_HEADER,
  SimulatorProvider,
  scriptFor,
  signSimulatorRequest,
} from './simulator-provider.ts';

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;

/** One delayed event: what simulator-events POSTs, exactly as the local simulator would. */
export interface SimulatorEventMessage {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface QueuedSimulatorOptions {
  /** Signing key; without it the provider verifies nothing and places no call. */
  secret: string | undefined;
  /** SIM_EVENTS_QUEUE_URL; without it placeCall fails. */
  queueUrl: string | undefined;
  now: () => number;
  /** @default 2000 */
  ringMs?: number;
  /** @default 5000 */
  talkMs?: number;
  /** The opt-out key of a placement's campaign (campaignOptOutKey). @default none */
  optOutKey?: (req: PlaceCallRequest) => Promise<string | undefined>;
}

/** Deterministic per attempt, so a retried placement schedules the same call. */
export const simulatorCallId = (idempotencyKey: string) => `SIM${idempotencyKey.replace(/-/g, '')}`;

/** The SendMessageBatch entries for one placed call: pure, so tests pin them without SQS. */
export const simulatorEventEntries = (
  req: PlaceCallRequest,
  opts: { secret: string; nowMs: number; ringMs: number; talkMs: number; optOutKey?: string | undefined },
): SendMessageBatchRequestEntry[] => {
  const callId = simulatorCallId(req.idempotencyKey);
  const script = scriptFor(req.to, opts.ringMs, opts.talkMs, req.ringTimeoutSec * 1000);
  const answeredAt = script.find((step) => step.kind === 'answered')?.atMs;
  const machine = script.some((step) => step.reason === 'amd');
  const keypress: SendMessageBatchRequestEntry[] = [];
  if (opts.optOutKey && answeredAt !== undefined && !machine && pressesOptOut(req.to)) {
    const url = keypressCallbackUrl(req.statusCallbackUrl);
    const body = JSON.stringify({ callId, digits: opts.optOutKey });
    const message: SimulatorEventMessage = {
      url,
      headers: {
        'content-type': 'application/json',
        [SIMULATOR_SIGNATURE_HEADER]: signSimulatorRequest(opts.secret, url, body),
      },
      body,
    };
    const atMs = answeredAt + keypressDelayMs(opts.talkMs);
    keypress.push({
      Id: 'keypress',
      MessageBody: JSON.stringify(message),
      DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(atMs / 1000)),
    });
  }
  return [
    ...script.map((step, sequence) => {
      const body = JSON.stringify({
        callId,
        kind: step.kind,
        ...(step.reason ? { reason: step.reason } : {}),
        at: new Date(opts.nowMs + step.atMs).toISOString(),
        sequence,
      });
      const message: SimulatorEventMessage = {
        url: req.statusCallbackUrl,
        headers: {
          'content-type': 'application/json',
          [SIMULATOR_SIGNATURE_HEADER]: signSimulatorRequest(opts.secret, req.statusCallbackUrl, body),
        },
        body,
      };
      return {
        Id: String(sequence),
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(step.atMs / 1000)),
      };
    }),
    ...keypress,
  ];
};

const noScheduler = {
  after: () => {
    throw new Error('the queued simulator never schedules in process');
  },
};

export class QueuedSimulatorProvider implements TelephonyProvider {
  readonly name = 'simulator' as const;
  /** Verification and parsing only: the local simulator's code, not a copy. */
  private readonly local: SimulatorProvider | undefined;

  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly options: QueuedSimulatorOptions,
  ) {
    this.local = options.secret
      ? new SimulatorProvider({
          secret: options.secret,
          scheduler: noScheduler,
          now: options.now,
          deliver: async () => {},
        })
      : undefined;
  }

  async placeCall(req: PlaceCallRequest): Promise<PlaceCallOutcome> {
    const { secret, queueUrl } = this.options;
    if (!secret || !queueUrl) {
      return { ok: false, kind: 'unknown', detail: 'simulator signing key or events queue not configured' };
    }
    const nowMs = this.options.now();
    const out = await this.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: simulatorEventEntries(req, {
          secret,
          nowMs,
          ringMs: this.options.ringMs ?? 2000,
          talkMs: this.options.talkMs ?? 5000,
          // Read only for a number that would press it.
          optOutKey: pressesOptOut(req.to) ? await this.options.optOutKey?.(req) : undefined,
        }),
      }),
    );
    if (out.Failed?.length) {
      return { ok: false, kind: 'unknown', detail: `events queue refused: ${out.Failed[0]?.Code}` };
    }
    return { ok: true, callId: simulatorCallId(req.idempotencyKey), acceptedAt: new Date(nowMs) };
  }

  /**
   * The queued simulator keeps no call state, and its call ids carry neither the number nor the time
   * the script needs: it cannot tell, which is not the same as having no such call (see the port).
   */
  async getCall(callId: string): Promise<CallState | null> {
    return { callId, phase: 'unknown' };
  }

  async hangup(_callId: string): Promise<void> {}

  verifyWebhook(req: WebhookRequest): boolean {
    return this.local?.verifyWebhook(req) ?? false;
  }

  parseEvent(req: WebhookRequest) {
    if (!this.local) throw new Error('simulator signing key not configured');
    return this.local.parseEvent(req);
  }

  parseKeypress(req: WebhookRequest): KeypressEvent {
    if (!this.local) throw new Error('simulator signing key not configured');
    return this.local.parseKeypress(req);
  }

  keypressReply(): KeypressReply {
    return { contentType: 'application/json', body: '{}' };
  }
}
