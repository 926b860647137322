/**
 * One HTTP request over node:http(s) that knows whether it was sent: Twilio's create is not idempotent,
 * so a failure before the request left us (refused, DNS, TLS, connect timeout) is safe to retry and a
 * failure after it (timeout waiting for the answer, reset) means the call may exist.
 */
import type { Agent, IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request that got no response. `sent`: the whole request had been written to the socket. */
export class HttpRequestFailed extends Error {
  constructor(
    readonly sent: boolean,
    readonly code: string,
  ) {
    super(`request failed ${sent ? 'after' : 'before'} it was sent: ${code}`);
  }
}

/**
 * node:http for plain-http URLs (a local fake carrier), loaded on first use: importing it also loads
 * Node's fetch internals, about 20 ms of every cold start, while production calls Twilio over https.
 */
const plainHttp = () => process.getBuiltinModule('node:http');

/** One keep-alive agent per protocol, made on first use. */
const agents: Partial<Record<'http:' | 'https:', Agent>> = {};
const agentFor = (protocol: 'http:' | 'https:'): Agent => {
  agents[protocol] ??=
    protocol === 'https:'
      ? new https.Agent({ keepAlive: true, maxSockets: 16 })
      : new (plainHttp().Agent)({ keepAlive: true, maxSockets: 16 });
  return agents[protocol];
};

export const httpRequest = (
  url: string,
  options: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<HttpResponse> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : plainHttp();
    const agent = agentFor(target.protocol === 'https:' ? 'https:' : 'http:');
    let sent = false;
    let settled = false;
    const fail = (code: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new HttpRequestFailed(sent, code));
    };
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    const req = lib.request(
      target,
      {
        method: options.method,
        agent,
        headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => fail('ERESPONSE'));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    const timer = setTimeout(() => fail('ETIMEDOUT'), options.timeoutMs);
    // 'finish': every byte of the request is handed to the operating system; from here it may arrive.
    req.on('finish', () => {
      sent = true;
    });
    req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'EREQUEST'));
    req.end(body);
  });
