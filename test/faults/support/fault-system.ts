/**
 * The whole system as test/support/system.ts starts it (API and provider webhook route over real HTTP,
 * DynamoDB Local, the dial queue in the SQS emulator, the simulator on a hand-moved clock, optionally
 * the webhook pipeline), with faults injected into the engine only:
 * - the engine runs in an EngineProcess with its own DynamoDB and SQS clients, where the faults are
 *   (the API, the webhook pipeline and the test's own reads use a clean client);
 * - the simulator's callbacks go through faultyCallbacks;
 * - `crash`/`restart` drop the engine process (its simulator and every call and event it had
 *   scheduled with it) and start a new one on the same table (and the same kept dial queue).
 */
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import type { TelephonyProvider } from '#ports/telephony.ts';
import type { EngineSettings } from '#services/engine/engine-deps.ts';
import { httpDeliver, LocalEngine } from '../../../infra/local/engine-runtime.ts';
import type { LocalEventsOptions } from '../../../infra/local/events-runtime.ts';
import { FakeClock } from '../../support/clock.ts';
import { aTable, dynamoEndpoint } from '../../support/local-dynamo.ts';
import { ManualScheduler } from '../../support/manual-scheduler.ts';
import { startSystemApi, startTableEvents, type TestSystem } from '../../support/system.ts';
import { type CallbackFaultCounts, faultyCallbacks } from './callback-faults.ts';
import { type DynamoFaultCounts, type DynamoFaultRates, injectDynamoFaults } from './dynamo-faults.ts';
import { type CrashPlan, EngineProcess, ProcessDied } from './engine-process.ts';
import { streamOf } from './seed.ts';
import { injectSqsFaults, type SqsFaultCounts } from './sqs-faults.ts';

export interface FaultOptions {
  seed: number;
  ringMs?: number;
  talkMs?: number;
  /** DynamoDB faults of the engine's client. */
  dynamo?: DynamoFaultRates;
  /** Dial queue faults (shares of received messages). */
  dialQueue?: { duplicate: number; reorder: number };
  /** Provider callback faults (shares of events). */
  callbacks?: { duplicate: number; reorder: number };
  /** Also run the webhook pipeline; `drain()` it to deliver. */
  events?: Pick<LocalEventsOptions, 'policy'>;
  /** Keeps the dial queue in this directory, so a restarted process finds its jobs. */
  queueDir?: string;
  /** Engine settings of every process (e.g. maxNewCallsPerTick). */
  settings?: Partial<EngineSettings>;
  /** The first process dies as planned. */
  crash?: CrashPlan;
}

/** One call placed with a carrier (the simulator of the process that placed it). */
export interface Placement {
  attemptId: string;
  to: string;
  callId: string;
  /** Simulated time it was placed, and when the carrier reported it ended (if it did). */
  at: number;
  endedAt?: number;
  process: number;
  provider: TelephonyProvider;
}

export interface FaultSystem extends TestSystem {
  process: EngineProcess;
  /** What every injector injected so far, summed over the processes. */
  injected(): {
    dynamo: DynamoFaultCounts;
    dialQueue: SqsFaultCounts;
    callbacks: CallbackFaultCounts;
  };
  /** Errors of injected faults that came out of the engine's tick or dialer (the SDK's retries gave up). */
  surfaced: Map<string, number>;
  placements: Placement[];
  /** The engine's store on the clean client, for checks that must not meet an injected fault. */
  store: DynamoEngineStore;
  /**
   * A round with racing ticks: `ticks` ticks at once while `ms` of call time passes, then the dialer,
   * then every held-back callback.
   */
  racingRound(ms: number, ticks: number): Promise<void>;
  /** Runs `work` with no DynamoDB faults (the test's checks through the engine's own store). */
  quiet<T>(work: () => Promise<T>): Promise<T>;
  /** Posts every callback still held back by a re-order. */
  flushCallbacks(): Promise<void>;
  /** Drops the engine process and starts a new one (no crash plan) on the same table and queue. */
  restart(): Promise<void>;
}

