/**
 * The deployed shape of Outbound, pinned. The stack is synthesised once (bundling all functions with
 * the local esbuild, Docker shadowed by a shim that records any call) and every test reads that result.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allIndexes, TABLE_PARTITION_KEY, TABLE_SORT_KEY, TTL_ATTRIBUTE } from '#adapters/dynamodb/table.ts';
import { families } from '#functions/api/families.ts';
import { routesOf } from '../../infra/constructs/api.ts';
import { bundleOptions } from '../../infra/constructs/node-function.ts';
import { engineTableAccess, eventsTableAccess } from '../../infra/constructs/table-access.ts';
import { asList, type Json, synthesizeOnce } from '../support/synthesized.ts';

const run = promisify(execFile);

/** What each function may do with the table, written from the services, independent of the infra code. */
const EXPECTED_TABLE_ACTIONS: Record<string, { items: string[]; queries: string[] }> = {
  // Query on the table itself: a campaign's calls per minute are a range of its minute partitions.
  campaigns: {
    items: ['BatchGetItem', 'ConditionCheckItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    queries: ['byList', 'byParent'],
  },
  campaigncalls: { items: ['BatchGetItem', 'GetItem', 'UpdateItem'], queries: ['byList'] },
  outplans: { items: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'], queries: ['byList'] },
  // Query on the table itself: targets by number are the customer's number partition.
  outdials: { items: ['BatchGetItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'], queries: ['byList'] },
  queues: { items: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'], queries: ['byList'] },
  agents: { items: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'], queries: ['byList'] },
  customers: { items: ['GetItem', 'PutItem', 'UpdateItem'], queries: [] },
  accesskeys: {
    items: ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'],
    queries: ['byList'],
  },
  compliance: {
    items: ['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'UpdateItem'],
    queries: ['byList'],
  },
  openapi: { items: [], queries: [] },
};

const synth = synthesizeOnce({ context: { 'outbound:alarmEmail': 'ops@example.com' } });

/** Logical id of a family's Lambda function. */
const fnId = (family: string) => synth.logicalId(synth.stack.api.functions.get(family)!.fn);

const roleOf = (family: string): string => synth.roleOf(fnId(family));

/** Path of a family's bundle directory in the cloud assembly (named after the asset hash). */
const bundleDir = (family: string) => synth.assetDir(fnId(family));

describe('bundling', () => {
  it('bundles every function with the local esbuild and never calls Docker', () => {
    expect(existsSync(synth.dockerLog)).toBe(false);
    for (const f of families) expect(existsSync(join(bundleDir(f.name), 'index.mjs'))).toBe(true);
  });

  it('ships ESM bundles with the createRequire banner and a source map', () => {
    for (const f of families) {
      const code = readFileSync(join(bundleDir(f.name), 'index.mjs'), 'utf8');
      expect(code.startsWith(bundleOptions.banner)).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
      expect(existsSync(join(bundleDir(f.name), 'index.mjs.map'))).toBe(true);
    }
  });

  it('bundles the AWS SDK instead of relying on the runtime copy', () => {
    const code = readFileSync(join(bundleDir('campaigns'), 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('DynamoDB_20120810');
  });

  it('keeps the API shapes (response schemas, presenters) out of the tick bundle', () => {
    // The tick starts a campaign's successor (chaining); that path must not load the API's zod shapes,
    // whose construction at module load made the tick's cold start the slowest of the engine.
    const tickDir = synth.assetDir(synth.logicalId(synth.stack.engine.functions.get('tick')!.fn));
    const { sources } = JSON.parse(readFileSync(join(tickDir, 'index.mjs.map'), 'utf8')) as {
      sources: string[];
    };
    expect(sources.some((s) => s.includes('shared/services/engine/run-tick.ts'))).toBe(true);
    expect(sources.filter((s) => /shared\/schemas\/|shared\/services\/present\.ts/.test(s))).toEqual([]);
  });

  it('loads every bundle in a fresh node process', async () => {
    const env = { ...process.env, TABLE_NAME: 'outbound', NODE_OPTIONS: '--enable-source-maps' };
    await Promise.all(
      families.map(async (f) => {
        const url = pathToFileURL(join(bundleDir(f.name), 'index.mjs')).href;
        const script = `const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== 'function') process.exit(3);`;
        await run(process.execPath, ['--input-type=module', '-e', script], { env });
      }),
    );
  });

  it('serves GET /v1.0/openapi.json from the openapi bundle', async () => {
    const url = pathToFileURL(join(bundleDir('openapi'), 'index.mjs')).href;
    const script = `
      const { handler } = await import(${JSON.stringify(url)});
      const out = await handler(${JSON.stringify(httpEvent('GET', '/v1.0/openapi.json'))}, ${JSON.stringify(lambdaContext)});
      process.stdout.write(JSON.stringify({ status: out.statusCode, openapi: JSON.parse(out.body).openapi }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TABLE_NAME: 'outbound', POWERTOOLS_LOG_LEVEL: 'CRITICAL' },
    });
    expect(JSON.parse(stdout)).toEqual({ status: 200, openapi: expect.stringMatching(/^3\./) });
  });
});

describe('operator key in the customers bundle', () => {
  const operatorKey = 'k'.repeat(40);
  const calls: string[] = [];
  let server: ReturnType<typeof createServer>;
  let endpoint: string;

  /** Answers Secrets Manager and DynamoDB JSON calls like AWS would, recording each operation. */
  const fakeAws = (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    req.resume();
    req.on('end', () => {
      calls.push(target);
      const body =
        target === 'secretsmanager.GetSecretValue'
          ? {
              ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
              Name: 'x',
              SecretString: operatorKey,
            }
          : {};
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    });
  };

  beforeAll(async () => {
    server = createServer(fakeAws);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the key from Secrets Manager once and accepts it for POST /v1.0/customers', async () => {
    const url = pathToFileURL(join(bundleDir('customers'), 'index.mjs')).href;
    const create = (key: string) =>
      httpEvent('POST', '/v1.0/customers', { authorization: `Bearer ${key}` }, { name: 'acme', detail: '' });
    const script = `
      const { handler } = await import(${JSON.stringify(url)});
      const ctx = ${JSON.stringify(lambdaContext)};
      const statuses = [];
      for (const e of ${JSON.stringify([create(operatorKey), create(operatorKey), create('x'.repeat(40))])}) {
        statuses.push((await handler(e, ctx)).statusCode);
      }
      process.stdout.write(JSON.stringify(statuses));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        TABLE_NAME: 'outbound',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
        DYNAMODB_ENDPOINT: endpoint,
        OUTBOUND_ADMIN_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
        POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      },
    });
    const [first, second, wrongKey] = JSON.parse(stdout) as number[];
    expect(first).toBeGreaterThanOrEqual(200);
    expect(first).toBeLessThan(300);
    expect(second).toBe(first);
    expect(wrongKey).toBe(401);
    expect(calls.filter((c) => c === 'secretsmanager.GetSecretValue')).toHaveLength(1);
  });
});

describe('table', () => {
  it('is built from shared/adapters/dynamodb/table.ts with every index projecting all attributes', () => {
    synth.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: TABLE_SORT_KEY, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: allIndexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          i.projection.type === 'INCLUDE'
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.projection.attributes] }
            : { ProjectionType: i.projection.type },
      })),
    });
  });

  it('is on-demand, with point-in-time recovery, TTL and AWS-managed encryption', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      // Enabled without a key of ours: the AWS-managed aws/dynamodb KMS key.
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
    });
  });

  it('streams new and old images of every change (the webhook pipeline reads them)', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('is retained and deletion-protected by default', () => {
    synth.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });
});

