// `qtrack serve`: the portal on one machine. One node:http server on 127.0.0.1
// over the local pipeline (it holds the data directory's lock while it runs),
// standing in for everything the cloud puts in front of the same core code:
//
//   /                  the portal's static files (dist/portal)          CloudFront + S3
//   /config.json       how the portal signs in: {"auth":{"kind":"local"}} (the stack writes Cognito's)
//   POST /api/session  e-mail + password → a token (users.ts)            Cognito InitiateAuth
//   /api/*             the Bearer token verified, its user still there → handleApi   API Gateway JWT authorizer + Lambda
//   POST /upload       a browser's PostObject form, its policy checked   S3 PostObject
//   GET /s3/{bucket}/… a presigned GET, its signature checked            S3 GetObject
//
// s3rver checks no signature at all, so the browser is never sent to it: upload
// grants point at /upload and download links at /s3/…, both signed with a key
// only this process knows (made at start), and verified here as S3 would.
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { S3DownloadSigner, verifyPresignedGet } from '../adapters/s3/download-signer';
import { S3UploadSigner, verifyPostPolicy } from '../adapters/s3/post-policy';
import { handleApi } from '../core/api';
import { API_HEADERS, type ApiDeps, type Claims } from '../core/api/types';
import { BilingualError } from '../core/errors';
import type { Alert } from '../core/model';
import type { Logger, ObjectStore } from '../core/ports';
import { BUCKETS } from '../runtime/contract';
import { DataDirError, hasDataDir } from './data-dir';
import { type LocalPipeline, openLocalPipeline } from './runtime';
import { LocalUsers, TokenIssuer } from './users';
import type { Lang } from '../core/model';

export const DEFAULT_PORT = 8080;
const HOST = '127.0.0.1';
/** The region the local signatures are scoped to (the local S3 client's). */
const REGION = 'us-east-1';
/** The access key id of this process's signing key (its secret is random, made at start). */
const SIGNING_KEY_ID = 'QTRACKLOCALSERVE';

/** The largest upload form accepted: the 50 MB file and 1 MB for the fields and the multipart framing. */
export const MAX_UPLOAD_BODY = 50 * 1024 * 1024 + 1024 * 1024;
/** The largest JSON body of an API request. */
export const MAX_JSON_BODY = 1024 * 1024;
/** Uploads received at once (each is held in memory, up to 51 MB, until its policy is checked). */
export const MAX_UPLOADS_IN_FLIGHT = 3;
/** A body over the limit but under this is read to its end before it is refused (the answer then reaches the client). */
const DRAIN_LIMIT = 8 * 1024 * 1024;

/** What every answer carries (the API's own, stricter CSP replaces this one under /api). */
export const PORTAL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': PORTAL_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
/**
 * A downloaded object (an annotated workbook, the summary page) is shown in a
 * sandbox: an origin of its own, no script, only its own inline style — so a
 * stored file can never act as the portal.
 */
const DOWNLOAD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf',
};

const contentTypeOf = (name: string) => CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';

/** `qtrack serve` cannot start (port taken, no data directory): why and what to do. */
export class ServeError extends BilingualError {}

export interface ServeOptions {
  dataDir: string;
  /** default 8080; 0 for a free port */
  port?: number;
  logger: Logger;
  onAlert?: (alert: Alert) => void;
  onNotice?: (line: string) => void;
  /** the portal's built files; default dist/portal of the qtrack package */
  portalDir?: string;
  /** how long a failed sign-in waits before it is answered (ms; default 750) */
  signInDelayMs?: number;
  /**
   * --now: the portal's business clock starts at this instant and runs on in
   * real time (a replayed data dir, such as the demo's, seen as on that day);
   * sign-ins, upload grants and download links still expire by the real clock.
   */
  now?: Date;
}

export interface Serving {
  /** http://127.0.0.1:PORT */
  url: string;
  /** the data directory, resolved */
  dataDir: string;
  port: number;
  /** Stops taking requests, lets those in flight finish, then drains and closes the pipeline. Idempotent. */
  stop(): Promise<void>;
}

