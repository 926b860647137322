/**
 * The whole system for engine tests: API server and provider webhook route over real HTTP, DynamoDB
 * Local, the dial queue in the SQS emulator, and the simulator driven by a hand-moved clock.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import type { TelephonyProvider, WebhookRequest } from '#ports/telephony.ts';
import { startApiServer } from '../../infra/local/api-server.ts';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { LocalEngine } from '../../infra/local/engine-runtime.ts';
import { LocalEvents, type LocalEventsOptions } from '../../infra/local/events-runtime.ts';
import { FakeClock } from './clock.ts';
import { type Client, httpClient } from './local-api.ts';
import { ManualScheduler } from './manual-scheduler.ts';

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
  close(): Promise<void>;
}

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
  const ddb = createDocumentClient(inject('ddbEndpoint'));
  // A table of its own: the tick visits every running campaign of its table, so systems running in
  // parallel (other test files, the API tests) must never see each other's campaigns.
  const tableName = `outbound-engine-${randomUUID()}`;
  await ensureTable(inject('ddbEndpoint'), tableName);
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
  const events = eventsOptions
    ? await LocalEvents.start({ ddb, endpoint: inject('ddbEndpoint'), tableName, clock, ...eventsOptions })
    : undefined;
  const adminKey = cryptoIds.token();
  const api = await startApiServer({
    deps,
    adminKeyHash: cryptoIds.hash(adminKey),
    keyCacheSeconds: 0,
    // Through `system.engine`, so a restarted engine takes over the route.
    extraHandlers: [
      { ...engine.webhookMount, handler: (event, ctx) => system.engine.webhookHandler(event, ctx) },
    ],
  });
  engine.deps.settings.publicBaseUrl = `http://127.0.0.1:${api.port}`;
  const base = `http://127.0.0.1:${api.port}/v1.0`;
  const client = (key: string) => httpClient(base, key);
  const created = await client(adminKey).post('/customers', { name: 'engine test' });
  const customer = {
    ...client(created.body.accesskey.token),
    customerId: created.body.customer.id as string,
  };
  const system: TestSystem = {
    clock,
    ddb,
    tableName,
    scheduler,
    engine,
    ...(events ? { events } : {}),
    customer,
    admin: client(adminKey),
    clientFor: client,
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
    close: async () => {
      await api.close();
      await system.engine.stop();
      await events?.stop();
      const admin = new DynamoDBClient({
        endpoint: inject('ddbEndpoint'),
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await admin.send(new DeleteTableCommand({ TableName: tableName }));
      admin.destroy();
    },
  };
  return system;
};
