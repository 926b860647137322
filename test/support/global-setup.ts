/** Starts one real DynamoDB Local for the run and creates the table from the shared definition. */
import type { TestProject } from 'vitest/node';
import { ensureTable, startDynamoLocal } from '../../infra/local/dynamodb-local.ts';

export const TEST_TABLE = 'outbound-test';

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal();
  await ensureTable(dynamo.endpoint, TEST_TABLE);
  project.provide('ddbEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
