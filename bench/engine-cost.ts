/**
 * Engine cost and speed, on DynamoDB Local + the SQS emulator + the simulator:
 *  1. DynamoDB read/write units and SQS requests per completed attempt, with 1k and 100k targets in
 *     the list (must be flat: a dial never reads the list). Units are billed by AWS's rules: each item
 *     of a TransactWriteItems counts twice, which DynamoDB Local does not do. The engine's own
 *     requests, then the table stream's consumers (rollups, target counts, webhooks; see
 *     stream-consumers.ts) apart, then the sum.
 *  2. Tick duration with 100 running campaigns, with every list open to calls, and with lists mostly
 *     outside their calling hours in the callee's time (those targets are held, not dialled).
 *  3. Attempts per second with a zero-delay simulator.
 * Usage: npx tsx bench/engine-cost.ts [bigListSize]; BENCH_ONLY=cost|tick|speed runs one section
 * (BENCH_DETAIL=1 also prints the tick's requests by command).
 */
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { CALLEE_TIME_ZONE, hoursInForce, withinCallingHours } from '#domain/calling-hours.ts';
import { formatTimestamp } from '#domain/time.ts';
import { LocalEngine } from '../infra/local/engine-runtime.ts';
import { FakeClock } from '../test/support/clock.ts';
import { ManualScheduler } from '../test/support/manual-scheduler.ts';
import { meter } from './dynamo-capacity.ts';
import { onDynamoLocal } from './on-dynamo-local.ts';
import { formatRequestLog, logRequests } from './request-log.ts';
import {
  benchList,
  benchOutplan,
  costBench,
  finishedAttempts,
  runningCampaign,
  zeroDelayEngine,
} from './simulated-campaign.ts';
import { streamConsumers, streamCostLine } from './stream-consumers.ts';

const BIG = Number(process.argv[2] ?? 100_000);
const TABLE = 'outbound-bench-engine';
/** Where the meter replays transaction items one by one (see dynamo-capacity.ts). */
const SCRATCH_TABLE = 'outbound-bench-engine-scratch';
/** The tick bench's second workload gets a table of its own: the first one's campaigns are still running. */
const HOURS_TABLE = 'outbound-bench-engine-hours';
const MEASURED_ATTEMPTS = 1000;
/** One section only, while working on it: the same workload and measurement as the full run. */
const ONLY = process.env.BENCH_ONLY;
const runs = (section: 'cost' | 'tick' | 'speed') => !ONLY || ONLY === section;

const sqsMeter = (engine: LocalEngine) => {
  const m = { requests: 0 };
  (
    engine as unknown as { sqs: { middlewareStack: DynamoDBDocumentClient['middlewareStack'] } }
  ).sqs.middlewareStack.add(
    (next) => async (args) => {
      m.requests++;
      return next(args);
    },
    { step: 'initialize', name: 'sqsMeter' },
  );
  return m;
};

/**
 * The tick bench's lists in the callee's time (TCPA's 08:00–21:00): of each campaign's 20 targets, 18
 * live where it is night now and 2 where it is day, by their own `timezone`.
 */
const MOSTLY_OUTSIDE = { night: 18 };

/** A zone where it is night now and one where it is day (fixed offsets, so the hour alone decides). */
const dayAndNightZones = (nowMs: number) => {
  const zones = ['Etc/GMT+12', 'Etc/GMT+6', 'UTC', 'Etc/GMT-6', 'Etc/GMT-12'];
  const tcpa = hoursInForce(
    { timezone: CALLEE_TIME_ZONE, days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '21:00' },
    null,
  );
  const night = zones.find((z) => !withinCallingHours(tcpa, nowMs, [z]));
  const day = zones.find((z) => withinCallingHours(tcpa, nowMs, [z]));
  if (!night || !day) throw new Error('no day and night zones found');
  return { tcpa: tcpa[0], night, day };
};

