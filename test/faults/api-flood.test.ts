/**
 * Fault case: one customer floods the API with 30 parallel clients (tight loops, ignoring 429s) while
 * another works normally, sequentially, with a mix of reads and writes. The healthy customer must get
 * no 429 and keep its p99 within 2× the p99 it had alone (measured first, in the same test), on the
 * same real HTTP server, budget and DynamoDB Local. The flood runs in a worker thread so it loads the
 * server as another client would, not this test's own event loop.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { DynamoRequestBudget } from '#adapters/dynamodb/request-budget.ts';
import { startApiServer } from '../../infra/local/api-server.ts';
import { type Client, httpClient, testDeps } from '../support/local-api.ts';
import { recordFigures } from './support/report.ts';

const FLOOD_CLIENTS = 30;
/** The healthy customer's pace: 25 requests a second, well inside the default budget of 50. */
const PACE_MS = 40;
const SAMPLES = 240;

let server: Awaited<ReturnType<typeof startApiServer>>;
let base: string;
const adminKey = cryptoIds.token();
beforeAll(async () => {
  server = await startApiServer({
    deps: testDeps(),
    adminKeyHash: cryptoIds.hash(adminKey),
    // As npm start and the Lambdas run: the default budget and key cache.
    keyCacheSeconds: 10,
    requestBudget: new DynamoRequestBudget(createDocumentClient(inject('ddbEndpoint')), {
      tableName: 'outbound-test',
      policy: { ratePerSecond: 50, burst: 100 },
    }),
  });
  base = `http://127.0.0.1:${server.port}/v1.0`;
});
afterAll(() => server.close());

const newCustomer = async () => {
  const res = await httpClient(base, adminKey).post('/customers', { name: 'flood case' });
  return httpClient(base, res.body.accesskey.token);
};

/** 30 tight loops of GET /queues from another thread; counts replies by status until told to stop. */
const FLOOD = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, key, clients } = workerData;
let stop = false;
const counts = {};
parentPort.on('message', () => { stop = true; });
const loop = async () => {
  while (!stop) {
    try {
      const res = await fetch(url, { headers: { authorization: 'Bearer ' + key } });
      await res.arrayBuffer();
      counts[res.status] = (counts[res.status] ?? 0) + 1;
    } catch { counts.error = (counts.error ?? 0) + 1; }
  }
};
Promise.all(Array.from({ length: clients }, loop)).then(() => parentPort.postMessage(counts));
`;

const startFlood = (key: string) => {
  const worker = new Worker(FLOOD, {
    eval: true,
    workerData: { url: `${base}/queues`, key, clients: FLOOD_CLIENTS },
  });
  return {
    stop: () =>
      new Promise<Record<string, number>>((resolve) => {
        worker.once('message', (counts) => {
          void worker.terminate();
          resolve(counts);
        });
        worker.postMessage('stop');
      }),
  };
};

/** A customer's ordinary work, one request at a time at a steady pace: latencies and statuses. */
const work = async (c: Client, samples: number) => {
  const latencies: number[] = [];
  const statuses: number[] = [];
  let queueId = '';
  const steps: (() => Promise<{ status: number; body: any }>)[] = [
    () => c.post('/queues', { name: 'q', detail: 'flood case', tag_ids: [] }),
    () => c.get(`/queues/${queueId}`),
    () => c.put(`/queues/${queueId}`, { name: 'q2', detail: 'renamed', tag_ids: [] }),
    () => c.get('/queues?page_size=10'),
    () => c.get('/campaigns?page_size=10'),
    () => c.del(`/queues/${queueId}`),
  ];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const res = await (steps[i % steps.length] as () => Promise<{ status: number; body: any }>)();
    const ms = performance.now() - started;
    if (i % steps.length === 0 && res.status === 200) queueId = res.body.id;
    latencies.push(ms);
    statuses.push(res.status);
    await new Promise((r) => setTimeout(r, Math.max(0, PACE_MS - ms)));
  }
  return { latencies, statuses };
};

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};

describe('fault: API flood beside a normal customer', () => {
  it('the normal customer gets no 429 and keeps its p99 within 2× its alone figure', async () => {
    const flooder = await newCustomer();
    const healthy = await newCustomer();
    await work(healthy, 12); // warm-up: connections, caches, JIT

    const alone = await work(healthy, SAMPLES);
    const flood = startFlood(flooder.key);
    await new Promise((r) => setTimeout(r, 500));
    const beside = await work(healthy, SAMPLES);
    const counts = await flood.stop();

    const flooderRequests = Object.values(counts).reduce((a, b) => a + b, 0);
    const aloneP50 = percentile(alone.latencies, 50);
    const aloneP99 = percentile(alone.latencies, 99);
    const besideP50 = percentile(beside.latencies, 50);
    const besideP99 = percentile(beside.latencies, 99);
    const healthy429 = beside.statuses.filter((s) => s === 429).length;
    const healthyNot200 = [...alone.statuses, ...beside.statuses].filter((s) => s !== 200).length;
    recordFigures('api flood (30 clients) beside a normal customer', [
      { figure: 'healthy p50 alone (ms)', value: aloneP50.toFixed(1) },
      { figure: 'healthy p99 alone (ms)', value: aloneP99.toFixed(1) },
      { figure: 'healthy p50 beside flood (ms)', value: besideP50.toFixed(1) },
      {
        figure: 'healthy p99 beside flood (ms)',
        value: besideP99.toFixed(1),
        bound: `≤ 2× alone (${(2 * aloneP99).toFixed(1)})`,
      },
      { figure: 'healthy 429s', value: healthy429, bound: '= 0' },
      { figure: 'flooder requests', value: flooderRequests },
      { figure: 'flooder 429s', value: counts['429'] ?? 0 },
      { figure: 'flooder 200s', value: counts['200'] ?? 0 },
      {
        figure: 'flooder 5xx / errors',
        value: flooderRequests - (counts['429'] ?? 0) - (counts['200'] ?? 0),
        bound: '= 0',
      },
    ]);
    console.log('api-flood', { aloneP50, aloneP99, besideP50, besideP99, counts });

    expect(healthy429).toBe(0);
    expect(healthyNot200).toBe(0);
    expect(counts['429'] ?? 0).toBeGreaterThan(0);
    expect(flooderRequests - (counts['429'] ?? 0) - (counts['200'] ?? 0)).toBe(0);
    expect(besideP99).toBeLessThanOrEqual(2 * aloneP99);
  });
});
