/**
 * The local dead-letter store: with a state directory, deliveries given up and stream records set
 * aside are kept in <state dir>/dead-letters/webhooks.jsonl, listed by the runtime and by the next
 * run on the same directory (and by `npm run dead-letters`, which reads the same file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeadLetters } from '../../infra/local/dead-letters.ts';
import type { LocalEventsOptions } from '../../infra/local/events-runtime.ts';
import { anOutplan } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';

let sys: TestSystem;
let receiver: Receiver;
let stateDir: string;
const broken = new Set<string>();

const start = (extra: Partial<LocalEventsOptions> = {}) =>
  sys.startEvents({
    // One attempt: given up at the first failure (retries are covered in webhooks.test.ts).
    policy: { maxAttempts: 1 },
    streamRetry: { maxTries: 2, baseDelayMs: 10 },
    stateDir,
    customerLookups: (store) => ({
      getCustomer: async (id) => {
        if (broken.has(id)) throw new Error('lookup down for good');
        return store.getCustomer(id);
      },
      getWebhookSettings: (id) => store.getWebhookSettings(id),
    }),
    ...extra,
  });

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'outbound-dead-letters-'));
  receiver = await startReceiver(({ path, attempt }) =>
    path === '/down' || (path === '/flaky' && attempt === 1) ? 500 : 200,
  );
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
  await receiver?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const aHookedCustomer = async (path: string) => {
  const res = await sys.admin.post('/customers', { name: path, webhook_uri: receiver.url(path) });
  return { client: sys.clientFor(res.body.accesskey.token) as Client, id: res.body.customer.id as string };
};

describe('webhook dead letters on disk', () => {
  it('keeps given-up deliveries and set-aside records across a restart', async () => {
    const first = await start();
    const down = await aHookedCustomer('/down');
    const lost = await aHookedCustomer('/lost');
    const fine = await aHookedCustomer('/fine');
    broken.add(lost.id);
    const undeliverable = (await down.client.post('/outplans', anOutplan())).body;
    const unreadable = (await lost.client.post('/outplans', anOutplan())).body;
    const behind = (await fine.client.post('/outplans', anOutplan())).body;
    await first.drain();
    await first.stop();

    expect(receiver.received('/down')).toHaveLength(1);
    expect(receiver.received('/fine').map((r) => r.json.data.id)).toEqual([behind.id]);
    const onDisk = readDeadLetters(stateDir);
    expect(onDisk.map((l) => l.source).sort()).toEqual(['delivery', 'stream']);
    const delivery = onDisk.find((l) => l.source === 'delivery');
    expect(delivery?.source === 'delivery' && delivery.job.data.id).toBe(undeliverable.id);
    expect(delivery?.reason).toBe('status 500');
    const stream = onDisk.find((l) => l.source === 'stream');
    expect(JSON.stringify(stream)).toContain(unreadable.id);

    const second = await start();
    try {
      expect(second.deadLetters()).toEqual(onDisk);
    } finally {
      await second.stop();
    }
  });

  it('brings a failed delivery back with the queues kept on disk', async () => {
    const events = await start({ policy: { baseDelaySeconds: 0, maxAttempts: 3 } });
    events.startLoops(() => {}, 50);
    try {
      const flaky = await aHookedCustomer('/flaky');
      await flaky.client.post('/outplans', anOutplan());
      const deadline = Date.now() + 15_000;
      while (receiver.received('/flaky').length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await events.stop();
    }
    const got = receiver.received('/flaky');
    expect(got).toHaveLength(2);
    expect(got[1]?.deliveryId).toBe(got[0]?.deliveryId);
  });
});