describe('functions', () => {
  it("deploys one function per API family, plus the engine and webhook functions and CDK's console upload", () => {
    // The last one is CDK's bucket deployment handler, which copies the console into its bucket.
    synth.template.resourceCountIs(
      'AWS::Lambda::Function',
      families.length + Object.keys(engineTableAccess).length + Object.keys(eventsTableAccess).length + 1,
    );
    synth.template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    expect([...synth.stack.api.functions.keys()]).toEqual(families.map((f) => f.name));
  });

  it('runs every function on nodejs22.x, arm64, with its own log group and Powertools settings', () => {
    for (const f of families) {
      const props = synth.resources[fnId(f.name)].Properties;
      expect(props.Runtime).toBe('nodejs22.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.MemorySize).toBe(512);
      expect(props.Timeout).toBe(10);
      expect(props.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'outbound',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        OUTBOUND_RUNTIME: 'aws',
        TABLE_NAME: { Ref: synth.logicalId(synth.stack.data.table) },
      });
      const logGroup = synth.resources[props.LoggingConfig.LogGroup.Ref];
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.RetentionInDays).toBe(30);
    }
  });

  it('never puts the operator key in an environment variable', () => {
    for (const [, fn] of synth.ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables).not.toHaveProperty('OUTBOUND_ADMIN_KEY');
    }
  });
});

