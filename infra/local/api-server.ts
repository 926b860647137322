/**
 * Local HTTP front door: turns each request into the API Gateway HTTP API (v2) event the Lambdas
 * receive and calls the same handler, so `npm start` and the cloud run one code path.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { DynamoRequestBudget } from '#adapters/dynamodb/request-budget.ts';
import { NotFound, PayloadTooLarge } from '#domain/errors.ts';
import { TooManyRequests } from '#domain/request-budget.ts';
import { families } from '#functions/api/families.ts';
import { type ApiHandler, buildApiHandler, createKeyCache } from '#http/api-handler.ts';
import { credentialOf } from '#http/credentials.ts';
import { errorResponse } from '#http/responses.ts';
import { MAX_BODY_BYTES } from '#http/route.ts';
import type { RequestBudget } from '#ports/request-budget.ts';
import type { Deps } from '#services/deps.ts';
import { config } from '#shared/config.ts';

/** Bodies are read up to this (well past the API's own 256 KB limit) so the handler answers the 413. */
const READ_LIMIT = MAX_BODY_BYTES * 4;

interface Mounted {
  name: string;
  patterns: RegExp[];
  handler: ApiHandler;
}

const pattern = (path: string) =>
  new RegExp(`^${path.replace(/\./g, '\\.').replace(/\{[^/]+\}/g, '[^/]+')}/?$`);

export interface ApiServerOptions {
  deps: Deps;
  adminKeyHash: string | undefined;
  port?: number;
  host?: string;
  /** Seconds a verified key is trusted (as in the Lambda); tests use 0. */
  keyCacheSeconds?: number;
  /**
   * The per-customer request budget. Default: the one the Lambdas use (API_REQUESTS_PER_SECOND,
   * API_REQUEST_BURST) on the configured table; null: none.
   */
  requestBudget?: RequestBudget | null;
  /**
   * Source of the jitter in a held refusal: a number in [0, 1), as Math.random gives. Tests pass a
   * constant to know the hold exactly (`() => 1` holds until the Retry-After deadline).
   * @default Math.random: a flood's clients come back spread over the window.
   */
  random?: () => number;
  /**
   * Requests one credential may have in the handler at once (see MAX_IN_FLIGHT_PER_CREDENTIAL). Benches
   * that measure the store's own throughput with several requests of one customer at a time raise it.
   * @default MAX_IN_FLIGHT_PER_CREDENTIAL
   */
  maxInFlightPerCredential?: number;
  /** Other Lambdas behind the same API, such as the provider webhook route. */
  extraHandlers?: { name: string; pattern: RegExp; handler: ApiHandler }[];
  /** Serves the paths outside /v1.0 (the console); answers false for a path it does not serve. */
  site?: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>;
}

export interface RunningApi {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const toEvent = (req: IncomingMessage, body: string, url: URL, requestId: string): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && k !== 'cookie') headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  const cookies = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: req.headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
};

