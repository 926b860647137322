/**
 * The whole system for engine tests: API server and provider webhook route over real HTTP, DynamoDB
 * Local, the dial queue in the SQS emulator, and the simulator driven by a hand-moved clock.
 */
import { inject } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import type { TelephonyProvider, WebhookRequest } from '#ports/telephony.ts';
import { startApiServer } from '../../infra/local/api-server.ts';
import { LocalEngine } from '../../infra/local/engine-runtime.ts';
import { FakeClock } from './clock.ts';
import type { Client } from './local-api.ts';
import { ManualScheduler } from './manual-scheduler.ts';

export interface TestSystem {
  clock: FakeClock;
  scheduler: ManualScheduler;
  engine: LocalEngine;
  customer: Client & { customerId: string };
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
  } = {},
): Promise<TestSystem> => {
  const clock = new FakeClock(Date.now());
  const scheduler = new ManualScheduler(clock);
  const ddb = createDocumentClient(inject('ddbEndpoint'));
  const deps = dynamoDeps(ddb, 'outbound-test', { clock, runtime: 'local' });
  const engine = await LocalEngine.start({
    deps,
    ddb,
    tableName: 'outbound-test',
    scheduler,
    simulatorSecret: cryptoIds.token(),
    publicBaseUrl: 'http://127.0.0.1:0',
    ...options,
  });
  const adminKey = cryptoIds.token();
  const api = await startApiServer({
    deps,
    adminKeyHash: cryptoIds.hash(adminKey),
    keyCacheSeconds: 0,
    extraHandlers: [engine.webhookMount],
  });
  engine.deps.settings.publicBaseUrl = `http://127.0.0.1:${api.port}`;
  const base = `http://127.0.0.1:${api.port}/v1.0`;
  const client = (key: string): Client => {
    const request = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    return {
      key,
      request,
      get: (p) => request('GET', p),
      post: (p, b) => request('POST', p, b ?? {}),
      put: (p, b) => request('PUT', p, b ?? {}),
      del: (p) => request('DELETE', p),
    };
  };
  const created = await client(adminKey).post('/customers', { name: 'engine test' });
  const customer = {
    ...client(created.body.accesskey.token),
    customerId: created.body.customer.id as string,
  };
  return {
    clock,
    scheduler,
    engine,
    customer,
    round: async (ms) => {
      await engine.tick();
      await engine.drain();
      await scheduler.advance(ms);
    },
    close: async () => {
      await api.close();
      await engine.stop();
    },
  };
};
