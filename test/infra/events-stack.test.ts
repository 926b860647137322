/**
 * The customer webhook pipeline as deployed: table stream → stream function → delivery queue →
 * delivery function, the dead-letter queues and their alarms, least privilege, and the shipped stream
 * bundle run under Node (credentials from the environment, call metrics as EMF on stdout). The stack
 * is synthesised once for the file, with cdk-nag attached as in outbound-stack.test.ts.
 */

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_STREAM } from '#adapters/dynamodb/table.ts';
import { defaultRetryPolicy, EVENT_KINDS } from '#domain/events.ts';
import { CALL_METRICS, REASON_DIMENSION, SERVICE_DIMENSION } from '../../infra/constructs/observability.ts';
import type { EventsFunctionName } from '../../infra/constructs/table-access.ts';
import { aCampaigncallItem } from '../support/factories/items.ts';
import { asList, type Json, synthesizeOnce } from '../support/synthesized.ts';

const run = promisify(execFile);

const synth = synthesizeOnce();

const fnId = (name: EventsFunctionName) => synth.logicalId(synth.stack.events.functions.get(name)!.fn);
const queueId = (q: { node: { defaultChild?: unknown } }) => synth.logicalId(q);
const tableId = () => synth.logicalId(synth.stack.data.table);
const statementsOf = (name: EventsFunctionName) => synth.statementsOfFunction(fnId(name));
const mappingOf = (name: EventsFunctionName) => {
  const found = synth
    .ofType('AWS::Lambda::EventSourceMapping')
    .filter(([, m]) => m.Properties.FunctionName.Ref === fnId(name));
  expect(found).toHaveLength(1);
  return found[0]![1].Properties;
};
const sendsTo = (statements: Json[]) =>
  statements
    .filter((s) => asList(s.Action).includes('sqs:SendMessage'))
    .map((s) => s.Resource['Fn::GetAtt'][0])
    .sort();
const envOf = (name: EventsFunctionName) => synth.resources[fnId(name)].Properties.Environment.Variables;
const bundleOf = (name: EventsFunctionName) => join(synth.assetDir(fnId(name)), 'index.mjs');

describe('table stream', () => {
  it('streams the view shared/adapters/dynamodb/table.ts defines (new and old images)', () => {
    expect(TABLE_STREAM).toBe('NEW_AND_OLD_IMAGES');
    expect(synth.resources[tableId()].Properties.StreamSpecification).toEqual({
      StreamViewType: TABLE_STREAM,
    });
  });

  it('invokes the stream function only for changes of the kinds that have webhooks', () => {
    const patterns = mappingOf('webhook-stream').FilterCriteria.Filters.map((f: Json) =>
      JSON.parse(f.Pattern),
    );
    expect(patterns).toEqual([
      { dynamodb: { NewImage: { et: { S: [...EVENT_KINDS] } } } },
      { eventName: ['REMOVE'], dynamodb: { OldImage: { et: { S: [...EVENT_KINDS] } } } },
    ]);
    // The kinds the use case turns into events, and nothing the engine writes per call.
    expect(EVENT_KINDS).toEqual(expect.arrayContaining(['campaign', 'campaigncall', 'outdialtarget']));
    expect(EVENT_KINDS).not.toEqual(expect.arrayContaining(['placement']));
  });

  it('feeds the stream function from the oldest record, with partial batch failures and bisection', () => {
    const m = mappingOf('webhook-stream');
    expect(m.EventSourceArn).toEqual({ 'Fn::GetAtt': [tableId(), 'StreamArn'] });
    expect(m).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      ParallelizationFactor: 1,
    });
  });

  it('gives up on a batch after bounded retries, before the stream forgets it, into a DLQ', () => {
    const m = mappingOf('webhook-stream');
    // Enough halvings to isolate one bad record of a 100-record batch (7), a few to spare; a poison
    // record holds its shard minutes, not the 12 h of the record age.
    expect(m.BatchSize).toBe(100);
    expect(m.BisectBatchOnFunctionError).toBe(true);
    expect(m.MaximumRetryAttempts).toBe(10);
    expect(m.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
    expect(m.DestinationConfig).toEqual({
      OnFailure: {
        Destination: { 'Fn::GetAtt': [queueId(synth.stack.events.streamDeadLetterQueue), 'Arn'] },
      },
    });
  });
});