const INJECTED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'TimeoutError',
  ProcessDied.name,
]);

export const startFaultSystem = async (options: FaultOptions): Promise<FaultSystem> => {
  const endpoint = dynamoEndpoint();
  const clock = new FakeClock(Date.now());
  const ddb = createDocumentClient(endpoint);
  const table = await aTable('outbound-faults');
  const tableName = table.name;
  const deps = dynamoDeps(ddb, tableName, { clock, runtime: 'local' });
  const simulatorSecret = cryptoIds.token();
  const events = options.events
    ? await startTableEvents({ ddb, tableName, clock }, options.events)
    : undefined;

  const totals = {
    dynamo: { requests: 0, throttles: 0, timeoutsBeforeSend: 0, timeoutsAfterApply: 0 },
    dialQueue: { received: 0, duplicated: 0, reordered: 0 },
  };
  const callbacks = faultyCallbacks(httpDeliver, {
    random: streamOf(options.seed, 'callbacks'),
    duplicate: options.callbacks?.duplicate ?? 0,
    reorder: options.callbacks?.reorder ?? 0,
    secret: simulatorSecret,
  });
  const placements: Placement[] = [];
  const byCallId = new Map<string, Placement>();
  const inFlight = new Map<string, Promise<void>>();
  /** Waits for every callback posted so far (and any they lead to). */
  const settle = async () => {
    while (inFlight.size) await Promise.all(inFlight.values());
  };
  const surfaced = new Map<string, number>();
  let processes = 0;
  let publicBaseUrl = 'http://127.0.0.1:0';

  const startProcess = async (plan?: CrashPlan) => {
    const n = ++processes;
    const process = new EngineProcess(plan);
    const engineDdb = createDocumentClient(endpoint);
    const dynamo = injectDynamoFaults(engineDdb, {
      random: streamOf(options.seed, `dynamo#${n}`),
      rates: options.dynamo ?? { throttle: 0, timeoutBeforeSend: 0, timeoutAfterApply: 0 },
      process,
      retryDelayFactor: 0.05,
    });
    let sqs: ReturnType<typeof injectSqsFaults> | undefined;
    const scheduler = new ManualScheduler(clock);
    const engine = await LocalEngine.start({
      deps: dynamoDeps(engineDdb, tableName, { clock, runtime: 'local' }),
      ddb: engineDdb,
      tableName,
      scheduler,
      simulatorSecret,
      publicBaseUrl,
      ...(options.ringMs !== undefined ? { ringMs: options.ringMs } : {}),
      ...(options.talkMs !== undefined ? { talkMs: options.talkMs } : {}),
      // The end of a call is noted as the carrier sends it, before any injected fault.
      deliver: async (req) => {
        const event = JSON.parse(req.rawBody) as { callId: string; kind: string };
        const placement = byCallId.get(event.callId);
        if (event.kind === 'completed' && placement && placement.endedAt === undefined) {
          placement.endedAt = clock.peek();
        }
        // As a carrier: callbacks of different calls in parallel, those of one call one after another.
        const before = inFlight.get(event.callId) ?? Promise.resolve();
        const posted = before.then(() => callbacks.deliver(req));
        inFlight.set(event.callId, posted);
        void posted.finally(() => {
          if (inFlight.get(event.callId) === posted) inFlight.delete(event.callId);
        });
      },
      ...(options.queueDir ? { queueDir: options.queueDir } : {}),
      configureSqs: (client) => {
        sqs = injectSqsFaults(client, {
          random: streamOf(options.seed, `dial-queue#${n}`),
          duplicate: options.dialQueue?.duplicate ?? 0,
          reorder: options.dialQueue?.reorder ?? 0,
          process,
        });
      },
    });
    Object.assign(engine.deps.settings, options.settings);
    const provider = engine.deps.provider;
    const place = provider.placeCall.bind(provider);
    provider.placeCall = async (req) => {
      process.check('placeCall', req, 'before');
      const outcome = await place(req);
      if (outcome.ok) {
        const placement: Placement = {
          attemptId: req.idempotencyKey,
          to: req.to,
          callId: outcome.callId,
          at: clock.peek(),
          process: n,
          provider,
        };
        placements.push(placement);
        byCallId.set(outcome.callId, placement);
      }
      process.check('placeCall', req, 'after');
      return outcome;
    };
    return { process, engine, scheduler, dynamo, sqs: () => sqs };
  };

  let current = await startProcess(options.crash);
  const finished: (typeof current)[] = [];

  const api = await startSystemApi(deps, 'fault suite', [
    { ...current.engine.webhookMount, handler: (event, ctx) => current.engine.webhookHandler(event, ctx) },
  ]);
  publicBaseUrl = api.publicBaseUrl;
  current.engine.deps.settings.publicBaseUrl = publicBaseUrl;

  /** Work of the engine that may fail with an injected fault: counted, not thrown (a loop would go on). */
  const tolerant = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      // The sweep settles each attempt on its own and reports those that failed together.
      const errors = err instanceof AggregateError ? err.errors : [err];
      const names = errors.map((e) => (e as Error).name);
      if (names.length === 0 || !names.every((name) => INJECTED.has(name))) throw err;
      for (const name of names) surfaced.set(name, (surfaced.get(name) ?? 0) + 1);
    }
  };

  const sum = () => {
    const all = [...finished, current];
    const dynamo = { ...totals.dynamo };
    const dialQueue = { ...totals.dialQueue };
    for (const p of all) {
      for (const k of Object.keys(dynamo) as (keyof DynamoFaultCounts)[]) dynamo[k] += p.dynamo.counts[k];
      const s = p.sqs()?.counts;
      if (s) for (const k of Object.keys(dialQueue) as (keyof SqsFaultCounts)[]) dialQueue[k] += s[k];
    }
    return { dynamo, dialQueue, callbacks: { ...callbacks.counts } };
  };

  const system: FaultSystem = {
    clock,
    ddb,
    tableName,
    get scheduler() {
      return current.scheduler;
    },
    get engine() {
      return current.engine;
    },
    get process() {
      return current.process;
    },
    ...(events ? { events } : {}),
    customer: api.customer,
    admin: api.admin,
    clientFor: api.clientFor,
    simulatorSecret,
    injected: sum,
    surfaced,
    placements,
    store: new DynamoEngineStore(ddb, tableName),
    quiet: (work) => current.dynamo.without(work),
    flushCallbacks: async () => {
      await settle();
      await callbacks.flush();
    },
    round: async (ms) => {
      await tolerant(() => current.engine.tick());
      await tolerant(() => current.engine.drain());
      await current.scheduler.advance(ms);
      await settle();
      await callbacks.flush();
    },
    racingRound: async (ms, ticks) => {
      await Promise.all([
        ...Array.from({ length: ticks }, () => tolerant(() => current.engine.tick())),
        current.scheduler.advance(ms).then(settle),
      ]);
      await tolerant(() => current.engine.drain());
      await callbacks.flush();
    },
    restart: async () => {
      // As kill -9: nothing of the old process runs again. Its queue server is closed so the new
      // process can open the kept queue; its simulator's scheduled calls and events never happen.
      const old = current;
      old.process.check = () => {
        throw new ProcessDied(old.process.diedAt ?? 'restart');
      };
      await old.engine.stop();
      finished.push(old);
      // Its simulator, and every call it carried, died with it.
      for (const p of placements)
        if (p.process === processes && p.endedAt === undefined) p.endedAt = clock.peek();
      current = await startProcess();
      current.engine.deps.settings.publicBaseUrl = publicBaseUrl;
    },
    restartEngine: () => system.restart(),
    startEvents: (more) => startTableEvents({ ddb, tableName, clock }, more),
    close: async () => {
      await api.close();
      await current.engine.stop();
      await events?.stop();
      await table.drop();
    },
  };
  return system;
};
