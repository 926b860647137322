/**
 * Every shape the API can store survives the change stream, on both paths a record takes to the
 * stream handler: as Lambda delivers it (AttributeValue JSON) and as the local runtime reads it from
 * DynamoDB Local's stream. Items are random values of each resource (campaign with any actions and
 * options, outplan, outdial, target, queue, agent, campaigncall) plus any storable JSON value beside.
 * Randomised: the seed is printed; FC_SEED=<n> repeats a run.
 */
import { randomUUID } from 'node:crypto';
import { UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamSpecification } from '#adapters/dynamodb/table.ts';
import { buildStreamHandler, toItemChange } from '#functions/events/stream-handler.ts';
import type { DeliveryJob } from '#ports/event-sink.ts';
import { toLambdaRecord } from '../../infra/local/events-runtime.ts';
import {
  aTable,
  dynamoEndpoint,
  localDocumentClient,
  localTableClient,
  type ScratchTable,
} from '../support/local-dynamo.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`webhooks-stream-shapes: fast-check seed ${seed} (repeat with FC_SEED=${seed})`);

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

// ---- what the API can store -------------------------------------------------------------------

/** Numbers DynamoDB and the document client take: no NaN/∞, no unsafe integers, no subnormals. */
const storableNumber = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc
    .double({ noNaN: true, noDefaultInfinity: true, min: -1e100, max: 1e100 })
    .filter((x) => x === 0 || Math.abs(x) > 1e-100)
    .filter((x) => !Number.isInteger(x) || Number.isSafeInteger(x))
    .map((x) => (Object.is(x, -0) ? 0 : x)),
);
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constant(''));
const key = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom('x', 'option', 'M', 'L', 'S'),
);

