/**
 * A bench campaign on the real engine: its outplan, a list of bulk-loaded targets, the campaign set
 * running, and the engine with the simulator, whose calls come back through the API server's webhook
 * route as a carrier's would.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { itemKey, listKeys } from '#adapters/dynamodb/keys.ts';
import type { CallingHours } from '#domain/calling-hours.ts';
import { NIL_UUID } from '#domain/ids.ts';
import type { Scheduler } from '#ports/scheduler.ts';
import type { WebhookRequest } from '#ports/telephony.ts';
import { changeCampaignStatus, createCampaign } from '#services/campaigns.ts';
import type { Deps } from '#services/deps.ts';
import { createOutdial } from '#services/outdials.ts';
import { createOutplan } from '#services/outplans.ts';
import { startApiServer } from '../infra/local/api-server.ts';
import { LocalEngine } from '../infra/local/engine-runtime.ts';
import { FakeClock } from '../test/support/clock.ts';
import { ManualScheduler } from '../test/support/manual-scheduler.ts';

/**
 * Every list of a bench calls different people: one person is never rung twice at once, so lists
 * sharing numbers would wait on each other's lines. Counting up keeps the 40 % mix of failing digits.
 */
let nextNumber = 0;

/** `n` idle targets written straight to the table: loading through the API is not what is measured. */
const bulkTargets = async (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  customerId: string,
  outdialId: string,
  n: number,
  now: string,
  timezoneOf?: (i: number) => string | undefined,
) => {
  const write = async (from: number, to: number) => {
    const items = [];
    for (let i = from; i < to; i++) {
      const id = cryptoIds.uuid();
      const target = {
        id,
        outdial_id: outdialId,
        customer_id: customerId,
        name: `t${i}`,
        detail: '',
        data: '',
        status: 'idle',
        // Last digit 0..9: with the simulator, 40% of numbers fail (1-4).
        destination_0: {
          type: 'tel',
          target: `+1555${String(1e7 + nextNumber++).slice(-7)}`,
          target_name: '',
          name: '',
          detail: '',
        },
        destination_1: null,
        destination_2: null,
        destination_3: null,
        destination_4: null,
        try_count_0: 0,
        try_count_1: 0,
        try_count_2: 0,
        try_count_3: 0,
        try_count_4: 0,
        tm_create: now,
        tm_update: now,
        ...(timezoneOf?.(i) ? { timezone: timezoneOf(i) } : {}),
      };
      items.push({
        PutRequest: {
          Item: {
            ...itemKey('outdialtarget', id),
            ...listKeys('outdialtarget', target),
            et: 'outdialtarget',
            ...target,
          },
        },
      });
    }
    for (let i = 0; i < items.length; i += 25) {
      await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: items.slice(i, i + 25) } }));
    }
  };
  const chunk = 2000;
  const jobs = [];
  for (let from = 0; from < n; from += chunk) jobs.push([from, Math.min(n, from + chunk)] as const);
  for (let i = 0; i < jobs.length; i += 4)
    await Promise.all(jobs.slice(i, i + 4).map(([a, b]) => write(a, b)));
};

/** One outplan on destination_0 only: `tries` attempts, `tryInterval` ms apart. */
export const benchOutplan = (
  deps: Deps,
  customerId: string,
  o: { name: string; tryInterval: number; tries: number },
) =>
  createOutplan(deps, customerId, {
    name: o.name,
    detail: '',
    source: { type: 'tel', target: '+15550000001', target_name: '', name: '', detail: '' },
    dial_timeout: 30_000,
    try_interval: o.tryInterval,
    max_try_count_0: o.tries,
    max_try_count_1: 0,
    max_try_count_2: 0,
    max_try_count_3: 0,
    max_try_count_4: 0,
  });

/**
 * An outdial of `n` targets, all created at `createdAt`: the outdial through `deps`, the targets
 * written to `tableName` through `ddb`.
 */
export const benchList = async (
  deps: Deps,
  ddb: DynamoDBDocumentClient,
  tableName: string,
  l: {
    customerId: string;
    name: string;
    n: number;
    createdAt: string;
    /** The person's own zone of target i (calling hours in the callee's time); none by default. */
    timezoneOf?: (i: number) => string | undefined;
  },
) => {
  const outdial = await createOutdial(deps, l.customerId, {
    campaign_id: NIL_UUID,
    name: l.name,
    detail: '',
    data: '',
  });
  await bulkTargets(ddb, tableName, l.customerId, outdial.id, l.n, l.createdAt, l.timezoneOf);
  return outdial;
};