describe('delivery queue', () => {
  it('feeds the delivery function with partial batch failures and bounded concurrency', () => {
    const m = mappingOf('webhook-delivery');
    expect(m.EventSourceArn).toEqual({ 'Fn::GetAtt': [queueId(synth.stack.events.deliveryQueue), 'Arn'] });
    expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(m.ScalingConfig.MaximumConcurrency).toBe(5);
  });

  it('redrives to its DLQ only after more receives than the retry policy has attempts', () => {
    const q = synth.resources[queueId(synth.stack.events.deliveryQueue)].Properties;
    expect(q.RedrivePolicy.deadLetterTargetArn).toEqual({
      'Fn::GetAtt': [queueId(synth.stack.events.deliveryDeadLetterQueue), 'Arn'],
    });
    expect(q.RedrivePolicy.maxReceiveCount).toBeGreaterThan(defaultRetryPolicy.maxAttempts);
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(
      synth.resources[fnId('webhook-delivery')].Properties.Timeout,
    );
    expect(q.SqsManagedSseEnabled).toBe(true);
  });

  it('tells each function where its queues are', () => {
    const delivery = { Ref: queueId(synth.stack.events.deliveryQueue) };
    expect(envOf('webhook-stream')).toMatchObject({
      TABLE_NAME: { Ref: tableId() },
      OUTBOUND_RUNTIME: 'aws',
      WEBHOOK_QUEUE_URL: delivery,
      POWERTOOLS_METRICS_NAMESPACE: 'Outbound/Outbound',
    });
    expect(envOf('webhook-stream')).not.toHaveProperty('WEBHOOK_DLQ_URL');
    expect(envOf('webhook-delivery')).toMatchObject({
      TABLE_NAME: { Ref: tableId() },
      OUTBOUND_RUNTIME: 'aws',
      WEBHOOK_QUEUE_URL: delivery,
      WEBHOOK_DLQ_URL: { Ref: queueId(synth.stack.events.deliveryDeadLetterQueue) },
    });
  });
});

