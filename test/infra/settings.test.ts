/**
 * Context flags and invalid props. These stacks skip bundling (aws:cdk:bundling-stacks = []): they
 * check configuration, and outbound-stack.test.ts checks the bundles.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Api } from '../../infra/constructs/api.ts';
import { Data } from '../../infra/constructs/data.ts';
import { NodeFunction } from '../../infra/constructs/node-function.ts';
import { Observability } from '../../infra/constructs/observability.ts';
import { OperatorKey } from '../../infra/constructs/secrets.ts';
import { PROJECT_ROOT } from '../../infra/outbound-stack.ts';
import { NO_BUNDLING, synthesizeOnce, synthesizeOutbound } from '../support/synthesized.ts';

/** The stack with `context`, bundling skipped and no cdk-nag plugin; dispose of it when done. */
const synthWith = (context: Record<string, unknown>) =>
  synthesizeOutbound({ context, bundle: false, nag: false });

describe('a throwaway stack with CORS and its own throttling', () => {
  const synth = synthesizeOnce({
    context: {
      'outbound:throwaway': 'true',
      'outbound:corsOrigins': 'https://console.example.com, http://localhost:5173',
      'outbound:throttleBurst': '50',
      'outbound:throttleRate': '20',
    },
    bundle: false,
    nag: false,
  });

  it('deletes the table with the stack and has no deletion protection', () => {
    synth.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('deletes log groups and the operator key with the stack', () => {
    for (const type of ['AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret']) {
      const policies = Object.values(synth.template.findResources(type)).map((r) => r.DeletionPolicy);
      expect(policies.length).toBeGreaterThan(0);
      expect(new Set(policies)).toEqual(new Set(['Delete']));
    }
  });

  it("allows exactly the console's origin and the configured ones", () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [
          Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          'https://console.example.com',
          'http://localhost:5173',
        ],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      }),
    });
  });

  it('throttles the default stage as configured', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 20 },
    });
  });

  it('has alarms without actions and no topic when no alarm email is given', () => {
    synth.template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
  });

  it('passes cdk-nag too', () => {
    expect(new AwsSolutionsChecks().validateScope(synth.stack).violations).toEqual([]);
  });
});

describe('context flags', () => {
  it('keeps data by default, whatever outbound:production says', () => {
    for (const production of [undefined, false, 'false', true]) {
      const { template, dispose } = synthWith({ 'outbound:production': production });
      onTestFinished(dispose);
      template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    }
  });

  it('refuses throwaway together with production', () => {
    expect(() => synthWith({ 'outbound:throwaway': true, 'outbound:production': true })).toThrow(
      /contradicts/,
    );
  });

  it('refuses a flag that is not true or false', () => {
    expect(() => synthWith({ 'outbound:throwaway': 'yes' })).toThrow(/must be true or false/);
  });

  it('refuses a throttle that is not a positive number', () => {
    expect(() => synthWith({ 'outbound:throttleRate': 'fast' })).toThrow(/positive number/);
  });

  it('refuses a CORS origin that is neither https nor localhost', () => {
    expect(() => synthWith({ 'outbound:corsOrigins': 'http://console.example.com' })).toThrow(/CORS origin/);
  });

  it('refuses an alarm email that is not an address', () => {
    expect(() => synthWith({ 'outbound:alarmEmail': 'ops' })).toThrow(/not an email address/);
  });
});

describe('constructs refuse invalid props', () => {
  const scratch = () => new Stack(new App({ context: NO_BUNDLING }), 'Scratch');
  const fnProps = {
    entry: `${PROJECT_ROOT}/functions/api/openapi.ts`,
    projectRoot: PROJECT_ROOT,
    description: 'test',
  };

  it('refuses function memory outside what Lambda allows', () => {
    expect(() => new NodeFunction(scratch(), 'F', { ...fnProps, memorySize: 64 })).toThrow(/memorySize/);
  });

  it('refuses a function timeout over 15 minutes', () => {
    expect(() => new NodeFunction(scratch(), 'F', { ...fnProps, timeout: Duration.minutes(16) })).toThrow(
      /timeout/,
    );
  });

  it('refuses a family that has no table access entry', () => {
    const stack = scratch();
    const data = new Data(stack, 'Data');
    const operatorKey = new OperatorKey(stack, 'Key', { stackName: 'Scratch' });
    expect(
      () =>
        new Api(stack, 'Api', {
          projectRoot: PROJECT_ROOT,
          families: [{ name: 'ghost', specs: {} }],
          data,
          tableAccess: {},
          operatorKey,
        }),
    ).toThrow(/no entry in tableAccess/);
  });

  it('refuses an alarm threshold below one', () => {
    const stack = scratch();
    const data = new Data(stack, 'Data');
    const operatorKey = new OperatorKey(stack, 'Key', { stackName: 'Scratch' });
    const api = new Api(stack, 'Api', {
      projectRoot: PROJECT_ROOT,
      families: [],
      data,
      tableAccess: {},
      operatorKey,
    });
    expect(
      () =>
        new Observability(stack, 'Obs', {
          httpApi: api.httpApi,
          functions: api.functions,
          thresholds: { api5xx: 0 },
        }),
    ).toThrow(/threshold api5xx/);
  });
});