/** A call campaign without a queue, set running. */
export const runningCampaign = async (
  deps: Deps,
  customerId: string,
  c: {
    name: string;
    outplanId: string;
    outdialId: string;
    endHandle: 'stop' | 'continue';
    maxConcurrentCalls: number;
    callingHours?: CallingHours | null;
    /** The campaign's actions; none by default. */
    actions?: { id: string; next_id: string; type: string; option: Record<string, unknown> }[];
  },
) => {
  const campaign = await createCampaign(deps, customerId, {
    name: c.name,
    detail: '',
    type: 'call',
    service_level: 100,
    end_handle: c.endHandle,
    actions: c.actions ?? [],
    outplan_id: c.outplanId,
    outdial_id: c.outdialId,
    queue_id: NIL_UUID,
    next_campaign_id: NIL_UUID,
    max_concurrent_calls: c.maxConcurrentCalls,
    calling_hours: c.callingHours ?? null,
    dialing_mode: 'service_level',
  });
  await changeCampaignStatus(deps, customerId, campaign.id, 'run');
  return campaign;
};

/**
 * The engine with the simulator, and the API server its calls come back through (close both when
 * done). `deliver` replaces plain HTTP delivery of the simulator's callbacks, to watch them.
 */
export const simulatedEngine = async (o: {
  deps: Deps;
  ddb: DynamoDBDocumentClient;
  tableName: string;
  scheduler: Scheduler;
  ringMs: number;
  talkMs: number;
  deliver?: (req: WebhookRequest) => Promise<void>;
}) => {
  const engine = await LocalEngine.start({
    deps: o.deps,
    ddb: o.ddb,
    tableName: o.tableName,
    scheduler: o.scheduler,
    simulatorSecret: 's',
    publicBaseUrl: '',
    ringMs: o.ringMs,
    talkMs: o.talkMs,
    ...(o.deliver ? { deliver: o.deliver } : {}),
  });
  const api = await startApiServer({
    deps: o.deps,
    adminKeyHash: undefined,
    extraHandlers: [engine.webhookMount],
  });
  engine.deps.settings.publicBaseUrl = `http://127.0.0.1:${api.port}`;
  return { engine, api };
};

/**
 * The engine with a zero-delay simulator: calls answer and end at once, and the scheduler runs each
 * delayed task (a simulator callback) straight away, collecting its promise in `pending` for the bench
 * to await after each round.
 */
export const zeroDelayEngine = async (o: {
  deps: Deps;
  ddb: DynamoDBDocumentClient;
  tableName: string;
  deliver?: (req: WebhookRequest) => Promise<void>;
}) => {
  const pending: Promise<void>[] = [];
  const immediate: Scheduler = { after: (_ms, task) => void pending.push(Promise.resolve().then(task)) };
  const { engine, api } = await simulatedEngine({ ...o, scheduler: immediate, ringMs: 0, talkMs: 0 });
  return { engine, api, pending };
};

/**
 * What the cost benches measure on: the engine with the simulator (2 s of ringing, 5 s of talk) on a
 * clock the bench moves, a new customer and its outplan of two tries a minute apart (the 40 % of numbers
 * that fail are retried once). The caller adds the list and the campaign, and closes `api` and `engine`.
 */
export const costBench = async (endpoint: string, tableName: string) => {
  const clock = new FakeClock(Date.now());
  const scheduler = new ManualScheduler(clock);
  const ddb = createDocumentClient(endpoint);
  const deps = dynamoDeps(ddb, tableName, { clock, runtime: 'local' });
  const { engine, api } = await simulatedEngine({
    deps,
    ddb,
    tableName,
    scheduler,
    ringMs: 2000,
    talkMs: 5000,
  });
  const customerId = cryptoIds.uuid();
  const outplan = await benchOutplan(deps, customerId, { name: 'bench', tryInterval: 60_000, tries: 2 });
  return { clock, scheduler, ddb, deps, engine, api, customerId, outplan };
};

/**
 * Counts the attempts the engine finishes from here on (its own `finish` step answering `finished`),
 * and runs 5 s rounds of tick, dial and callbacks until `n` have: what a cost bench divides by. With
 * `everySecond` (the stream consumers' poll) the round's time moves a second at a time, that run after
 * each second.
 */
export const finishedAttempts = (engine: LocalEngine, scheduler: ManualScheduler) => {
  const counter = { finished: 0 };
  const finish = engine.deps.engine.finish.bind(engine.deps.engine);
  engine.deps.engine.finish = async (...args) => {
    const r = await finish(...args);
    if (r === 'finished') counter.finished++;
    return r;
  };
  const runUntil = async (
    n: number,
    tick: () => Promise<unknown> = () => engine.tick(),
    everySecond?: () => Promise<unknown>,
  ) => {
    while (counter.finished < n) {
      await tick();
      await engine.drain();
      if (!everySecond) await scheduler.advance(5000);
      else
        for (let s = 0; s < 5; s++) {
          await scheduler.advance(1000);
          await everySecond();
        }
    }
  };
  return Object.assign(counter, { runUntil });
};
