/**
 * Picks the route of an API Gateway HTTP API request (payload 2.0) by method and path, as
 * @middy/http-router did: an exact path first, then the paths with `{name}` segments in the order given,
 * each such segment matching one non-empty segment of the request and set as a path parameter (API
 * Gateway's own parameters win); one trailing slash is ignored. Our own because @middy/http-router's
 * helper package imports node:http at load, which also loads Node's fetch internals: about 20 ms of each
 * API function's cold start, for a table of status texts we never use.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type RouteHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface RouterRoute {
  method: string;
  /** e.g. /v1.0/campaigns/{id}/status */
  path: string;
  handler: RouteHandler;
}

type Segment = string | { param: string };

const PARAMETER = /^\{([^/{}]+)\}$/;

/** A path's segments, one trailing slash ignored ("/v1.0/queues/" is "/v1.0/queues"). */
const segmentsOf = (path: string): string[] =>
  (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).split('/');

export const httpRouter = (
  routes: RouterRoute[],
  notFound: (request: { method: string; path: string }) => Promise<APIGatewayProxyStructuredResultV2>,
): RouteHandler => {
  const exact = new Map<string, RouteHandler>();
  const templated: { method: string; segments: Segment[]; handler: RouteHandler }[] = [];
  for (const r of routes) {
    const segments = segmentsOf(r.path).map((s): Segment => {
      const name = PARAMETER.exec(s)?.[1];
      return name ? { param: name } : s;
    });
    if (segments.every((s) => typeof s === 'string'))
      exact.set(`${r.method} ${segments.join('/')}`, r.handler);
    else templated.push({ method: r.method, segments, handler: r.handler });
  }
  return async (event) => {
    const method = event.requestContext?.http?.method;
    const path = event.requestContext?.http?.path;
    if (!method || !path) throw new Error('Not an HTTP API payload 2.0 event: no requestContext.http');
    const parts = segmentsOf(path);
    const handler = exact.get(`${method} ${parts.join('/')}`);
    if (handler) return handler(event);
    for (const r of templated) {
      if (r.method !== method || r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const matches = r.segments.every((s, i) => {
        const part = parts[i] ?? '';
        if (typeof s === 'string') return s === part;
        params[s.param] = part;
        return part !== '';
      });
      if (matches) {
        event.pathParameters = { ...params, ...event.pathParameters };
        return r.handler(event);
      }
    }
    return notFound({ method, path });
  };
};
