/**
 * What the compliance guardrails cost, on DynamoDB Local + the SQS emulator + the simulator:
 *  1. cost: DynamoDB units per completed attempt and the claim's speed with the guardrails off (no
 *     contact policy, nothing suppressed) and on (a policy of 7 attempts per 7 days and 7 days' rest
 *     after a contact, and 2 % of the list's numbers suppressed). Units are billed by AWS's rules (each
 *     item of a write transaction twice; see dynamo-capacity.ts): the engine's own, the table stream's
 *     consumers' (rollups, target counts, webhooks; stream-consumers.ts) and their sum.
 *  2. claim: claims per second, guardrails off and on, with the zero-delay simulator as bench:engine
 *     measures attempts/s: one campaign dialling its list once, CLAIM_ROUNDS runs of each, alternating,
 *     so the machine's load falls on both alike. "On" adds calling hours in the callee's time open all
 *     day, so nothing is held but every check runs (the bench's numbers have no known area code: each is
 *     checked in all 42 zones of North America).
 *  2b. claimparts (only when asked for): the claim section's runs with one guardrail at a time (2 %
 *     suppressed; a cap; rest after contact; the customer's hours in a fixed zone; in the callee's time;
 *     the campaign's opt-out action) and all of them, CLAIM_PART_ROUNDS runs each: claims per second
 *     and the milliseconds per claim in the tick, in the claim itself and in the dial jobs and
 *     callbacks, to say where the difference goes.
 *  3. load: suppressions loaded through the HTTP API (POST /v1.0/suppressions/batch, 1,000 a request,
 *     LOAD_AT_ONCE requests at a time) at full speed, and the write units per suppression from a metered
 *     sample of LOAD_SAMPLE.
 * Usage: npm run bench:compliance -- [listSize=1000] [suppressions=100000] [loadLimitSeconds=900];
 * BENCH_ONLY=cost|claim|claimparts|load
 * runs one section, BENCH_DETAIL=1 also prints the write units by item kind.
 */
import { performance } from 'node:perf_hooks';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { CALLEE_TIME_ZONE, type CallingHours } from '#domain/calling-hours.ts';
import type { ContactPolicy } from '#domain/contact-policy.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { Clock } from '#ports/clock.ts';
import { putContactPolicy } from '#services/contact-policy.ts';
import type { Deps } from '#services/deps.ts';
import { addSuppressions } from '#services/suppressions.ts';
import { benchApi } from './bench-api.ts';
import { meter } from './dynamo-capacity.ts';
import { onDynamoLocal } from './on-dynamo-local.ts';
import {
  benchList,
  benchOutplan,
  costBench,
  finishedAttempts,
  runningCampaign,
  zeroDelayEngine,
} from './simulated-campaign.ts';
import { byConsumer, streamConsumers } from './stream-consumers.ts';

const SIZE = Number(process.argv[2] ?? 1000);
const SUPPRESSIONS = Number(process.argv[3] ?? 100_000);
const TABLE = 'outbound-bench-compliance';
const SCRATCH_TABLE = 'outbound-bench-compliance-scratch';
const MEASURED_ATTEMPTS = 1000;
/** Runs of each side in the claim section (the median is printed), after one warm-up run not counted. */
const CLAIM_ROUNDS = 5;
/** Calls up at once and claimed per tick in the claim section, as bench:engine's attempts/s. */
const CLAIM_PACING = 200;
/** Runs of each variant in the claimparts section (the median is printed), after one warm-up run. */
const CLAIM_PART_ROUNDS = Number(process.env.CLAIM_PART_ROUNDS ?? 3);
const LOAD_BATCH = 1000;
/**
 * Requests at a time, as a client importing a file would send them. Two: on DynamoDB Local a request of
 * 1,000 takes seconds, and four at once on a busy 2-core machine outlast the handler's 29 s.
 */
const LOAD_AT_ONCE = 2;
/**
 * No new request after this (seconds, the third argument; 15 minutes by default: 100,000 take about
 * 7–8 on a busy 2-core machine): a slower machine reports the rows loaded so far and their rate.
 */
