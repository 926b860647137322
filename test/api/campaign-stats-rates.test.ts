/**
 * GET /campaigns/{id}/stats → rates over the last 24 hours and 30 days: the stream handler (as the
 * table stream runs it) adds each attempt's answer, close, ring and talk time to the campaign's hour
 * and day sums on DynamoDB Local; the API reads ≤ 24 hour items and ≤ 30 day items back.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
import { DynamoCallTimeseriesStore } from '#adapters/dynamodb/call-timeseries-store.ts';
import { HOUR_MS, hourStartOf } from '#domain/call-timeseries.ts';
import { formatTimestamp } from '#domain/time.ts';
import { buildStreamHandler } from '#functions/events/stream-handler.ts';
import { apiPerFile } from '../support/api-per-file.ts';
import { aCampaign } from '../support/factories/bodies.ts';
import { streamRecords } from '../support/factories/stream-records.ts';
import { localDocumentClient, TEST_TABLE } from '../support/local-dynamo.ts';

const api = apiPerFile();

const handler = buildStreamHandler({
  accesskeys: new DynamoAccesskeyStore(localDocumentClient(), TEST_TABLE),
  ids: cryptoIds,
  sink: { enqueue: async () => [] },
  timeseries: new DynamoCallTimeseriesStore(localDocumentClient(), TEST_TABLE),
});

const record = streamRecords('r', 5000);

type End = 'success' | 'abandoned' | 'amd' | 'noanswer' | 'busy';

/** One attempt's stream records, placed at `atMs`: answered after 10 s (unless never), closed 60 s later. */
const attempt = (campaignId: string, customerId: string, atMs: number, end: End) => {
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
    tm_create: formatTimestamp(atMs),
  };
  const records = [record(undefined, dialing)];
  let last: Record<string, unknown> = dialing;
  const answered = end === 'success' || end === 'abandoned' || end === 'amd';
  if (answered) {
    const progressing = { ...dialing, status: 'progressing', tm_update: formatTimestamp(atMs + 10_000) };
    records.push(record(last, progressing));
    last = progressing;
  }
  const done = {
    ...last,
    status: 'done',
    result: end === 'success' ? 'success' : 'fail',
    ...(end === 'success' ? {} : { _reason: end }),
    tm_update: formatTimestamp(atMs + (answered ? 70_000 : 30_000)),
  };
  records.push(record(last, done));
  return records;
};

describe('GET /campaigns/{id}/stats rates', () => {
  it('gives answer and abandon rates and dials per minute over the last 24 hours and 30 days', async () => {
    const alice = await api.newCustomer();
    const created = await alice.post('/campaigns', aCampaign());
    const id = created.body.id as string;
    api.clock.freeze();
    const now = api.clock.now();
    // The campaign has run longer than either window, so each window's minutes count in full.
    await api.deps.resources.update(
      'campaign',
      id,
      { customerId: alice.customerId },
      { tm_create: formatTimestamp(now - 60 * 86_400_000) },
    );
    const at = (agoMs: number, ends: End[]) =>
      ends.flatMap((end, i) => attempt(id, alice.customerId, now - agoMs + i * 1_000, end));
    const records = [
      // Two hours ago: 4 people answered (1 abandoned), a machine, 5 nobody.
      ...at(2 * HOUR_MS, ['success', 'success', 'success', 'abandoned', 'amd']),
      ...at(2 * HOUR_MS, ['noanswer', 'noanswer', 'noanswer', 'noanswer', 'busy']),
      // Ten days ago: 2 people, 8 busy.
      ...at(10 * 86_400_000, ['success', 'success', 'busy', 'busy', 'busy', 'busy', 'busy', 'busy']),
      ...at(10 * 86_400_000 + 60_000, ['busy', 'busy']),
      // Forty days ago: outside both windows.
      ...at(40 * 86_400_000, ['success', 'success', 'success']),
    ];
    for (let i = 0; i < records.length; i += 25) {
      expect((await handler({ Records: records.slice(i, i + 25) })).batchItemFailures).toEqual([]);
    }
    // A redelivered stretch of the stream moves no rate.
    await handler({ Records: records.slice(10, 40) });

    const res = await alice.get(`/campaigns/${id}/stats`);
    expect(res.status).toBe(200);
    const minutes24h = (now - (hourStartOf(now) - 23 * HOUR_MS)) / 60_000;
    const day = now - (now % 86_400_000);
    const minutes30d = (now - (day - 29 * 86_400_000)) / 60_000;
    expect(res.body.rates.last_24h).toEqual({
      answer_rate: 0.4,
      abandon_rate: 0.25,
      dials_per_minute: expect.closeTo(10 / minutes24h, 9),
      agent_occupancy: null,
      dialed: 10,
      ended: 10,
      human_answered: 4,
      abandoned: 1,
    });
    expect(res.body.rates.last_30d).toEqual({
      answer_rate: 0.3,
      abandon_rate: expect.closeTo(1 / 6, 9),
      dials_per_minute: expect.closeTo(20 / minutes30d, 9),
      agent_occupancy: null,
      dialed: 20,
      ended: 20,
      human_answered: 6,
      abandoned: 1,
    });
  });

  it('gives agent occupancy as talk time over the logged-in agent time the ticks added', async () => {
    const alice = await api.newCustomer();
    const id = (await alice.post('/campaigns', aCampaign())).body.id as string;
    api.clock.freeze();
    const now = api.clock.now();
    const records = [
      // Two calls a person answered and talked on for 60 s each; the abandoned one has no talk time.
      ...attempt(id, alice.customerId, now - 20 * 60_000, 'success'),
      ...attempt(id, alice.customerId, now - 19 * 60_000, 'success'),
      ...attempt(id, alice.customerId, now - 18 * 60_000, 'abandoned'),
    ];
    expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
    const ts = api.deps.timeseries;
    // As ticks would add it, in the current hour: a first sample sets the mark, the next adds 3 agents × 100 s.
    const sample = { customerId: alice.customerId, campaignId: id, agents: 3, capMs: 100_000 };
    const first = hourStartOf(now) + 1_000;
    expect(await ts.addAgentTime({ ...sample, nowMs: first })).toEqual({ hourMs: 0, dayMs: 0 });
    expect(await ts.addAgentTime({ ...sample, nowMs: first + 100_000 })).toEqual({
      hourMs: 300_000,
      dayMs: 300_000,
    });
    const res = await alice.get(`/campaigns/${id}/stats`);
    expect(res.body.rates.last_24h.agent_occupancy).toBeCloseTo(120_000 / 300_000, 9);
    expect(res.body.rates.last_30d.agent_occupancy).toBeCloseTo(120_000 / 300_000, 9);
  });

  it('has null rates before any call, and keeps another customer out', async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const id = (await alice.post('/campaigns', aCampaign())).body.id as string;
    const res = await alice.get(`/campaigns/${id}/stats`);
    expect(res.body.rates.last_24h).toMatchObject({
      answer_rate: null,
      abandon_rate: null,
      dials_per_minute: 0,
      dialed: 0,
    });
    expect((await bob.get(`/campaigns/${id}/stats`)).status).toBe(403);
  });
});