describe('api', () => {
  it('has exactly one route per family route, and one catch-all ($default) for unknown routes', () => {
    const expected = [
      ...families.flatMap((f) => routesOf(f).map((r) => `${r.method} ${r.path}`)),
      // The engine's public webhook routes: call events and opt-out keypresses (engine-stack.test.ts).
      'POST /v1.0/providers/{provider}/events',
      'POST /v1.0/providers/{provider}/gather',
      '$default',
    ].sort();
    const actual = synth
      .ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string)
      .sort();
    expect(actual).toEqual(expected);
    expect(actual.some((k) => k.includes('{proxy+}') || k.startsWith('ANY'))).toBe(false);
  });

  it('sends unknown routes to the openapi function, which has no table access and no secrets', () => {
    const [[, route]] = synth
      .ofType('AWS::ApiGatewayV2::Route')
      .filter(([, r]) => r.Properties.RouteKey === '$default') as [[string, Json]];
    expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
    const target = synth.resources[integrationId].Properties.IntegrationUri['Fn::GetAtt'][0] as string;
    expect(target).toBe(fnId('openapi'));
    const actions = synth
      .statementsOfFunction(target)
      .flatMap((s: Json) => asList(s.Action))
      .filter((a: string) => /^(dynamodb|secretsmanager|kms):/.test(a));
    expect(actions).toEqual([]);
  });

  it("sends each route to its own family's function", () => {
    const integrationTarget = (integrationId: string) =>
      synth.resources[integrationId].Properties.IntegrationUri['Fn::GetAtt'][0] as string;
    for (const f of families) {
      const keys = new Set(routesOf(f).map((r) => `${r.method} ${r.path}`));
      const routes = synth
        .ofType('AWS::ApiGatewayV2::Route')
        .filter(([, r]) => keys.has(r.Properties.RouteKey));
      expect(routes).toHaveLength(keys.size);
      for (const [, r] of routes) {
        const integrationId = r.Properties.Target['Fn::Join'][1][1].Ref as string;
        expect(integrationTarget(integrationId)).toBe(fnId(f.name));
      }
    }
  });

  it('writes JSON access logs without query strings, headers or bodies', () => {
    const [[, stage]] = synth.ofType('AWS::ApiGatewayV2::Stage') as [[string, Json]];
    const { DestinationArn, Format } = stage.Properties.AccessLogSettings;
    expect(synth.resources[DestinationArn['Fn::GetAtt'][0]].Type).toBe('AWS::Logs::LogGroup');
    const format = JSON.parse(Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(Format).not.toMatch(/querystring|rawQueryString|header|body|apiKey/i);
  });

  it('throttles the default stage at burst 200, rate 100', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
    });
  });

  it("allows exactly the console's origin by CORS by default, exposing the headers the console reads", () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: [
          {
            'Fn::Join': [
              '',
              [
                'https://',
                { 'Fn::GetAtt': [synth.logicalId(synth.stack.console.distribution), 'DomainName'] },
              ],
            ],
          },
        ],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        AllowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
        ExposeHeaders: ['retry-after', 'idempotent-replayed'],
        MaxAge: 3600,
      },
    });
  });
});

