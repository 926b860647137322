/**
 * Outdials' target counts and targets by number: kept from the table's stream (the local runtime's
 * stream reader, as `npm start` runs it), read through the API.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTargetIndexStore } from '#adapters/dynamodb/target-index-store.ts';
import type { LocalEvents } from '../../infra/local/events-runtime.ts';
import { anOutdial, aTarget } from '../support/factories/bodies.ts';
import { allPages, type Client, startTestApi, type TestApi } from '../support/local-api.ts';
import { localDocumentClient, TEST_TABLE } from '../support/local-dynamo.ts';
import { startTableEvents } from '../support/system.ts';

let api: TestApi;
let events: LocalEvents;
beforeAll(async () => {
  api = await startTestApi();
  events = await startTableEvents({ ddb: localDocumentClient(), tableName: TEST_TABLE, clock: api.clock });
});
afterAll(async () => {
  await events.stop();
  await api.close();
});

const tel = (target: string) => ({ type: 'tel', target });

const anOutdialOf = async (client: Client) => {
  const res = await client.post('/outdials', anOutdial());
  expect(res.status).toBe(200);
  return res.body.id as string;
};

const countOf = async (client: Client, outdialId: string) => {
  await events.drain();
  const res = await client.get(`/outdials/${outdialId}`);
  expect(res.status).toBe(200);
  return res.body.target_count as number;
};

describe('target_count of an outdial', () => {
  // 160 targets through the stream: it can take longer than the default 30 s on a loaded 2-core machine.
  it('starts at 0 and is exact after concurrent creates, batches, deletes and retried batches', {
    timeout: 120_000,
  }, async () => {
    const alice = await api.newCustomer();
    const outdialId = await anOutdialOf(alice);
    expect(await countOf(alice, outdialId)).toBe(0);

    const batch = (n: number, from: number) => ({
      targets: Array.from({ length: n }, (_, i) =>
        aTarget({ destination_0: tel(`+1555200${String(from + i).padStart(4, '0')}`) }),
      ),
    });
    const key = randomUUID();
    const retried = batch(100, 0);
    const sends = [
      alice.request('POST', `/outdials/${outdialId}/targets/batch`, retried, {
        headers: { 'Idempotency-Key': key },
      }),
      alice.request('POST', `/outdials/${outdialId}/targets/batch`, retried, {
        headers: { 'Idempotency-Key': key },
      }),
      alice.post(`/outdials/${outdialId}/targets/batch`, batch(50, 100)),
      ...Array.from({ length: 10 }, (_, i) =>
        alice.post(`/outdials/${outdialId}/targets`, aTarget({ destination_0: tel(`+1555300001${i}`) })),
      ),
    ];
    const replies = await Promise.all(sends);
    // The two sends of one key make one batch (the second waits for or replays the first, or is
    // refused while the first is under way): never two.
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(12);
    expect(replies.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const live = await allPages(alice, `/outdials/${outdialId}/targets`);
    expect(live).toHaveLength(160);
    expect(await countOf(alice, outdialId)).toBe(160);

    const doomed = live.slice(0, 7);
    await Promise.all(
      doomed.flatMap((t) => [
        alice.del(`/outdials/${outdialId}/targets/${t.id}`),
        alice.del(`/outdials/${outdialId}/targets/${t.id}`),
      ]),
    );
    expect(await countOf(alice, outdialId)).toBe(153);
    expect((await allPages(alice, `/outdials/${outdialId}/targets`)).length).toBe(153);
  });

  it('moves no count when the stream hands the same changes again', async () => {
    const alice = await api.newCustomer();
    const outdialId = await anOutdialOf(alice);
    const t = (
      await alice.post(`/outdials/${outdialId}/targets`, aTarget({ destination_0: tel('+15554440001') }))
    ).body;
    expect(await countOf(alice, outdialId)).toBe(1);
    const store = new DynamoTargetIndexStore(localDocumentClient(), TEST_TABLE);
    const target = {
      id: t.id,
      customerId: alice.customerId,
      outdialId,
      tmCreate: t.tm_create,
      numbers: ['+15554440001'],
      state: 'idle' as const,
    };
    // The add again (alone, and in a group with a new one), then the remove twice.
    await store.record([{ kind: 'added', target }]);
    expect(await countOf(alice, outdialId)).toBe(1);
    const other = (
      await alice.post(`/outdials/${outdialId}/targets`, aTarget({ destination_0: tel('+15554440002') }))
    ).body;
    await events.drain();
    await store.record([
      { kind: 'added', target },
      {
        kind: 'added',
        target: { ...target, id: other.id, tmCreate: other.tm_create, numbers: ['+15554440002'] },
      },
    ]);
    expect(await countOf(alice, outdialId)).toBe(2);
    await alice.del(`/outdials/${outdialId}/targets/${t.id}`);
    expect(await countOf(alice, outdialId)).toBe(1);
    await store.record([{ kind: 'removed', target }]);
    await store.record([{ kind: 'removed', target }]);
    expect(await countOf(alice, outdialId)).toBe(1);
  });
});

describe('GET /outdials/{id}/targets?number=', () => {
  it("finds the list's live targets with the number, however it is written, page by page", async () => {
    const alice = await api.newCustomer();
    const outdialId = await anOutdialOf(alice);
    const otherList = await anOutdialOf(alice);
    const wanted = '+442079460018';
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = aTarget({
        name: `match ${i}`,
        destination_0: tel(`+1555600000${i}`),
        // In the second slot, written with spaces: stored in E.164.
        destination_1: tel('+44 20 7946 0018'),
      });
      created.push((await alice.post(`/outdials/${outdialId}/targets`, body)).body.id);
    }
    await alice.post(`/outdials/${outdialId}/targets`, aTarget({ destination_0: tel('+15556009999') }));
    await alice.post(`/outdials/${otherList}/targets`, aTarget({ destination_0: tel(wanted) }));
    const gone = (await alice.post(`/outdials/${outdialId}/targets`, aTarget({ destination_0: tel(wanted) })))
      .body;
    await alice.del(`/outdials/${outdialId}/targets/${gone.id}`);
    await events.drain();

    const found: string[] = [];
    let token = '';
    for (let page = 0; page < 5; page++) {
      const res = await alice.get(
        `/outdials/${outdialId}/targets?number=${encodeURIComponent('+44 (0)20 7946 0018'.replace(' (0)', ' '))}&page_size=2&page_token=${encodeURIComponent(token)}`,
      );
      expect(res.status).toBe(200);
      found.push(...res.body.result.map((t: { id: string }) => t.id));
      if (res.body.result.length < 2) break;
      token = res.body.next_page_token;
    }
    // Newest first, each once, none of the other list's or the deleted one.
    expect(found).toEqual([...created].reverse());
  });

  it('answers 400 for a number that is not one, 403 for another customer, and an empty page for no match', async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const outdialId = await anOutdialOf(alice);
    expect((await alice.get(`/outdials/${outdialId}/targets?number=hello`)).status).toBe(400);
    expect((await bob.get(`/outdials/${outdialId}/targets?number=%2B15551230000`)).status).toBe(403);
    const none = await alice.get(`/outdials/${outdialId}/targets?number=%2B15551230000`);
    expect(none.status).toBe(200);
    expect(none.body.result).toEqual([]);
  });
});
