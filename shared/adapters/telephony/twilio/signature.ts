/**
 * X-Twilio-Signature: base64(HMAC-SHA1(auth token, url + sorted name/value
 * pairs)), compared in constant time. JSON-bodied webhooks sign the URL only and carry the body's
 * SHA-256 in the `bodySHA256` query parameter. Webhooks are always signed with the account's auth token.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export type TwilioParams = URLSearchParams | Record<string, string | readonly string[]>;

const entriesOf = (params: TwilioParams): [string, string[]][] => {
  const grouped = new Map<string, string[]>();
  const add = (k: string, v: string) => grouped.set(k, [...(grouped.get(k) ?? []), v]);
  if (params instanceof URLSearchParams) {
    for (const [k, v] of params) add(k, v);
  } else {
    for (const [k, v] of Object.entries(params))
      for (const one of typeof v === 'string' ? [v] : v) add(k, one);
  }
  return [...grouped.entries()];
};

/**
 * Names sorted by code unit, each followed by its value; a repeated name contributes each distinct
 * value once, sorted (as Twilio's python and PHP helpers do).
 */
export const signedData = (url: string, params: TwilioParams = {}) => {
  const byName = entriesOf(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let data = url;
  for (const [name, values] of byName) for (const v of [...new Set(values)].sort()) data += name + v;
  return data;
};

export const twilioSignature = (authToken: string, url: string, params: TwilioParams = {}) =>
  createHmac('sha1', authToken)
    .update(Buffer.from(signedData(url, params), 'utf8'))
    .digest('base64');

export const bodySha256 = (rawBody: string) => createHash('sha256').update(rawBody, 'utf8').digest('hex');

const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The URL as given, without its port and with the scheme's default port: the official helpers accept
 * all three, since proxies differ in whether Twilio's signed URL carried `:443`.
 */
export const urlVariants = (url: string): string[] => {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*@)?([^/?#:]+)(?::(\d+))?(.*)$/is.exec(url);
  if (!m) return [url];
  const [, scheme = '', auth = '', host = '', port, rest = ''] = m;
  const defaultPort = { 'https://': '443', 'http://': '80' }[scheme.toLowerCase()];
  if (port) return [url, `${scheme}${auth}${host}${rest}`];
  return defaultPort ? [url, `${scheme}${auth}${host}:${defaultPort}${rest}`] : [url];
};

export interface SignedRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  rawBody: string;
}

/**
 * Whether `req` carries a valid signature for `authToken`: a form POST signs its parameters, a JSON
 * body (URL with `bodySHA256`) signs the URL and must hash to that value, a GET signs the URL alone.
 */
export const verifyTwilioRequest = (authToken: string, req: SignedRequest): boolean => {
  const given = req.headers[TWILIO_SIGNATURE_HEADER] ?? '';
  if (!given) return false;
  let expectedBodyHash: string | null = null;
  try {
    expectedBodyHash = new URL(req.url).searchParams.get('bodySHA256');
  } catch {
    return false;
  }
  const params = req.method === 'POST' && expectedBodyHash === null ? new URLSearchParams(req.rawBody) : {};
  const signed = urlVariants(req.url).some((u) => safeEqual(given, twilioSignature(authToken, u, params)));
  if (!signed) return false;
  return expectedBodyHash === null || safeEqual(expectedBodyHash.toLowerCase(), bodySha256(req.rawBody));
};
