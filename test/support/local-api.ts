/**
 * The API over real HTTP on loopback, through the same server `npm start` runs, on this file's
 * DynamoDB Local. Each test file starts its own server and makes its own customers (random ids), so
 * files never see each other's data.
 */
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { DynamoRequestBudget } from '#adapters/dynamodb/request-budget.ts';
import type { BudgetPolicy } from '#domain/request-budget.ts';
import type { Deps } from '#services/deps.ts';
import { startApiServer } from '../../infra/local/api-server.ts';
import { FakeClock } from './clock.ts';
import { localDocumentClient, TEST_TABLE } from './local-dynamo.ts';

export interface Reply<T = any> {
  status: number;
  body: T;
}

export interface Client {
  key: string;
  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    init?: { raw?: string; headers?: Record<string, string> },
  ): Promise<Reply<T>>;
  get<T = any>(path: string): Promise<Reply<T>>;
  post<T = any>(path: string, body?: unknown): Promise<Reply<T>>;
  put<T = any>(path: string, body?: unknown): Promise<Reply<T>>;
  del<T = any>(path: string): Promise<Reply<T>>;
}

/** Every item of a list route, following next_page_token 100 at a time; fails on any non-200 page. */
export const allPages = async (c: Client, path: string): Promise<any[]> => {
  const out: any[] = [];
  let token = '';
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await c.get(`${path}${sep}page_size=100&page_token=${encodeURIComponent(token)}`);
    if (page.status !== 200)
      throw new Error(`GET ${path} failed: ${page.status} ${JSON.stringify(page.body)}`);
    out.push(...page.body.result);
    if (page.body.result.length < 100) return out;
    token = page.body.next_page_token;
  }
};

export interface TestApi {
  /** Base URL ending in /v1.0 */
  url: string;
  port: number;
  deps: Deps;
  clock: FakeClock;
  adminKey: string;
  admin: Client;
  /** A client with no credentials. */
  anonymous: Client;
  /** A new customer with its first access key. */
  newCustomer(name?: string): Promise<Client & { customerId: string }>;
  close(): Promise<void>;
}

export const testDeps = (clock = new FakeClock()): Deps =>
  dynamoDeps(localDocumentClient(), TEST_TABLE, { clock, runtime: 'local' });

/** A per-customer request budget on the shared table, as the server keeps it in DynamoDB. */
export const tableBudget = (policy: BudgetPolicy) =>
  new DynamoRequestBudget(localDocumentClient(), { tableName: TEST_TABLE, policy });

export interface TestApiOptions {
  /** @default 0: a new key works at once (tests make keys and use them straight away). */
  keyCacheSeconds?: number;
  /** A budget on the shared table; `null` for none. @default the configured one (off in tests, env.ts). */
  budget?: BudgetPolicy | null;
  /** The refusal hold's jitter source (see ApiServerOptions.random). */
  random?: () => number;
}

/** A client of the API at `base` (ending in /v1.0) with this key (none when empty), over real HTTP. */
export const httpClient = (base: string, key: string): Client => {
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    init: { raw?: string; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.raw !== undefined
        ? { body: init.raw }
        : body !== undefined
          ? { body: JSON.stringify(body) }
          : {}),
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

export const startTestApi = async (options: TestApiOptions = {}): Promise<TestApi> => {
  const clock = new FakeClock(Date.now());
  const deps = testDeps(clock);
  const adminKey = cryptoIds.token();
  const api = await startApiServer({
    deps,
    adminKeyHash: cryptoIds.hash(adminKey),
    keyCacheSeconds: options.keyCacheSeconds ?? 0,
    ...(options.budget === undefined
      ? {}
      : { requestBudget: options.budget === null ? null : tableBudget(options.budget) }),
    ...(options.random ? { random: options.random } : {}),
  });
  const base = `http://127.0.0.1:${api.port}/v1.0`;

  const client = (key: string) => httpClient(base, key);

  const admin = client(adminKey);
  return {
    url: base,
    port: api.port,
    deps,
    clock,
    adminKey,
    admin,
    anonymous: client(''),
    newCustomer: async (name = 'test customer') => {
      const res = await admin.post('/customers', { name });
      if (res.status !== 200) throw new Error(`customer create failed: ${JSON.stringify(res.body)}`);
      return { ...client(res.body.accesskey.token), customerId: res.body.customer.id };
    },
    close: () => api.close(),
  };
};
