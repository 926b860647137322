/**
 * What the compliance guardrails cost, on DynamoDB Local + the SQS emulator + the simulator:
 *  1. DynamoDB units per completed attempt and the claim's speed with the guardrails off (no contact
 *     policy, nothing suppressed) and on (a policy of 7 attempts per 7 days and 7 days' rest after a
 *     contact, and 2 % of the list's numbers suppressed). Units are billed by AWS's rules (each item of
 *     a write transaction twice; see dynamo-capacity.ts).
 *  2. Suppressions loaded through the batch use case (the route's core), 1,000 a request.
 * Usage: npm run bench:compliance -- [listSize] [suppressions]; BENCH_ONLY=cost|load runs one section,
 * BENCH_DETAIL=1 also prints the write units by item kind.
 */
import { performance } from 'node:perf_hooks';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { formatTimestamp } from '#domain/time.ts';
import { putContactPolicy } from '#services/contact-policy.ts';
import { addSuppressions } from '#services/suppressions.ts';
import { FakeClock } from '../test/support/clock.ts';
import { ManualScheduler } from '../test/support/manual-scheduler.ts';
import { meter } from './dynamo-capacity.ts';
import { onDynamoLocal } from './on-dynamo-local.ts';
import { benchList, benchOutplan, runningCampaign, simulatedEngine } from './simulated-campaign.ts';

const SIZE = Number(process.argv[2] ?? 1000);
const SUPPRESSIONS = Number(process.argv[3] ?? 100_000);
const TABLE = 'outbound-bench-compliance';
const SCRATCH_TABLE = 'outbound-bench-compliance-scratch';
const MEASURED_ATTEMPTS = 1000;
const ONLY = process.env.BENCH_ONLY;
const runs = (section: 'cost' | 'load') => !ONLY || ONLY === section;

const main = () =>
  onDynamoLocal([TABLE, SCRATCH_TABLE], async (endpoint) => {
    const unmetered = createDocumentClient(endpoint);
    const results: Record<string, string>[] = [];

    for (const guardrails of runs('cost') ? (['off', 'on'] as const) : []) {
      const clock = new FakeClock(Date.now());
      const scheduler = new ManualScheduler(clock);
      const ddb = createDocumentClient(endpoint);
      const deps = dynamoDeps(ddb, TABLE, { clock, runtime: 'local' });
      const { engine, api } = await simulatedEngine({
        deps,
        ddb,
        tableName: TABLE,
        scheduler,
        ringMs: 2000,
        talkMs: 5000,
      });
      const customerId = cryptoIds.uuid();
      const outplan = await benchOutplan(deps, customerId, { name: 'bench', tryInterval: 60_000, tries: 2 });
      const outdial = await benchList(deps, ddb, TABLE, {
        customerId,
        name: 'bench',
        n: SIZE,
        createdAt: formatTimestamp(clock.now()),
      });
      if (guardrails === 'on') {
        await putContactPolicy(deps, customerId, {
          max_attempts: 7,
          per_days: 7,
          rest_after_contact_days: 7,
          calling_hours: null,
        });
        // A bench may scan: 2 % of the list's numbers go on the suppression list.
        const listed = await ddb.send(
          new ScanCommand({
            TableName: TABLE,
            FilterExpression: 'outdial_id = :o AND et = :t',
            ExpressionAttributeValues: { ':o': outdial.id, ':t': 'outdialtarget' },
          }),
        );
        const numbers = (listed.Items ?? [])
          .map((t) => String(t.destination_0.target))
          .filter((_, i) => i % 50 === 0);
        await addSuppressions(deps, customerId, numbers);
      }
      const campaign = await runningCampaign(deps, customerId, {
        name: 'bench',
        outplanId: outplan.id,
        outdialId: outdial.id,
        endHandle: 'stop',
        maxConcurrentCalls: 100,
      });

      const units = meter(ddb, unmetered, SCRATCH_TABLE);
      let completed = 0;
      const finish = engine.deps.engine.finish.bind(engine.deps.engine);
      engine.deps.engine.finish = async (...args) => {
        const r = await finish(...args);
        if (r === 'finished') completed++;
        return r;
      };
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
      while (completed < MEASURED_ATTEMPTS) {
        const t = performance.now();
        await engine.tick();
        tickMs += performance.now() - t;
        await engine.drain();
        await scheduler.advance(5000);
      }
      const per = (x: number) => (x / completed).toFixed(2);
      const stats = await deps.campaigns.runtimeTotals(campaign.id);
      results.push({
        guardrails,
        attempts: String(completed),
        'WCU/attempt': per(units.write),
        'RCU/attempt': per(units.read),
        'requests/attempt': per(units.requests),
        'claim ms (mean)': (claimMs / Math.max(1, claims)).toFixed(1),
        'claims per tick second': (claims / (tickMs / 1000)).toFixed(1),
        'skipped suppressed': String(stats._skipped_suppressed ?? 0),
      });
      if (process.env.BENCH_DETAIL) {
        console.log(
          guardrails,
          Object.fromEntries([...units.byKind, ...units.byCommand].map(([k, v]) => [k, per(v)])),
        );
      }
      await api.close();
      await engine.stop();
    }
    if (results.length) console.table(results);

    if (runs('load')) {
      const clock = new FakeClock(Date.now());
      const ddb = createDocumentClient(endpoint);
      const deps = dynamoDeps(ddb, TABLE, { clock, runtime: 'local' });
      const customerId = cryptoIds.uuid();
      const units = meter(ddb, unmetered, SCRATCH_TABLE);
      const t0 = performance.now();
      const BATCH = 1000;
      const AT_ONCE = 4;
      const batches = Array.from({ length: Math.ceil(SUPPRESSIONS / BATCH) }, (_, b) =>
        Array.from(
          { length: Math.min(BATCH, SUPPRESSIONS - b * BATCH) },
          (_, i) => `+1212${String(2_000_000 + b * BATCH + i).padStart(7, '0')}`,
        ),
      );
      let added = 0;
      for (let i = 0; i < batches.length; i += AT_ONCE) {
        const answers = await Promise.all(
          batches.slice(i, i + AT_ONCE).map((rows) => addSuppressions(deps, customerId, rows)),
        );
        added += answers.reduce((n, a) => n + a.result.length, 0);
      }
      const seconds = (performance.now() - t0) / 1000;
      console.log(
        `${added} suppressions loaded in ${seconds.toFixed(1)} s: ${(added / seconds).toFixed(0)}/s, ` +
          `${(units.write / added).toFixed(2)} WCU and ${(units.requests / added).toFixed(3)} requests each ` +
          `(batches of ${BATCH}, ${AT_ONCE} at once)`,
      );
    }
  });

await main();