/** Any JSON value an option may hold: empty maps and lists at any depth included. */
const { value: storableValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    text,
    storableNumber,
    fc.boolean(),
    fc.constant(null),
    fc.constant({}),
    fc.constant([]),
    fc.constant([{}]),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
const option = fc.dictionary(key, storableValue, { maxKeys: 4 });
const action = fc.oneof(
  fc.record({ type: fc.constantFrom('answer', 'talk', 'hangup', 'queue_join') }),
  fc.record({ type: fc.constantFrom('answer', 'talk', 'connect'), option }),
);
const id = fc.uuid();
const tm = fc.constant('2026-01-01T00:00:00.000000Z');
const address = fc.record(
  { type: fc.constantFrom('tel', 'sip', 'agent'), target: text, target_name: text, name: text, detail: text },
  { requiredKeys: ['type', 'target'] },
);
const tagIds = fc.array(id, { maxLength: 3 });
const count = fc.integer({ min: 0, max: 100 });

/** An item as the table holds it: keys, `et`, resource fields, and any storable extra. */
const item = <T extends Record<string, unknown>>(et: string, fields: fc.Arbitrary<T>) =>
  fc.record({ id, customer_id: id, fields, extra: storableValue, tm_create: tm }).map((r) => ({
    pk: `${et}#${r.id}`,
    sk: et,
    et,
    id: r.id,
    customer_id: r.customer_id,
    tm_create: r.tm_create,
    extra: r.extra,
    ...r.fields,
  }));

const resources = {
  campaign: item(
    'campaign',
    fc.record({
      name: text,
      detail: text,
      type: fc.constantFrom('call', 'flow'),
      status: fc.constantFrom('stop', 'run', 'stopping'),
      service_level: count,
      end_handle: fc.constantFrom('stop', 'continue'),
      actions: fc.array(action, { maxLength: 4 }),
      outplan_id: id,
      outdial_id: id,
      queue_id: id,
      next_campaign_id: id,
      max_concurrent_calls: fc.integer({ min: 1, max: 1000 }),
      calling_hours: fc.oneof(
        fc.constant(null),
        fc.record({
          timezone: fc.constant('UTC'),
          days: fc.constant([1, 2]),
          start: fc.constant('09:00'),
          end: fc.constant('17:00'),
        }),
      ),
    }),
  ),
  outplan: item(
    'outplan',
    fc.record({
      name: text,
      detail: text,
      source: address,
      dial_timeout: fc.integer({ min: 0, max: 600_000 }),
      try_interval: fc.integer({ min: 0, max: 86_400_000 }),
      max_try_count_0: count,
      max_try_count_1: count,
    }),
  ),
  outdial: item('outdial', fc.record({ name: text, detail: text, data: text, campaign_id: id })),
  outdialtarget: item(
    'outdialtarget',
    fc.record(
      {
        outdial_id: id,
        name: text,
        detail: text,
        data: text,
        status: fc.constantFrom('idle', 'progressing', 'done'),
        destination_0: address,
        destination_1: address,
        try_count_0: count,
      },
      { requiredKeys: ['outdial_id', 'name', 'status', 'destination_0'] },
    ),
  ),
  queue: item('queue', fc.record({ name: text, detail: text, tag_ids: tagIds })),
  agent: item(
    'agent',
    fc.record({ name: text, detail: text, tag_ids: tagIds, status: fc.constantFrom('available', 'away') }),
  ),
  campaigncall: item(
    'campaigncall',
    fc.record({
      campaign_id: id,
      outdial_target_id: id,
      status: fc.constantFrom('dialing', 'progressing', 'done'),
      result: fc.constantFrom('', 'success', 'fail'),
      source: address,
      destination: address,
      destination_index: fc.integer({ min: 0, max: 4 }),
      try_count: count,
    }),
  ),
};
const anyItem = fc.oneof(...Object.values(resources));

/** The item as the document client reads it back: what the API itself would see. */
const asStored = (i: unknown) => JSON.parse(JSON.stringify(i));

/** The stream handler over records, with every customer hooked; the jobs it queued and its failures. */
const runHandler = async (records: DynamoDBRecord[]) => {
  const jobs: DeliveryJob[] = [];
  const handler = buildStreamHandler({
    accesskeys: {
      getCustomer: async (cid) => ({
        id: cid,
        name: 'c',
        detail: '',
        webhook_uri: 'https://example.com/hooks',
        tm_create: '2026-01-01T00:00:00.000Z',
        tm_update: null,
        tm_delete: null,
      }),
    },
    ids: { hash: (s) => Buffer.from(s).toString('hex').padEnd(32, '0').slice(-32) },
    sink: {
      enqueue: async (js) => {
        jobs.push(...js);
        return [];
      },
    },
  });
  const { batchItemFailures } = await handler({ Records: records });
  return { jobs, batchItemFailures };
};

describe('stream images of every storable shape', () => {
  it('round-trip as Lambda delivers them (AttributeValue JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyItem, { minLength: 1, maxLength: 5 }), async (items) => {
        const records: DynamoDBRecord[] = items.map((it, n) => ({
          eventID: `e${n}`,
          eventName: 'INSERT',
          dynamodb: {
            SequenceNumber: String(n + 1),
            // Through JSON, as the Lambda event is: the wire shape, not the SDK's objects.
            NewImage: JSON.parse(
              JSON.stringify(marshall(it, { removeUndefinedValues: true, convertClassInstanceToMap: true })),
            ),
          },
        }));
        for (const [n, r] of records.entries()) {
          expect(toItemChange(r).newImage).toEqual(asStored(items[n]));
        }
        const { jobs, batchItemFailures } = await runHandler(records);
        expect(batchItemFailures).toEqual([]);
        const published = items.filter((i) =>
          ['campaign', 'campaigncall', 'outplan', 'outdial', 'outdialtarget'].includes(i.et),
        );
        expect(jobs.map((j) => j.data.id)).toEqual(published.map((i) => i.id));
      }),
      { seed, numRuns: 200 },
    );
  });

  describe('as the local runtime reads them from DynamoDB Local', () => {
    const ddb = localDocumentClient();
    const admin = localTableClient();
    const streams = new DynamoDBStreamsClient({
      endpoint: dynamoEndpoint(),
      region: 'us-east-1',
      credentials,
    });
    let table: ScratchTable;
    let tableName = '';
    let streamArn = '';
    let iterator: string | undefined;

    beforeAll(async () => {
      table = await aTable('outbound-shapes');
      tableName = table.name;
      const out = await admin.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: streamSpecification }),
      );
      streamArn = out.TableDescription!.LatestStreamArn!;
      const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn })))
        .StreamDescription!.Shards![0]!.ShardId!;
      iterator = (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
    });
    afterAll(async () => {
      await table?.drop();
      admin.destroy();
      streams.destroy();
    });

    /** The stream's records since the last read, as the runtime hands them to the handler. */
    const readNew = async (expected: number) => {
      const got: DynamoDBRecord[] = [];
      for (let n = 0; got.length < expected && n < 50; n++) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator! }));
        iterator = out.NextShardIterator;
        got.push(...(out.Records ?? []).map((r) => toLambdaRecord(r, streamArn)));
      }
      return got;
    };

    it('round-trip, and the stream handler queues every one', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(anyItem, { minLength: 1, maxLength: 4 }), async (items) => {
          // Fresh keys each run, so every write is an INSERT whose new image is the item.
          const written = items.map((i) => ({ ...i, pk: `${i.et}#${randomUUID()}` }));
          for (const i of written) await ddb.send(new PutCommand({ TableName: tableName, Item: i }));
          const records = await readNew(written.length);
          expect(records).toHaveLength(written.length);
          for (const [n, r] of records.entries()) {
            expect(toItemChange(r).newImage).toEqual(asStored(written[n]));
          }
          const { batchItemFailures } = await runHandler(records);
          expect(batchItemFailures).toEqual([]);
        }),
        { seed, numRuns: 40 },
      );
      // About 160 writes and their stream reads: 3 s alone, but 30 to 37 s in full runs beside another
      // file on a loaded 2-core machine (the same seed). The case is about shapes, not speed.
    }, 120_000);
  });
});
