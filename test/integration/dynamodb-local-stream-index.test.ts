/**
 * DynamoDB Local as the tests and `npm start` run it: its stream records are indexed by stream
 * (infra/local/dynamodb-local-stream-index.ts says why), still after tables with streams were created,
 * written and deleted, and an in-memory instance leaves no file behind (nor one of a process killed
 * before it could remove it, once another starts).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
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
import { ramDatabaseDir } from '../../infra/local/dynamodb-local-stream-index.ts';

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

it('removes the RAM folders of processes that are gone, and keeps those of running ones', () => {
  // Larger than any process id Linux hands out (pid_max is at most 2^22).
  const gone = join('/dev/shm', 'outbound-dynamodb-999999999-left');
  const running = join('/dev/shm', `outbound-dynamodb-${process.pid}-kept`);
  if (!existsSync('/dev/shm')) return expect(ramDatabaseDir()).toBeUndefined();
  mkdirSync(gone, { recursive: true });
  mkdirSync(running, { recursive: true });
  try {
    const made = ramDatabaseDir();
    expect(made).toMatch(new RegExp(`^/dev/shm/outbound-dynamodb-${process.pid}-`));
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(running)).toBe(true);
    rmSync(made!, { recursive: true, force: true });
  } finally {
    rmSync(gone, { recursive: true, force: true });
    rmSync(running, { recursive: true, force: true });
  }
});