const LOAD_LIMIT_MS = Number(process.argv[4] ?? 900) * 1000;
/**
 * The metered sample goes one request of 100 at a time: the meter replays each transaction item, which
 * makes a request of 1,000 outlast the handler's 29 s on a busy machine.
 */
const LOAD_SAMPLE = 1000;
const LOAD_SAMPLE_BATCH = 100;
const ONLY = process.env.BENCH_ONLY;
// claimparts runs only when asked for: it measures where the claim section's difference goes.
const runs = (section: 'cost' | 'claim' | 'claimparts' | 'load') =>
  ONLY === section || (!ONLY && section !== 'claimparts');

type Guardrails = 'off' | 'on';

/** Open all day but 23:59–00:00 (a window cannot be empty nor whole), every day, in the callee's time. */
const ALL_DAY_IN_CALLEE_TIME: CallingHours = {
  timezone: CALLEE_TIME_ZONE,
  days: [1, 2, 3, 4, 5, 6, 7],
  start: '00:00',
  end: '23:59',
};

/**
 * The real clock moved on to the next hh:15 UTC: the all-day window's closed minute (23:59 local, which
 * is hh:59 UTC, or hh:29 in Newfoundland) then lies at least 14 minutes after the run starts.
 */
const midHourClock = (): Clock => {
  const HOUR = 3_600_000;
  const now = Date.now();
  const shift = (Math.floor(now / HOUR) * HOUR + 15 * 60_000 - now + HOUR) % HOUR;
  return { now: () => Date.now() + shift };
};

/** The contact policy's limits: Regulation F's caps (7 attempts per 7 days, 7 days' rest after a contact). */
const REG_F = { max_attempts: 7, per_days: 7, rest_after_contact_days: 7 } as const;

/** The opt-out action of the bench's campaigns that have one. */
const OPT_OUT_ACTION = {
  id: '00000000-0000-4000-8000-000000000099',
  next_id: '00000000-0000-0000-0000-000000000000',
  type: 'opt_out',
  option: { digit: '9', text: 'Press 9 to stop these calls.' },
};

/** Every 50th number of the list (2 %) on its customer's suppression list. */
const suppressSome = async (
  deps: Deps,
  ddb: DynamoDBDocumentClient,
  customerId: string,
  outdialId: string,
) => {
  // A bench may scan: it picks the numbers to suppress. Every page: the filter applies after the read.
  const targets: Record<string, any>[] = [];
  let from: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'outdial_id = :o AND et = :t',
        ExpressionAttributeValues: { ':o': outdialId, ':t': 'outdialtarget' },
        ExclusiveStartKey: from,
      }),
    );
    targets.push(...(page.Items ?? []));
    from = page.LastEvaluatedKey;
  } while (from);
  const numbers = targets.map((t) => String(t.destination_0.target)).filter((_, i) => i % 50 === 0);
  await addSuppressions(deps, customerId, numbers);
};

/**
 * All guardrails on for the customer: Regulation F's caps, `callingHours`, and 2 % of the list on its
 * suppression list.
 */
const guardrailsOn = async (
  deps: Deps,
  ddb: DynamoDBDocumentClient,
  customerId: string,
  outdialId: string,
  callingHours: CallingHours | null,
) => {
  await putContactPolicy(deps, customerId, { ...REG_F, calling_hours: callingHours });
  await suppressSome(deps, ddb, customerId, outdialId);
};

/**
 * What a claim run turns on: parts of the customer's contact policy (the rest stays null), 2 % of the
 * list suppressed, and the campaign's opt-out action.
 */
interface ClaimSetup {
  policy?: Partial<Omit<ContactPolicy, 'max_abandon_rate_ceiling' | 'rest_after_abandon_hours'>>;
  suppress?: boolean;
  optOut?: boolean;
}

const NO_POLICY = { max_attempts: null, per_days: null, rest_after_contact_days: null, calling_hours: null };

/** Open all day in a fixed zone: the fixed-zone check runs once per tick, no destination is looked at. */
const ALL_DAY_IN_NEW_YORK: CallingHours = { ...ALL_DAY_IN_CALLEE_TIME, timezone: 'America/New_York' };

