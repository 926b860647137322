/** One Lambda function shape for the whole service: every entry point is deployed through this. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Modules swapped at bundle time. The SDK's default credential chain (`@aws-sdk/credential-provider-node`:
 * SSO, ini files, credential_process, web identity, instance metadata, and the STS/SSO clients they
 * pull in) is about a fifth of every bundle, yet in Lambda the role's credentials are always in the
 * environment; infra/bundling/lambda-credentials.ts reads them there (container credentials as the
 * fallback). Absolute paths: esbuild resolves an alias target from its working directory.
 */
export const bundleAliases: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(
    new URL('../bundling/lambda-credentials.ts', import.meta.url),
  ),
};

/**
 * Bundle options as plain data, shared with bench/bundle-size.ts so the bench measures what ships.
 * ESM output needs the createRequire banner: some bundled CommonJS dependencies call `require`.
 */
export const bundleOptions = {
  format: 'esm',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  minify: true,
  sourcemap: true,
  /** Nothing external: the SDK is bundled, pinned by package-lock.json, and tree-shaken. */
  external: [] as string[],
  alias: bundleAliases,
} as const;

export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface NodeFunctionProps {
  /** Absolute path of the TypeScript entry file; it must export `handler`. */
  entry: string;
  /** Absolute path of the directory holding package.json and package-lock.json. */
  projectRoot: string;
  /** Shown in the console and in `aws lambda list-functions`. */
  description: string;
  /** Variables the code reads through shared/config.ts. */
  environment?: Record<string, string>;
  /**
   * @default 512: Lambda gives CPU in proportion to memory; at 512 MB a cold start (SDK + zod schemas)
   * stays well under a second, and these handlers hold no large data.
   */
  memorySize?: number;
  /**
   * @default Duration.seconds(10): API handlers make a few DynamoDB calls; API Gateway gives up at 30 s,
   * so a longer run only costs money.
   */
  timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH: enough to investigate an incident without paying to keep noise. */
  logRetention?: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN: logs outlive a mistaken `cdk destroy`.
   */
  removalPolicy?: RemovalPolicy;
  /** @default 'INFO': ids and state transitions; DEBUG only while investigating. */
  logLevel?: PowertoolsLogLevel;
  /** @default 'outbound': the Powertools service name, one per deployment. */
  serviceName?: string;
}

/** Lambda's own limits; anything outside them fails at deploy time, so fail at synth instead. */
const MEMORY_MB = { min: 128, max: 10_240 };
const MAX_TIMEOUT = Duration.minutes(15);

/**
 * A NodejsFunction with the service's defaults pinned: nodejs22.x on arm64, an ESM bundle built by the
 * local esbuild (never Docker) with the SDK inside, source maps, its own log group with retention, and
 * a role that may write only to that log group. Callers add data access with explicit grants.
 */
export class NodeFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const memorySize = props.memorySize ?? 512;
    const timeout = props.timeout ?? Duration.seconds(10);
    if (!Number.isInteger(memorySize) || memorySize < MEMORY_MB.min || memorySize > MEMORY_MB.max) {
      throw new Error(`${id}: memorySize must be an integer from 128 to 10240 MB, got ${memorySize}`);
    }
    if (timeout.toSeconds() < 1 || timeout.toSeconds() > MAX_TIMEOUT.toSeconds()) {
      throw new Error(`${id}: timeout must be from 1 second to 15 minutes`);
    }

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    // Own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to every log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize,
      timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'outbound',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: bundleOptions.target,
        mainFields: [...bundleOptions.mainFields],
        banner: bundleOptions.banner,
        minify: bundleOptions.minify,
        sourceMap: bundleOptions.sourcemap,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Stack traces need file and line, not our sources shipped a second time inside the map.
        sourcesContent: false,
        externalModules: bundleOptions.external,
        // `--alias:from=to`, once per alias (NodejsFunction has no `alias` option of its own).
        esbuildArgs: { '--alias': Object.entries(bundleOptions.alias).map(([from, to]) => `${from}=${to}`) },
        forceDockerBundling: false,
      },
    });

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned on purpose (STYLE.md): it is the Node the tests, local server and bench run ' +
        'on (node@22 devDependency), so what ships is what was tested. Move runtime and tests together.',
    });
  }
}

/** One function of a group: what differs between them. */
export interface FunctionSpec {
  description: string;
  timeout: Duration;
  environment: Record<string, string>;
}

/**
 * A group of functions (the engine's, the webhook pipeline's) built the same way: one NodeFunction per
 * spec, each granted exactly its own table access.
 */
export const createFunctions = <N extends string>(
  scope: Construct,
  specs: Partial<Record<N, FunctionSpec>>,
  group: {
    projectRoot: string;
    /** Entry file of each function, relative to the project root. */
    entries: Readonly<Record<N, string>>;
    constructId: (name: N) => string;
    grantTable: (fn: NodejsFunction, name: N) => void;
    removalPolicy: RemovalPolicy;
    logRetention?: RetentionDays;
    logLevel?: PowertoolsLogLevel;
  },
): Map<N, NodeFunction> => {
  const functions = new Map<N, NodeFunction>();
  for (const [name, spec] of Object.entries(specs) as [N, FunctionSpec | undefined][]) {
    if (!spec) continue;
    const fn = new NodeFunction(scope, group.constructId(name), {
      entry: join(group.projectRoot, group.entries[name]),
      projectRoot: group.projectRoot,
      description: spec.description,
      timeout: spec.timeout,
      environment: spec.environment,
      removalPolicy: group.removalPolicy,
      ...(group.logRetention ? { logRetention: group.logRetention } : {}),
      ...(group.logLevel ? { logLevel: group.logLevel } : {}),
    });
    group.grantTable(fn.fn, name);
    functions.set(name, fn);
  }
  return functions;
};
