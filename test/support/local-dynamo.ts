/**
 * This test file's DynamoDB Local (the one of its worker slot, see global-setup.ts) and tables of its
 * own on it. Only loopback endpoints are accepted.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';

export { TEST_TABLE } from './global-setup.ts';

const pick = () => {
  const endpoints = inject('ddbEndpoints');
  // VITEST_POOL_ID is this worker's slot, 1 to maxWorkers: no other file running now has the same.
  const slot = Number(process.env.VITEST_POOL_ID ?? '1');
  const endpoint = endpoints[(slot - 1) % endpoints.length];
  if (!endpoint || !/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(endpoint)) {
    throw new Error(`tests only run against a local DynamoDB, not ${endpoint}`);
  }
  return endpoint;
};

let chosen: string | undefined;
/** The endpoint of this file's DynamoDB Local. */
export const dynamoEndpoint = () => {
  chosen ??= pick();
  return chosen;
};

/** A document client on this file's DynamoDB Local. */
export const localDocumentClient = () => createDocumentClient(dynamoEndpoint());

/** A table client for table-level requests (create, delete, streams on), with the local credentials. */
export const localTableClient = () =>
  new DynamoDBClient({
    endpoint: dynamoEndpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

export interface ScratchTable {
  name: string;
  drop(): Promise<void>;
}

/** A new table of the shared definition with a random name starting with `prefix`. */
export const aTable = async (prefix: string): Promise<ScratchTable> => {
  const name = `${prefix}-${randomUUID()}`;
  await ensureTable(dynamoEndpoint(), name);
  return {
    name,
    drop: async () => {
      const admin = localTableClient();
      try {
        await admin.send(new DeleteTableCommand({ TableName: name }));
      } finally {
        admin.destroy();
      }
    },
  };
};
