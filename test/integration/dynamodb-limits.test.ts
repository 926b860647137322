/**
 * The DynamoDB limits model (test/support/dynamodb-limits.ts) in front of DynamoDB Local: partition
 * throughput on the table and on an index, read units, and transaction conflicts. Time is a hand-moved
 * clock, so no case depends on the machine's speed.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { type DynamoLimitsOptions, limitDynamo } from '../support/dynamodb-limits.ts';
import { dynamoEndpoint } from '../support/local-dynamo.ts';

const TABLE = 'outbound-test';
const endpoint = dynamoEndpoint();

/** A client with the model and a clock the test moves; `maxAttempts` 1 shows every refusal as it is. */
const limited = (options: Partial<DynamoLimitsOptions> & { maxAttempts?: number } = {}) => {
  const clock = { t: 0 };
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: options.maxAttempts ?? 1,
    }),
  );
  const model = limitDynamo(ddb, { endpoint, now: () => clock.t, ...options });
  return { ddb, model, clock };
};

/** A string attribute of `kb` KB less a little, so an item with it costs exactly `kb` write units. */
const padding = (kb: number) => 'x'.repeat(kb * 1024 - 200);

const item = (pk: string, extra: Record<string, unknown> = {}) => ({
  pk,
  sk: 'limits',
  et: 'limits',
  ...extra,
});

/** Runs `n` writes one after another; returns how many the model let through before the first refusal. */
const writeUntilRefused = async (n: number, write: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < n; i++) {
    try {
      await write(i);
    } catch (err) {
      return { passed: i, err };
    }
  }
  return { passed: n, err: undefined };
};