/**
 * One tick at a time over 100 running campaigns of 20 targets and at most 2 calls each, 5 s apart
 * (the fan-out's period); the simulator's calls are placed and never end, so from the second tick on
 * a campaign whose two calls are up has no room.
 */
const tickBench = async (endpoint: string, table: string, label: string, callee?: { night: number }) => {
  const clock = new FakeClock(Date.now());
  const scheduler = new ManualScheduler(clock);
  const ddb = createDocumentClient(endpoint);
  const deps = dynamoDeps(ddb, table, { clock, runtime: 'local' });
  const engine = await LocalEngine.start({
    deps,
    ddb,
    tableName: table,
    scheduler,
    simulatorSecret: 's',
    publicBaseUrl: 'http://127.0.0.1:9',
  });
  const customerId = cryptoIds.uuid();
  const outplan = await benchOutplan(deps, customerId, { name: 'bench', tryInterval: 60_000, tries: 2 });
  const zones = callee ? dayAndNightZones(clock.now()) : undefined;
  for (let i = 0; i < 100; i++) {
    const outdial = await benchList(deps, ddb, table, {
      customerId,
      name: `b${i}`,
      n: 20,
      createdAt: formatTimestamp(clock.now()),
      timezoneOf: zones && callee ? (n) => (n < callee.night ? zones.night : zones.day) : undefined,
    });
    await runningCampaign(deps, customerId, {
      name: `b${i}`,
      outplanId: outplan.id,
      outdialId: outdial.id,
      endHandle: 'continue',
      maxConcurrentCalls: 2,
      callingHours: zones?.tcpa ?? null,
    });
  }
  const requests = logRequests([ddb, (engine as unknown as { sqs: unknown }).sqs]);
  const durations: number[] = [];
  for (let i = 0; i < 5; i++) {
    requests.reset();
    const t = performance.now();
    const ticks = await engine.tick();
    const wall = performance.now() - t;
    durations.push(wall);
    if (i === 0)
      console.log(
        `${label}: tick visited ${ticks.length} campaigns, claimed ${ticks.reduce((a, x) => a + x.claimed, 0)} attempts`,
      );
    if (process.env.BENCH_DETAIL)
      console.log(`${label}, tick ${i + 1}:\n${formatRequestLog(requests, wall)}`);
    await engine.drain();
    clock.advance(5000);
  }
  let held = 0;
  for (const id of await engine.deps.engine.activeCampaignIds()) {
    held += (await deps.campaigns.runtimeTotals(id))._skipped_outside_hours ?? 0;
  }
  await engine.stop();
  durations.sort((a, b) => a - b);
  return { median: durations[2]!.toFixed(0), max: durations[4]!.toFixed(0), held };
};

