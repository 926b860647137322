/**
 * Latency of POST /v1.0/outdials/{id}/targets through the local HTTP server (the same handlers the
 * Lambdas run) next to a bare DynamoDB PutItem loop on the same DynamoDB Local. Prints p50/p99 and
 * their ratio. Usage: npm run bench:latency [-- <requests>]
 */
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { createCustomer } from '#services/customers.ts';
import { startApiServer } from '../infra/local/api-server.ts';
import { onDynamoLocal } from './on-dynamo-local.ts';

const N = Number(process.argv[2] ?? 2000);
const WARMUP = 100;
const TABLE = 'outbound-bench';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const measure = async (label: string, n: number, op: (i: number) => Promise<void>) => {
  for (let i = 0; i < WARMUP; i++) await op(-i - 1);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await op(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const stats = {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / n,
  };
  console.log(
    `${label.padEnd(34)} n=${n}  p50=${stats.p50.toFixed(2)} ms  p99=${stats.p99.toFixed(2)} ms  mean=${stats.mean.toFixed(2)} ms`,
  );
  return stats;
};

const main = () =>
  onDynamoLocal([TABLE], async (endpoint) => {
    const ddb = createDocumentClient(endpoint);
    const deps = dynamoDeps(ddb, TABLE, { runtime: 'local' });
    const adminKey = cryptoIds.token();
    // Latency, not fair share, is measured: no request budget (2,000 creates run faster than 50 a second).
    const api = await startApiServer({
      deps,
      adminKeyHash: cryptoIds.hash(adminKey),
      keyCacheSeconds: 10,
      requestBudget: null,
    });
    const { accesskey } = await createCustomer(deps, { name: 'bench', detail: '', webhook_uri: '' });
    const base = `http://127.0.0.1:${api.port}/v1.0`;
    const headers = { authorization: `Bearer ${accesskey.token}`, 'content-type': 'application/json' };
    const outdial: any = await (
      await fetch(`${base}/outdials`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench' }) })
    ).json();

    const http = await measure('POST /outdials/{id}/targets (HTTP)', N, async (i) => {
      const res = await fetch(`${base}/outdials/${outdial.id}/targets`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: `t${i}`,
          destination_0: { type: 'tel', target: `+1555${String(1e6 + i).slice(-7)}` },
        }),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    });

    const bare = await measure('bare PutItem (DocumentClient)', N, async (i) => {
      const id = cryptoIds.uuid();
      await ddb.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            pk: `bench#${id}`,
            sk: 'bench',
            id,
            name: `t${i}`,
            destination_0: { type: 'tel', target: '+15550000000', target_name: '', name: '', detail: '' },
            status: 'idle',
          },
        }),
      );
    });

    console.log(
      `ratio HTTP/bare: p50 ${(http.p50 / bare.p50).toFixed(2)}x, p99 ${(http.p99 / bare.p99).toFixed(2)}x`,
    );
    await api.close();
  });

await main();
