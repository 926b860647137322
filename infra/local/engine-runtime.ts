import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startFauxqs } from 'fauxqs';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import { SqsDialQueue } from '#adapters/sqs/dial-queue.ts';
import type { AnswerRates, MsRange } from '#adapters/telephony/simulator/call-distributions.ts';
import { campaignOptOutKey, SimulatorProvider } from '#adapters/telephony/simulator/simulator-provider.ts';
import { buildDialerHandler } from '#functions/engine/dialer-handler.ts';
import {
  buildProviderWebhooksHandler,
  PROVIDER_WEBHOOKS_PATH,
} from '#functions/webhooks/provider-webhooks.ts';
import type { ApiHandler } from '#http/api-handler.ts';
import type { Scheduler } from '#ports/scheduler.ts';
import type { TelephonyProvider, WebhookRequest } from '#ports/telephony.ts';
import type { Deps } from '#services/deps.ts';
import { defaultEngineSettings, type EngineDeps } from '#services/engine/engine-deps.ts';
import { runTick } from '#services/engine/run-tick.ts';
import { toSqsEvent } from './sqs-event.ts';

export const timerScheduler: Scheduler = {
  after: (delayMs, task) => {
    setTimeout(() => void Promise.resolve(task()).catch(() => {}), delayMs).unref();
  },
};

/** Delivers a provider callback over real HTTP, as a carrier would. */
export const httpDeliver = async (req: WebhookRequest) => {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.rawBody });
  await res.arrayBuffer();
};

export interface LocalEngineOptions {
  deps: Deps;
  ddb: DynamoDBDocumentClient;
  tableName: string;
  scheduler: Scheduler;
  simulatorSecret: string;
  /** Base URL the simulator calls back; set once the API server listens. */
  publicBaseUrl: string;
  ringMs?: number | MsRange;
  talkMs?: number | MsRange;
  /** The simulator draws outcomes at these rates (SIM_LIVE_ANSWER_RATE, SIM_MACHINE_RATE). */
  answerRates?: AnswerRates;
  /** Seeds the simulator's drawn outcomes and times (SIM_SEED). */
  simulatorSeed?: number;
  /** Replaces the simulator (tests of a carrier adapter). */
  provider?: TelephonyProvider;
  deliver?: (req: WebhookRequest) => Promise<void>;
  /**
   * Keeps the dial queue in this directory (SQLite, through the SQS emulator), so dial jobs queued
   * when the process stops are placed after a restart. Without it the queue is in memory.
   */
  queueDir?: string;
  /** Lets a test add middleware to the dial queue's client (the fault suite injects faults there). */
  configureSqs?: (client: SQSClient) => void;
}

export class LocalEngine {
  readonly deps: EngineDeps;
  readonly webhookHandler: ApiHandler;
  private readonly dialer: ReturnType<typeof buildDialerHandler>;
  private loops: NodeJS.Timeout[] = [];
  private stopped = false;

  private constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly queueArn: string,
    private readonly fauxqs: Pick<Awaited<ReturnType<typeof startFauxqs>>, 'stop' | 'inspectQueue'>,
    options: LocalEngineOptions,
  ) {
    const engine = new DynamoEngineStore(options.ddb, options.tableName);
    const provider =
      options.provider ??
      new SimulatorProvider({
        optOutKey: campaignOptOutKey(engine),
        secret: options.simulatorSecret,
        scheduler: options.scheduler,
        now: () => options.deps.clock.now(),
        deliver: options.deliver ?? httpDeliver,
        ...(options.ringMs !== undefined ? { ringMs: options.ringMs } : {}),
        ...(options.talkMs !== undefined ? { talkMs: options.talkMs } : {}),
        ...(options.answerRates ? { answerRates: options.answerRates } : {}),
        ...(options.simulatorSeed !== undefined ? { seed: options.simulatorSeed } : {}),
      });
    this.deps = {
      ...options.deps,
      engine,
      dialQueue: new SqsDialQueue(sqs, queueUrl),
      provider,
      settings: defaultEngineSettings(options.publicBaseUrl),
    };
    this.dialer = buildDialerHandler(this.deps);
    const webhook = buildProviderWebhooksHandler(this.deps);
    this.webhookHandler = (event) => webhook(event);
  }

  static async start(options: LocalEngineOptions): Promise<LocalEngine> {
    const server = await startFauxqs({
      port: 0,
      logger: false,
      ...(options.queueDir ? { dataDir: options.queueDir } : {}),
    });
    // A kept queue is reused as it is: creating it again would replace it, and drop its jobs.
    const kept = server.inspectQueue('outbound-dial');
    const { queueUrl, queueArn } = kept
      ? { queueUrl: kept.url, queueArn: kept.arn }
      : server.createQueue('outbound-dial', { attributes: { VisibilityTimeout: '30' } });
    const sqs = new SQSClient({
      endpoint: server.address,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    options.configureSqs?.(sqs);
    return new LocalEngine(sqs, queueUrl, queueArn, server, options);
  }

  /** The provider webhook routes (call events, keypresses), to mount on the local API server. */
  get webhookMount() {
    return { name: 'provider-events', pattern: PROVIDER_WEBHOOKS_PATH, handler: this.webhookHandler };
  }

  tick() {
    return runTick(this.deps);
  }

  /** Receives one batch and runs the dialer on it; returns how many messages it handled. */
  async pollOnce(waitSeconds = 0): Promise<number> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return 0;
    const event = toSqsEvent(messages, this.queueArn);
    const { batchItemFailures } = await this.dialer(event);
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (done.length) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    // As the Lambda event source mapping does: failed records come back after a (short, local) backoff.
    for (const m of messages.filter((x) => failed.has(x.MessageId ?? ''))) {
      await this.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: m.ReceiptHandle ?? '',
          VisibilityTimeout: 1,
        }),
      );
    }
    return messages.length;
  }

  /** Runs the dialer until the queue has nothing visible. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.pollOnce(); n > 0; n = await this.pollOnce()) total += n;
    return total;
  }

  /**
   * Runs the dialer until the queue holds nothing, delayed jobs (an abandon check waits whole seconds
   * on the emulator's own clock, which is real time) and jobs coming back included; gives up after
   * `maxWaitMs` of real time. Returns how many messages it handled.
   */
  async drainDelayed(maxWaitMs = 20_000): Promise<number> {
    const until = Date.now() + maxWaitMs;
    let total = await this.drain();
    for (;;) {
      const left = this.fauxqs.inspectQueue('outbound-dial')?.messages;
      const waiting = (left?.ready.length ?? 0) + (left?.delayed.length ?? 0) + (left?.inflight.length ?? 0);
      if (waiting === 0 || Date.now() >= until) return total;
      total += await this.pollOnce(1);
    }
  }

  /** `npm start`: tick every `tickIntervalMs` and long-poll the dial queue. */
  startLoops(tickIntervalMs: number, onError: (err: unknown) => void) {
    let ticking = false;
    this.loops.push(
      setInterval(() => {
        if (ticking) return;
        ticking = true;
        this.tick()
          .catch(onError)
          .finally(() => {
            ticking = false;
          });
      }, tickIntervalMs),
    );
    const poll = async () => {
      while (!this.stopped) {
        try {
          await this.pollOnce(1);
        } catch (err) {
          if (!this.stopped) onError(err);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    };
    void poll();
  }

  async stop() {
    this.stopped = true;
    for (const l of this.loops) clearInterval(l);
    await this.fauxqs.stop();
  }
}
