/**
 * The whole system for engine tests: API server and provider webhook route over real HTTP, DynamoDB
 * Local, the dial queue in the SQS emulator, and the simulator driven by a hand-moved clock. The
 * pieces (a table of its own, the API with its operator and first customer, the webhook pipeline on
 * the table's stream) are exported for systems built differently (test/faults/support/fault-system.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import type { Clock } from '#ports/clock.ts';
import type { TelephonyProvider, WebhookRequest } from '#ports/telephony.ts';
import type { Deps } from '#services/deps.ts';
import { type ApiServerOptions, startApiServer } from '../../infra/local/api-server.ts';
import { LocalEngine } from '../../infra/local/engine-runtime.ts';
import { LocalEvents, type LocalEventsOptions } from '../../infra/local/events-runtime.ts';
import { FakeClock } from './clock.ts';
import { type Client, httpClient } from './local-api.ts';
import { aTable, dynamoEndpoint, localDocumentClient } from './local-dynamo.ts';
import { ManualScheduler } from './manual-scheduler.ts';

/** What a test may set of the webhook pipeline; the table, its client and the clock are the system's. */
export type EventsOptions = Omit<LocalEventsOptions, 'ddb' | 'endpoint' | 'tableName' | 'clock'>;

export interface TestSystem {
  clock: FakeClock;
  /** The system's own table, for checks on the engine's internal items. */
  ddb: DynamoDBDocumentClient;
  tableName: string;
  scheduler: ManualScheduler;
  engine: LocalEngine;
  /** Webhooks (table stream → webhook queue → receivers), when asked for with `events`. */
  events?: LocalEvents;
  customer: Client & { customerId: string };
  /** The operator (POST /customers), and a client for any access key. */
  admin: Client;
  clientFor(key: string): Client;
  /** The secret the simulator signs its events with, so a test can post (or forge) events itself. */
  simulatorSecret: string;
  /** One engine round: tick, let the dialer place every queued call, then let `ms` of call time pass. */
  round(ms: number): Promise<void>;
  /**
   * As a restart of `npm start`: the engine stops, and a new one (new simulator that knows no call,
   * new dial queue, unless `queueDir` keeps it) starts on the same table. Calls and events the old
   * simulator had scheduled never happen. `sys.engine` and `sys.scheduler` are then the new ones.
   */
  restartEngine(options?: { queueDir?: string }): Promise<void>;
  /**
   * A webhook pipeline of the test's own on the system's table (more than one, one after another, for
   * restarts). The test stops it; `close` does not.
   */
  startEvents(options?: EventsOptions): Promise<LocalEvents>;
  close(): Promise<void>;
}

/** A webhook pipeline on `tableName` of this file's DynamoDB Local. */
export const startTableEvents = (
  on: { ddb: DynamoDBDocumentClient; tableName: string; clock: Clock },
  options: EventsOptions = {},
) => LocalEvents.start({ ...on, endpoint: dynamoEndpoint(), ...options });

export interface SystemApi {
  /** http://127.0.0.1:<port>, where the carrier's callbacks are posted. */
  publicBaseUrl: string;
  admin: Client;
  clientFor(key: string): Client;
  /** The first customer, made through the API. */
  customer: Client & { customerId: string };
  close(): Promise<void>;
}

/** The API over real HTTP on `deps`, with an operator key and a first customer named `customerName`. */
export const startSystemApi = async (
  deps: Deps,
  customerName: string,
  extraHandlers: ApiServerOptions['extraHandlers'] = [],
): Promise<SystemApi> => {
  const adminKey = cryptoIds.token();
  const api = await startApiServer({
    deps,
    adminKeyHash: cryptoIds.hash(adminKey),
    keyCacheSeconds: 0,
    extraHandlers,
  });
  const publicBaseUrl = `http://127.0.0.1:${api.port}`;
  const clientFor = (key: string) => httpClient(`${publicBaseUrl}/v1.0`, key);
  const created = await clientFor(adminKey).post('/customers', { name: customerName });
  return {
    publicBaseUrl,
    admin: clientFor(adminKey),
    clientFor,
    customer: { ...clientFor(created.body.accesskey.token), customerId: created.body.customer.id as string },
    close: () => api.close(),
  };
};

export const startTestSystem = async (
  options: {
    ringMs?: number;
    talkMs?: number;
    provider?: TelephonyProvider;
    deliver?: (r: WebhookRequest) => Promise<void>;
    /** Also run the webhook pipeline; `drain()` it to deliver. */
    events?: Pick<LocalEventsOptions, 'policy' | 'sender'>;
    /** Keeps the dial queue in this directory (see LocalEngineOptions.queueDir). */
    queueDir?: string;
  } = {},
): Promise<TestSystem> => {
  const clock = new FakeClock(Date.now());
  const scheduler = new ManualScheduler(clock);
  const ddb = localDocumentClient();
  // A table of its own: the tick visits every running campaign of its table, so systems running in
  // parallel (other test files, the API tests) must never see each other's campaigns.
  const table = await aTable('outbound-engine');
  const tableName = table.name;
  const deps = dynamoDeps(ddb, tableName, { clock, runtime: 'local' });
  const simulatorSecret = cryptoIds.token();
  const { events: eventsOptions, ...engineOptions } = options;
  const startEngine = (s: ManualScheduler, more: { queueDir?: string } = {}) =>
    LocalEngine.start({
      deps,
      ddb,
      tableName,
      scheduler: s,
      simulatorSecret,
      publicBaseUrl: 'http://127.0.0.1:0',
      ...engineOptions,
      ...more,
    });
  const engine = await startEngine(scheduler);
  const events = eventsOptions ? await startTableEvents({ ddb, tableName, clock }, eventsOptions) : undefined;
  const api = await startSystemApi(deps, 'engine test', [
    // Through `system.engine`, so a restarted engine takes over the route.
    { ...engine.webhookMount, handler: (event, ctx) => system.engine.webhookHandler(event, ctx) },
  ]);
  engine.deps.settings.publicBaseUrl = api.publicBaseUrl;
  const system: TestSystem = {
    clock,
    ddb,
    tableName,
    scheduler,
    engine,
    ...(events ? { events } : {}),
    customer: api.customer,
    admin: api.admin,
    clientFor: api.clientFor,
    simulatorSecret,
    round: async (ms) => {
      await system.engine.tick();
      await system.engine.drain();
      await system.scheduler.advance(ms);
    },
    restartEngine: async (more = {}) => {
      await system.engine.stop();
      const fresh = new ManualScheduler(clock);
      const settings = system.engine.deps.settings;
      system.engine = await startEngine(fresh, more);
      system.engine.deps.settings.publicBaseUrl = settings.publicBaseUrl;
      system.scheduler = fresh;
    },
    startEvents: (more) => startTableEvents({ ddb, tableName, clock }, more),
    close: async () => {
      await api.close();
      await system.engine.stop();
      await events?.stop();
      await table.drop();
    },
  };
  return system;
};
