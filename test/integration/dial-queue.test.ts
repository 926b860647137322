/** The SQS dial queue adapter against a real SQS emulator (fauxqs). */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqsDialQueue } from '#adapters/sqs/dial-queue.ts';

let server: Awaited<ReturnType<typeof startFauxqs>>;
let sqs: SQSClient;
let queueUrl: string;
beforeAll(async () => {
  server = await startFauxqs({ port: 0, logger: false });
  queueUrl = server.createQueue('dial-test', { attributes: { VisibilityTimeout: '30' } }).queueUrl;
  sqs = new SQSClient({
    endpoint: server.address,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  sqs.destroy();
  await server.stop();
});

const receive = async () =>
  (
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    )
  ).Messages ?? [];

it('sends jobs in batches of ten, each job one message', async () => {
  const queue = new SqsDialQueue(sqs, queueUrl);
  const jobs = Array.from({ length: 23 }, (_, i) => ({
    campaigncallId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  }));
  await queue.send(jobs);
  const bodies: string[] = [];
  for (let m = await receive(); m.length > 0; m = await receive()) bodies.push(...m.map((x) => x.Body ?? ''));
  expect(bodies.map((b) => JSON.parse(b).campaigncallId).sort()).toEqual(jobs.map((j) => j.campaigncallId));
});

it('brings a postponed job back after the delay instead of the queue’s visibility timeout', async () => {
  const queue = new SqsDialQueue(sqs, queueUrl);
  await queue.send([{ campaigncallId: '00000000-0000-4000-8000-00000000abcd' }]);
  const [first] = await receive();
  expect(first).toBeDefined();

  await queue.postpone(first?.ReceiptHandle ?? '', 1_000);
  expect(await receive()).toEqual([]);
  await new Promise((r) => setTimeout(r, 1_300)); // wall clock: SQS visibility is real time
  const [again] = await receive();
  expect(again?.MessageId).toBe(first?.MessageId);
});

it('holds a job sent for later until its delay, rounded up to whole seconds, has passed', async () => {
  const queue = new SqsDialQueue(sqs, queueUrl);
  const job = { campaigncallId: '00000000-0000-4000-8000-0000000abcde', kind: 'abandon' as const };
  await queue.sendLater(job, 700);
  expect(await receive()).toEqual([]);
  const left = server.inspectQueue('dial-test')?.messages;
  expect(left?.delayed).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 1_300)); // wall clock: SQS delays are real time
  const [due] = await receive();
  expect(JSON.parse(due?.Body ?? '{}')).toEqual(job);
});
