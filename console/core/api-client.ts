/**
 * The Outbound API as the console and the CLI call it: fetch, the bearer key, the error envelope, and
 * the waits the API asks for (429 Retry-After, 409 REQUEST_IN_PROGRESS). No DOM and no Node API, so the
 * browser bundle and the CLI share it.
 */

/** The body of every API error (VoIPBIN's envelope). */
export interface ApiErrorBody {
  status: string;
  reason: string;
  message: string;
  request_id: string;
  details?: { field?: string; issue: string }[];
}

/** An answer other than 200, or no answer at all (`httpStatus` 0). */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: ApiErrorBody | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get reason() {
    return this.body?.reason ?? (this.httpStatus === 0 ? 'UNREACHABLE' : `HTTP_${this.httpStatus}`);
  }
}

export interface ApiReply<T> {
  body: T;
  /** True when the API answered a repeated Idempotency-Key with the first answer. */
  replayed: boolean;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** e.g. http://localhost:3000/v1.0 or /v1.0 */
  base: string;
  key: string;
  fetch?: typeof fetch;
  /** Waits (ms); tests and callers with their own clock replace it. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How many times a request the API asked us to repeat (429, 409 in progress, 5xx) is repeated. */
  maxRetries?: number;
}

export type ApiClient = ReturnType<typeof createApiClient>;

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const withQuery = (path: string, query: RequestOptions['query']) => {
  const entries = Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== '');
  if (!entries.length) return path;
  return `${path}?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
};

const isErrorBody = (b: unknown): b is { error: ApiErrorBody } =>
  typeof b === 'object' && b !== null && 'error' in b && typeof (b as { error: unknown }).error === 'object';

export const createApiClient = (options: ApiClientOptions) => {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const sleep = options.sleep ?? abortableSleep;
  const maxRetries = options.maxRetries ?? 8;
  const base = options.base.replace(/\/$/, '');

  const request = async <T>(method: string, path: string, o: RequestOptions = {}): Promise<ApiReply<T>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${options.key}` };
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
    // A request may be sent again only when a second copy cannot do anything twice: reads, PUTs
    // (they set a state), and POSTs that carry an Idempotency-Key.
    const repeatable = method !== 'POST' || Boolean(o.idempotencyKey);
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(`${base}${withQuery(path, o.query)}`, {
          method,
          headers,
          ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        });
      } catch (err) {
        if (o.signal?.aborted) throw err;
        if (repeatable && attempt < maxRetries) {
          await sleep(Math.min(250 * 2 ** attempt, 4000), o.signal);
          continue;
        }
        throw new ApiError(0, undefined, `Could not reach the Outbound API at ${base}.`);
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (res.status === 200)
        return { body: body as T, replayed: res.headers.get('idempotent-replayed') === 'true' };
      const error = isErrorBody(body) ? body.error : undefined;
      if (attempt < maxRetries) {
        if (res.status === 429) {
          const seconds = Number(res.headers.get('retry-after'));
          await sleep((seconds > 0 ? seconds : 1) * 1000, o.signal);
          continue;
        }
        if (res.status === 409 && error?.reason === 'REQUEST_IN_PROGRESS') {
          await sleep(500, o.signal);
          continue;
        }
        if (repeatable && res.status >= 502 && res.status <= 504) {
          await sleep(Math.min(250 * 2 ** attempt, 4000), o.signal);
          continue;
        }
      }
      throw new ApiError(res.status, error, error?.message ?? `HTTP ${res.status}`);
    }
  };

  return {
    base,
    request,
    get: <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) =>
      request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }).then(
        (r) => r.body,
      ),
    post: <T>(path: string, body: unknown, o: Omit<RequestOptions, 'body'> = {}) =>
      request<T>('POST', path, { ...o, body }).then((r) => r.body),
    put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }).then((r) => r.body),
    del: <T>(path: string) => request<T>('DELETE', path).then((r) => r.body),
  };
};

/** Plain words for the reasons an operator meets; anything else shows the API's own message. */
const PLAIN: Record<string, string> = {
  UNREACHABLE: 'The Outbound API cannot be reached. Is the server running, and is the address right?',
  AUTHENTICATION_REQUIRED: 'Sign in with an access key first.',
  INVALID_CREDENTIALS: 'This access key was not accepted: it may be mistyped or revoked. Sign in again.',
  PERMISSION_DENIED: 'This belongs to another customer, or the key may not do this.',
  CAMPAIGN_NOT_STOPPED: 'Stop the campaign first: only a stopped campaign can be changed this way.',
  RESOURCE_IN_USE: 'A campaign still uses this. Point the campaign elsewhere or delete it first.',
  RESOURCE_DELETED: 'This was deleted, so it cannot be changed any more.',
  TARGET_IN_PROGRESS: 'This person is being called right now; try again when the call has ended.',
  TOO_MANY_REQUESTS: 'Too many requests at once: the API asked us to slow down. Try again in a moment.',
  IDEMPOTENCY_KEY_REUSED:
    'This file was sent to this list in the last 24 hours with a different column mapping. Use the mapping of the first import, or import into a new list.',
  REQUEST_IN_PROGRESS: 'The same request is still running; wait a moment.',
  INTERNAL:
    'The API failed unexpectedly. Nothing is lost; try again, and quote the request id if it repeats.',
};

/** One sentence (or a few) for an operator: what went wrong and, when known, which field. */
export const describeError = (err: unknown): string => {
  if (err instanceof ApiError) {
    const plain = PLAIN[err.reason];
    const fields = (err.body?.details ?? [])
      .map((d) => (d.field ? `${d.field}: ${d.issue}` : d.issue))
      .join('; ');
    const base = plain ?? err.body?.message ?? err.message;
    const id = err.body?.request_id && err.httpStatus >= 500 ? ` (request ${err.body.request_id})` : '';
    return `${base}${fields ? ` — ${fields}` : ''}${id}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
};
