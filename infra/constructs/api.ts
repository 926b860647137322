/** The HTTP API: one Lambda per route family, one API Gateway route per route the family serves. */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteSpec } from '#http/route.ts';
import type { FamilySpec } from '#http/specs/families.ts';
import type { Data, TableAccess } from './data.ts';
import { NodeFunction, type PowertoolsLogLevel } from './node-function.ts';
import type { OperatorKey } from './secrets.ts';

/** The path prefix every route shares; outputs and docs build URLs from it. */
export const API_BASE_PATH = '/v1.0';

/** The routes a family serves, read from the same specs the Lambda and the local server bind. */
export const routesOf = (family: FamilySpec): RouteSpec[] => Object.values(family.specs);

export interface ThrottleProps {
  /** Requests API Gateway absorbs at once before it answers 429. */
  burstLimit: number;
  /** Steady requests per second across all routes of the stage. */
  rateLimit: number;
}

export interface ApiProps {
  /** Directory holding package.json; entries are `functions/api/<family>.ts` under it. */
  projectRoot: string;
  families: readonly FamilySpec[];
  data: Data;
  /** Table access per family name; a family without an entry is an error, not a silent grant. */
  tableAccess: Readonly<Record<string, TableAccess>>;
  /** Read only by the families with an `admin` route. */
  operatorKey: OperatorKey;
  /**
   * Default stage throttling for every route.
   * @default { burstLimit: 200, rateLimit: 100 }: well above one customer's console and scripts, low
   * enough that a runaway client cannot run up the Lambda and DynamoDB bill.
   */
  throttle?: ThrottleProps;
  /**
   * Browser origins allowed by CORS. The stack passes the console's own origin first.
   * @default [] (CORS off): the API is called by servers and scripts; a browser console opts in.
   */
  corsOrigins?: readonly string[];
  /** @default RetentionDays.ONE_MONTH, for both access logs and function logs. */
  logRetention?: RetentionDays;
  /** For the log groups. @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /** @default 'INFO' */
  logLevel?: PowertoolsLogLevel;
  /** @default 10: seconds a warm handler trusts a verified access key (shared/config.ts). */
  accesskeyCacheSeconds?: number;
}

/**
 * One JSON object per request. No query string, headers or body: access keys may travel in
 * `?accesskey=`/`?token=` and cookies, and must never reach a log.
 */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
} as const;

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

const checkOrigin = (origin: string) => {
  if (origin === '*' || /^https:\/\/[^/\s]+$/.test(origin) || /^http:\/\/localhost(:\d+)?$/.test(origin))
    return;
  throw new Error(`CORS origin "${origin}" must be *, https://host[:port] or http://localhost[:port]`);
};

export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  /** Names of the families whose function may read the operator key (those with an `admin` route). */
  readonly operatorKeyReaders: ReadonlySet<string>;
  /** Function per family name, in the order of `families`. */
  readonly functions: ReadonlyMap<string, NodeFunction>;
  /** `https://<id>.execute-api.<region>.amazonaws.com/v1.0` */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? { burstLimit: 200, rateLimit: 100 };
    if (!Number.isInteger(throttle.burstLimit) || throttle.burstLimit < 1 || !(throttle.rateLimit > 0)) {
      throw new Error(`${id}: throttle needs an integer burstLimit ≥ 1 and a rateLimit > 0`);
    }
    const corsOrigins = props.corsOrigins ?? [];
    corsOrigins.forEach(checkOrigin);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Outbound campaign API',
      // Our own $default stage below carries access logs and throttling, which the built-in one cannot.
      createDefaultStage: false,
      ...(corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...corsOrigins],
              allowMethods: [
                CorsHttpMethod.GET,
                CorsHttpMethod.POST,
                CorsHttpMethod.PUT,
                CorsHttpMethod.DELETE,
              ],
              allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
              // Read by the console: how long to wait after a 429, and whether a batch was replayed.
              exposeHeaders: ['retry-after', 'idempotent-replayed'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });
    this.baseUrl = `${this.httpApi.apiEndpoint}${API_BASE_PATH}`;

    const functions = new Map<string, NodeFunction>();
    const keyReaders = new Set<string>();
    const seen = new Set<string>();
    for (const family of props.families) {
      const access = props.tableAccess[family.name];
      if (!access) {
        throw new Error(
          `${id}: family "${family.name}" has no entry in tableAccess (infra/constructs/table-access.ts)`,
        );
      }
      const routes = routesOf(family);
      const fn = new NodeFunction(this, pascal(family.name), {
        entry: join(props.projectRoot, 'functions', 'api', `${family.name}.ts`),
        projectRoot: props.projectRoot,
        description: `Outbound API: ${family.name}`,
        removalPolicy,
        logRetention,
        ...(props.logLevel ? { logLevel: props.logLevel } : {}),
        environment: {
          TABLE_NAME: props.data.table.tableName,
          OUTBOUND_RUNTIME: 'aws',
          ACCESSKEY_CACHE_SECONDS: String(props.accesskeyCacheSeconds ?? 10),
        },
      });
      props.data.grant(fn.fn, access);
      if (routes.some((r) => r.access === 'admin')) {
        props.operatorKey.grantReadTo(fn.fn);
        keyReaders.add(family.name);
      }

      const integration = new HttpLambdaIntegration(`${pascal(family.name)}Integration`, fn.fn);
      for (const route of routes) {
        const key = `${route.method} ${route.path}`;
        if (seen.has(key)) throw new Error(`${id}: route ${key} is served by two families`);
        seen.add(key);
        this.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      }
      functions.set(family.name, fn);
    }
    this.functions = functions;
    this.operatorKeyReaders = keyReaders;

    // Unknown routes: without a $default route API Gateway answers {"message":"Not Found"} itself. Send
    // them to a family whose routes are all public and that has no table access (openapi): its router
    // answers 404 ROUTE_NOT_FOUND in our envelope, and the catch-all can reach nothing else.
    const fallback = props.families.find((f) => {
      const access = props.tableAccess[f.name];
      return (
        access?.items.length === 0 &&
        access.queries.length === 0 &&
        routesOf(f).every((r) => r.access === 'public')
      );
    });
    const fallbackFn = fallback && functions.get(fallback.name);
    if (fallbackFn) {
      new HttpRoute(this.httpApi, 'UnknownRoutes', {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.DEFAULT,
        integration: new HttpLambdaIntegration('UnknownRoutesIntegration', fallbackFn.fn),
      });
    }

    // Covers every route, including those added later (addPublicRoute): they are children of the HttpApi.
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Routes authenticate in the function, by design: VoIPBIN-compatible access keys arrive as a ' +
        'Bearer header, ?accesskey=/?token= or cookies and are checked against hashed keys in DynamoDB ' +
        '(shared/http/credentials.ts, shared/services/authenticate.ts). GET /v1.0/openapi.json is public, ' +
        'and so is the $default route, which only answers 404 in our error envelope.',
    });
  }

  /**
   * A route outside the families, served by its own function and authenticated there (the provider
   * webhook checks the provider's signature): API Gateway adds no authorizer.
   */
  addPublicRoute(id: string, method: keyof typeof HttpMethod, path: string, fn: NodeFunction): void {
    this.httpApi.addRoutes({
      path,
      methods: [HttpMethod[method]],
      integration: new HttpLambdaIntegration(`${id}Integration`, fn.fn),
    });
  }
}
