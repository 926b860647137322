/**
 * How fast one busy campaign can go against DynamoDB's limits: the real engine on DynamoDB Local with
 * the limits model (test/support/dynamodb-limits.ts: 1,000 WCU / 3,000 RCU a second per partition key,
 * TransactionConflict for overlapping transactions) on its client, the zero-delay simulator, and one
 * campaign with a high max_concurrent_calls. The same run without the model shows how fast this machine
 * goes by itself, so the printout can say which limit bound the figure.
 * Usage: npm run bench:scale -- [targets=1000] [dialers=4] [maxConcurrentCalls=500]
 */
import { performance } from 'node:perf_hooks';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { WebhookRequest } from '#ports/telephony.ts';
import { type DynamoLimits, keyPattern, limitDynamo } from '../test/support/dynamodb-limits.ts';
import { onDynamoLocal } from './on-dynamo-local.ts';
import { benchList, benchOutplan, runningCampaign, zeroDelayEngine } from './simulated-campaign.ts';

const TARGETS = Number(process.argv[2] ?? 1000);
/** Dialer instances polling the dial queue at once, as Lambda runs several. */
const DIALERS = Number(process.argv[3] ?? 4);
const MAX_CONCURRENT_CALLS = Number(process.argv[4] ?? 500);
/** A run that has not ended by then is reported as it stands. */
const RUN_LIMIT_MS = 180_000;
const TABLE = 'outbound-bench-scale';

/** One campaign of TARGETS targets, each dialled once; returns what it achieved and what failed. */
type Mode = 'bare' | 'counting' | 'limits';

