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
  const engine = await LocalEngine.start({
    deps,
    ddb,
    tableName,
    scheduler,
    simulatorSecret,
    publicBaseUrl: 'http://127.0.0.1:0',
    ...engineOptions,
  });
  const events = eventsOptions
    ? await LocalEvents.start({ ddb, endpoint: inject('ddbEndpoint'), tableName, clock, ...eventsOptions })
    : undefined;
  const adminKey = cryptoIds.token();
  const api = await startApiServer({
    deps,
    adminKeyHash: cryptoIds.hash(adminKey),
    keyCacheSeconds: 0,
    extraHandlers: [engine.webhookMount],
  });
  engine.deps.settings.publicBaseUrl = `http://127.0.0.1:${api.port}`;
  const base = `http://127.0.0.1:${api.port}/v1.0`;
  const client = (key: string) => httpClient(base, key);
  const created = await client(adminKey).post('/customers', { name: 'engine test' });
  const customer = {
    ...client(created.body.accesskey.token),
    customerId: created.body.customer.id as string,
  };
  return {
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
      await engine.tick();
      await engine.drain();
      await scheduler.advance(ms);
    },
    close: async () => {
      await api.close();
      await engine.stop();
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
};
