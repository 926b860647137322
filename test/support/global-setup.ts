/**
 * Starts the run's DynamoDB Locals, one per worker slot, and creates the shared table in each.
 *
 * One per slot, not one for the run: DynamoDB Local numbers the stream records of all its tables
 * from one counter (a write to any table, stream or not, takes the next number), and an iterator
 * taken while a table's stream is still empty is refused (TrimmedDataAccessException) once that
 * table's first record comes after a number some other table took. Two files writing to one
 * DynamoDB Local at once therefore break each other's stream readers. A slot runs one file at a
 * time, so each file has its instance to itself. Every project that needs DynamoDB lists this file;
 * the instances are started once for the run and shared by those projects.
 */
import type { TestProject } from 'vitest/node';
import { ensureTable, type RunningDynamo, startDynamoLocal } from '../../infra/local/dynamodb-local.ts';

export const TEST_TABLE = 'outbound-test';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One endpoint per worker slot (VITEST_POOL_ID 1 uses the first); see test/support/local-dynamo.ts. */
    ddbEndpoints: string[];
  }
}

interface Shared {
  started: Promise<RunningDynamo[]>;
  users: number;
}
// Each project loads this file on its own, in the one main process: the instances live on globalThis.
const KEY = Symbol.for('outbound.test.dynamoLocals');
const registry = globalThis as { [KEY]?: Shared };

const startAll = async (count: number) => {
  const dynamos = await Promise.all(Array.from({ length: count }, () => startDynamoLocal()));
  await Promise.all(dynamos.map((d) => ensureTable(d.endpoint, TEST_TABLE)));
  return dynamos;
};

export default async function setup(project: TestProject) {
  const slots = Math.max(1, Number(project.vitest.config.maxWorkers) || 1);
  registry[KEY] ??= { started: startAll(slots), users: 0 };
  const shared = registry[KEY];
  shared.users++;
  const dynamos = await shared.started;
  project.provide(
    'ddbEndpoints',
    dynamos.map((d) => d.endpoint),
  );
  return async () => {
    if (--shared.users > 0) return;
    registry[KEY] = undefined;
    await Promise.all(dynamos.map((d) => d.stop()));
  };
}
