/**
 * `npm start` as a child process, as an operator runs it: in memory, on a free port, with a fast
 * simulator. The console link it prints gives the origin and the dev key.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface LocalServer {
  /** http://localhost:<port> */
  origin: string;
  /** <origin>/v1.0 */
  api: string;
  key: string;
  /** The link `npm start` prints, key in the fragment. */
  consoleLink: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

const LINK = /Console: (http:\/\/localhost:(\d+))\/#accesskey=(\S+)/;

export const startLocalServer = async (
  env: Record<string, string> = {},
  timeoutMs = 150_000,
): Promise<LocalServer> => {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      OUTBOUND_IN_MEMORY: '1',
      TICK_INTERVAL_MS: '250',
      SIM_RING_MS: '150',
      SIM_TALK_MS: '150',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = LINK.exec(out);
    if (m) {
      const origin = m[1] as string;
      return {
        origin,
        api: `${origin}/v1.0`,
        key: decodeURIComponent(m[3] as string),
        consoleLink: m[0].replace(/^Console: /, ''),
        output: () => out,
        stop,
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not print the console link:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** A small client for the test's own checks and set-up (the console and CLI use their own). */
export const apiOf = (server: LocalServer) => {
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${server.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as any;
    // Reading a whole 20,000-target list goes past the customer's request budget: wait as told.
    if (res.status === 429) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      return call(method, path, body);
    }
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown) => call('POST', path, body),
    /** Every item of a list. */
    all: async (path: string) => {
      const items: any[] = [];
      let token = '';
      for (;;) {
        const page = await call(
          'GET',
          `${path}?page_size=100${token ? `&page_token=${encodeURIComponent(token)}` : ''}`,
        );
        items.push(...page.result);
        token = page.next_page_token;
        if (!token || page.result.length === 0) return items;
      }
    },
  };
};
