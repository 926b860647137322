/** A customer's webhook endpoint for tests: a real HTTP server on loopback that records every request. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; data: Record<string, any> };
  deliveryId: string;
}

/** What the endpoint does with a request: a status to answer, or 'hang' (never answer). */
export type Behaviour = (req: { path: string; deliveryId: string; attempt: number }) => number | 'hang';

export interface Receiver {
  url(path: string): string;
  /** Requests received on a path (or all), oldest first. */
  received(path?: string): Received[];
  /** Requests still waiting for an answer. */
  hanging(): number;
  close(): Promise<void>;
}

export const startReceiver = async (behaviour: Behaviour = () => 200): Promise<Receiver> => {
  const log: Received[] = [];
  const attempts = new Map<string, number>();
  const open = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const deliveryId = String(req.headers['x-outbound-delivery-id'] ?? '');
      const attempt = (attempts.get(deliveryId) ?? 0) + 1;
      attempts.set(deliveryId, attempt);
      const path = req.url ?? '/';
      log.push({ path, headers: req.headers, body, json: JSON.parse(body), deliveryId });
      const answer = behaviour({ path, deliveryId, attempt });
      if (answer === 'hang') {
        open.add(res);
        res.on('close', () => open.delete(res));
        return;
      }
      res.writeHead(answer).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: (path) => log.filter((r) => path === undefined || r.path === path),
    hanging: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
};

/** Checks `x-outbound-signature` as a receiver would (docs/api.md, "Webhooks"). */
export const signatureIsValid = (r: Received, secret: string) => {
  const timestamp = String(r.headers['x-outbound-timestamp']);
  const expected = createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex');
  const given = String(r.headers['x-outbound-signature']).replace(/^v1=/, '');
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
};
