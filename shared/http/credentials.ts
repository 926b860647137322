import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A cookie's value, percent-decoded when it can be; a malformed escape is kept as sent (it is then no key). */
const cookie = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  for (const c of event.cookies ?? []) {
    const i = c.indexOf('=');
    if (i > 0 && c.slice(0, i).trim() === name) {
      const raw = c.slice(i + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
};

const bearer = (event: APIGatewayProxyEventV2): string | undefined => {
  const h = event.headers?.authorization ?? event.headers?.Authorization;
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
};

/**
 * The first credential present, in VoIPBIN's order: cookie token, ?token=, Bearer, cookie
 * accesskey, ?accesskey=. An empty value is no credential, so `?token=` does not hide a Bearer key.
 */
export const credentialOf = (event: APIGatewayProxyEventV2): string | undefined =>
  [
    cookie(event, 'token'),
    event.queryStringParameters?.token,
    bearer(event),
    cookie(event, 'accesskey'),
    event.queryStringParameters?.accesskey,
  ].find((key) => key !== undefined && key !== '');
