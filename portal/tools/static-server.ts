// A tiny static server on 127.0.0.1 for the portal's browser tests and bench
// (node code, not part of the portal bundle): serves a built dist/portal with
// the production CSP on every answer, plus extra files a test adds (a blank
// page, fixtures, /config.json). Never used to serve the real portal: that is
// `qtrack serve`'s and CloudFront's job.
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

export const PORTAL_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv',
};

export interface Extra {
  body: string | Uint8Array;
  type?: string;
  status?: number;
}

export interface StaticServer {
  url: string;
  /** every path asked for, in order */
  requests: string[];
  close(): Promise<void>;
}

export async function serveStatic(root: string, extras: Record<string, Extra> = {}, csp = PORTAL_CSP): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(path);
    const headers: Record<string, string> = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
    const extra = extras[path];
    if (extra) {
      res.writeHead(extra.status ?? 200, { ...headers, 'Content-Type': extra.type ?? TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(extra.body);
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!(file === root || file.startsWith(root.endsWith(sep) ? root : root + sep))) {
      res.writeHead(403, headers).end();
      return;
    }
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
