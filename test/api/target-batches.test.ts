/**
 * POST /outdials/{id}/targets/batch (our addition): up to 100 targets in one request, written in one
 * transaction, so a list of a million people is 10,000 requests and a failure never leaves half a batch.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import { asTimestamp, expectDeniedWithoutLeak, expectError, expectInvalid } from '../support/expectations.ts';
import { anOutdial, aTarget } from '../support/factories/bodies.ts';
import { allPages, type Client } from '../support/local-api.ts';

const api = apiPerFile();

type Customer = Client & { customerId: string };

const givenAnOutdial = async () => {
  const owner: Customer = await api.newCustomer();
  const res = await owner.post('/outdials', anOutdial());
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const outdial = res.body;
  return {
    owner,
    outdial,
    targets: `/outdials/${outdial.id}/targets`,
    batch: `/outdials/${outdial.id}/targets/batch`,
  };
};

const people = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    aTarget({
      name: `person-${i}`,
      destination_0: { type: 'tel', target: `+1555000${String(i).padStart(4, '0')}` },
    }),
  );

describe('POST /outdials/{id}/targets/batch', () => {
  it("normalises tel destinations and keeps each target's time zone, as single creates do", async () => {
    const { owner, batch } = await givenAnOutdial();
    const res = await owner.post(batch, {
      targets: [
        aTarget({ destination_0: { type: 'tel', target: '+1 (415) 555-0100' }, timezone: 'Europe/London' }),
        aTarget({ destination_0: { type: 'tel', target: 'tel:+14155550100' } }),
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.result.map((t: any) => [t.destination_0.target, t.timezone])).toEqual([
      ['+14155550100', 'Europe/London'],
      ['+14155550100', null],
    ]);
    // One bad number refuses the whole batch, naming it.
    const bad = await owner.post(batch, {
      targets: [aTarget(), aTarget({ destination_0: { type: 'tel', target: '+1 555' } })],
    });
    expectInvalid(bad, 'targets.1.destination_0.target');
  });

  it('creates 100 idle, never-tried targets, answered in upload order, each as a single create shows it', async () => {
    const { owner, outdial, targets, batch } = await givenAnOutdial();
    api.clock.advance(1_000);
    api.clock.freeze();
    const at = api.clock.now();
    const res = await owner.post(batch, { targets: people(100) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body)).toEqual(['result']);
    expect(res.body.result).toHaveLength(100);
    res.body.result.forEach((t: Record<string, unknown>, i: number) => {
      expect(t).toMatchObject({
        outdial_id: outdial.id,
        name: `person-${i}`,
        status: 'idle',
        destination_0: expect.objectContaining({
          type: 'tel',
          target: `+1555000${String(i).padStart(4, '0')}`,
        }),
        destination_1: null,
        try_count_0: 0,
        tm_delete: null,
      });
      // The same millisecond, one microsecond apart: the order of upload is the order of creation.
      expect(t.tm_create).toBe(asTimestamp(at).replace(/000Z$/, `${String(i).padStart(3, '0')}Z`));
      expect(t.tm_update).toBe(t.tm_create);
      expect(t).not.toHaveProperty('customer_id');
    });
    expect(new Set(res.body.result.map((t: { id: string }) => t.id)).size).toBe(100);

    // Each reads back exactly as answered, and the list is newest first: the batch reversed.
    const first = res.body.result[0];
    expect((await owner.get(`${targets}/${first.id}`)).body).toEqual(first);
    const listed = await allPages(owner, targets);
    expect(listed.map((t) => t.name)).toEqual(
      people(100)
        .map((p) => p.name)
        .reverse(),
    );
  });

  it('keeps a list uploaded in batches in upload order across batches', async () => {
    const { owner, targets, batch } = await givenAnOutdial();
    const all = people(250);
    for (let i = 0; i < all.length; i += 100) {
      api.clock.advance(1);
      expect((await owner.post(batch, { targets: all.slice(i, i + 100) })).status).toBe(200);
    }
    const listed = await allPages(owner, targets);
    expect(listed.map((t) => t.name)).toEqual(all.map((p) => p.name).reverse());
  });

  it('refuses the whole batch when one target is invalid, naming it by index, and writes none', async () => {
    const { owner, targets, batch } = await givenAnOutdial();
    const sent: Record<string, unknown>[] = people(5);
    sent[3] = aTarget({ destination_0: { type: 'tel', target: '555-not-e164' } });
    expectInvalid(await owner.post(batch, { targets: sent }), 'targets.3.destination_0.target');
    sent[3] = { name: 'nobody' };
    expectInvalid(await owner.post(batch, { targets: sent }), 'targets.3.destination_0');
    expect((await owner.get(targets)).body.result).toEqual([]);
  });

  it.each([
    ['no targets', { targets: [] }, 'targets'],
    ['more than 100', { targets: people(101) }, 'targets'],
    ['a bare array', people(2), 'body'],
    ['an unknown field', { targets: people(1), dry_run: true }, 'dry_run'],
    ['a server-owned field on a target', { targets: [aTarget({ status: 'done' })] }, 'targets.0.status'],
  ])('refuses %s with 400 and writes nothing', async (_label, body, field) => {
    const { owner, targets, batch } = await givenAnOutdial();
    expectInvalid(await owner.post(batch, body), field);
    expect((await owner.get(targets)).body.result).toEqual([]);
  });

  it('answers an unknown outdial with 404, a malformed one with 400, and a deleted one with 409', async () => {
    const { owner, outdial, targets, batch } = await givenAnOutdial();
    const body = { targets: people(2) };
    expectError(
      await owner.post(`/outdials/${randomUUID()}/targets/batch`, body),
      404,
      'NOT_FOUND',
      'OUTDIAL_NOT_FOUND',
    );
    expectError(
      await owner.post('/outdials/nope/targets/batch', body),
      400,
      'INVALID_ARGUMENT',
      'INVALID_ID',
    );
    expect((await owner.del(`/outdials/${outdial.id}`)).status).toBe(200);
    expectError(await owner.post(batch, body), 409, 'FAILED_PRECONDITION', 'RESOURCE_DELETED');
    expect((await owner.get(targets)).body.result).toEqual([]);
  });

  it("refuses another customer's outdial with a bare 403 and writes nothing there", async () => {
    const { owner: alice, targets, batch } = await givenAnOutdial();
    const mallory = await api.newCustomer();
    expectDeniedWithoutLeak(await mallory.post(batch, { targets: people(3) }), [alice.customerId]);
    expect((await alice.get(targets)).body.result).toEqual([]);
  });

  it('replays a retried batch with the same Idempotency-Key instead of writing it twice', async () => {
    const { owner, targets, batch } = await givenAnOutdial();
    const key = randomUUID();
    const send = () =>
      owner.request('POST', batch, { targets: people(10) }, { headers: { 'idempotency-key': key } });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await allPages(owner, targets)).toHaveLength(10);
  });
});

describe('ResourceStore.createAll', () => {
  it('writes nothing of a batch when any one item cannot be written', async () => {
    const { owner, outdial, targets } = await givenAnOutdial();
    const existing = (await owner.post(targets, aTarget({ name: 'already here' }))).body;
    const item = (name: string) => ({
      id: randomUUID(),
      outdial_id: outdial.id,
      customer_id: owner.customerId,
      name,
      status: 'idle',
      tm_create: asTimestamp(api.clock.now()),
    });
    const [a, b] = [item('a'), item('b')];
    // The middle item reuses an id that exists: its put is refused, and so is the whole batch.
    const clash = { ...item('clash'), id: existing.id };
    await expect(api.deps.resources.createAll('outdialtarget', [a, clash, b])).rejects.toThrow();
    for (const f of [a, b]) expect(await api.deps.resources.get('outdialtarget', f.id)).toBeUndefined();
    expect((await api.deps.resources.get('outdialtarget', existing.id))?.name).toBe('already here');
    expect((await owner.get(targets)).body.result.map((t: { name: string }) => t.name)).toEqual([
      'already here',
    ]);
  });

  it('refuses more than 100 items before writing any', async () => {
    const items = Array.from({ length: 101 }, () => ({ id: randomUUID(), tm_create: asTimestamp(0) }));
    await expect(api.deps.resources.createAll('outdialtarget', items)).rejects.toThrow(RangeError);
    expect(await api.deps.resources.get('outdialtarget', items[0]!.id)).toBeUndefined();
  });
});
