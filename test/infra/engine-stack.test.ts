/**
 * The engine's deployed shape: schedule, queues, consumers, webhook route and least privilege. The
 * stack is synthesised once for the file, with cdk-nag attached (test/support/synthesized.ts), without
 * bundling: nothing here reads a bundle (outbound-stack.test.ts checks them).
 */
import { describe, expect, it } from 'vitest';
import { DIAL_JOB_MAX_RECEIVES } from '#domain/dial-retries.ts';
import type { EngineFunctionName } from '../../infra/constructs/table-access.ts';
import { asList, type Json, synthesizeOnce } from '../support/synthesized.ts';

/** What each engine function may do with the table, written from the engine services. */
const EXPECTED_TABLE_ACTIONS: Record<EngineFunctionName, { items: string[]; queries: string[] }> = {
  tick: {
    items: ['BatchGetItem', 'ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'],
    queries: ['byDue', 'byParent', 'byState'],
  },
  'tick-fanout': { items: [], queries: [] },
  dialer: { items: ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'], queries: [] },
  'provider-events': {
    items: ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'],
    queries: ['byParent'],
  },
  'simulator-events': { items: [], queries: [] },
};
const ENGINE = Object.keys(EXPECTED_TABLE_ACTIONS) as EngineFunctionName[];

const synth = synthesizeOnce({ bundle: false });

const fnId = (name: EngineFunctionName) => synth.logicalId(synth.stack.engine.functions.get(name)!.fn);
const queueId = (q: { node: { defaultChild?: unknown } }) => synth.logicalId(q);
const statementsOf = (name: EngineFunctionName): Json[] => synth.statementsOfFunction(fnId(name));
const refs = (v: unknown): string[] =>
  JSON.stringify(v).match(/"(Ref|Fn::GetAtt)":\["?([A-Za-z0-9]+)/g) ?? [];
const mentions = (v: unknown, id: string) => JSON.stringify(v).includes(`"${id}"`);

describe('engine', () => {
  it('runs the fan-out every minute', () => {
    const rules = synth.ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [[, rule]] = rules as [[string, Json]];
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(rule.Properties.Targets.map((t: Json) => t.Arn['Fn::GetAtt'][0])).toEqual([fnId('tick-fanout')]);
  });

  it('parks failed dial jobs in a DLQ after 20 receives and alarms on its first message', () => {
    const dial = synth.resources[queueId(synth.stack.engine.dialQueue)].Properties;
    const dlqId = queueId(synth.stack.engine.dialDeadLetterQueue);
    expect(dial.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      maxReceiveCount: DIAL_JOB_MAX_RECEIVES,
    });
    expect(DIAL_JOB_MAX_RECEIVES).toBe(20);
    const alarms = synth
      .ofType('AWS::CloudWatch::Alarm')
      .filter(([, a]) => mentions(a.Properties.Dimensions, dlqId));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]![1].Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('encrypts every queue and refuses plain HTTP to it', () => {
    const queues = synth.ofType('AWS::SQS::Queue');
    // Engine: tick, dial, simulator events and a DLQ each; webhooks: delivery, its DLQ, the stream DLQ.
    expect(queues.length).toBe(9);
    for (const [, q] of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = synth.ofType('AWS::SQS::QueuePolicy');
    for (const [id] of queues) {
      const policy = policies.find(([, p]) => mentions(p.Properties.Queues, id));
      expect(JSON.stringify(policy?.[1].Properties.PolicyDocument)).toContain('aws:SecureTransport');
    }
  });

  it('reports partial batch failures and caps concurrency on every queue consumer', () => {
    const engineIds = new Set(ENGINE.map(fnId));
    const mappings = synth
      .ofType('AWS::Lambda::EventSourceMapping')
      .filter(([, m]) => engineIds.has(m.Properties.FunctionName.Ref));
    expect(mappings.map(([, m]) => m.Properties.FunctionName.Ref).sort()).toEqual(
      [fnId('tick'), fnId('dialer'), fnId('simulator-events')].sort(),
    );
    for (const [, m] of mappings) {
      expect(m.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(m.Properties.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
    }
    const dialer = mappings.find(([, m]) => m.Properties.FunctionName.Ref === fnId('dialer'))!;
    expect(dialer[1].Properties.ScalingConfig.MaximumConcurrency).toBe(2);
  });

  it('runs the engine functions on nodejs22.x and arm64', () => {
    for (const name of ENGINE) {
      const props = synth.resources[fnId(name)].Properties;
      expect(props.Runtime).toBe('nodejs22.x');
      expect(props.Architectures).toEqual(['arm64']);
    }
  });

  it('serves POST /v1.0/providers/{provider}/events and …/gather publicly, from provider-events', () => {
    for (const path of ['events', 'gather']) {
      const routes = synth
        .ofType('AWS::ApiGatewayV2::Route')
        .filter(([, r]) => r.Properties.RouteKey === `POST /v1.0/providers/{provider}/${path}`);
      expect(routes).toHaveLength(1);
      const route = routes[0]![1].Properties;
      expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(route.AuthorizerId).toBeUndefined();
      const integrationId = route.Target['Fn::Join'][1][1].Ref;
      expect(synth.resources[integrationId].Properties.IntegrationUri['Fn::GetAtt'][0]).toBe(
        fnId('provider-events'),
      );
    }
  });

  it('gives each engine function only the table actions its code uses', () => {
    const table = synth.logicalId(synth.stack.data.table);
    for (const name of ENGINE) {
      const dynamo = statementsOf(name).filter((s) =>
        asList(s.Action).some((a: string) => a.startsWith('dynamodb:')),
      );
      const items = dynamo
        .filter((s) => !asList(s.Action).includes('dynamodb:Query'))
        .flatMap((s) => asList(s.Action).map((a: string) => a.replace('dynamodb:', '')))
        .sort();
      const queries = dynamo
        .filter((s) => asList(s.Action).includes('dynamodb:Query'))
        .flatMap((s) => asList(s.Resource).map((r: Json) => JSON.stringify(r).match(/index\/(\w+)/)?.[1]))
        .sort();
      expect({ name, items, queries }).toEqual({ name, ...EXPECTED_TABLE_ACTIONS[name] });
      for (const s of dynamo) expect(refs(s.Resource).join()).toContain(table);
    }
  });

  it('lets each function send only to the queue it fills', () => {
    const sendsTo = (name: EngineFunctionName) =>
      statementsOf(name)
        .filter((s) => asList(s.Action).includes('sqs:SendMessage'))
        .map((s) => s.Resource['Fn::GetAtt'][0]);
    expect(sendsTo('tick-fanout')).toEqual([queueId(synth.stack.engine.tickQueue)]);
    expect(sendsTo('tick')).toEqual([queueId(synth.stack.engine.dialQueue)]);
    expect(sendsTo('dialer')).toEqual([queueId(synth.stack.engine.simulatorEventsQueue!)]);
    // The delayed check that abandons a caller left waiting for an agent.
    expect(sendsTo('provider-events')).toEqual([queueId(synth.stack.engine.dialQueue)]);
    expect(sendsTo('simulator-events')).toEqual([]);
  });

  it('lets the dialer shorten a throttled job’s visibility on its own queue, and nothing more there', () => {
    const dialQueue = queueId(synth.stack.engine.dialQueue);
    const onDialQueue = statementsOf('dialer').filter((s) => mentions(s.Resource, dialQueue));
    const actions = onDialQueue.flatMap((s) => asList(s.Action));
    expect(actions).toContain('sqs:ChangeMessageVisibility');
    expect(actions).not.toContain('sqs:SendMessage');
    const env = synth.resources[fnId('dialer')].Properties.Environment.Variables;
    expect(env.DIAL_QUEUE_URL).toEqual({ Ref: dialQueue });
  });

  it('lets only the dialer and provider-events read the simulator key', () => {
    const secretId = synth.logicalId(synth.stack.engine.simulatorSecret!);
    const readers = ENGINE.filter((name) =>
      statementsOf(name).some(
        (s) => asList(s.Action).includes('secretsmanager:GetSecretValue') && mentions(s.Resource, secretId),
      ),
    );
    expect(readers.sort()).toEqual(['dialer', 'provider-events']);
  });

  it('allows no Scan and no wildcard action or resource in any statement', () => {
    const statements = synth
      .ofType('AWS::IAM::Policy')
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    for (const s of statements) {
      const actions = asList(s.Action) as string[];
      expect(actions).not.toContain('*');
      expect(actions.filter((a) => a.endsWith(':*'))).toEqual([]);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(asList(s.Resource)).not.toContain('*');
    }
  });

  it('has no unacknowledged cdk-nag finding', () => {
    expect(synth.nagFindings()).toEqual([]);
  });
});
