/**
 * Uploading a list: targets per second and billed DynamoDB units per target, through the local HTTP
 * server (the handlers the Lambdas run) on DynamoDB Local, with POST …/targets/batch (100 per request,
 * one transaction) next to one POST …/targets per target. Both run CONCURRENCY requests at a time.
 * Usage: npm run bench:upload [-- <targets>]   (default 100,000 by batch, a tenth of that one by one)
 */
import { performance } from 'node:perf_hooks';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { benchApi } from './bench-api.ts';
import { meter } from './dynamo-capacity.ts';
import { onDynamoLocal } from './on-dynamo-local.ts';

const N = Number(process.argv[2] ?? 100_000);
const BATCH = 100;
const CONCURRENCY = 4;
const COST_SAMPLE = 1000;
const TABLE = 'outbound-bench-upload';

const aTarget = (i: number) => ({
  name: `t${i}`,
  data: `crm-${i}`,
  destination_0: { type: 'tel', target: `+1555${String(1e7 + i).slice(-7)}` },
});

/** Runs `jobs` with at most CONCURRENCY in flight. */
const pool = async (jobs: number, run: (j: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs) await run(next++);
    }),
  );
};

const main = () =>
  onDynamoLocal([TABLE, `${TABLE}-scratch`], async (endpoint) => {
    const ddb = createDocumentClient(endpoint);
    const deps = dynamoDeps(ddb, TABLE, { runtime: 'local' });
    const { api, base, headers } = await benchApi(deps, CONCURRENCY);
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`POST ${path}: HTTP ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ id: string; result?: unknown[] }>;
    };
    const byBatch = (targets: number) => (outdialId: string) =>
      pool(Math.ceil(targets / BATCH), async (j) => {
        const from = j * BATCH;
        const batch = Array.from({ length: Math.min(BATCH, targets - from) }, (_, k) => aTarget(from + k));
        const out = await post(`/outdials/${outdialId}/targets/batch`, { targets: batch });
        if (out.result?.length !== batch.length) throw new Error('short batch');
      });
    const oneByOne = (targets: number) => (outdialId: string) =>
      pool(targets, async (i) => {
        await post(`/outdials/${outdialId}/targets`, aTarget(i));
      });
    const upload = async (label: string, how: (outdialId: string) => Promise<void>) => {
      const outdial = await post('/outdials', { name: label });
      const t0 = performance.now();
      await how(outdial.id);
      return (performance.now() - t0) / 1000;
    };

    // Cost first, on 1,000 targets each: the meter replays transaction items, which is slow.
    const units = meter(ddb, createDocumentClient(endpoint), `${TABLE}-scratch`);
    for (const [label, how] of [
      ['POST …/targets/batch', byBatch(COST_SAMPLE)],
      ['POST …/targets, one each', oneByOne(COST_SAMPLE)],
    ] as const) {
      const before = { ...units };
      await upload(label, how);
      const per = (x: number) => (x / COST_SAMPLE).toFixed(2);
      console.log(
        `${label.padEnd(26)} per target: ${per(units.write - before.write)} WCU, ` +
          `${per(units.read - before.read)} RCU, ${per(units.requests - before.requests)} DynamoDB requests ` +
          '(billed the AWS way, tables and indexes)',
      );
    }
    ddb.middlewareStack.remove('capacityMeter');

    // Then speed, without the meter.
    const rate = async (label: string, targets: number, how: (outdialId: string) => Promise<void>) => {
      const seconds = await upload(label, how);
      console.log(
        `${label.padEnd(26)} ${targets.toLocaleString('en')} targets in ${seconds.toFixed(1)} s: ` +
          `${Math.round(targets / seconds).toLocaleString('en')} targets/s (${CONCURRENCY} requests at a time)`,
      );
      return targets / seconds;
    };
    const batched = await rate('POST …/targets/batch', N, byBatch(N));
    const singles = Math.max(1000, Math.round(N / 10));
    const single = await rate('POST …/targets, one each', singles, oneByOne(singles));
    console.log(
      `batch vs one by one: ${(batched / single).toFixed(1)}× the targets per second; ` +
        `a million targets is ${Math.ceil(1e6 / BATCH).toLocaleString('en')} batch requests ` +
        `(~${Math.round(1e6 / batched / 60)} min at this rate on one local server)`,
    );
    await api.close();
  });

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