/** The qtrack package's folder: the one above this module whose package.json is qtrack's (source or bundle alike). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'qtrack') return dir;
    } catch {
      // not here
    }
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export function defaultPortalDir(): string {
  return join(packageRoot(), 'dist', 'portal');
}

/**
 * In a working checkout (portal/src and scripts/build-portal.mjs at hand), builds
 * dist/portal when it is missing or older than its sources, as bin/qtrack.mjs
 * does for the CLI. Where it cannot be built (no esbuild in a production
 * install), says so and serves what there is (the page then says to build it).
 */
export async function ensurePortalBuilt(notice: (line: string) => void): Promise<void> {
  const root = packageRoot();
  const script = join(root, 'scripts', 'build-portal.mjs');
  if (!existsSync(script) || !existsSync(join(root, 'portal', 'src'))) return;
  try {
    // a computed specifier: the script stays outside the CLI bundle and finds its own folder
    const build = (await import(pathToFileURL(script).href)) as { isPortalFresh(): boolean; buildPortal(options: { quiet: boolean }): Promise<unknown> };
    if (build.isPortalFresh()) return;
    notice('正在构建门户（dist/portal）… / building the portal (dist/portal) …');
    await build.buildPortal({ quiet: true });
  } catch (err) {
    notice(`注意：门户未能构建（${(err as Error).message}）；请运行 npm run build / note: the portal could not be built; run npm run build`);
  }
}

// ---------------------------------------------------------------------------
// Answers

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Uint8Array): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const bytes = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, ...(bytes ? { 'Content-Length': String(bytes.byteLength) } : {}) });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

/** A JSON answer under /api, with the API's headers (as API Gateway answers them). */
function sendApi(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = body instanceof Uint8Array;
  send(res, status, { ...API_HEADERS, ...(bytes ? {} : { 'Content-Type': 'application/json; charset=utf-8' }), ...headers }, bytes ? body : JSON.stringify(body));
}

