/**
 * A DynamoDB Local for one project alone, started with the run and left untouched until the project's
 * files run: the fault suite's latency cases compare a customer's latency beside a neighbour with its
 * latency alone, and they run last (see vitest.config.ts). On a worker slot's shared instance they
 * would measure against everything the suite left in it (hundreds of tables held in memory); one run
 * then never saw the flood refused within the case's timeout.
 */
import type { TestProject } from 'vitest/node';
import { ensureTable, startDynamoLocal } from '../../infra/local/dynamodb-local.ts';
import { TEST_TABLE } from './global-setup.ts';

export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal();
  await ensureTable(dynamo.endpoint, TEST_TABLE);
  project.provide('ddbEndpoints', [dynamo.endpoint]);
  return () => dynamo.stop();
}
