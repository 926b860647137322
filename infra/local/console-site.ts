/**
 * The console's static files on the local server, beside the API: everything outside /v1.0 is a
 * file of the built console folder (index.html for `/`), with the same security headers CloudFront
 * adds in AWS.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** What the console may load: only its own files and its own origin's API. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export const consoleHeaders = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** A handler for the console's paths; answers false for a path it does not serve (the API's). */
export const consoleSite =
  (dir: string) => async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    if (pathname.startsWith('/v1.0')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    const file = normalize(join(dir, pathname === '/' ? 'index.html' : decodeURIComponent(pathname)));
    if (!file.startsWith(dir + sep)) {
      res.writeHead(404).end();
      return true;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        ...consoleHeaders,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // The bundle's names do not change with its content, so the browser asks again each load.
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
    }
    return true;
  };