describe('least privilege', () => {
  const allStatements = () =>
    [...synth.ofType('AWS::IAM::Policy'), ...synth.ofType('AWS::IAM::ManagedPolicy')].flatMap(
      ([, p]) => p.Properties.PolicyDocument.Statement as Json[],
    );

  it('grants no wildcard action, no Scan and no wildcard resource anywhere', () => {
    const statements = allStatements();
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      const actions = asList(s.Action) as string[];
      expect(actions).not.toContain('*');
      expect(actions).not.toContain('dynamodb:*');
      expect(actions.filter((a) => a.includes('*') && a.startsWith('dynamodb:'))).toEqual([]);
      expect(actions).not.toContain('dynamodb:Scan');
      expect(asList(s.Resource)).not.toContain('*');
    }
  });

  it('attaches no managed policies to function roles', () => {
    for (const f of families)
      expect(synth.resources[roleOf(f.name)].Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('gives each function only the table actions its code uses', () => {
    const tableId = synth.logicalId(synth.stack.data.table);
    for (const f of families) {
      const dynamo = synth
        .statementsOfRole(roleOf(f.name))
        .filter((s) => asList(s.Action).some((a: string) => a.startsWith('dynamodb:')));
      // Item actions (and a Query of the table itself, where a family lists it) on the table ARN;
      // index Queries in statements of their own.
      const onTable = (s: Json) =>
        JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] });
      const items = dynamo.filter(onTable);
      const queries = dynamo.filter((s) => !onTable(s));
      const expected = EXPECTED_TABLE_ACTIONS[f.name];
      expect(expected, `no expectation for family ${f.name}`).toBeDefined();
      expect(items.flatMap((s) => asList(s.Action)).sort(), `${f.name} item actions`).toEqual(
        expected!.items.map((a) => `dynamodb:${a}`),
      );
      for (const s of items) expect(s.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
      // Index Queries only on the named indexes.
      const queried = queries.flatMap((s) => asList(s.Resource)).map((r: Json) => r['Fn::Join'][1][1]);
      expect(queried.sort(), `${f.name} queried indexes`).toEqual(
        expected!.queries.map((i) => `/index/${i}`),
      );
      for (const s of queries) expect(asList(s.Action)).toEqual(['dynamodb:Query']);
    }
  });

  it('lets each function write only to its own log group', () => {
    for (const f of families) {
      const logs = synth
        .statementsOfRole(roleOf(f.name))
        .filter((s) => asList(s.Action).some((a: string) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(logs[0].Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(logs[0].Resource).toEqual({
        'Fn::GetAtt': [synth.resources[fnId(f.name)].Properties.LoggingConfig.LogGroup.Ref, 'Arn'],
      });
    }
  });

  it('lets only the customers function read the operator key, and tells only it where the key is', () => {
    const secretId = synth.logicalId(synth.stack.operatorKey.secret);
    const readers = families.filter((f) =>
      synth
        .statementsOfRole(roleOf(f.name))
        .some((s) => asList(s.Action).some((a: string) => a.startsWith('secretsmanager:'))),
    );
    expect(readers.map((f) => f.name)).toEqual(['customers']);
    const [grant] = synth
      .statementsOfRole(roleOf('customers'))
      .filter((s) => asList(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(grant.Resource).toEqual({ Ref: secretId });
    const withArn = families.filter(
      (f) => synth.resources[fnId(f.name)].Properties.Environment.Variables.OUTBOUND_ADMIN_KEY_SECRET_ARN,
    );
    expect(withArn.map((f) => f.name)).toEqual(['customers']);
    expect(
      synth.resources[fnId('customers')].Properties.Environment.Variables.OUTBOUND_ADMIN_KEY_SECRET_ARN,
    ).toEqual({
      Ref: secretId,
    });
    // No other principal in any policy mentions the secret.
    const mentions = allStatements().filter((s) => JSON.stringify(s).includes(secretId));
    expect(mentions).toHaveLength(1);
  });

  it('generates the operator key in Secrets Manager and retains it', () => {
    synth.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Name: 'Outbound/operator-key',
        GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }),
      }),
    });
  });
});

