/**
 * Where a tick's time goes: a client middleware counts the requests by command and times them, and
 * records how long at least one request was outstanding (the rest is our own CPU, or idle between
 * awaits). Works on any SDK v3 client (DynamoDB, SQS).
 */
import { performance } from 'node:perf_hooks';

interface Stack {
  middlewareStack: {
    add(
      mw: (
        next: (args: unknown) => Promise<unknown>,
        ctx: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      opts: { step: 'initialize'; name: string },
    ): void;
  };
}

export interface RequestLog {
  /** Requests and their total latency (ms), by command. */
  byCommand: Map<string, { n: number; ms: number }>;
  /** Time with at least one request outstanding, ms. */
  busyMs: number;
  reset(): void;
}

export const logRequests = (clients: unknown[]): RequestLog => {
  let outstanding = 0;
  let busySince = 0;
  const log: RequestLog = {
    byCommand: new Map(),
    busyMs: 0,
    reset() {
      log.byCommand.clear();
      log.busyMs = 0;
    },
  };
  for (const [i, client] of clients.entries()) {
    (client as Stack).middlewareStack.add(
      (next, ctx) => async (args) => {
        const t = performance.now();
        if (outstanding++ === 0) busySince = t;
        try {
          return await next(args);
        } finally {
          const end = performance.now();
          if (--outstanding === 0) log.busyMs += end - busySince;
          const name = (ctx.commandName ?? '?').replace(/Command$/, '');
          const entry = log.byCommand.get(name) ?? { n: 0, ms: 0 };
          entry.n++;
          entry.ms += end - t;
          log.byCommand.set(name, entry);
        }
      },
      { step: 'initialize', name: `requestLog${i}` },
    );
  }
  return log;
};

/** One line per command: count, mean latency; then the totals. */
export const formatRequestLog = (log: RequestLog, wallMs: number) => {
  const rows = [...log.byCommand].sort((a, b) => b[1].n - a[1].n);
  const total = rows.reduce((a, [, v]) => a + v.n, 0);
  const sumMs = rows.reduce((a, [, v]) => a + v.ms, 0);
  return [
    `  ${total} requests: ${rows.map(([k, v]) => `${k} ${v.n} (${(v.ms / v.n).toFixed(1)} ms)`).join(', ')}`,
    `  wall ${wallMs.toFixed(0)} ms, a request outstanding ${log.busyMs.toFixed(0)} ms, ` +
      `mean requests in flight ${(sumMs / wallMs).toFixed(1)}`,
  ].join('\n');
};
