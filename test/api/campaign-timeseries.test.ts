/**
 * Calls per minute: the stream handler (as the table stream runs it) writes the minutes on DynamoDB
 * Local; the API reads them back. Stream records are built from attempt images as DynamoDB emits them.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
import { DynamoCallTimeseriesStore } from '#adapters/dynamodb/call-timeseries-store.ts';
import { buildStreamHandler } from '#functions/events/stream-handler.ts';
import type { CallTimeseriesStore } from '#ports/call-timeseries-store.ts';
import type { DeliveryJob } from '#ports/event-sink.ts';
import { apiPerFile } from '../support/api-per-file.ts';
import { aCampaign } from '../support/factories/bodies.ts';
import { streamRecords } from '../support/factories/stream-records.ts';
import type { TestApi } from '../support/local-api.ts';
import { localDocumentClient, TEST_TABLE } from '../support/local-dynamo.ts';

const api = apiPerFile();

const store = () => new DynamoCallTimeseriesStore(localDocumentClient(), TEST_TABLE);

const handlerWith = (timeseries: Pick<CallTimeseriesStore, 'record'> = store()) => {
  const jobs: DeliveryJob[] = [];
  const handler = buildStreamHandler({
    accesskeys: new DynamoAccesskeyStore(localDocumentClient(), TEST_TABLE),
    ids: cryptoIds,
    sink: {
      enqueue: async (batch) => {
        jobs.push(...batch);
        return [];
      },
    },
    timeseries,
  });
  return { handler, jobs };
};

const record = streamRecords('e', 1000);

/** One attempt's life as stream records: placed, answered (optional), closed. */
const attempt = (
  campaignId: string,
  customerId: string,
  times: { placed: string; answered?: string; closed: string },
  end: { result: 'success' | 'fail'; reason?: string },
) => {
  const id = randomUUID();
  const dialing = {
    pk: `campaigncall#${id}`,
    sk: 'campaigncall',
    et: 'campaigncall',
    id,
    customer_id: customerId,
    campaign_id: campaignId,
    status: 'dialing',
    result: '',
    tm_create: times.placed,
  };
  const records = [record(undefined, dialing)];
  let last: Record<string, unknown> = dialing;
  if (times.answered) {
    const progressing = { ...dialing, status: 'progressing', tm_update: times.answered };
    records.push(record(last, progressing));
    last = progressing;
  }
  const done = { ...last, status: 'done', result: end.result, _reason: end.reason, tm_update: times.closed };
  records.push(record(last, done));
  return { id, records };
};

const T = (hhmmss: string) => `2026-11-20T${hhmmss}.000000Z`;

const aCampaignOf = async (client: Awaited<ReturnType<TestApi['newCustomer']>>) => {
  const res = await client.post('/campaigns', aCampaign());
  expect(res.status).toBe(200);
  return res.body.id as string;
};