/** The claim section's two sides. */
const CLAIM_SIDES: Record<Guardrails, ClaimSetup> = {
  off: {},
  on: { policy: { ...REG_F, calling_hours: ALL_DAY_IN_CALLEE_TIME }, suppress: true },
};

/** The claimparts section: one guardrail at a time, then all of them (opt-out included). */
const CLAIM_PARTS: Record<string, ClaimSetup> = {
  off: {},
  suppressed: { suppress: true },
  cap: { policy: { max_attempts: 7, per_days: 7 } },
  rest: { policy: { rest_after_contact_days: 7 } },
  'hours fixed zone': { policy: { calling_hours: ALL_DAY_IN_NEW_YORK } },
  'hours callee time': { policy: { calling_hours: ALL_DAY_IN_CALLEE_TIME } },
  'opt-out action': { optOut: true },
  'all on': {
    policy: { ...REG_F, calling_hours: ALL_DAY_IN_CALLEE_TIME },
    suppress: true,
    optOut: true,
  },
};

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * One campaign dialling its `size` targets once with the zero-delay simulator, until it ends: claims per
 * second of the whole run (tick, dial, callbacks: what a campaign achieves) and of the tick's own time
 * (where the claims are made), and the milliseconds per claim spent in the tick, in each claim (mean
 * latency; a tick makes up to 8 at once) and in the dial jobs and callbacks that follow.
 */
