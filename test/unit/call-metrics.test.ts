import { createHash, randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { buildStreamHandler } from '#functions/events/stream-handler.ts';
import type { DeliveryJob } from '#ports/event-sink.ts';
import { type CallCounts, callCounts, isEmpty, noCalls, totalFailed } from '#services/events/call-metrics.ts';
import type { ItemChange } from '#services/events/enqueue-deliveries.ts';
import { aCampaigncallItem } from '../support/factories/items.ts';

const T0 = '2026-01-01T00:00:00.000Z';

const aCallItem = aCampaigncallItem;

const change = (oldImage?: Record<string, unknown>, newImage?: Record<string, unknown>): ItemChange => ({
  recordId: randomUUID(),
  ...(oldImage ? { oldImage } : {}),
  ...(newImage ? { newImage } : {}),
});

const dialing = aCallItem();
const progressing = aCallItem({ status: 'progressing' });
const done = (result: string, reason?: string) =>
  aCallItem({ status: 'done', result, ...(reason ? { _reason: reason } : {}) });

describe('call metrics from campaigncall changes', () => {
  it('counts a new campaigncall as one call placed', () => {
    expect(callCounts([change(undefined, dialing)])).toEqual({ ...noCalls(), placed: 1 });
  });

  it('counts dialing → progressing as an answer', () => {
    expect(callCounts([change(dialing, progressing)])).toEqual({ ...noCalls(), answered: 1 });
  });

  it('counts a success when an answered call ends normally', () => {
    expect(callCounts([change(progressing, done('success', 'normal'))])).toEqual({
      ...noCalls(),
      succeeded: 1,
    });
  });

  it('counts failures by hangup reason, answered or not', () => {
    const counts = callCounts([
      change(dialing, done('fail', 'busy')),
      change(aCallItem({ id: 'cc2' }), done('fail', 'busy')),
      change(dialing, done('fail', 'noanswer')),
      change(progressing, done('fail', 'abandoned')),
    ]);
    expect(counts.failedByReason).toEqual({ busy: 2, noanswer: 1, abandoned: 1 });
    expect(totalFailed(counts)).toBe(4);
  });

  it('files a failure without a recorded reason under unknown', () => {
    expect(callCounts([change(dialing, done('fail'))]).failedByReason).toEqual({ unknown: 1 });
  });

  it('counts nothing for writes that do not change the status', () => {
    const counts = callCounts([
      // The provider's call id arriving, a soft delete, the same status written again.
      change(dialing, aCallItem({ _call_id: 'CA1' })),
      change(done('fail', 'busy'), { ...done('fail', 'busy'), tm_delete: T0 }),
      change(progressing, progressing),
    ]);
    expect(isEmpty(counts)).toBe(true);
  });

  it('counts nothing for other items, removals or a campaigncall that is already done', () => {
    const counts = callCounts([
      change(undefined, { et: 'campaign', id: 'c1', status: 'run', customer_id: 'cust-1' }),
      change({ et: 'outdialtarget', status: 'idle' }, { et: 'outdialtarget', status: 'progressing' }),
      change(undefined, { pk: 'RATE#twilio', sk: 'RATE', et: 'rate-limit', tat: 1 }),
      change(done('success', 'normal'), undefined),
      change(done('fail', 'busy'), done('fail', 'busy')),
    ]);
    expect(counts).toEqual(noCalls());
  });

  it('adds up a batch with every kind of change', () => {
    const counts = callCounts([
      change(undefined, aCallItem({ id: 'a' })),
      change(undefined, aCallItem({ id: 'b' })),
      change(aCallItem({ id: 'a' }), aCallItem({ id: 'a', status: 'progressing' })),
      change(
        aCallItem({ id: 'b' }),
        aCallItem({ id: 'b', status: 'done', result: 'fail', _reason: 'failed' }),
      ),
      change(
        aCallItem({ id: 'a', status: 'progressing' }),
        aCallItem({ id: 'a', status: 'done', result: 'success', _reason: 'normal' }),
      ),
    ]);
    expect(counts).toEqual({ placed: 2, answered: 1, succeeded: 1, failedByReason: { failed: 1 } });
  });
});

describe('the stream handler publishing call metrics', () => {
  const record = (id: string, oldImage?: Record<string, unknown>, newImage?: Record<string, unknown>) => ({
    eventID: id,
    dynamodb: {
      SequenceNumber: id,
      ...(oldImage ? { OldImage: marshall(oldImage) as never } : {}),
      ...(newImage ? { NewImage: marshall(newImage) as never } : {}),
    },
  });
  const published: CallCounts[] = [];
  const handlerWith = (refuse: (job: DeliveryJob) => boolean) =>
    buildStreamHandler({
      accesskeys: { getCustomer: async (id) => ({ id, webhook_uri: 'https://example.com/h' }) as never },
      ids: { hash: (s) => createHash('sha256').update(s).digest('hex') },
      sink: { enqueue: async (jobs) => jobs.filter(refuse).map((j) => j.deliveryId) },
      publishCalls: (counts) => published.push(counts),
    });

  it('counts every change of a batch that was fully enqueued', async () => {
    published.length = 0;
    const out = await handlerWith(() => false)({
      Records: [record('1', undefined, dialing), record('2', dialing, done('fail', 'busy'))],
    });
    expect(out.batchItemFailures).toEqual([]);
    expect(published).toEqual([{ placed: 1, answered: 0, succeeded: 0, failedByReason: { busy: 1 } }]);
  });

  it('leaves out the changes that come back with the retried part of the batch', async () => {
    published.length = 0;
    const cc2 = aCallItem({ id: 'cc2' });
    const out = await handlerWith((job) => job.data.id === 'cc2')({
      Records: [
        record('1', undefined, dialing),
        record('2', undefined, cc2),
        record('3', dialing, progressing),
      ],
    });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(published).toEqual([{ ...noCalls(), placed: 1 }]);
  });
});