const run = async (endpoint: string, mode: Mode) => {
  const ddb = createDocumentClient(endpoint);
  const model: DynamoLimits | undefined =
    mode === 'bare'
      ? undefined
      : limitDynamo(
          ddb,
          mode === 'limits'
            ? { endpoint }
            : { endpoint, writeUnitsPerSecond: Infinity, readUnitsPerSecond: Infinity, conflicts: false },
        );
  const deps = dynamoDeps(ddb, TABLE, { runtime: 'local' });
  const callbacks = new Map<string, number>();
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const deliver = async (req: WebhookRequest) => {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.rawBody });
    await res.arrayBuffer();
    count(callbacks, `callback ${res.status}`);
  };
  const { engine, api, pending } = await zeroDelayEngine({ deps, ddb, tableName: TABLE, deliver });
  engine.deps.settings.maxNewCallsPerTick = MAX_CONCURRENT_CALLS;

  // Every failure of an engine store step, by step and error: what a throttle or conflict cost.
  const failures = new Map<string, number>();
  const store = engine.deps.engine as unknown as Record<string, unknown>;
  let finished = 0;
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(store))) {
    const f = store[name];
    if (name === 'constructor' || typeof f !== 'function') continue;
    // Helpers that answer at once stay synchronous: only promises are watched.
    store[name] = (...args: unknown[]) => {
      const r = (f as (...a: unknown[]) => unknown).apply(store, args);
      if (!(r instanceof Promise)) return r;
      return r.then(
        (value) => {
          if (name === 'finish' && value === 'finished') finished++;
          return value;
        },
        (err: Error) => {
          count(failures, `${name}: ${err.name}`);
          throw err;
        },
      );
    };
  }

  const customerId = cryptoIds.uuid();
  const outplan = await benchOutplan(deps, customerId, { name: 'scale', tryInterval: 0, tries: 1 });
  // Targets written past the model: loading is not what is measured.
  const outdial = await benchList(deps, createDocumentClient(endpoint), TABLE, {
    customerId,
    name: 'scale',
    n: TARGETS,
    createdAt: formatTimestamp(Date.now() - 1000),
  });
  const campaign = await runningCampaign(deps, customerId, {
    name: 'scale',
    outplanId: outplan.id,
    outdialId: outdial.id,
    endHandle: 'stop',
    maxConcurrentCalls: MAX_CONCURRENT_CALLS,
  });

  // The busiest second of units on each key pattern and on each single key, sampled once a second.
  const peaks = new Map<string, number>();
  const snapshot = () => new Map([...(model?.consumed ?? []), ...(model?.consumedByKey ?? [])]);
  let last = snapshot();
  const sampler = setInterval(() => {
    const now = snapshot();
    for (const [k, v] of now) peaks.set(k, Math.max(peaks.get(k) ?? 0, v - (last.get(k) ?? 0)));
    last = now;
  }, 1000);

  const t0 = performance.now();
  let ended = false;
  const errors = new Map<string, number>();
  while (performance.now() - t0 < RUN_LIMIT_MS) {
    const ticks = await engine.tick().catch((err: Error) => {
      count(errors, `tick: ${err.name}`);
      return [];
    });
    await Promise.all(
      Array.from({ length: DIALERS }, () =>
        engine.drain().catch((err: Error) => count(errors, `dialer: ${err.name}`)),
      ),
    );
    for (const r of await Promise.allSettled(pending.splice(0)))
      if (r.status === 'rejected') count(errors, `callback: ${(r.reason as Error).name}`);
    if (ticks.some((x) => x.outcome === 'ended')) ended = true;
    if (ended || (await deps.resources.get('campaign', campaign.id))?.status === 'stop') {
      ended = true;
      break;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  await api.close();
  await engine.stop();
  return { finished, seconds, ended, model, callbacks, failures, errors, peaks };
};

const show = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ') || 'none';

const main = () =>
  onDynamoLocal([TABLE], async (endpoint) => {
    console.log(
      `one campaign, ${TARGETS} targets dialled once, max_concurrent_calls ${MAX_CONCURRENT_CALLS}, ` +
        `${DIALERS} dialers, zero-delay simulator, DynamoDB Local (one process, ${
          (await import('node:os')).cpus().length
        } cores)`,
    );
    const label: Record<Mode, string> = {
      bare: 'without the model (the machine alone)',
      counting: 'with the model counting units only (its own cost: an extra read per write)',
      limits: "with the limits model (AWS's partition limits and transaction conflicts)",
    };
    const rates: Partial<Record<Mode, number>> = {};
    /** The busiest single key of each scope (a campaign's keys, the account's), in the counting run. */
    const hottestByScope = new Map<string, [string, number]>();
    for (const mode of ['bare', 'counting', 'limits'] as const) {
      const r = await run(endpoint, mode);
      const rate = r.finished / r.seconds;
      rates[mode] = rate;
      console.log(
        `\n${label[mode]}: ${r.finished} attempts ` +
          `finished in ${r.seconds.toFixed(1)} s = ${rate.toFixed(0)} attempts/s sustained` +
          `${r.ended ? '' : ` (campaign NOT ended after ${RUN_LIMIT_MS / 1000} s)`}`,
      );
      console.log(`  provider callbacks: ${show(r.callbacks)}`);
      console.log(`  engine store steps that failed: ${show(r.failures)}`);
      console.log(`  errors reaching the loop: ${show(r.errors)}`);
      if (r.model) {
        console.log(
          `  refused by the model (reason, where, key): ${
            r.model
              .report()
              .map((x) => `${x.what} ×${x.count}`)
              .join(', ') || 'none'
          }`,
        );
        const writes = [...r.model.consumed]
          .filter(([k]) => k.startsWith('write '))
          .sort((a, b) => b[1] - a[1]);
        // The one partition written most: a single key, not a pattern of many.
        const hot = [...r.model.consumedByKey]
          .filter(([k]) => k.startsWith('write '))
          .sort((a, b) => b[1] - a[1])[0];
        if (mode === 'counting') {
          for (const [k, v] of r.model.consumedByKey) {
            if (!k.startsWith('write ')) continue;
            const key = k.slice(6);
            // One campaign dials one list; `t#<customer>` keys are shared by every campaign of the account.
            const scope = /(^|\s)t#/.test(key)
              ? 'account'
              : /campaign#|outdial#/.test(key)
                ? 'campaign'
                : undefined;
            if (!scope) continue;
            const perAttempt = v / Math.max(1, r.finished);
            if (perAttempt > (hottestByScope.get(scope)?.[1] ?? 0))
              hottestByScope.set(scope, [key, perAttempt]);
          }
        }
        if (hot) {
          const perAttempt = hot[1] / Math.max(1, r.finished);
          console.log(
            `  hottest single key: ${keyPattern(hot[0].slice(6))}: ${perAttempt.toFixed(1)} WCU per attempt, ` +
              `peak ${(r.peaks.get(hot[0]) ?? 0).toFixed(0)} WCU in one second (limit 1,000)`,
          );
        }
        console.log(
          '  write units by key pattern, summed over its keys (total, per attempt, busiest second):',
        );
        for (const [k, v] of writes.slice(0, 6))
          console.log(
            `    ${k.slice(6)}: ${v.toFixed(0)} WCU, ${(v / Math.max(1, r.finished)).toFixed(1)}/attempt, peak ${(r.peaks.get(k) ?? 0).toFixed(0)}/s`,
          );
      }
    }
    // Which limit bound the figure: the model refusing, or this machine (the model's own reads included).
    const { counting = 0, limits = 0 } = rates;
    console.log(
      `\nbound by: ${
        limits < 0.8 * counting
          ? `the model's limits (with them ${limits.toFixed(0)}/s, counting only ${counting.toFixed(0)}/s)`
          : `this machine (with the limits ${limits.toFixed(0)}/s, counting only ${counting.toFixed(0)}/s)`
      }`,
    );
    // What AWS's 1,000 WCU a second per partition key allows, from the busiest single key of each scope.
    if (hottestByScope.size) {
      console.log(
        "ceilings by throughput (1,000 WCU/s per partition key ÷ the busiest key's WCU per attempt):",
      );
      for (const [scope, [key, perAttempt]] of hottestByScope)
        console.log(
          `  per ${scope}: ${(1000 / perAttempt).toFixed(0)} attempts/s, set by ${keyPattern(key)} at ${perAttempt.toFixed(2)} WCU per attempt`,
        );
    }
  });

await main();
process.exit(0);