describe('GET /campaigns/{id}/timeseries', () => {
  it('counts dials, answers and outcomes by reason in the minute each happened', async () => {
    const alice = await api.newCustomer();
    const campaignId = await aCampaignOf(alice);
    const { handler } = handlerWith();
    const a = attempt(
      campaignId,
      alice.customerId,
      { placed: T('10:00:05'), answered: T('10:00:20'), closed: T('10:01:10') },
      { result: 'success' },
    );
    const b = attempt(
      campaignId,
      alice.customerId,
      { placed: T('10:00:40'), closed: T('10:01:20') },
      { result: 'fail', reason: 'busy' },
    );
    const c = attempt(
      campaignId,
      alice.customerId,
      { placed: T('10:01:30'), closed: T('10:02:00') },
      { result: 'fail', reason: 'noanswer' },
    );
    const out = await handler({ Records: [...a.records, ...b.records, ...c.records] });
    expect(out.batchItemFailures).toEqual([]);

    const res = await alice.get(
      `/campaigns/${campaignId}/timeseries?from=${T('09:59:00')}&to=${T('10:03:00')}`,
    );
    expect(res.status).toBe(200);
    const zero = { dialed: 0, answered: 0, succeeded: 0, failed: 0, failed_by_reason: {} };
    expect(res.body).toEqual({
      campaign_id: campaignId,
      from: T('09:59:00'),
      to: T('10:03:00'),
      minutes: [
        { minute: T('09:59:00'), ...zero },
        { minute: T('10:00:00'), ...zero, dialed: 2, answered: 1 },
        { minute: T('10:01:00'), ...zero, dialed: 1, succeeded: 1, failed: 1, failed_by_reason: { busy: 1 } },
        { minute: T('10:02:00'), ...zero, failed: 1, failed_by_reason: { noanswer: 1 } },
        { minute: T('10:03:00'), ...zero },
      ],
    });
  });

  it('counts a stream record delivered twice (in one batch, and in a redelivered batch) once', async () => {
    const alice = await api.newCustomer();
    const campaignId = await aCampaignOf(alice);
    const { handler } = handlerWith();
    const a = attempt(
      campaignId,
      alice.customerId,
      { placed: T('11:00:05'), answered: T('11:00:10'), closed: T('11:00:50') },
      { result: 'fail', reason: 'amd' },
    );
    const [placed, answered, closed] = a.records as [DynamoDBRecord, DynamoDBRecord, DynamoDBRecord];
    await handler({ Records: [placed, placed, answered] });
    // The event source mapping hands the batch again (a retry), then the rest with the close twice.
    await handler({ Records: [placed, answered] });
    await handler({ Records: [closed, closed] });
    await handler({ Records: [closed] });

    const res = await alice.get(
      `/campaigns/${campaignId}/timeseries?from=${T('11:00:00')}&to=${T('11:00:00')}`,
    );
    expect(res.body.minutes).toEqual([
      {
        minute: T('11:00:00'),
        dialed: 1,
        answered: 1,
        succeeded: 0,
        failed: 1,
        failed_by_reason: { amd: 1 },
      },
    ]);
  });

  it('counts many attempts of one minute, spread over its shard items, each once', async () => {
    const alice = await api.newCustomer();
    const campaignId = await aCampaignOf(alice);
    const { handler } = handlerWith();
    const attempts = Array.from({ length: 120 }, (_, i) =>
      attempt(
        campaignId,
        alice.customerId,
        { placed: T(`12:00:${String(i % 60).padStart(2, '0')}`), closed: T('12:01:00') },
        { result: i % 3 === 0 ? 'success' : 'fail', reason: 'busy' },
      ),
    );
    const records = attempts.flatMap((a) => a.records);
    for (let i = 0; i < records.length; i += 100) await handler({ Records: records.slice(i, i + 100) });
    // Redelivered from the middle on.
    await handler({ Records: records.slice(150) });
    const res = await alice.get(
      `/campaigns/${campaignId}/timeseries?from=${T('12:00:00')}&to=${T('12:01:00')}`,
    );
    expect(res.body.minutes.map((m: { dialed: number }) => m.dialed)).toEqual([120, 0]);
    expect(res.body.minutes[1]).toMatchObject({ succeeded: 40, failed: 80, failed_by_reason: { busy: 80 } });
  });

  it('hands the whole batch back when the minutes cannot be written, before any webhook is looked at', async () => {
    const alice = await api.newCustomer();
    const campaignId = await aCampaignOf(alice);
    const a = attempt(
      campaignId,
      alice.customerId,
      { placed: T('13:00:00'), closed: T('13:00:30') },
      { result: 'success' },
    );
    const lookups = (counter: { n: number }) => {
      const store = new DynamoAccesskeyStore(localDocumentClient(), TEST_TABLE);
      return {
        getCustomer: (id: string) => {
          counter.n += 1;
          return store.getCustomer(id);
        },
      };
    };
    const sink = { enqueue: async () => [] };
    const fine = { n: 0 };
    const working = buildStreamHandler({
      accesskeys: lookups(fine),
      ids: cryptoIds,
      sink,
      timeseries: store(),
    });
    expect((await working({ Records: a.records })).batchItemFailures).toEqual([]);
    expect(fine.n).toBeGreaterThan(0);

    const failed = { n: 0 };
    const failing = buildStreamHandler({
      accesskeys: lookups(failed),
      ids: cryptoIds,
      sink,
      timeseries: { record: async () => Promise.reject(new Error('table unreachable')) },
    });
    const out = await failing({ Records: a.records });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: a.records[0]?.dynamodb?.SequenceNumber }]);
    expect(failed.n).toBe(0);
  });

  it('defaults to the last hour, ending at the current minute', async () => {
    const alice = await api.newCustomer();
    const campaignId = await aCampaignOf(alice);
    const res = await alice.get(`/campaigns/${campaignId}/timeseries`);
    expect(res.status).toBe(200);
    expect(res.body.minutes).toHaveLength(60);
    const now = new Date(api.clock.now());
    now.setUTCSeconds(0, 0);
    expect(res.body.to).toBe(now.toISOString().replace('Z', '000Z'));
  });

  it('answers 400 for a range that is not one (bad timestamp, from after to, over a day)', async () => {
    const alice = await api.newCustomer();
    const campaignId = await aCampaignOf(alice);
    for (const q of [
      'from=yesterday',
      `from=${T('10:00:00')}&to=${T('09:00:00')}`,
      'from=2026-11-20T00:00:00.000000Z&to=2026-11-21T00:00:00.000000Z',
      'bucket=5',
    ]) {
      const res = await alice.get(`/campaigns/${campaignId}/timeseries?${q}`);
      expect(res.status, q).toBe(400);
    }
  });

  it("answers 403 for another customer's campaign and 404 for an unknown one", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const campaignId = await aCampaignOf(alice);
    expect((await bob.get(`/campaigns/${campaignId}/timeseries`)).status).toBe(403);
    expect((await alice.get(`/campaigns/${randomUUID()}/timeseries`)).status).toBe(404);
  });
});