const lambdaContext = (name: string, requestId: string): Context =>
  ({
    callbackWaitsForEmptyEventLoop: false,
    functionName: `outbound-api-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:outbound-api-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/outbound-api-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  }) as Context;

const readBody = (req: IncomingMessage) =>
  new Promise<string | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > READ_LIMIT) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const send = (res: ServerResponse, out: APIGatewayProxyStructuredResultV2) => {
  res.writeHead(out.statusCode ?? 200, out.headers as Record<string, string>);
  res.end(out.body ?? '');
};

/** One budget for the whole process: locally the process is the only "container". */
const configuredBudget = (): RequestBudget => {
  const cfg = config();
  return new DynamoRequestBudget(createDocumentClient(), { tableName: cfg.tableName, policy: cfg.apiBudget });
};

/** Shortest hold of a refusal: even a client coming back at the very end of its window waits this. */
export const MIN_REFUSAL_HOLD_MS = 20;
/** Longest random part of a hold: a client is never held more than a second past this minimum. */
export const MAX_REFUSAL_JITTER_MS = 1000;

/**
 * The hold of a refusal with `remainingMs` left before the Retry-After deadline: the minimum plus a
 * `random` part of what is left (at most a second). Another refusal follows if it comes back too soon,
 * so a flood's many clients come back spread over the window, not as one burst the moment it ends.
 */
export const refusalHoldMs = (remainingMs: number, random: number) =>
  MIN_REFUSAL_HOLD_MS + random * Math.min(remainingMs, MAX_REFUSAL_JITTER_MS);

/**
 * A customer told to retry after N seconds that comes back sooner is refused again here, before the
 * handler runs, and the refusal is held for a random part of that time (at most a second): a client
 * looping on 429s is slowed to a few requests a second, so one customer's flood cannot take the
 * CPU the other customers' requests need. The budget itself stays the handler's; this only remembers
 * its last refusal per credential. Local only: in AWS a held response would bill Lambda time.
 */
const refusalMemo = (random: () => number, maxEntries = 10_000) => {
  const until = new Map<string, number>();
  return {
    /** Milliseconds to hold this request before refusing it, or undefined: let it through. */
    holdFor: (event: APIGatewayProxyEventV2): number | undefined => {
      const key = credentialOf(event);
      const end = key === undefined ? undefined : until.get(key);
      if (key === undefined || end === undefined) return undefined;
      const ms = end - Date.now();
      if (ms <= 0) {
        until.delete(key);
        return undefined;
      }
      return refusalHoldMs(ms, random());
    },
    note: (event: APIGatewayProxyEventV2, out: APIGatewayProxyStructuredResultV2) => {
      if (out.statusCode !== 429) return;
      const key = credentialOf(event);
      const seconds = Number(out.headers?.['retry-after']);
      if (key === undefined || !(seconds > 0)) return;
      if (until.size >= maxEntries) until.clear();
      until.set(key, Date.now() + seconds * 1000);
    },
  };
};

/**
 * Requests one credential may have in the handler at once; the rest wait their turn, in order. One
 * process serves every customer locally (in AWS each request has its own Lambda instance), so without
 * this a customer sending many requests at once would have as many in progress, each taking its share
 * of the CPU and of DynamoDB Local, ahead of another customer's one request. One: with two (or four),
 * a flooding customer's admitted requests pushed another customer's p99 past twice its figure alone on
 * a 2-core machine (the api-flood fault case); one still serves a customer's full budget of 50 a second.
 */
const MAX_IN_FLIGHT_PER_CREDENTIAL = 1;

const credentialLanes = (limit: number) => {
  const lanes = new Map<string, { active: number; waiting: (() => void)[] }>();
  return {
    /** Waits for a free place in the credential's lane; the returned function gives it back. */
    enter: async (key: string): Promise<() => void> => {
      let lane = lanes.get(key);
      if (!lane) {
        lane = { active: 0, waiting: [] };
        lanes.set(key, lane);
      }
      const l = lane;
      if (l.active >= limit) await new Promise<void>((resolve) => l.waiting.push(resolve));
      else l.active++;
      return () => {
        const next = l.waiting.shift();
        if (next) next();
        else if (--l.active === 0) lanes.delete(key);
      };
    },
  };
};

export const startApiServer = async (options: ApiServerOptions): Promise<RunningApi> => {
  const keyCache = createKeyCache(options.keyCacheSeconds ?? 10);
  const budget =
    options.requestBudget === undefined ? configuredBudget() : (options.requestBudget ?? undefined);
  const mounted: Mounted[] = families.map((f) => {
    const routes = f.routes(options.deps, { keysChanged: keyCache.clear });
    return {
      name: f.name,
      patterns: routes.map((r) => pattern(r.path)),
      handler: buildApiHandler(options.deps, routes, {
        adminKeyHash: options.adminKeyHash,
        keyCache,
        ...(budget ? { budget } : {}),
      }),
    };
  });

  for (const extra of options.extraHandlers ?? []) {
    mounted.push({ name: extra.name, patterns: [extra.pattern], handler: extra.handler });
  }

  const refusals = refusalMemo(options.random ?? Math.random);
  const lanes = credentialLanes(options.maxInFlightPerCredential ?? MAX_IN_FLIGHT_PER_CREDENTIAL);
  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (options.site && (await options.site(req, res, url.pathname))) return;
      const body = await readBody(req);
      if (body === undefined) return send(res, errorResponse(new PayloadTooLarge(MAX_BODY_BYTES), requestId));
      const target = mounted.find((m) => m.patterns.some((p) => p.test(url.pathname)));
      if (!target)
        return send(res, errorResponse(new NotFound('ROUTE_NOT_FOUND', 'No such route'), requestId));
      const event = toEvent(req, body, url, requestId);
      const hold = refusals.holdFor(event);
      if (hold !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, hold));
        return send(res, errorResponse(new TooManyRequests(1), requestId));
      }
      // Requests without a credential (carrier callbacks, anonymous calls) are not a customer's share.
      const credential = credentialOf(event);
      const release = credential === undefined ? () => {} : await lanes.enter(credential);
      let out: APIGatewayProxyStructuredResultV2;
      try {
        out = await target.handler(event, lambdaContext(target.name, requestId));
      } finally {
        release();
      }
      refusals.note(event, out);
      send(res, out);
    } catch (err) {
      send(res, errorResponse(err, requestId));
    }
  });
  // Longer than any client keeps an idle connection (Node's fetch closes at the server's hint minus a
  // margin): a server that closes first races the client's next request on that socket (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://localhost:${port}/v1.0`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