const claimRun = async (endpoint: string, setup: ClaimSetup, size = SIZE) => {
  const clock = midHourClock();
  const ddb = createDocumentClient(endpoint);
  const deps = dynamoDeps(ddb, TABLE, { clock, runtime: 'local' });
  const { engine, api, pending } = await zeroDelayEngine({ deps, ddb, tableName: TABLE });
  engine.deps.settings.maxNewCallsPerTick = CLAIM_PACING;
  const customerId = cryptoIds.uuid();
  const outplan = await benchOutplan(deps, customerId, { name: 'claim', tryInterval: 0, tries: 1 });
  const outdial = await benchList(deps, ddb, TABLE, {
    customerId,
    name: 'claim',
    n: size,
    createdAt: formatTimestamp(clock.now() - 1000),
  });
  if (setup.policy) await putContactPolicy(deps, customerId, { ...NO_POLICY, ...setup.policy });
  if (setup.suppress) await suppressSome(deps, ddb, customerId, outdial.id);
  const campaign = await runningCampaign(deps, customerId, {
    name: 'claim',
    outplanId: outplan.id,
    outdialId: outdial.id,
    endHandle: 'stop',
    maxConcurrentCalls: CLAIM_PACING,
    ...(setup.optOut ? { actions: [OPT_OUT_ACTION] } : {}),
  });
  let claimed = 0;
  let claimMs = 0;
  let claims = 0;
  const claim = engine.deps.engine.claim.bind(engine.deps.engine);
  engine.deps.engine.claim = async (...args) => {
    const t = performance.now();
    const r = await claim(...args);
    claimMs += performance.now() - t;
    claims++;
    if (r === 'claimed') claimed++;
    return r;
  };
  // DynamoDB requests and this process's CPU time (not DynamoDB Local's) by phase: counts that a loaded
  // machine does not blur, beside the times it does.
  const requests = { tick: new Map<string, number>(), dial: new Map<string, number>() };
  let phase: keyof typeof requests = 'tick';
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '');
      requests[phase].set(command, (requests[phase].get(command) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchRequests' },
  );
  const cpu = { tick: 0, dial: 0 };
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let tickMs = 0;
  let dialMs = 0;
  const t0 = performance.now();
  for (;;) {
    phase = 'tick';
    const t = performance.now();
    const c = cpuMs();
    const ticks = await engine.tick();
    const t1 = performance.now();
    const c1 = cpuMs();
    tickMs += t1 - t;
    cpu.tick += c1 - c;
    phase = 'dial';
    await engine.drain();
    await Promise.all(pending.splice(0));
    dialMs += performance.now() - t1;
    cpu.dial += cpuMs() - c1;
    if (ticks.some((x) => x.outcome === 'ended')) break;
    if ((await deps.resources.get('campaign', campaign.id))?.status === 'stop') break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const totals = await deps.campaigns.runtimeTotals(campaign.id);
  await api.close();
  await engine.stop();
  return {
    claimed,
    perSecond: claimed / seconds,
    perTickSecond: claimed / (tickMs / 1000),
    tickMsPerClaim: tickMs / Math.max(1, claimed),
    claimMs: claimMs / Math.max(1, claims),
    dialMsPerClaim: dialMs / Math.max(1, claimed),
    cpuMsPerClaim: { tick: cpu.tick / Math.max(1, claimed), dial: cpu.dial / Math.max(1, claimed) },
    requestsPerClaim: {
      tick: Object.fromEntries([...requests.tick].map(([k, v]) => [k, v / Math.max(1, claimed)])),
      dial: Object.fromEntries([...requests.dial].map(([k, v]) => [k, v / Math.max(1, claimed)])),
    },
    suppressed: totals._skipped_suppressed ?? 0,
    held: (totals._skipped_outside_hours ?? 0) + (totals._skipped_capped ?? 0),
  };
};

const main = () =>
  onDynamoLocal([TABLE, SCRATCH_TABLE], async (endpoint) => {
    const unmetered = createDocumentClient(endpoint);

    // --- 1. units per attempt ------------------------------------------------------------------
    const results: Record<string, string>[] = [];
    for (const guardrails of runs('cost') ? (['off', 'on'] as const) : []) {
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
      const outdial = await benchList(deps, ddb, TABLE, {
        customerId,
        name: 'bench',
        n: SIZE,
        createdAt: formatTimestamp(clock.now()),
      });
      if (guardrails === 'on') await guardrailsOn(deps, ddb, customerId, outdial.id, null);
      const campaign = await runningCampaign(deps, customerId, {
        name: 'bench',
        outplanId: outplan.id,
        outdialId: outdial.id,
        endHandle: 'stop',
        maxConcurrentCalls: 100,
      });

      await stream.settle();
      const streamUnits = await stream.measure();
      const units = meter(ddb, unmetered, SCRATCH_TABLE);
      // The claim's own latency (a tick runs up to 8 at once), and claims per second of tick time.
      let claims = 0;
      let claimMs = 0;
      const claim = engine.deps.engine.claim.bind(engine.deps.engine);
      engine.deps.engine.claim = async (...args) => {
        const t = performance.now();
        const r = await claim(...args);
        claimMs += performance.now() - t;
        claims++;
        return r;
      };
      let tickMs = 0;
      const attempts = finishedAttempts(engine, scheduler);
      await attempts.runUntil(
        MEASURED_ATTEMPTS,
        async () => {
          const t = performance.now();
          await engine.tick();
          tickMs += performance.now() - t;
        },
        stream.poll,
      );
      await stream.poll();
      const completed = attempts.finished;
      const consumers = byConsumer(streamUnits.byKind);
      const per = (x: number) => (x / completed).toFixed(2);
      const stats = await deps.campaigns.runtimeTotals(campaign.id);
      results.push({
        guardrails,
        attempts: String(completed),
        'WCU/attempt': per(units.write),
        'RCU/attempt': per(units.read),
        'stream WCU': per(streamUnits.write),
        'of which rollups': per(consumers.get('write rollups') ?? 0),
        'target counts': per(consumers.get('write target counts') ?? 0),
        'stream RCU': per(streamUnits.read),
        'total WCU': per(units.write + streamUnits.write),
        'total RCU': per(units.read + streamUnits.read),
        'requests/attempt': per(units.requests),
        'claim ms (mean)': (claimMs / Math.max(1, claims)).toFixed(1),
        'claims per tick second': (claims / (tickMs / 1000)).toFixed(1),
        'skipped suppressed': String(stats._skipped_suppressed ?? 0),
      });
      if (process.env.BENCH_DETAIL) {
        console.log(
          guardrails,
          Object.fromEntries([...units.byKind, ...units.byCommand].map(([k, v]) => [k, per(v)])),
          'stream side:',
          Object.fromEntries([...streamUnits.byKind, ...streamUnits.byCommand].map(([k, v]) => [k, per(v)])),
        );
      }
      await stream.stop();
      await api.close();
      await engine.stop();
    }
    if (results.length) console.table(results);

    // --- 2. claim throughput -------------------------------------------------------------------
    if (runs('claim')) {
      // The first run of a process is slow (JIT, DynamoDB Local's own warm-up) whichever side it is.
      await claimRun(endpoint, CLAIM_SIDES.on);
      const seen: Record<Guardrails, Awaited<ReturnType<typeof claimRun>>[]> = { off: [], on: [] };
      for (let round = 0; round < CLAIM_ROUNDS; round++) {
        // Alternating which goes first, so neither side always runs on a warmer table.
        const order: Guardrails[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
        for (const guardrails of order) {
          const r = await claimRun(endpoint, CLAIM_SIDES[guardrails]);
          seen[guardrails].push(r);
          console.log(
            `round ${round + 1}, guardrails ${guardrails}: ${r.claimed} claimed, ${r.perSecond.toFixed(0)}/s ` +
              `(${r.perTickSecond.toFixed(0)}/s of tick time), ${r.suppressed} suppressed skipped, ${r.held} held`,
          );
        }
      }
      const off = {
        run: median(seen.off.map((r) => r.perSecond)),
        tick: median(seen.off.map((r) => r.perTickSecond)),
      };
      const on = {
        run: median(seen.on.map((r) => r.perSecond)),
        tick: median(seen.on.map((r) => r.perTickSecond)),
      };
      console.log(
        `claims per second, median of ${CLAIM_ROUNDS} runs of ${SIZE} targets (zero-delay simulator, ` +
          `max_concurrent_calls ${CLAIM_PACING}): guardrails off ${off.run.toFixed(0)}/s, on ${on.run.toFixed(0)}/s ` +
          `(on/off ${(on.run / off.run).toFixed(2)}); of tick time: off ${off.tick.toFixed(0)}/s, ` +
          `on ${on.tick.toFixed(0)}/s (on/off ${(on.tick / off.tick).toFixed(2)})`,
      );
    }

    // --- 2b. claim throughput, one guardrail at a time -----------------------------------------
    if (runs('claimparts')) {
      await claimRun(endpoint, CLAIM_PARTS['all on']!);
      const names = Object.keys(CLAIM_PARTS);
      const seen = new Map<string, Awaited<ReturnType<typeof claimRun>>[]>(names.map((n) => [n, []]));
      for (let round = 0; round < CLAIM_PART_ROUNDS; round++) {
        // Each round in another order, so the machine's load falls on every variant alike.
        const order = names.map((_, i) => names[(i + round * 3) % names.length]!);
        for (const name of order) seen.get(name)!.push(await claimRun(endpoint, CLAIM_PARTS[name]!));
        console.log(`round ${round + 1} of ${CLAIM_PART_ROUNDS} done`);
      }
      const off = median(seen.get('off')!.map((r) => r.perSecond));
      const offTick = median(seen.get('off')!.map((r) => r.tickMsPerClaim));
      console.log(
        `claim throughput by guardrail, median of ${CLAIM_PART_ROUNDS} runs of ${SIZE} targets each ` +
          `(zero-delay simulator, max_concurrent_calls ${CLAIM_PACING}):`,
      );
      console.table(
        names.map((name) => {
          const rs = seen.get(name)!;
          const perSecond = median(rs.map((r) => r.perSecond));
          const tick = median(rs.map((r) => r.tickMsPerClaim));
          return {
            guardrail: name,
            'claims/s': perSecond.toFixed(1),
            'vs off': (perSecond / off).toFixed(2),
            'tick ms/claim': tick.toFixed(2),
            'tick ms/claim vs off': (tick - offTick).toFixed(2),
            'claim ms (mean)': median(rs.map((r) => r.claimMs)).toFixed(1),
            'dial+callbacks ms/claim': median(rs.map((r) => r.dialMsPerClaim)).toFixed(2),
            'tick CPU ms/claim': median(rs.map((r) => r.cpuMsPerClaim.tick)).toFixed(2),
            'dial CPU ms/claim': median(rs.map((r) => r.cpuMsPerClaim.dial)).toFixed(2),
            'tick requests/claim': sum(rs[0]!.requestsPerClaim.tick).toFixed(2),
            'dial requests/claim': sum(rs[0]!.requestsPerClaim.dial).toFixed(2),
            'skipped suppressed': String(rs[0]?.suppressed ?? 0),
          };
        }),
      );
      // Which requests each guardrail adds, per claim (from each variant's first run).
      const base = seen.get('off')![0]!.requestsPerClaim;
      for (const name of names.slice(1)) {
        const r = seen.get(name)![0]!.requestsPerClaim;
        const added = (['tick', 'dial'] as const).flatMap((ph) =>
          [...new Set([...Object.keys(r[ph]), ...Object.keys(base[ph])])]
            .map((k) => [`${ph} ${k}`, (r[ph][k] ?? 0) - (base[ph][k] ?? 0)] as const)
            .filter(([, d]) => Math.abs(d) >= 0.05)
            .map(([k, d]) => `${k} ${d > 0 ? '+' : ''}${d.toFixed(2)}`),
        );
        console.log(`requests per claim, ${name} vs off: ${added.join(', ') || 'none'}`);
      }
    }

    // --- 3. suppressions loaded through the API ------------------------------------------------
    if (runs('load')) {
      const ddb = createDocumentClient(endpoint);
      const deps = dynamoDeps(ddb, TABLE, { runtime: 'local' });
      const { api, base, headers } = await benchApi(deps, LOAD_AT_ONCE);
      // Numbers in 212 (New York) the lists above never use; `from` counts on across both uses.
      let retried = 0;
      const load = async (from: number, count: number, batch: number, atOnce: number, limitMs = Infinity) => {
        const requests = Math.ceil(count / batch);
        const stopAt = performance.now() + limitMs;
        let next = 0;
        let added = 0;
        await Promise.all(
          Array.from({ length: atOnce }, async () => {
            while (next < requests && performance.now() < stopAt) {
              const b = next++;
              const numbers = Array.from(
                { length: Math.min(batch, count - b * batch) },
                (_, i) => `+1212${String(2_000_000 + from + b * batch + i).padStart(7, '0')}`,
              );
              const post = () =>
                fetch(`${base}/suppressions/batch`, {
                  method: 'POST',
                  headers,
                  body: JSON.stringify({ numbers }),
                });
              let res = await post();
              // Adding a number again answers its suppression, so a client may send a failed batch again.
              for (let again = 0; res.status >= 500 && again < 2; again++) {
                retried++;
                res = await post();
              }
              if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
              const out = (await res.json()) as { result: unknown[]; errors: unknown[] };
              if (out.errors.length) throw new Error(`refused rows: ${JSON.stringify(out.errors[0])}`);
              added += out.result.length;
            }
          }),
        );
        return added;
      };

      // Units from a metered sample: the meter replays every transaction item, too slow for the rest.
      const units = meter(ddb, unmetered, SCRATCH_TABLE);
      const sampled = await load(0, LOAD_SAMPLE, LOAD_SAMPLE_BATCH, 1);
      ddb.middlewareStack.remove('capacityMeter');
      const t0 = performance.now();
      retried = 0;
      const added = await load(LOAD_SAMPLE, SUPPRESSIONS, LOAD_BATCH, LOAD_AT_ONCE, LOAD_LIMIT_MS);
      const seconds = (performance.now() - t0) / 1000;
      console.log(
        `${added.toLocaleString('en')}${added < SUPPRESSIONS ? ` of ${SUPPRESSIONS.toLocaleString('en')} (stopped at ${LOAD_LIMIT_MS / 1000} s)` : ''} ` +
          `suppressions loaded through POST /v1.0/suppressions/batch in ` +
          `${seconds.toFixed(1)} s: ${(added / seconds).toFixed(0)}/s (${LOAD_BATCH} a request, ${LOAD_AT_ONCE} ` +
          `at once); per suppression (metered sample of ${sampled}, ${LOAD_SAMPLE_BATCH} a request): ${(units.write / sampled).toFixed(2)} WCU, ` +
          `${(units.read / sampled).toFixed(2)} RCU, ${(units.requests / sampled).toFixed(3)} DynamoDB requests; ` +
          `${retried} requests sent again after a 5xx`,
      );
      await api.close();
    }
  });

await main();
process.exit(0);
