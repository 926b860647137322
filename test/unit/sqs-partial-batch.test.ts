import type { SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RecordOutcome, sqsPartialBatch } from '#adapters/aws/sqs-batch.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`sqs-partial-batch: fast-check seed ${seed} (repeat with FC_SEED=${seed})`);

const aRecord = (n: number, body: string): SQSRecord => ({
  messageId: `m-${n}`,
  receiptHandle: `r-${n}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 's',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:q',
  awsRegion: 'eu-west-1',
});

type Fate = 'ok' | 'retry' | 'throw' | 'malformed';
interface Job {
  n: number;
  group: string;
  fate: Fate;
}

const anEvent = (jobs: readonly Job[]): SQSEvent => ({
  Records: jobs.map((j) => aRecord(j.n, j.fate === 'malformed' ? '{not json' : JSON.stringify(j))),
});

/** A handler over `jobs` that records the order it handled them in, yielding between steps. */
const aBatch = (inOrderBy?: (job: Job) => string) => {
  const handled: number[] = [];
  const handler = sqsPartialBatch<Job>({
    what: 'test job',
    parse: (record) => JSON.parse(record.body) as Job,
    handle: async (job): Promise<RecordOutcome> => {
      await new Promise((r) => setImmediate(r));
      handled.push(job.n);
      if (job.fate === 'throw') throw new Error(`job ${job.n} failed`);
      return job.fate === 'retry' ? 'retry' : 'done';
    },
    ...(inOrderBy ? { inOrderBy } : {}),
  });
  return { handled, handler };
};

const jobsArb = fc
  .array(
    fc.record({
      group: fc.constantFrom('a', 'b', 'c'),
      fate: fc.constantFrom<Fate>('ok', 'retry', 'throw', 'malformed'),
    }),
    { maxLength: 10 },
  )
  .map((js) => js.map((j, n) => ({ ...j, n })));

const failing = (jobs: readonly Job[]) =>
  jobs.filter((j) => j.fate === 'retry' || j.fate === 'throw').map((j) => ({ itemIdentifier: `m-${j.n}` }));

describe('sqsPartialBatch', () => {
  it('reports the records to retry and the ones that threw, each once, in batch order', async () => {
    const jobs: Job[] = [
      { n: 0, group: 'a', fate: 'ok' },
      { n: 1, group: 'a', fate: 'throw' },
      { n: 2, group: 'a', fate: 'malformed' },
      { n: 3, group: 'a', fate: 'retry' },
      { n: 4, group: 'a', fate: 'ok' },
    ];
    const { handled, handler } = aBatch();
    expect(await handler(anEvent(jobs))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-3' }],
    });
    // A malformed record is dropped, never handled nor reported; a failure does not stop the rest.
    expect(handled).toEqual([0, 1, 3, 4]);
  });

  it('handles every record once, one after another in batch order, for any batch', async () => {
    await fc.assert(
      fc.asyncProperty(jobsArb, async (jobs) => {
        const { handled, handler } = aBatch();
        const out = await handler(anEvent(jobs));
        expect(out.batchItemFailures).toEqual(failing(jobs));
        expect(handled).toEqual(jobs.filter((j) => j.fate !== 'malformed').map((j) => j.n));
      }),
      { seed, numRuns: 200 },
    );
  });

  it('keeps each key in batch order and runs different keys side by side', async () => {
    await fc.assert(
      fc.asyncProperty(jobsArb, async (jobs) => {
        const { handled, handler } = aBatch((j) => j.group);
        const out = await handler(anEvent(jobs));
        expect(out.batchItemFailures).toEqual(failing(jobs));
        expect([...handled].sort((x, y) => x - y)).toEqual(
          jobs.filter((j) => j.fate !== 'malformed').map((j) => j.n),
        );
        for (const g of ['a', 'b', 'c']) {
          const ofGroup = jobs.filter((j) => j.group === g && j.fate !== 'malformed').map((j) => j.n);
          expect(handled.filter((n) => ofGroup.includes(n))).toEqual(ofGroup);
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it('starts the second key before the first key has finished', async () => {
    const started: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const handler = sqsPartialBatch<Job>({
      what: 'test job',
      parse: (record) => JSON.parse(record.body) as Job,
      handle: async (job) => {
        started.push(job.group);
        if (job.group === 'a') await gate;
        return 'done';
      },
      inOrderBy: (j) => j.group,
    });
    const done = handler(
      anEvent([
        { n: 0, group: 'a', fate: 'ok' },
        { n: 1, group: 'b', fate: 'ok' },
      ]),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['a', 'b']);
    release();
    expect(await done).toEqual({ batchItemFailures: [] });
  });
});
