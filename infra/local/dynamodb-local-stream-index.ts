/**
 * An index DynamoDB Local lacks, added to its SQLite database from outside. DynamoDB Local keeps the
 * stream records of all its tables in one SQLite table (`us`, keyed by sequence number only; records
 * are kept 24 hours, those of deleted tables too), and on every write to a streaming table and every
 * stream read it looks up the stream's oldest record with `SELECT MIN(SequenceNumber) FROM us WHERE
 * StreamID = ?`, which scans every record. Requests then cost more the more records it holds: with
 * 30,000 records, the same requests took ten times the CPU, and a test run writes hundreds of
 * thousands. An index on (StreamID, SequenceNumber) answers that look-up directly and changes no
 * result. Only a database file can be reached from outside the Java process, so the tests' "in
 * memory" DynamoDB Local is a file in RAM (/dev/shm) where the machine has one (`npm start` in memory
 * keeps Java's heap instead: see start.ts).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const RAM_DISK = '/dev/shm';
/** What DynamoDB Local names its database under `-dbPath` with `-sharedDb`. */
const SHARED_DB_FILE = 'shared-local-instance.db';

const PREFIX = 'outbound-dynamodb-';

/** Whether a process with this id is still running. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * A new folder in RAM for an in-memory DynamoDB Local's database, or undefined with no RAM disk. Its
 * name holds this process's id: a process killed before it could remove its folder (SIGKILL, a worker
 * ended abruptly) leaves it behind, and the next start removes the folders of processes that are gone,
 * so RAM is not held for good.
 */
export const ramDatabaseDir = () => {
  if (!existsSync(RAM_DISK)) return undefined;
  for (const name of readdirSync(RAM_DISK)) {
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (name.startsWith(PREFIX) && Number.isInteger(pid) && pid > 0 && !alive(pid))
      rmSync(join(RAM_DISK, name), { recursive: true, force: true });
  }
  return mkdtempSync(join(RAM_DISK, `${PREFIX}${process.pid}-`));
};

/** Adds the index to the running DynamoDB Local's database under `dbPath` (idempotent). */
export const indexStreamRecords = async (dbPath: string) => {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(join(dbPath, SHARED_DB_FILE));
  try {
    // DynamoDB Local may be writing: wait for its lock rather than fail.
    db.exec('PRAGMA busy_timeout = 10000');
    db.exec('CREATE INDEX IF NOT EXISTS outbound_stream_records ON us (StreamID, SequenceNumber)');
  } finally {
    db.close();
  }
};
