/**
 * The local runtime's dead letters: stream records that failed every try and webhook deliveries given
 * up after their last attempt. With a data directory they are appended to
 * `<data dir>/dead-letters/webhooks.jsonl` (one JSON object a line, kept across restarts; `npm run
 * dead-letters` prints them); in memory they are kept in this object for tests.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryJob } from '#ports/event-sink.ts';

export type DeadLetter =
  | {
      source: 'stream';
      at: string;
      reason: string;
      /** Stream position of the record set aside, to find it again. */
      shardId: string;
      sequence: string;
      eventID?: string;
      /** The record as the stream handler was given it. */
      record: unknown;
    }
  | { source: 'delivery'; at: string; reason: string; job: DeliveryJob };

export const deadLetterFile = (stateDir: string) => join(stateDir, 'dead-letters', 'webhooks.jsonl');

/** Reads a data directory's dead letters, oldest first (none when the file does not exist). */
export const readDeadLetters = (stateDir: string): DeadLetter[] => {
  const file = deadLetterFile(stateDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DeadLetter);
};

export class DeadLetterStore {
  private readonly kept: DeadLetter[] = [];
  /** Delivery dead letters not yet handed to `takeDeliveries` (tests read them once each). */
  private taken = 0;

  constructor(private readonly stateDir?: string) {
    if (stateDir) mkdirSync(join(stateDir, 'dead-letters'), { recursive: true });
  }

  add(letter: DeadLetter) {
    this.kept.push(letter);
    // Synchronous: a dead letter is written before the stream moves past it or the job is deleted.
    if (this.stateDir) appendFileSync(deadLetterFile(this.stateDir), `${JSON.stringify(letter)}\n`);
  }

  /** Every dead letter, this run's and (with a data directory) earlier runs'. */
  list(): DeadLetter[] {
    return this.stateDir ? readDeadLetters(this.stateDir) : [...this.kept];
  }

  /** Delivery jobs given up since the last call, in order. */
  takeDeliveries(): DeliveryJob[] {
    const fresh = this.kept.slice(this.taken);
    this.taken = this.kept.length;
    return fresh.flatMap((l) => (l.source === 'delivery' ? [l.job] : []));
  }
}
