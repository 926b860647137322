/**
 * DynamoDB Local as the tests and `npm start` run it: its stream records are indexed by stream
 * (infra/local/dynamodb-local-stream-index.ts says why), still after tables with streams were created,
 * written and deleted, and an in-memory instance leaves no file behind.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureTable, type RunningDynamo, startDynamoLocal } from '../../infra/local/dynamodb-local.ts';

let dynamo: RunningDynamo;
let client: DynamoDBClient;
beforeAll(async () => {
  dynamo = await startDynamoLocal();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

/** How SQLite answers DynamoDB Local's look-up of a stream's oldest record. */
const planOfOldestRecordLookup = (db: DatabaseSync) =>
  db
    .prepare('EXPLAIN QUERY PLAN SELECT MIN(SequenceNumber) FROM us WHERE StreamID = ?')
    .all('any')
    .map((row) => String(row.detail))
    .join('; ');

it('looks up a stream’s records through the index after streaming tables were written and deleted, and leaves no file', async () => {
  for (const name of ['stream-a', 'stream-b']) {
    await ensureTable(dynamo.endpoint, name);
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    for (let i = 0; i < 5; i++) {
      await client.send(
        new PutItemCommand({ TableName: name, Item: { pk: { S: `p${i}` }, sk: { S: 's' } } }),
      );
    }
  }
  await client.send(new DeleteTableCommand({ TableName: 'stream-a' }));

  expect(dynamo.dbPath, 'an in-memory DynamoDB Local is a database file in RAM').toBeDefined();
  const db = new DatabaseSync(join(dynamo.dbPath!, 'shared-local-instance.db'), { readOnly: true });
  try {
    expect(planOfOldestRecordLookup(db)).toMatch(/USING COVERING INDEX outbound_stream_records/);
    // The records are there, so the look-up has something to find.
    expect(Number(db.prepare('SELECT COUNT(*) AS n FROM us').get()?.n)).toBeGreaterThanOrEqual(10);
  } finally {
    db.close();
  }

  await dynamo.stop();
  expect(existsSync(dynamo.dbPath!), 'its database file once it stopped').toBe(false);
});