describe('observability', () => {
  const alarmsOn = (metric: string) =>
    synth
      .ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((p) => p.MetricName === metric);

  it('alarms on every function’s errors and throttles', () => {
    // All but CDK's bucket deployment handler, which runs only while a deploy uploads the console.
    const everyFunction = synth
      .ofType('AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => !id.startsWith('CustomCDKBucketDeployment'));
    expect(everyFunction).toHaveLength(families.length + synth.stack.engine.functions.size + 2);
    for (const metric of ['Errors', 'Throttles']) {
      const alarmed = alarmsOn(metric).map((p) => p.Dimensions[0].Value.Ref);
      expect(alarmed.sort()).toEqual(everyFunction.sort());
    }
  });

  it('alarms on API 5xx', () => {
    const [api5xx] = alarmsOn('5xx');
    expect(api5xx).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Threshold: 5 });
  });

  it('sends every alarm to an encrypted SNS topic when an alarm email is given', () => {
    const [[topicId, topic]] = synth.ofType('AWS::SNS::Topic') as [[string, Json]];
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    for (const [, a] of synth.ofType('AWS::CloudWatch::Alarm')) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });

  it('has a dashboard of API requests, latency, 5xx and function errors and duration', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(synth.template.findResources('AWS::CloudWatch::Dashboard'));
    for (const title of [
      'Calls placed per minute',
      'Answers and failures',
      'Failures by hangup reason',
      'Queue age',
      'API requests',
      'API latency',
      'API 5xx',
      'Lambda errors',
      'Lambda duration',
    ]) {
      expect(body).toContain(title);
    }
  });
});

describe('outputs', () => {
  const outputs = () => synth.template.toJSON().Outputs as Record<string, { Value: Json }>;
  const joined = (v: Json) =>
    (v['Fn::Join'][1] as Json[]).map((p) => (typeof p === 'string' ? p : '<token>')).join('');

  it('gives the API base URL ending in /v1.0', () => {
    expect(joined(outputs().ApiUrl!.Value)).toBe('<token>/v1.0');
  });

  it('names the operator key secret and the exact command that prints it', () => {
    expect(outputs().OperatorKeySecretName!.Value).toBe('Outbound/operator-key');
    expect(joined(outputs().OperatorKeyCommand!.Value)).toBe(
      'aws secretsmanager get-secret-value --region <token> --secret-id Outbound/operator-key --query SecretString --output text',
    );
  });

  it('names the functions to recycle after the operator key is rotated', () => {
    expect(outputs().OperatorKeyReaders!.Value).toEqual({ Ref: fnId('customers') });
  });

  it('gives the provider webhook URL', () => {
    expect(joined(outputs().ProviderWebhookUrl!.Value)).toBe('<token>/v1.0/providers/{provider}/events');
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AWS Solutions finding, error or warning', () => {
    expect(synth.nagFindings()).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(synth.stack).violations).toEqual([]);
    expect(
      Annotations.fromStack(synth.stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ).toEqual([]);
    expect(
      Annotations.fromStack(synth.stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ).toEqual([]);
  });

  it('acknowledges only findings that would otherwise fire, each with a specific reason', () => {
    const acknowledged = new Map<string, string>();
    for (const c of synth.stack.node.findAll()) {
      for (const entry of c.node.metadata.filter(
        (m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
      )) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          // The pack's prefix (`AwsSolutions::`) only: finding ids such as IAM5[Action::s3:List*] keep theirs.
          acknowledged.set(id.replace(/^[^[]*?::(?=AwsSolutions-)/, ''), reason);
        }
      }
    }
    expect([...acknowledged.keys()].sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        // The console's distribution (infra/constructs/console.ts): static files, default certificate.
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
        // CDK's bucket deployment handler, which copies the console into its bucket at deploy.
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        `AwsSolutions-IAM5[Resource::<${synth.logicalId(synth.stack.console.bucket)}.Arn>/*]`,
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        'AwsSolutions-L1',
        // The console bucket: its bundle only, read by CloudFront alone.
        'AwsSolutions-S1',
        'AwsSolutions-SMG4',
        // The table stream's on-failure destination is a DLQ cdk-nag does not recognise as one.
        'AwsSolutions-SQS3',
      ].sort(),
    );
    for (const reason of acknowledged.values()) expect(reason.length).toBeGreaterThan(80);
    // With acknowledgements ignored, exactly these rules fire: none is stale, none is missing.
    const raw = new AwsSolutionsChecks() as Json;
    raw.isAcknowledged = () => false;
    const fired = new Set((raw.validateScope(synth.stack).violations as Json[]).map((v) => v.ruleName));
    expect([...fired].sort()).toEqual([...acknowledged.keys()].sort());
  });
});

const lambdaContext = {
  functionName: 'test',
  functionVersion: '$LATEST',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
  memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'test',
};

function httpEvent(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'test.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'test',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body), isBase64Encoded: false }),
  };
}