function apiError(res: ServerResponse, status: number, code: string, message: Lang, headers: Record<string, string> = {}): void {
  sendApi(res, status, { error: { code, message } }, headers);
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An S3-style error: XML as S3 answers, or the API's JSON shape when the caller asks for JSON. */
function s3Error(res: ServerResponse, status: number, code: string, message: Lang, extra: Record<string, string> = {}): void {
  const id = randomUUID();
  if (/application\/json/i.test(res.req.headers.accept ?? '')) {
    send(res, status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...extra }, JSON.stringify({ error: { code, message } }));
    return;
  }
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xml(code)}</Code><Message>${xml(`${message.zh} / ${message.en}`)}</Message>` +
    `<MessageZh>${xml(message.zh)}</MessageZh><MessageEn>${xml(message.en)}</MessageEn><RequestId>${id}</RequestId></Error>`;
  send(res, status, { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'no-store', ...extra }, body);
}

function page(title: Lang, lines: Lang[]): string {
  const paragraphs = lines.map((l) => `<p lang="zh-CN">${l.zh}</p>\n<p lang="en">${l.en}</p>`).join('\n');
  return `<!doctype html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>${xml(title.zh)} / ${xml(title.en)}</title></head>\n<body>\n<h1>${xml(title.zh)} / ${xml(title.en)}</h1>\n${paragraphs}\n</body>\n</html>\n`;
}

function sendPage(res: ServerResponse, status: number, title: Lang, lines: Lang[]): void {
  send(res, status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, page(title, lines));
}

// ---------------------------------------------------------------------------
// Request bodies

class BodyTooLarge extends Error {}

/**
 * The whole body, at most `limit` bytes. A larger one is refused: read to its
 * end (and thrown away) while it stays under `drainLimit`, so the client gets
 * the answer rather than a reset connection; beyond that, refused at once.
 */
function readBody(req: IncomingMessage, limit: number, drainLimit = limit): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainLimit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
      } else if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLarge()) : resolveBody(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

// ---------------------------------------------------------------------------
// Sign-in guard: a slow answer to every failure, and a pause for an e-mail that failed too often

const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const MAX_CONCURRENT_SIGN_INS = 2;
const MAX_WAITING_SIGN_INS = 16;

class SignInGuard {
  private readonly failures = new Map<string, { count: number; since: number }>();
  private active = 0;
  private readonly queue: (() => void)[] = [];

  /** Seconds until the e-mail may try again; undefined when it may now. */
  blocked(email: string, now: number): number | undefined {
    const f = this.failures.get(email);
    if (!f) return undefined;
    if (now - f.since > FAILURE_WINDOW_MS) {
      this.failures.delete(email);
      return undefined;
    }
    return f.count >= MAX_FAILURES ? Math.ceil((f.since + FAILURE_WINDOW_MS - now) / 1000) : undefined;
  }

  failed(email: string, now: number): void {
    if (this.failures.size > 10_000) for (const [k, f] of this.failures) if (now - f.since > FAILURE_WINDOW_MS) this.failures.delete(k);
    const f = this.failures.get(email);
    if (f && now - f.since <= FAILURE_WINDOW_MS) f.count++;
    else this.failures.set(email, { count: 1, since: now });
  }

  succeeded(email: string): void {
    this.failures.delete(email);
  }

  /** Runs a password check when one of the few slots is free (scrypt takes 32 MiB and ~100 ms); 'busy' when too many wait. */
  async slot<T>(fn: () => Promise<T>): Promise<T | 'busy'> {
    if (this.active >= MAX_CONCURRENT_SIGN_INS) {
      if (this.queue.length >= MAX_WAITING_SIGN_INS) return 'busy';
      await new Promise<void>((r) => this.queue.push(r));
    }
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

// ---------------------------------------------------------------------------
// The server

/** The Bearer token of the Authorization header (never a cookie, never the query). */
function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

function queryOf(search: URLSearchParams): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  // as API Gateway hands them on: a repeated parameter's values joined by commas
  for (const [k, v] of search) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

/** Opens the pipeline over the data directory (taking its lock) and starts answering on 127.0.0.1. */
export async function startServe(options: ServeOptions): Promise<Serving> {
  const root = resolve(options.dataDir);
  if (!hasDataDir(root)) {
    throw new DataDirError(
      `数据目录 ${root} 不存在或不是 qtrack 的数据目录：先运行 qtrack demo，或用 qtrack users add 添加用户（会创建数据目录）`,
      `data directory ${root} does not exist or is not qtrack's: run qtrack demo first, or add a user with qtrack users add (which creates it)`,
    );
  }
  const portalDir = resolve(options.portalDir ?? defaultPortalDir());
  const logger = options.logger;
  const delayMs = options.signInDelayMs ?? 750;
  const users = new LocalUsers(root);
  const tokens = TokenIssuer.open(root);
  const guard = new SignInGuard();
  const signingSecret = randomBytes(32).toString('base64url');
  const credentials = (id: string) => (id === SIGNING_KEY_ID ? { secretAccessKey: signingSecret } : undefined);

  const shift = options.now ? options.now.getTime() - Date.now() : 0;
  const pipeline: LocalPipeline = await openLocalPipeline({
    dataDir: root,
    create: false,
    logger,
    onAlert: options.onAlert,
    onNotice: options.onNotice,
    ...(options.now ? { clock: { now: () => new Date(Date.now() + shift) } } : {}),
  });
  const inFlight = new Set<Promise<void>>();
  let deps: ApiDeps | undefined;
  let port = 0;
  let stopping = false;

  const server: Server = createServer((req, res) => {
    const work = handle(req, res).catch((err: unknown) => {
      logger.error('request failed', { method: req.method, url: req.url, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) {
        sendPage(res, 500, { zh: '内部错误', en: 'internal error' }, [{ zh: '请稍后重试；如仍不行，请联系质量办', en: 'try again in a moment, and tell the office if it keeps failing' }]);
      } else res.destroy();
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  server.requestTimeout = 15 * 60 * 1000; // a 50 MB upload on a slow line
  server.headersTimeout = 60 * 1000;

  let uploadsInFlight = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const host = (req.headers.host ?? '').toLowerCase();
    // a browser's page on another site that a DNS name sends here (DNS rebinding) names its own host: refused
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) {
      sendPage(res, 421, { zh: '主机名不符', en: 'wrong host name' }, [{ zh: `请打开 http://${HOST}:${port}/`, en: `open http://${HOST}:${port}/` }]);
      return;
    }
    // a page of another site may send a form or a plain-text POST here without asking
    // (no CORS preflight): anything but a read must come from the portal's own pages
    const origin = req.headers.origin;
    if (method !== 'GET' && method !== 'HEAD' && origin !== undefined && origin !== `http://${HOST}:${port}` && origin !== `http://localhost:${port}`) {
      apiError(res, 403, 'FORBIDDEN', { zh: '请求来自其他网站，已拒绝；请在门户页面中操作', en: 'the request came from another site and is refused: use the portal’s own pages' });
      return;
    }
    const target = req.url ?? '/';
    if (!target.startsWith('/')) {
      sendPage(res, 400, { zh: '请求无效', en: 'bad request' }, []);
      return;
    }
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const search = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    if (stopping) res.setHeader('Connection', 'close');

    if (rawPath === '/api' || rawPath.startsWith('/api/')) return api(req, res, method, rawPath, search);
    if (rawPath === '/upload') return upload(req, res, method);
    if (rawPath.startsWith('/s3/')) return download(req, res, method, target);
    if (host.startsWith('localhost:') && (method === 'GET' || method === 'HEAD')) {
      // uploads and links go to 127.0.0.1 (the page's own origin must be that, for the CSP's 'self')
      send(res, 307, { Location: `http://${HOST}:${port}${target}`, 'Cache-Control': 'no-store' });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      sendPage(res, 405, { zh: '不支持的请求方法', en: 'method not allowed' }, []);
      return;
    }
    if (rawPath === '/config.json') {
      send(res, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, JSON.stringify({ auth: { kind: 'local' }, api: '/api' }));
      return;
    }
    return staticFile(res, rawPath);
  }

  // -- static files ---------------------------------------------------------

  function staticFile(res: ServerResponse, rawPath: string): void {
    if (!existsSync(join(portalDir, 'index.html'))) {
      sendPage(res, 503, { zh: '门户尚未构建', en: 'the portal has not been built' }, [
        { zh: `找不到门户文件（${xml(portalDir)}）。请在 qtrack 目录中运行 <code>npm run build</code>，然后刷新本页。`, en: `the portal's files are missing (${xml(portalDir)}). Run <code>npm run build</code> in the qtrack folder, then reload this page.` },
        { zh: '在此期间 /api 仍可使用。', en: 'The API under /api works meanwhile.' },
      ]);
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      decoded = '\0';
    }
    const segments = decoded.split('/').slice(1);
    // no way out of the folder, no hidden files, no backslashes or NUL (Windows, C strings)
    if (/[\\\0]/.test(decoded) || segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) {
      sendPage(res, 400, { zh: '路径无效', en: 'invalid path' }, []);
      return;
    }
    const notFound = () => sendPage(res, 404, { zh: '找不到页面', en: 'not found' }, [{ zh: '<a href="/">返回门户首页</a>', en: '<a href="/">back to the portal</a>' }]);
    const relative = decoded === '/' ? 'index.html' : segments.join('/');
    const file = resolve(portalDir, relative);
    let real: string;
    let size: number;
    try {
      const base = realpathSync(portalDir);
      real = realpathSync(file);
      // a link inside the folder that leads out of it counts as outside
      if (!real.startsWith(base + sep)) return notFound();
      const stat = statSync(real);
      if (!stat.isFile()) return notFound(); // a folder: no listings
      size = stat.size;
    } catch {
      return notFound();
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentTypeOf(real), 'Content-Length': String(size), 'Cache-Control': 'no-cache' });
    if (res.req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(real)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  // -- the API --------------------------------------------------------------

  async function jsonBody(req: IncomingMessage, res: ServerResponse): Promise<{ body: unknown } | undefined> {
    const length = declaredLength(req);
    if (length !== undefined && length > DRAIN_LIMIT) {
      res.setHeader('Connection', 'close');
      apiError(res, 413, 'BODY_TOO_LARGE', { zh: '请求内容超过 1 MB', en: 'the request body is over 1 MB' });
      return undefined;
    }
    let bytes: Buffer;
    try {
      bytes = await readBody(req, MAX_JSON_BODY, DRAIN_LIMIT);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      res.setHeader('Connection', 'close');
      apiError(res, 413, 'BODY_TOO_LARGE', { zh: '请求内容超过 1 MB', en: 'the request body is over 1 MB' });
      return undefined;
    }
    if (bytes.length === 0) return { body: undefined };
    try {
      return { body: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
    } catch {
      return { body: undefined }; // not JSON: as the Lambda adapter, the handler sees no body
    }
  }

  async function api(req: IncomingMessage, res: ServerResponse, method: string, rawPath: string, search: URLSearchParams): Promise<void> {
    if (rawPath === '/api/session') return session(req, res, method);
    let body: unknown;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const read = await jsonBody(req, res);
      if (!read) return;
      body = read.body;
    }
    const token = bearer(req);
    const verified: Claims | undefined = token ? tokens.verify(token) : undefined;
    // and its user still in users.json (read afresh): a user removed by qtrack users remove is refused at once, not when the token expires
    const claims = verified && users.holderOf(verified) ? verified : undefined;
    if (!claims) {
      // as API Gateway's JWT authorizer: no valid token, no handler
      apiError(res, 401, 'UNAUTHENTICATED', { zh: '请先登录（登录已过期或无效）', en: 'sign in first (the sign-in has expired or is not valid)' }, { 'WWW-Authenticate': 'Bearer realm="qtrack"' });
      return;
    }
    if (!deps) {
      apiError(res, 503, 'INTERNAL', { zh: '服务正在启动，请稍后重试', en: 'the server is starting: try again in a moment' });
      return;
    }
    const response = await handleApi({ method, path: rawPath, query: queryOf(search), ...(body !== undefined ? { body } : {}), claims }, deps);
    sendApi(res, response.status, response.body, response.headers);
  }

  async function session(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (method !== 'POST') {
      apiError(res, 405, 'BAD_REQUEST', { zh: '登录请用 POST', en: 'sign in with POST' }, { Allow: 'POST' });
      return;
    }
    // JSON only: a cross-site form or text/plain POST (which needs no preflight) cannot sign in or lock anyone out
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      apiError(res, 415, 'BAD_REQUEST', { zh: '登录请求须为 JSON（application/json）', en: 'a sign-in must be JSON (application/json)' });
      return;
    }
    const read = await jsonBody(req, res);
    if (!read) return;
    const b = (typeof read.body === 'object' && read.body !== null ? read.body : {}) as { email?: unknown; password?: unknown };
    if (typeof b.email !== 'string' || typeof b.password !== 'string' || !b.email || !b.password || b.email.length > 320 || b.password.length > 1024) {
      apiError(res, 400, 'BAD_REQUEST', { zh: '请填写电子邮件和密码', en: 'give an e-mail and a password' });
      return;
    }
    const email = b.email.trim().toLowerCase();
    const wait = guard.blocked(email, Date.now());
    if (wait !== undefined) {
      apiError(res, 429, 'TOO_MANY_ATTEMPTS', { zh: `登录失败次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试`, en: `too many failed sign-ins: try again in ${Math.ceil(wait / 60)} minutes` }, { 'Retry-After': String(wait) });
      return;
    }
    const password = b.password;
    const user = await guard.slot(() => users.authenticate(email, password));
    if (user === 'busy') {
      apiError(res, 429, 'TOO_MANY_ATTEMPTS', { zh: '登录请求过多，请稍后再试', en: 'too many sign-ins at once: try again in a moment' }, { 'Retry-After': '5' });
      return;
    }
    if (!user) {
      guard.failed(email, Date.now());
      logger.warn('sign-in refused', { email });
      await new Promise((r) => setTimeout(r, delayMs));
      // the same answer for an unknown e-mail and a wrong password
      apiError(res, 401, 'BAD_CREDENTIALS', { zh: '电子邮件或密码不正确', en: 'wrong e-mail or password' });
      return;
    }
    guard.succeeded(email);
    logger.info('signed in', { email: user.email, role: user.role });
    sendApi(res, 200, tokens.issue(user));
  }

  // -- POST /upload: S3's PostObject ---------------------------------------

  async function upload(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (method !== 'POST') {
      s3Error(res, 405, 'MethodNotAllowed', { zh: '上传请用 POST 表单', en: 'upload with a POST form' }, { Allow: 'POST' });
      return;
    }
    const length = declaredLength(req);
    if (length === undefined) {
      res.setHeader('Connection', 'close');
      s3Error(res, 411, 'MissingContentLength', { zh: '上传请求缺少长度（Content-Length）', en: 'the upload has no Content-Length' });
      return;
    }
    if (length > MAX_UPLOAD_BODY) {
      // refused before a byte of it is read; the connection is closed after the answer
      res.setHeader('Connection', 'close');
      s3Error(res, 400, 'EntityTooLarge', {
        zh: `上传内容有 ${length} 字节，超过上限 50 MB；请删去多余的工作表或拆成几个文件后重新上传`,
        en: `the upload is ${length} bytes, over the 50 MB limit: remove unneeded sheets or split it into several files, then upload again`,
      });
      return;
    }
    // each upload is held whole while its form is read: a few at a time, so a flood cannot exhaust memory
    if (uploadsInFlight >= MAX_UPLOADS_IN_FLIGHT) {
      res.setHeader('Connection', 'close');
      s3Error(res, 503, 'SlowDown', { zh: '同时上传的文件过多，请稍后重试', en: 'too many uploads at once: try again in a moment' }, { 'Retry-After': '5' });
      return;
    }
    uploadsInFlight++;
    try {
      await receiveUpload(req, res);
    } finally {
      uploadsInFlight--;
    }
  }

  async function receiveUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\s*;/i.test(contentType)) {
      res.setHeader('Connection', 'close');
      s3Error(res, 412, 'PreconditionFailed', { zh: '上传须为 multipart/form-data 表单', en: 'an upload must be a multipart/form-data form' });
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await readBody(req, MAX_UPLOAD_BODY);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      res.setHeader('Connection', 'close');
      s3Error(res, 400, 'EntityTooLarge', { zh: '上传内容超过上限 50 MB', en: 'the upload is over the 50 MB limit' });
      return;
    }
    let form: FormData;
    try {
      form = await new Request(`http://${HOST}/upload`, { method: 'POST', headers: { 'content-type': contentType }, body: bytes }).formData();
    } catch {
      s3Error(res, 400, 'MalformedPOSTRequest', { zh: '上传表单无法解析，请在门户重新上传', en: 'the upload form cannot be read: upload again from the portal' });
      return;
    }
    // the fields before the file, as S3 reads them (anything after the file is ignored)
    const fields: Record<string, string> = {};
    const seen = new Set<string>();
    let file: File | undefined;
    for (const [name, value] of form.entries()) {
      if (name.toLowerCase() === 'file') {
        if (typeof value === 'string') break;
        file = value;
        break;
      }
      if (typeof value !== 'string' || seen.has(name.toLowerCase())) {
        s3Error(res, 400, 'InvalidArgument', { zh: `上传表单的字段 ${name} 无效或重复`, en: `the upload form's field ${name} is not valid or repeated` });
        return;
      }
      seen.add(name.toLowerCase());
      fields[name] = value;
    }
    if (!file) {
      s3Error(res, 400, 'InvalidArgument', { zh: '上传表单中没有文件（file）', en: 'the upload form holds no file (file)' });
      return;
    }
    const verdict = verifyPostPolicy({ fields, fileSize: file.size }, { bucket: BUCKETS.submissions, region: REGION, now: new Date(), credentials });
    if (!verdict.ok) {
      logger.warn('upload refused', { code: verdict.code, key: fields.key });
      s3Error(res, verdict.status, verdict.code, verdict.message);
      return;
    }
    const body = new Uint8Array(await file.arrayBuffer());
    try {
      // stored, then ingested (the uploader and upload id travel as the object's metadata)
      const result = await pipeline.upload(verdict.key, body, verdict.metadata);
      logger.info('upload stored', { key: verdict.key, submissionId: result.version.submissionId, status: result.version.status, uploader: verdict.metadata.uploader });
    } catch (err) {
      logger.error('upload failed', { key: verdict.key, error: err instanceof Error ? err.message : String(err) });
      s3Error(res, 500, 'InternalError', { zh: '文件未能存入或处理，请稍后重试；如仍不行，请联系质量办', en: 'the file could not be stored or processed: try again in a moment, and tell the office if it keeps failing' });
      return;
    }
    send(res, 204, { 'Cache-Control': 'no-store' });
  }

  // -- GET /s3/{bucket}/{key}: a presigned download -------------------------

  const stores: Record<string, ObjectStore> = { [BUCKETS.submissions]: pipeline.deps.uploads, [BUCKETS.reports]: pipeline.deps.reports };

  async function download(req: IncomingMessage, res: ServerResponse, method: string, target: string): Promise<void> {
    if (method !== 'GET') {
      s3Error(res, 405, 'MethodNotAllowed', { zh: '下载请用 GET', en: 'download with GET' }, { Allow: 'GET' });
      return;
    }
    const verdict = verifyPresignedGet({ method, url: target, headers: req.headers }, { region: REGION, now: new Date(), credentials });
    if (!verdict.ok) {
      logger.warn('download refused', { code: verdict.code });
      s3Error(res, verdict.status, verdict.code, verdict.message);
      return;
    }
    // signed as it is, so the bucket, key and response headers are the ones the API chose
    const url = new URL(target, `http://${HOST}`);
    let bucket: string;
    let key: string;
    try {
      const [b, ...rest] = url.pathname.slice('/s3/'.length).split('/').map(decodeURIComponent);
      bucket = b ?? '';
      key = rest.join('/');
    } catch {
      s3Error(res, 400, 'InvalidURI', { zh: '下载链接格式不对', en: 'the download link is malformed' });
      return;
    }
    const store = stores[bucket];
    const object = store && key ? await store.read(key, url.searchParams.get('versionId') ?? undefined) : undefined;
    if (!object) {
      s3Error(res, 404, 'NoSuchKey', { zh: '要下载的文件不存在', en: 'the file to download does not exist' });
      return;
    }
    const disposition = url.searchParams.get('response-content-disposition');
    const type = url.searchParams.get('response-content-type') ?? contentTypeOf(key);
    send(
      res,
      200,
      {
        'Content-Type': type,
        ...(disposition ? { 'Content-Disposition': disposition } : {}),
        'Cache-Control': 'private, no-store',
        'Content-Security-Policy': DOWNLOAD_CSP,
      },
      object.body,
    );
  }

  // -- start ----------------------------------------------------------------

  try {
    port = await new Promise<number>((resolvePort, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_PORT, HOST, () => {
        server.off('error', reject);
        resolvePort((server.address() as AddressInfo).port);
      });
    });
  } catch (err) {
    await pipeline.stop();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ServeError(`端口 ${options.port} 已被占用：用 --port 换一个（如 --port 8081，或 --port 0 任选空闲端口）`, `port ${options.port} is in use: choose another with --port (e.g. --port 8081, or --port 0 for any free one)`);
    }
    if ((err as NodeJS.ErrnoException).code === 'EACCES') {
      throw new ServeError(`无权使用端口 ${options.port}：请用 1024 以上的端口`, `not allowed to use port ${options.port}: choose one above 1024`);
    }
    throw err;
  }
  const base = `http://${HOST}:${port}`;
  // signed with this process's own key; the browser is sent here, never to s3rver
  const signingClient = new S3Client({
    region: REGION,
    endpoint: `${base}/s3`,
    forcePathStyle: true,
    credentials: { accessKeyId: SIGNING_KEY_ID, secretAccessKey: signingSecret },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  deps = {
    ...pipeline.deps,
    uploadSigner: new S3UploadSigner(signingClient, BUCKETS.submissions, `${base}/upload`),
    downloadSigner: new S3DownloadSigner(signingClient, { uploads: BUCKETS.submissions, reports: BUCKETS.reports }),
  };

  let stopped: Promise<void> | undefined;
  return {
    url: base,
    dataDir: root,
    port,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        // the requests in flight finish (an upload being ingested), for at most 30 s
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 30_000).unref())]);
        server.closeAllConnections();
        await closed;
        signingClient.destroy();
        await pipeline.stop();
      })();
      return stopped;
    },
  };
}