describe('dead letters', () => {
  it('alarms on the first message in either webhook DLQ', () => {
    for (const dlq of [
      synth.stack.events.streamDeadLetterQueue,
      synth.stack.events.deliveryDeadLetterQueue,
    ]) {
      const alarms = synth
        .ofType('AWS::CloudWatch::Alarm')
        .filter(([, a]) => JSON.stringify(a.Properties.Dimensions ?? []).includes(`"${queueId(dlq)}"`));
      expect(alarms).toHaveLength(1);
      expect(alarms[0]![1].Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });
});

describe('least privilege', () => {
  const streamActions = [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
  ];

  it('lets only the stream function read the stream, on the stream ARN alone', () => {
    const readers = synth
      .ofType('AWS::Lambda::Function')
      .filter(([id]) =>
        synth
          .statementsOfFunction(id)
          .some((s) => asList(s.Action).some((a: string) => streamActions.includes(a))),
      )
      .map(([id]) => id);
    expect(readers).toEqual([fnId('webhook-stream')]);
    const [grant, ...more] = statementsOf('webhook-stream').filter((s) =>
      asList(s.Action).some((a: string) => streamActions.includes(a)),
    );
    expect(more).toEqual([]);
    expect(asList(grant.Action).sort()).toEqual(streamActions);
    expect(grant.Resource).toEqual({ 'Fn::GetAtt': [tableId(), 'StreamArn'] });
  });

  it('lets both functions GetItem the table (the customer lookup), and only the stream function UpdateItem (calls per minute)', () => {
    for (const [name, actions] of [
      [
        'webhook-stream',
        [
          'dynamodb:GetItem',
          'dynamodb:UpdateItem',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
      ],
      ['webhook-delivery', 'dynamodb:GetItem'],
    ] as const) {
      const table = statementsOf(name).filter((s) =>
        asList(s.Action).some((a: string) => a.startsWith('dynamodb:') && !streamActions.includes(a)),
      );
      expect(table.map((s) => s.Action)).toEqual([actions]);
      expect(table[0].Resource).toEqual({ 'Fn::GetAtt': [tableId(), 'Arn'] });
    }
  });

  it('lets each function send only to the queues it fills', () => {
    expect(sendsTo(statementsOf('webhook-stream'))).toEqual(
      // The delivery queue, and the stream DLQ (Lambda sends skipped batches there with the role).
      [queueId(synth.stack.events.deliveryQueue), queueId(synth.stack.events.streamDeadLetterQueue)].sort(),
    );
    expect(sendsTo(statementsOf('webhook-delivery'))).toEqual([
      queueId(synth.stack.events.deliveryDeadLetterQueue),
    ]);
    const others = synth
      .ofType('AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => id !== fnId('webhook-stream') && id !== fnId('webhook-delivery'));
    for (const id of others) {
      const sends = sendsTo(synth.statementsOfFunction(id));
      for (const q of [synth.stack.events.deliveryQueue, synth.stack.events.deliveryDeadLetterQueue]) {
        expect(sends).not.toContain(queueId(q));
      }
    }
  });

  it('lets the delivery function consume its queue and the stream function not', () => {
    const consumes = (name: EventsFunctionName) =>
      statementsOf(name).filter((s) => asList(s.Action).includes('sqs:ReceiveMessage'));
    expect(consumes('webhook-stream')).toEqual([]);
    const [consume] = consumes('webhook-delivery');
    expect(consume.Action).toContain('sqs:ChangeMessageVisibility');
    expect(consume.Resource).toEqual({ 'Fn::GetAtt': [queueId(synth.stack.events.deliveryQueue), 'Arn'] });
  });

  it('has no unacknowledged cdk-nag finding', () => {
    expect(synth.nagFindings()).toEqual([]);
  });
});

describe('the shipped stream bundle', () => {
  const requests: { target: string; authorization: string; body: Json }[] = [];
  let server: ReturnType<typeof createServer>;
  let endpoint: string;
  let dir: string;

  /** Answers DynamoDB GetItem (a customer with a webhook) and SQS SendMessageBatch like AWS would. */
  const fakeAws = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      requests.push({ target, authorization: String(req.headers.authorization ?? ''), body });
      const out =
        target === 'DynamoDB_20120810.GetItem'
          ? {
              Item: marshall({
                id: 'cust-1',
                name: 'acme',
                webhook_uri: 'https://example.com/hooks',
                tm_create: '2026-01-01T00:00:00.000Z',
              }),
            }
          : target === 'AmazonSQS.SendMessageBatch'
            ? {
                Successful: body.Entries.map((e: Json) => ({
                  Id: e.Id,
                  MessageId: `m-${e.Id}`,
                  // The SQS client checks each body's MD5.
                  MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex'),
                })),
                Failed: [],
              }
            : {};
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(out));
    });
  };

  const call = aCampaigncallItem;
  const streamEvent = {
    Records: [
      { eventID: 'e1', eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall(call({})) } },
      {
        eventID: 'e2',
        eventName: 'MODIFY',
        dynamodb: {
          SequenceNumber: '2',
          OldImage: marshall(call({})),
          NewImage: marshall(call({ status: 'done', result: 'fail', _reason: 'busy' })),
        },
      },
    ],
  };

  /** Runs the bundle's handler on `streamEvent` in a fresh node with `env`; stdout lines and result. */
  const runBundle = async (env: Record<string, string>) => {
    const url = pathToFileURL(bundleOf('webhook-stream')).href;
    const script = `
      const { handler } = await import(${JSON.stringify(url)});
      const out = await handler(${JSON.stringify(streamEvent)});
      console.log('RESULT ' + JSON.stringify(out));`;
    const base = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('POWERTOOLS_')),
    );
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...base,
        HOME: dir,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SQS: endpoint,
        TABLE_NAME: 'outbound',
        DYNAMODB_ENDPOINT: endpoint,
        WEBHOOK_QUEUE_URL: `${endpoint}/123456789012/deliveries`,
        POWERTOOLS_METRICS_NAMESPACE: 'Outbound/Test',
        POWERTOOLS_LOG_LEVEL: 'CRITICAL',
        ...env,
      },
    });
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines.find((l) => l.startsWith('RESULT '))!.slice(7));
    const emf = lines.filter((l) => l.includes('"CloudWatchMetrics"')).map((l) => JSON.parse(l));
    return { result, emf };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outbound-stream-bundle-'));
    server = createServer(fakeAws);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs its SQS calls with the credentials Lambda puts in the environment', async () => {
    requests.length = 0;
    const { result } = await runBundle({
      AWS_ACCESS_KEY_ID: 'ASIAFROMTHEENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });
    expect(result).toEqual({ batchItemFailures: [] });
    const sends = requests.filter((r) => r.target === 'AmazonSQS.SendMessageBatch');
    expect(sends).toHaveLength(1);
    expect(sends[0]!.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAFROMTHEENV\/\d{8}\/us-east-1\/sqs\//,
    );
    expect(sends[0]!.body.Entries.map((e: Json) => JSON.parse(e.MessageBody).type)).toEqual([
      'campaigncall_created',
      'campaigncall_updated',
    ]);
    // The customer is each job's message group: the delivery queue is a fair queue.
    expect(sends[0]!.body.Entries.map((e: Json) => e.MessageGroupId)).toEqual(['cust-1', 'cust-1']);
  });

  it('does not fall back to credential files (the default chain is not in the bundle)', async () => {
    requests.length = 0;
    const file = join(dir, 'credentials');
    writeFileSync(file, '[default]\naws_access_key_id = AKIAFROMFILE\naws_secret_access_key = s\n');
    const { result } = await runBundle({
      AWS_SHARED_CREDENTIALS_FILE: file,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    // No credentials: nothing is sent, and the batch comes back from its first record.
    expect(requests.filter((r) => r.target.startsWith('AmazonSQS'))).toEqual([]);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
  });

  it('writes the call metrics the dashboard reads, as EMF, in the stack’s namespace', async () => {
    const { emf } = await runBundle({
      AWS_ACCESS_KEY_ID: 'ASIAFROMTHEENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    const metric = (name: string, dims: string[]) =>
      emf.find((d) =>
        d._aws.CloudWatchMetrics.some(
          (m: Json) =>
            m.Namespace === 'Outbound/Test' &&
            m.Metrics.some((x: Json) => x.Name === name) &&
            m.Dimensions.some((set: string[]) => [...set].sort().join() === [...dims].sort().join()),
        ),
      );
    const service = Object.keys(SERVICE_DIMENSION);
    const totals = metric(CALL_METRICS.placed, service);
    expect(totals).toMatchObject({
      ...SERVICE_DIMENSION,
      [CALL_METRICS.placed]: 1,
      [CALL_METRICS.failed]: 1,
    });
    const byReason = metric(CALL_METRICS.failed, [...service, REASON_DIMENSION]);
    expect(byReason).toMatchObject({
      ...SERVICE_DIMENSION,
      [REASON_DIMENSION]: 'busy',
      [CALL_METRICS.failed]: 1,
    });
  });
});