const main = () =>
  onDynamoLocal([TABLE, SCRATCH_TABLE, HOURS_TABLE], async (endpoint) => {
    const unmetered = createDocumentClient(endpoint);

    // --- 1. cost per completed attempt -------------------------------------------------------
    for (const size of runs('cost') ? [1000, BIG] : []) {
      const { scheduler, clock, ddb, deps, engine, api, customerId, outplan } = await costBench(
        endpoint,
        TABLE,
      );
      const stream = await streamConsumers({
        endpoint,
        tableName: TABLE,
        scratchTable: SCRATCH_TABLE,
        unmetered,
        clock,
        customerId,
      });
      const t0 = performance.now();
      const outdial = await benchList(deps, ddb, TABLE, {
        customerId,
        name: 'bench',
        n: size,
        createdAt: formatTimestamp(clock.now()),
      });
      const loadSeconds = (performance.now() - t0) / 1000;
      // The stream counts the list in (as it would in AWS) before anything is measured.
      await stream.settle();
      await runningCampaign(deps, customerId, {
        name: 'bench',
        outplanId: outplan.id,
        outdialId: outdial.id,
        endHandle: 'stop',
        maxConcurrentCalls: 100,
      });

      const streamUnits = await stream.measure();
      const dynamoUnits = meter(ddb, unmetered, SCRATCH_TABLE);
      const sqs = sqsMeter(engine);
      const before = { ...dynamoUnits, sqs: sqs.requests };
      const attempts = finishedAttempts(engine, scheduler);
      await attempts.runUntil(MEASURED_ATTEMPTS, undefined, stream.poll);
      await stream.poll();
      const completed = attempts.finished;
      const per = (x: number) => (x / completed).toFixed(2);
      const engineWrite = dynamoUnits.write - before.write;
      const engineRead = dynamoUnits.read - before.read;
      console.log(
        `list ${String(size).padStart(6)} targets (loaded in ${loadSeconds.toFixed(1)} s): ${completed} attempts completed; per attempt: ` +
          `engine ${per(engineRead)} RCU, ${per(engineWrite)} WCU (billed, incl. indexes), ` +
          `${per(dynamoUnits.requests - before.requests)} DynamoDB requests; SQS ${per(sqs.requests - before.sqs)} requests\n` +
          `  ${streamCostLine(streamUnits, completed, stream)}\n` +
          `  total per attempt: ${per(engineWrite + streamUnits.write)} WCU, ${per(engineRead + streamUnits.read)} RCU`,
      );
      if (process.env.BENCH_DETAIL)
        console.log(
          Object.fromEntries(
            [...dynamoUnits.byCommand, ...dynamoUnits.byIndex, ...dynamoUnits.byKind].map(([k, v]) => [
              k,
              per(v),
            ]),
          ),
          'stream side:',
          Object.fromEntries(
            [...streamUnits.byCommand, ...streamUnits.byIndex, ...streamUnits.byKind].map(([k, v]) => [
              k,
              per(v),
            ]),
          ),
        );
      await stream.stop();
      await api.close();
      await engine.stop();
    }

    // --- 2. tick duration with 100 running campaigns -------------------------------------------
    if (runs('tick')) {
      const allOpen = await tickBench(endpoint, TABLE, 'all open');
      const outside = await tickBench(endpoint, HOURS_TABLE, 'mostly outside hours', MOSTLY_OUTSIDE);
      console.log(
        `tick with 100 running campaigns, median (max) of 5 ticks: all open ${allOpen.median} ms (${allOpen.max} ms); ` +
          `lists mostly outside their hours ${outside.median} ms (${outside.max} ms), ${outside.held} targets held`,
      );
    }

    // --- 3. attempts per second, zero-delay simulator ------------------------------------------
    if (runs('speed')) {
      const ddb = createDocumentClient(endpoint);
      const deps = dynamoDeps(ddb, TABLE, { runtime: 'local' });
      const { engine, api, pending } = await zeroDelayEngine({ deps, ddb, tableName: TABLE });
      const customerId = cryptoIds.uuid();
      const outplan = await benchOutplan(deps, customerId, { name: 'bench', tryInterval: 0, tries: 1 });
      const n = 2000;
      const outdial = await benchList(deps, ddb, TABLE, {
        customerId,
        name: 'speed',
        n,
        createdAt: formatTimestamp(Date.now() - 1000),
      });
      const c = await runningCampaign(deps, customerId, {
        name: 'speed',
        outplanId: outplan.id,
        outdialId: outdial.id,
        endHandle: 'stop',
        maxConcurrentCalls: 200,
      });
      engine.deps.settings.maxNewCallsPerTick = 200;
      const t = performance.now();
      // Until the campaign ends by itself: every target dialled once.
      for (;;) {
        const ticks = await engine.tick();
        await engine.drain();
        await Promise.all(pending.splice(0));
        if (ticks.some((x) => x.outcome === 'ended')) break;
        if ((await deps.resources.get('campaign', c.id))?.status === 'stop') break;
      }
      const seconds = (performance.now() - t) / 1000;
      console.log(
        `zero-delay simulator: ${n} attempts in ${seconds.toFixed(1)} s = ${(n / seconds).toFixed(0)} attempts/s (one process, 2 cores, DynamoDB Local)`,
      );
      await api.close();
      await engine.stop();
    }
  });

await main();
process.exit(0);