/** A gate a test opens by hand; `reached(n)` resolves once `n` requests wait at it. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  let arrived = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    open,
    reached: (n: number) =>
      new Promise<void>((resolve) => (arrived >= n ? resolve() : waiters.push({ n, resolve }))),
    hold: async () => {
      arrived++;
      for (const w of waiters) if (arrived >= w.n) w.resolve();
      await opened;
    },
  };
};

describe('DynamoDB limits model: partition throughput', () => {
  it('refuses writes over 1,000 WCU in a second on one key with the SDK throttling error, and lets them through as capacity comes back', async () => {
    const { ddb, model, clock } = limited();
    const pk = `limits#${randomUUID()}`;
    const body = padding(10); // 10 WCU per write
    const put = (i: number) => ddb.send(new PutCommand({ TableName: TABLE, Item: item(pk, { body, n: i }) }));

    const first = await writeUntilRefused(150, put);
    expect(first.passed).toBe(100);
    expect(first.err).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((first.err as ProvisionedThroughputExceededException).ThrottlingReasons?.[0]?.reason).toBe(
      'TableWriteKeyRangeThroughputExceeded',
    );

    // A tenth of a second refills 100 WCU: ten more writes.
    clock.t += 100;
    expect((await writeUntilRefused(50, put)).passed).toBe(10);
    expect(model.refused.get('write-throttled table limits#*')).toBe(2);
  });

  it('lets a key written at 900 WCU a second write for as long as it keeps that pace', async () => {
    const { ddb, model, clock } = limited();
    const pk = `limits#${randomUUID()}`;
    const body = padding(10);
    for (let second = 0; second < 3; second++) {
      const run = await writeUntilRefused(90, (i) =>
        ddb.send(new PutCommand({ TableName: TABLE, Item: item(pk, { body, n: i }) })),
      );
      expect(run.passed).toBe(90);
      clock.t += 1000;
    }
    expect(model.total()).toBe(0);
  });

  it('gives every key its own budget', async () => {
    const { ddb, model } = limited();
    const [hot, cold] = [`limits#${randomUUID()}`, `limits#${randomUUID()}`];
    const body = padding(10);
    const put = (pk: string) => ddb.send(new PutCommand({ TableName: TABLE, Item: item(pk, { body }) }));
    expect((await writeUntilRefused(120, () => put(hot))).passed).toBe(100);
    await put(cold);
    await expect(put(hot)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(model.total('write-throttled')).toBe(2);
  });

  it('counts every item of a write transaction twice and cancels it with a ThrottlingError at the item over the limit', async () => {
    const { ddb } = limited();
    const pk = `limits#${randomUUID()}`;
    const other = `limits#${randomUUID()}`;
    const body = padding(5); // 5 WCU, 10 in a transaction
    const write = () =>
      ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: item(other, { n: 1 }) } },
            { Put: { TableName: TABLE, Item: item(pk, { body }) } },
          ],
        }),
      );
    const run = await writeUntilRefused(150, write);
    expect(run.passed).toBe(100);
    expect(run.err).toBeInstanceOf(TransactionCanceledException);
    expect((run.err as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'ThrottlingError',
    ]);
  });

  it("throttles a base-table write when an index partition it is copied to is over its limit, though the item's own key is not", async () => {
    const { ddb, model } = limited();
    const due = `outdial#${randomUUID()}#fresh`;
    // destination_0 is copied to the byDue index: 10 WCU on the index partition per write, each to a new item.
    const destination_0 = padding(10);
    const put = () =>
      ddb.send(
        new PutCommand({
          TableName: TABLE,
          Item: item(`limits#${randomUUID()}`, { gsi3pk: due, gsi3sk: randomUUID(), destination_0 }),
        }),
      );
    const run = await writeUntilRefused(150, put);
    expect(run.passed).toBe(100);
    expect(run.err).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((run.err as ProvisionedThroughputExceededException).ThrottlingReasons?.[0]?.reason).toBe(
      'IndexWriteKeyRangeThroughputExceeded',
    );
    expect(model.refused.get('write-throttled byDue outdial#*#fresh')).toBe(1);
    // The same size written outside the index still goes through.
    await ddb.send(
      new PutCommand({ TableName: TABLE, Item: item(`limits#${randomUUID()}`, { destination_0 }) }),
    );
  });

  it('bills an update that leaves the index partition twice there, and one that changes no copied attribute not at all', async () => {
    const { model } = limited();
    const old = { pk: { S: 'limits#a' }, sk: { S: 'limits' }, gsi3pk: { S: 'p1' }, gsi3sk: { S: 's' } };
    const charges = (expression: string, values: Record<string, { S: string }> = {}) =>
      model
        .writeCharges(
          {
            kind: 'update',
            table: TABLE,
            key: { pk: old.pk, sk: old.sk },
            update: { expression, names: undefined, values },
          },
          old,
          1,
        )
        .map((c) => `${c.where} ${c.pk} ${c.units}`);
    expect(charges('SET gsi3pk = :p', { ':p': { S: 'p2' } })).toEqual([
      'table limits#a 1',
      'byDue p1 1',
      'byDue p2 1',
    ]);
    expect(charges('SET detail = :d', { ':d': { S: 'not copied to byDue' } })).toEqual(['table limits#a 1']);
    expect(charges('REMOVE gsi3pk, gsi3sk')).toEqual(['table limits#a 1', 'byDue p1 1']);
  });

  it('refuses reads over 3,000 RCU in a second on one key, eventually consistent ones costing half', async () => {
    const { ddb, model, clock } = limited();
    const pk = `limits#${randomUUID()}`;
    await ddb.send(
      new PutCommand({ TableName: TABLE, Item: item(pk, { body: 'y'.repeat(100 * 1024 - 200) }) }),
    );
    clock.t += 1000;
    const get = (consistent: boolean) => () =>
      ddb.send(new GetCommand({ TableName: TABLE, Key: { pk, sk: 'limits' }, ConsistentRead: consistent }));
    // 100 KB: 25 RCU strongly consistent, 12.5 eventually consistent.
    const strong = await writeUntilRefused(200, get(true));
    expect(strong.passed).toBe(120);
    expect(strong.err).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect((strong.err as ProvisionedThroughputExceededException).ThrottlingReasons?.[0]?.reason).toBe(
      'TableReadKeyRangeThroughputExceeded',
    );
    clock.t += 1000;
    expect((await writeUntilRefused(300, get(false))).passed).toBe(240);
    expect(model.refused.get('read-throttled table limits#*')).toBe(2);
  });

  it('bills a query on the total size it returns and a batch read item by item, on each key it names', async () => {
    const { ddb, model } = limited();
    const pk = `limits#${randomUUID()}`;
    const body = 'z'.repeat(30 * 1024);
    for (const sk of ['a', 'b', 'c'])
      await ddb.send(new PutCommand({ TableName: TABLE, Item: { pk, sk, body } }));
    await ddb.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    );
    // Three items of 30 KB: 90 KB is 23 units of 4 KB, not 3 × 8.
    expect(model.consumedByKey.get(`read table ${pk}`)).toBe(23);

    // A low-level command gets its items back marshalled: billed the same, half when eventually consistent.
    const other = `limits#${randomUUID()}`;
    await ddb.send(new PutCommand({ TableName: TABLE, Item: { pk: other, sk: 'a', body } }));
    const low = limited();
    await low.ddb.send(
      new BatchGetItemCommand({
        RequestItems: {
          [TABLE]: {
            Keys: [
              { pk: { S: pk }, sk: { S: 'a' } },
              { pk: { S: other }, sk: { S: 'a' } },
            ],
          },
        },
      }),
    );
    expect(low.model.consumedByKey.get(`read table ${pk}`)).toBe(4);
    expect(low.model.consumedByKey.get(`read table ${other}`)).toBe(4);
  });

  it('raises a throttle the SDK retries as it would one from AWS', async () => {
    const { ddb } = limited({ maxAttempts: 2, writeUnitsPerSecond: 1 });
    const pk = `limits#${randomUUID()}`;
    await ddb.send(new PutCommand({ TableName: TABLE, Item: item(pk) }));
    const err = await ddb.send(new PutCommand({ TableName: TABLE, Item: item(pk) })).catch((e) => e);
    expect(err).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(err.$metadata.attempts).toBe(2);
  });
});

describe('DynamoDB limits model: transaction conflicts', () => {
  it('cancels the later of two overlapping transactions on one item with TransactionConflict at that item', async () => {
    const g = gate();
    const { ddb, model } = limited({ inFlight: g.hold });
    const shared = `limits#${randomUUID()}`;
    const first = ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: item(`limits#${randomUUID()}`) } },
          { Put: { TableName: TABLE, Item: item(shared, { by: 'first' }) } },
        ],
      }),
    );
    await g.reached(1);
    const err = await ddb
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: item(`limits#${randomUUID()}`) } },
            { Put: { TableName: TABLE, Item: item(`limits#${randomUUID()}`) } },
            {
              Update: {
                TableName: TABLE,
                Key: { pk: shared, sk: 'limits' },
                UpdateExpression: 'SET #by = :second',
                ExpressionAttributeNames: { '#by': 'by' },
                ExpressionAttributeValues: { ':second': 'second' },
              },
            },
          ],
        }),
      )
      .catch((e) => e);
    g.open();
    await first;
    expect(err).toBeInstanceOf(TransactionCanceledException);
    expect(err.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual([
      'None',
      'None',
      'TransactionConflict',
    ]);
    expect(model.refused.get('transaction-conflict table limits#*')).toBe(1);
    const stored = await ddb.send(new GetCommand({ TableName: TABLE, Key: { pk: shared, sk: 'limits' } }));
    expect(stored.Item?.by).toBe('first');
  });

  it('lets overlapping transactions on different items both commit', async () => {
    const g = gate();
    const { ddb, model } = limited({ inFlight: g.hold });
    const [a, b] = [`limits#${randomUUID()}`, `limits#${randomUUID()}`];
    const first = ddb.send(
      new TransactWriteCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: item(a) } }] }),
    );
    await g.reached(1);
    const second = ddb.send(
      new TransactWriteCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: item(b) } }] }),
    );
    // Both wait at the gate: in flight at once.
    await g.reached(2);
    g.open();
    await Promise.all([first, second]);
    expect(model.total()).toBe(0);
  });

  it('refuses a plain write to an item an in-flight transaction writes, and a transactional read of an item a plain write has in flight', async () => {
    const g = gate();
    const { ddb, model } = limited({ inFlight: g.hold });
    const pk = `limits#${randomUUID()}`;
    const tx = ddb.send(
      new TransactWriteCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: item(pk, { v: 1 }) } }] }),
    );
    await g.reached(1);
    const plain = await ddb
      .send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk, sk: 'limits' },
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: { ':v': 2 },
        }),
      )
      .catch((e) => e);
    expect(plain).toBeInstanceOf(TransactionConflictException);
    g.open();
    await tx;

    const h = gate();
    const { ddb: other } = limited({ inFlight: h.hold });
    const write = other.send(new PutCommand({ TableName: TABLE, Item: item(pk, { v: 3 }) }));
    await h.reached(1);
    const read = await other
      .send(
        new TransactGetCommand({ TransactItems: [{ Get: { TableName: TABLE, Key: { pk, sk: 'limits' } } }] }),
      )
      .catch((e) => e);
    h.open();
    await write;
    expect(read).toBeInstanceOf(TransactionCanceledException);
    expect(read.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['TransactionConflict']);
    expect(model.refused.get('transaction-conflict table limits#*')).toBe(1);
  });
});
