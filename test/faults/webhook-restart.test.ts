/**
 * Fault case: the webhook runtime stops abruptly (dropped as a crash would leave it, nothing drained)
 * at each step of a webhook, or cleanly with deliveries still queued, more changes are committed while nothing runs, and a new runtime starts
 * on the same state directory and table. Every committed change's webhook arrives (at least once).
 * Steps: after the stream read but before the enqueue; after the enqueue but before any delivery;
 * mid-delivery (the endpoint has the request and has not answered).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookSender } from '#ports/webhook-sender.ts';
import type { LocalEventsOptions } from '../../infra/local/events-runtime.ts';
import { anOutplan } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';
import { recordFigures } from './support/report.ts';

const CHANGES_BEFORE = 12;
const CHANGES_WHILE_DOWN = 6;

let sys: TestSystem;
let receiver: Receiver;
let stateDir: string;
const never = () => new Promise<never>(() => {});

const start = (extra: Partial<LocalEventsOptions> = {}) =>
  sys.startEvents({
    policy: { baseDelaySeconds: 0, timeoutMs: 2000 },
    stateDir,
    ...extra,
  });

const until = async (what: string, done: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'outbound-webhook-restart-'));
  receiver = await startReceiver(() => 200);
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
  await receiver?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Commits `n` changes of a customer (one outplan_created webhook each); returns their ids. */
const commit = async (c: Client, n: number, label: string) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await c.post('/outplans', anOutplan({ name: `${label} ${i}` }));
    expect(res.status).toBe(200);
    ids.push(res.body.id);
  }
  return ids;
};

/**
 * One crash: a customer of its own, the first runtime run with `crashing` options until `crashed()`
 * is true, dropped, more changes committed, and a second runtime on the same state that must deliver
 * every one of them.
 */
const crashAndRestart = async (
  step: string,
  crashing: (signal: { reached: () => void }) => {
    options: Partial<LocalEventsOptions>;
    loops: boolean;
    /** A clean stop (not drained) instead of a crash. */
    graceful?: boolean;
  },
) => {
  const path = `/${step.replace(/\W+/g, '-')}`;
  const made = await sys.admin.post('/customers', { name: step, webhook_uri: receiver.url(path) });
  const client = sys.clientFor(made.body.accesskey.token) as Client;
  let reached = false;
  const { options, loops, graceful } = crashing({ reached: () => (reached = true) });
  const first = await start(options);
  const before = await commit(client, CHANGES_BEFORE, 'before');
  if (loops) first.startLoops(() => {}, 50);
  else await first.pollStream();
  await until(`the ${step} step`, () => reached);
  await (graceful ? first.stop() : first.abandon());

  const whileDown = await commit(client, CHANGES_WHILE_DOWN, 'while down');
  const restartedAt = Date.now();
  let deliveredIn = Number.NaN;
  const second = await start();
  second.startLoops(() => {}, 50);
  const committed = [...before, ...whileDown];
  const arrived = () => new Set(receiver.received(path).map((r) => r.json.data.id));
  try {
    await until('every webhook after the restart', () => committed.every((id) => arrived().has(id)));
    deliveredIn = (Date.now() - restartedAt) / 1000;
  } catch {
    // Reported below as lost.
  } finally {
    await second.stop();
  }
  const got = receiver.received(path);
  const lost = committed.filter((id) => !arrived().has(id)).length;
  const duplicates = got.length - new Set(got.map((r) => r.deliveryId)).size;
  recordFigures(`webhook restart: crash ${step}`, [
    { figure: 'changes committed', value: committed.length },
    { figure: 'webhooks delivered (distinct)', value: new Set(got.map((r) => r.deliveryId)).size },
    { figure: 'lost', value: lost, bound: '= 0' },
    { figure: 'duplicates', value: duplicates, bound: 'allowed' },
    { figure: 'all delivered after restart (s)', value: deliveredIn.toFixed(1) },
  ]);
  expect(lost).toBe(0);
  // One delivery id per change, however often it was sent.
  expect(new Set(got.map((r) => r.deliveryId)).size).toBe(committed.length);
};

describe('webhooks across a crash and restart', () => {
  it('loses nothing across a clean stop with deliveries still queued', async () => {
    await crashAndRestart('clean stop, not drained', ({ reached }) => ({
      options: {
        sink: (sink) => ({
          enqueue: async (jobs) => {
            const refused = await sink.enqueue(jobs);
            reached();
            return refused;
          },
        }),
      },
      loops: false,
      graceful: true,
    }));
  });

  it('loses nothing when it stops after reading the stream, before enqueueing', async () => {
    await crashAndRestart('after stream read, before enqueue', ({ reached }) => ({
      // The handler has read and converted the records; the queue never gets them.
      options: {
        sink: () => ({
          enqueue: () => {
            reached();
            return never();
          },
        }),
      },
      loops: true,
    }));
  });

  it('loses nothing when it stops after enqueueing, before any delivery', async () => {
    await crashAndRestart('after enqueue, before delivery', ({ reached }) => ({
      options: {
        sink: (sink) => ({
          enqueue: async (jobs) => {
            const refused = await sink.enqueue(jobs);
            reached();
            return refused;
          },
        }),
      },
      // Only the stream is read (pollStream): no delivery loop runs.
      loops: false,
    }));
  });

  it('loses nothing when it stops mid-delivery (jobs received, requests not answered)', async () => {
    await crashAndRestart('mid-delivery', ({ reached }) => {
      // The jobs are in flight on the queue; the process dies before any answer comes back (here,
      // before the bytes reach the endpoint, so only a redelivery can bring them there).
      const sender: WebhookSender = {
        post: () => {
          reached();
          return never();
        },
      };
      return { options: { sender }, loops: true };
    });
  });
});
