// `qtrack serve` in-process on a free port over a temp data directory (the
// embedded dynalite and s3rver): signing in, what a token must be to pass, the
// headers of every kind of answer, the static files and their folder's walls, who
// may see and upload what, the upload endpoint's refusals, a real upload from
// grant to stored version (uploadedBy), the download links' signatures, and the
// data directory's lock against a CLI started beside it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../functions/adapters/memory';
import { main } from '../../functions/local/cli';
import { openDataDir } from '../../functions/local/data-dir';
import { MAX_UPLOADS_IN_FLIGHT, PORTAL_CSP, type Serving, startServe } from '../../functions/local/serve';
import { openLocalPipeline } from '../../functions/local/runtime';
import { LocalUsers, loadSecret, signToken } from '../../functions/local/users';
import { ROOT } from '../../scripts/build-cli.mjs';
import { brandCertificate, CERT_HEADERS, inspectionRows, xlsx } from '../support/workbooks';

const PERIOD = '2026-Q1';
const A = { email: 'clerk-a@example.gov.cn', password: 'password-a', department: 'market-regulation' };
const B = { email: 'clerk-b@example.gov.cn', password: 'password-b', department: 'construction' };
const OFFICE = { email: 'office@example.gov.cn', password: 'password-o' };
const DELAY_MS = 120;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => any;
}

/** One request with node:http: the path exactly as given (no normalising), any headers, a body. */
function call(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (value: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** The headers every answer carries; the page CSP, or the API's stricter one under /api. */
function expectSecurityHeaders(r: Answer, kind: 'page' | 'api' | 'download' = 'page') {
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['referrer-policy']).toBe('no-referrer');
  expect(r.headers['x-frame-options']).toBe('DENY');
  const csp = r.headers['content-security-policy'];
  if (kind === 'page') expect(csp).toBe(PORTAL_CSP);
  else {
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/script-src/);
    if (kind === 'download') expect(csp).toMatch(/\bsandbox\b/);
  }
  if (kind !== 'page') expect(r.headers['cache-control']).toMatch(/no-store/);
}

/** A market-regulation workbook for 2026-Q1 that ingest accepts. */
const goodBook = () =>
  xlsx({
    抽查明细: inspectionRows(40, 0),
    指标: [
      ['指标代码', '数值'],
      ['STANDARDS_LED_COUNT', 3],
    ],
    认证明细: [CERT_HEADERS, ...Array.from({ length: 3 }, (_, i) => brandCertificate(i + 1))],
  });

/** The multipart form S3's PostObject takes: every field of the grant, then the file, last. */
function form(fields: Record<string, string>, bytes: Uint8Array, name = 'q1.xlsx'): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  f.append('file', new Blob([bytes]), name);
  return f;
}

/** The form as bytes with its content type, to post with node:http. */
async function encoded(f: FormData): Promise<{ headers: Record<string, string>; body: Uint8Array }> {
  const r = new Request('http://x/', { method: 'POST', body: f });
  return { headers: { 'content-type': r.headers.get('content-type')! }, body: new Uint8Array(await r.arrayBuffer()) };
}

let dataDir: string;
let portalDir: string;
let serving: Serving;
let base: string;
const tokens: Record<'a' | 'b' | 'office', string> = { a: '', b: '', office: '' };

async function signIn(email: string, password: string): Promise<Answer> {
  return call(base, 'POST', '/api/session', json({ email, password }));
}

beforeAll(async () => {
  const top = mkdtempSync(join(tmpdir(), 'qtrack-serve-'));
  dataDir = join(top, 'data');
  openDataDir(dataDir, true);
  const users = new LocalUsers(dataDir);
  await users.add({ email: A.email, password: A.password, role: 'clerk', department: A.department });
  await users.add({ email: B.email, password: B.password, role: 'clerk', department: '区建管委' });
  await users.add({ email: OFFICE.email, password: OFFICE.password, role: 'office' });
  // a portal build, and a file beside it that must never be served
  portalDir = join(top, 'portal');
  mkdirSync(join(portalDir, 'assets'), { recursive: true });
  writeFileSync(join(portalDir, 'index.html'), '<!doctype html><title>qtrack</title><script src="/app.js"></script>');
  writeFileSync(join(portalDir, 'app.js'), 'console.log("portal")');
  writeFileSync(join(portalDir, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(portalDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(top, 'secret.txt'), 'TOP SECRET');
  writeFileSync(join(portalDir, '.env'), 'HIDDEN=1');
  if (process.platform !== 'win32') symlinkSync(join(top, 'secret.txt'), join(portalDir, 'linked.txt'));

  serving = await startServe({ dataDir, port: 0, logger: silentLogger, portalDir, signInDelayMs: DELAY_MS });
  base = serving.url;
  for (const [k, u] of [['a', A], ['b', B], ['office', OFFICE]] as const) tokens[k] = (await signIn(u.email, u.password)).json().token;
}, 120_000);

afterAll(async () => {
  await serving?.stop();
});

describe('qtrack serve: where it listens', () => {
  it('on 127.0.0.1 only, on the free port it was given', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serving.port).toBeGreaterThan(0);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external.address, port: serving.port }, () => (socket.destroy(), resolve(false)));
        socket.on('error', () => resolve(true));
      });
      expect(refused, `reachable on ${external.address}`).toBe(true);
    }
  });

  it('refuses a request naming another host (DNS rebinding); sends localhost to 127.0.0.1', async () => {
    const r = await call(base, 'GET', '/', { headers: { host: 'evil.example' } });
    expect(r.status).toBe(421);
    expectSecurityHeaders(r);
    const api = await call(base, 'GET', '/api/me', { headers: { host: `evil.example:${serving.port}`, ...auth(tokens.a) } });
    expect(api.status).toBe(421);
    const local = await call(base, 'GET', '/index.html', { headers: { host: `localhost:${serving.port}` } });
    expect(local.status).toBe(307);
    expect(local.headers.location).toBe(`${base}/index.html`);
  });
});

describe('qtrack serve: signing in', () => {
  it('a good e-mail and password → a token valid for an hour', async () => {
    const r = await signIn('Clerk-A@Example.gov.cn', A.password);
    expect(r.status).toBe(200);
    expectSecurityHeaders(r, 'api');
    const { token, expiresAt } = r.json();
    expect(token.split('.')).toHaveLength(3);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3590_000);
    expect((await call(base, 'GET', '/api/me', { headers: auth(token) })).json()).toMatchObject({ email: A.email, role: 'clerk', department: { code: A.department } });
  });

  it('a wrong password and an unknown e-mail get the same 401 BAD_CREDENTIALS, after a delay', async () => {
    const t0 = Date.now();
    const wrong = await signIn(B.email, 'not-the-password');
    const t1 = Date.now();
    const unknown = await signIn('nobody@example.gov.cn', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('BAD_CREDENTIALS');
    expect(wrong.json().error.message).toEqual({ zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.any(String) });
    expect(t1 - t0).toBeGreaterThanOrEqual(DELAY_MS);
    expectSecurityHeaders(wrong, 'api');
  });

  it('after 5 failures an e-mail must wait (429), even with the right password', async () => {
    const email = 'nobody-else@example.gov.cn';
    for (let i = 0; i < 5; i++) expect((await signIn(email, `guess-${i}`)).status).toBe(401);
    const blocked = await signIn(email, 'guess-6');
    expect(blocked.status).toBe(429);
    expect(blocked.json().error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a user added while it serves (qtrack users add beside it) can sign in at once', async () => {
    const r = await main(['users', 'add', '--email', 'late@example.gov.cn', '--department', 'health', '--password', 'late-password', '--data-dir', dataDir], { out: () => undefined, err: () => undefined });
    expect(r).toBe(0);
    const signed = await signIn('late@example.gov.cn', 'late-password');
    expect(signed.status).toBe(200);
    expect((await call(base, 'GET', '/api/me', { headers: auth(signed.json().token) })).json()).toMatchObject({ role: 'clerk', department: { code: 'health' } });
  });

  it('a malformed sign-in is 400, one not sent as JSON 415; GET is 405', async () => {
    expect((await call(base, 'POST', '/api/session', json({ email: A.email }))).status).toBe(400);
    expect((await call(base, 'POST', '/api/session', { body: 'email=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await call(base, 'GET', '/api/session')).status).toBe(405);
  });

  it('another site’s page can neither sign in nor lock anyone out (no preflight is needed for text/plain or a form)', async () => {
    const body = JSON.stringify({ email: A.email, password: 'wrong-password' });
    for (let i = 0; i < 8; i++) {
      // a page elsewhere: text/plain needs no CORS preflight, and the browser names its origin
      const r = await call(base, 'POST', '/api/session', { body, headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://127.0.0.2:8999' } });
      expect(r.status).toBe(403);
    }
    expect((await call(base, 'POST', '/api/session', { body, headers: { 'content-type': 'text/plain;charset=UTF-8' } })).status).toBe(415);
    // the real user still signs in: no failure was counted
    expect((await call(base, 'POST', '/api/session', json({ email: A.email, password: A.password }))).status).toBe(200);
    // nor may it post an upload form
    const up = await call(base, 'POST', '/upload', { body: 'x', headers: { 'content-type': 'multipart/form-data; boundary=x', origin: 'https://evil.example' } });
    expect(up.status).toBe(403);
  });

  it('holds at most MAX_UPLOADS_IN_FLIGHT uploads at once; the next is told to retry (503), and a slot frees when one ends', async () => {
    const { port } = new URL(base);
    // uploads that announce 10 MB and send a trickle: each holds a slot while its body is awaited
    const open = Array.from({ length: MAX_UPLOADS_IN_FLIGHT }, () => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/upload', method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(10 * 1024 * 1024) } });
      req.on('error', () => undefined);
      req.write('--x\r\n');
      return req;
    });
    await new Promise((r) => setTimeout(r, 200)); // let the server take them in
    const refused = await call(base, 'POST', '/upload', { body: '--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
    expect(refused.status).toBe(503);
    expect(refused.text).toContain('SlowDown');
    for (const req of open) req.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const again = await call(base, 'POST', '/upload', { body: '--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
    expect(again.status).not.toBe(503);
  });
});

describe('qtrack serve: the token', () => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = (over: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { sub: 'x', email: A.email, 'cognito:groups': ['office'], iat: now, exp: now + 3600, iss: 'qtrack-local', ...over };
  };

  it('GET /api/me without a token → 401 UNAUTHENTICATED', async () => {
    const r = await call(base, 'GET', '/api/me');
    expect(r.status).toBe(401);
    expect(r.json().error.code).toBe('UNAUTHENTICATED');
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expectSecurityHeaders(r, 'api');
  });

  it('an expired token, a forged one (another secret), alg none, an edited one → 401', async () => {
    const secret = loadSecret(dataDir);
    const now = Math.floor(Date.now() / 1000);
    const expired = signToken(claims({ iat: now - 7200, exp: now - 3600 }) as never, secret);
    const forged = signToken(claims() as never, Buffer.alloc(32, 1));
    const none = `${part({ alg: 'none', typ: 'JWT' })}.${part(claims())}.`;
    const [h, , s] = tokens.a.split('.');
    const edited = `${h}.${part(claims({ 'cognito:groups': ['office'] }))}.${s}`;
    for (const [name, token] of Object.entries({ expired, forged, none, edited })) {
      const r = await call(base, 'GET', '/api/me', { headers: auth(token) });
      expect(r.status, name).toBe(401);
      expect(r.json().error.code).toBe('UNAUTHENTICATED');
    }
    // the same claims of a user in users.json, signed with the data directory's secret, pass: the refusals above are for what was wrong
    const office = new LocalUsers(dataDir).find(OFFICE.email)!;
    expect((await call(base, 'GET', '/api/me', { headers: auth(signToken(claims({ sub: office.id, email: office.email }) as never, secret)) })).status).toBe(200);
    // well signed, but for no user of the file (sub "x"; or a real id with another e-mail)
    for (const over of [{}, { sub: office.id }]) expect((await call(base, 'GET', '/api/me', { headers: auth(signToken(claims(over) as never, secret)) })).status).toBe(401);
  });

  it('a user removed while it serves (LocalUsers.remove, as qtrack users remove beside it): the same token → 401 at once, sign-in refused', async () => {
    const gone = { email: 'leaving@example.gov.cn', password: 'leaving-pass' };
    const users = new LocalUsers(dataDir);
    await users.add({ ...gone, role: 'clerk', department: 'health' });
    const token = (await signIn(gone.email, gone.password)).json().token as string;
    expect((await call(base, 'GET', '/api/me', { headers: auth(token) })).status).toBe(200);
    await users.remove(gone.email);
    const r = await call(base, 'GET', '/api/me', { headers: auth(token) });
    expect(r.status).toBe(401);
    expect(r.json().error.code).toBe('UNAUTHENTICATED');
    expect((await call(base, 'GET', '/api/quarters', { headers: auth(token) })).status).toBe(401);
    expect((await signIn(gone.email, gone.password)).status).toBe(401);
    // added again under the same e-mail: a new user (a new id), the old token stays refused
    await users.add({ ...gone, role: 'clerk', department: 'health' });
    expect((await call(base, 'GET', '/api/me', { headers: auth(token) })).status).toBe(401);
    // the others' tokens are untouched
    expect((await call(base, 'GET', '/api/me', { headers: auth(tokens.a) })).status).toBe(200);
  });

  it('a good token only in a cookie or the query string → 401', async () => {
    for (const headers of [{ cookie: `token=${tokens.a}` }, { cookie: `Authorization=Bearer ${tokens.a}` }]) {
      expect((await call(base, 'GET', '/api/me', { headers })).status).toBe(401);
    }
    for (const q of [`?token=${tokens.a}`, `?access_token=${tokens.a}`, `?authorization=Bearer%20${tokens.a}`]) {
      expect((await call(base, 'GET', `/api/me${q}`)).status).toBe(401);
    }
    expect((await call(base, 'GET', '/api/me', { headers: { authorization: tokens.a } })).status).toBe(401); // no Bearer
    expect((await call(base, 'GET', '/api/me', { headers: { authorization: `Basic ${tokens.a}` } })).status).toBe(401);
  });

  it('a good token in the Authorization header → 200', async () => {
    const r = await call(base, 'GET', '/api/me', { headers: auth(tokens.office) });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ email: OFFICE.email, role: 'office' });
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expectSecurityHeaders(r, 'api');
  });

  it('a JSON body over 1 MB is refused (413) before it reaches the API', async () => {
    const big = JSON.stringify({ period: PERIOD, fileName: 'x.xlsx', size: 10, pad: 'x'.repeat(1024 * 1024) });
    const r = await call(base, 'POST', '/api/uploads', { headers: { 'content-type': 'application/json', ...auth(tokens.a) }, body: big });
    expect(r.status).toBe(413);
    expect(r.json().error.code).toBe('BODY_TOO_LARGE');
    expectSecurityHeaders(r, 'api');
  });
});

describe('qtrack serve: static files', () => {
  it('index.html for /, files with their content types, config.json', async () => {
    const index = await call(base, 'GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.text).toContain('<title>qtrack</title>');
    expectSecurityHeaders(index);
    const js = await call(base, 'GET', '/app.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expectSecurityHeaders(js);
    expect((await call(base, 'GET', '/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await call(base, 'GET', '/assets/logo.svg')).headers['content-type']).toBe('image/svg+xml');
    const head = await call(base, 'HEAD', '/app.js');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const config = await call(base, 'GET', '/config.json');
    expect(config.json()).toEqual({ auth: { kind: 'local' }, api: '/api' });
    expectSecurityHeaders(config);
  });

  it('no way out of the folder, no hidden files, no listings', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/%00index.html', '/.env', '/assets/%2eenv']) {
      const r = await call(base, 'GET', path);
      expect([400, 404], path).toContain(r.status);
      expect(r.text, path).not.toContain('TOP SECRET');
      expect(r.text).not.toContain('HIDDEN');
      expectSecurityHeaders(r);
    }
    const folder = await call(base, 'GET', '/assets/');
    expect(folder.status).toBe(404);
    expect(folder.text).not.toContain('style.css');
    expect((await call(base, 'GET', '/assets')).status).toBe(404);
    if (process.platform !== 'win32') {
      const link = await call(base, 'GET', '/linked.txt');
      expect(link.status).toBe(404);
      expect(link.text).not.toContain('TOP SECRET');
    }
    const missing = await call(base, 'GET', '/nothing-here.js');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    expect((await call(base, 'POST', '/index.html')).status).toBe(405);
  });
});

describe('qtrack serve: who may see and upload what', () => {
  let bVersion: string;
  let bUpload: string;

  beforeAll(async () => {
    // a version of department B, uploaded by B's clerk through the portal's path
    const bytes = await xlsx({ 抽查明细: inspectionRows(10, 0, '建筑材料') });
    const grant = (await call(base, 'POST', '/api/uploads', { ...json({ period: PERIOD, fileName: 'b.xlsx', size: bytes.length }), headers: { 'content-type': 'application/json', ...auth(tokens.b) } })).json();
    const posted = await fetch(grant.url, { method: 'POST', body: form(grant.fields, bytes, 'b.xlsx') });
    expect(posted.status).toBe(204);
    bUpload = grant.uploadId;
    const state = (await call(base, 'GET', `/api/uploads/${bUpload}?period=${PERIOD}`, { headers: auth(tokens.b) })).json();
    expect(state.state).toBe('done');
    bVersion = state.version.submissionId;
  }, 60_000);

  it('a clerk of A gets 403 for B’s quarters, versions, one version, its download, template and upload state', async () => {
    const paths = [
      `/api/quarters?department=${B.department}`,
      `/api/versions?period=${PERIOD}&department=${B.department}`,
      `/api/versions/${bVersion}`,
      `/api/versions/${bVersion}/download?file=original`,
      `/api/template?department=${B.department}`,
      `/api/uploads/${bUpload}?period=${PERIOD}&department=${B.department}`,
    ];
    for (const path of paths) {
      const r = await call(base, 'GET', path, { headers: auth(tokens.a) });
      expect(r.status, path).toBe(403);
      expect(r.json().error.code, path).toBe('FORBIDDEN');
      expectSecurityHeaders(r, 'api');
    }
    // and B sees its own
    expect((await call(base, 'GET', `/api/versions/${bVersion}`, { headers: auth(tokens.b) })).status).toBe(200);
    const template = await call(base, 'GET', `/api/template?department=${B.department}`, { headers: auth(tokens.b) });
    expect(template.status).toBe(200);
    expect(template.headers['content-type']).toMatch(/spreadsheetml/);
    expect(template.body.subarray(0, 2).toString()).toBe('PK');
    expectSecurityHeaders(template, 'api');
  });

  it('a grant is always for the clerk’s own prefix; an office user gets 403 on POST /api/uploads', async () => {
    const grant = (await call(base, 'POST', '/api/uploads', { ...json({ period: PERIOD, fileName: 'x.xlsx', size: 100 }), headers: { 'content-type': 'application/json', ...auth(tokens.a) } })).json();
    expect(grant.key).toBe(`submissions/${A.department}/${PERIOD}/x.xlsx`);
    expect(grant.url).toBe(`${base}/upload`);
    const office = await call(base, 'POST', '/api/uploads', { ...json({ period: PERIOD, fileName: 'x.xlsx', size: 100 }), headers: { 'content-type': 'application/json', ...auth(tokens.office) } });
    expect(office.status).toBe(403);
    expect(office.json().error.code).toBe('FORBIDDEN');
  });
});

describe('qtrack serve: the upload endpoint (S3 PostObject)', () => {
  const grantFor = async (token: string, size: number, fileName = 'q1.xlsx') =>
    (await call(base, 'POST', '/api/uploads', { ...json({ period: PERIOD, fileName, size }), headers: { 'content-type': 'application/json', ...auth(token) } })).json() as {
      uploadId: string;
      key: string;
      url: string;
      fields: Record<string, string>;
    };

  const post = async (fields: Record<string, string>, bytes: Uint8Array, accept?: string) => {
    const { headers, body } = await encoded(form(fields, bytes));
    return call(base, 'POST', '/upload', { headers: { ...headers, ...(accept ? { accept } : {}) }, body });
  };

  it('refuses a grant for A used to write B’s prefix (the key edited)', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const grant = await grantFor(tokens.a, bytes.length);
    const r = await post({ ...grant.fields, key: `submissions/${B.department}/${PERIOD}/q1.xlsx` }, bytes);
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(r.text).toMatch(/<Code>AccessDenied<\/Code>/);
    expect(r.text).toMatch(/<MessageZh>[^<]*[\u4e00-\u9fff]/);
    expectSecurityHeaders(r);
    // the same as JSON when asked for
    const j = await post({ ...grant.fields, key: `submissions/${B.department}/${PERIOD}/q1.xlsx` }, bytes, 'application/json');
    expect(j.json()).toMatchObject({ error: { code: 'AccessDenied', message: { zh: expect.any(String), en: expect.any(String) } } });
    // nothing was stored for B
    const versions = (await call(base, 'GET', `/api/versions?period=${PERIOD}&department=${B.department}`, { headers: auth(tokens.office) })).json().versions;
    expect(versions.every((v: { fileName: string; uploadedBy?: string }) => v.uploadedBy !== A.email)).toBe(true);
  });

  it('refuses a tampered policy, an edited uploader, a missing signature', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const grant = await grantFor(tokens.a, bytes.length);
    const doc = JSON.parse(Buffer.from(grant.fields.policy!, 'base64').toString());
    doc.conditions = doc.conditions.map((c: unknown) => (Array.isArray(c) && c[0] === 'eq' && c[1] === '$key' ? ['starts-with', '$key', 'submissions/'] : c));
    const tampered = await post({ ...grant.fields, policy: Buffer.from(JSON.stringify(doc)).toString('base64'), key: `submissions/${B.department}/${PERIOD}/q1.xlsx` }, bytes);
    expect(tampered.status).toBe(403);
    expect(tampered.text).toMatch(/SignatureDoesNotMatch/);
    const uploader = await post({ ...grant.fields, 'x-amz-meta-uploader': B.email }, bytes);
    expect(uploader.status).toBe(403);
    const { 'x-amz-signature': _, ...unsigned } = grant.fields;
    expect((await post(unsigned, bytes)).status).toBe(403);
  });

  it('refuses an expired grant', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const grant = await grantFor(tokens.a, bytes.length);
    const { headers, body } = await encoded(form(grant.fields, bytes));
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 16 * 60 * 1000 });
    let r: Answer;
    try {
      r = await call(base, 'POST', '/upload', { headers, body });
    } finally {
      vi.useRealTimers();
    }
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/已过期.*expired/s);
  });

  it('refuses a body over 50 MB + 1 MB by its Content-Length, before reading it', async () => {
    const url = new URL(base);
    const r = await new Promise<{ status: number; text: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, method: 'POST', path: '/upload', agent: false, headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(60 * 1024 * 1024) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.write('--x\r\n'); // a few bytes of sixty megabytes: the answer comes without the rest
      req.flushHeaders();
    });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/EntityTooLarge/);
    expect(r.headers['content-security-policy']).toBe(PORTAL_CSP);
  });

  it('refuses a file larger than its grant, a form without a file, and no Content-Length', async () => {
    const grant = await grantFor(tokens.a, 10);
    // the policy allows 1 byte to 50 MB; the grant's size is the portal's check. An empty file is refused here.
    const empty = await post(grant.fields, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/EntityTooSmall/);
    const f = new FormData();
    for (const [k, v] of Object.entries(grant.fields)) f.append(k, v);
    const noFile = await encoded(f);
    expect((await call(base, 'POST', '/upload', noFile)).status).toBe(400);
    const chunked = await call(base, 'POST', '/upload', { headers: { 'content-type': 'multipart/form-data; boundary=x', 'transfer-encoding': 'chunked' }, body: '--x--' });
    expect(chunked.status).toBe(411);
  });

  it('a real upload: grant → POST /upload (204) → GET /api/uploads/{id} done → the version carries uploadedBy; its download link works and refuses an edited key', async () => {
    const bytes = await goodBook();
    const grant = await grantFor(tokens.a, bytes.length, '2026Q1-市场监管局.xlsx');
    expect((await call(base, 'GET', `/api/uploads/${grant.uploadId}?period=${PERIOD}`, { headers: auth(tokens.a) })).json()).toEqual({ state: 'waiting' });
    const posted = await fetch(grant.url, { method: 'POST', body: form(grant.fields, bytes, '2026Q1-市场监管局.xlsx') });
    expect(posted.status).toBe(204);
    expect(posted.headers.get('content-security-policy')).toBe(PORTAL_CSP);

    const done = (await call(base, 'GET', `/api/uploads/${grant.uploadId}?period=${PERIOD}`, { headers: auth(tokens.a) })).json();
    expect(done.state).toBe('done');
    expect(done.version).toMatchObject({ department: A.department, period: PERIOD, fileName: '2026Q1-市场监管局.xlsx', status: 'accepted', uploadedBy: A.email, uploadId: grant.uploadId });
    const listed = (await call(base, 'GET', `/api/versions?period=${PERIOD}`, { headers: auth(tokens.office) })).json().versions;
    expect(listed.find((v: { submissionId: string }) => v.submissionId === done.version.submissionId)?.uploadedBy).toBe(A.email);

    // the original, through a presigned link to this server (never to s3rver, which checks no signature)
    const link = (await call(base, 'GET', `/api/versions/${done.version.submissionId}/download?file=original`, { headers: auth(tokens.a) })).json();
    expect(link.url.startsWith(`${base}/s3/`)).toBe(true);
    const target = link.url.slice(base.length);
    const got = await call(base, 'GET', target);
    expect(got.status).toBe(200);
    expect(new Uint8Array(got.body)).toEqual(bytes);
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename=.*filename\*=UTF-8''2026Q1-/);
    expectSecurityHeaders(got, 'download');

    // the same link with the key edited to department B's: refused
    const edited = target.replace(`/${A.department}/`, `/${B.department}/`);
    expect(edited).not.toBe(target);
    const refused = await call(base, 'GET', edited);
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/SignatureDoesNotMatch/);
    // and with its signature gone, or expired
    expect((await call(base, 'GET', target.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=' + '0'.repeat(64)))).status).toBe(403);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60 * 1000 });
    let late: Answer;
    try {
      late = await call(base, 'GET', target);
    } finally {
      vi.useRealTimers();
    }
    expect(late.status).toBe(403);
    expect(late.text).toMatch(/expired/);
  }, 60_000);
});

describe('qtrack serve: the command, its lock and its stop', () => {
  it('a portal that was never built gets a bilingual page naming npm run build; the API still works', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qtrack-serve-nobuild-')), 'data');
    openDataDir(dir, true);
    const other = await startServe({ dataDir: dir, port: 0, logger: silentLogger, portalDir: join(dir, 'no-portal') });
    try {
      const r = await call(other.url, 'GET', '/');
      expect(r.status).toBe(503);
      expect(r.text).toMatch(/门户尚未构建/);
      expect(r.text).toMatch(/npm run build/);
      expect(r.text).toMatch(/has not been built/);
      expectSecurityHeaders(r);
      expect((await call(other.url, 'GET', '/config.json')).status).toBe(200);
      expect((await call(other.url, 'GET', '/api/me')).status).toBe(401);
    } finally {
      await other.stop();
    }
  }, 60_000);

  it('qtrack serve --port 0 prints its URL, holds the data directory against a CLI beside it, and stops on SIGTERM, releasing it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qtrack-serve-cmd-')), 'data');
    openDataDir(dir, true);
    const out: string[] = [];
    process.env.QTRACK_PORTAL_DIR = portalDir; // the test's portal: dist/portal is neither built nor needed
    const done = main(['serve', '--port', '0', '--data-dir', dir], { out: (t) => void out.push(t), err: (t) => void out.push(t) });
    const deadline = Date.now() + 60_000;
    while (!out.some((l) => /the portal is running/.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out.join('\n'))?.[1];
    expect(url).toBeDefined();
    expect(out.join('\n')).toMatch(/还没有用户.*no users yet/);
    expect((await call(url!, 'GET', '/config.json')).status).toBe(200);
    expect((await call(url!, 'GET', '/')).text).toContain('<title>qtrack</title>');
    expect(existsSync(join(dir, 'qtrack.lock'))).toBe(true);

    // another qtrack process on the same data directory is refused, and changes nothing
    const child = spawn(process.execPath, [join(ROOT, 'bin/qtrack.mjs'), 'versions', '--period', PERIOD, '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(2);
    expect(err).toMatch(/正被另一个 qtrack 进程（pid \d+）使用.*in use by another qtrack process/);
    expect((await call(url!, 'GET', '/api/me')).status).toBe(401); // still serving

    process.emit('SIGTERM', 'SIGTERM');
    expect(await done).toBe(0);
    delete process.env.QTRACK_PORTAL_DIR;
    expect(out.join('\n')).toMatch(/正在停止（SIGTERM）/);
    expect(existsSync(join(dir, 'qtrack.lock'))).toBe(false);
    await expect(call(url!, 'GET', '/config.json')).rejects.toThrow();
  }, 120_000);

  it('serve refuses --aws, a --now that is no date, a bad port, a data directory that is not there', async () => {
    const run = async (...argv: string[]) => {
      const err: string[] = [];
      const code = await main(argv, { out: () => undefined, err: (t) => void err.push(t) });
      return { code, err: err.join('\n') };
    };
    expect((await run('serve', '--aws')).err).toMatch(/命令 serve 不能加 --aws/);
    expect((await run('serve', '--now', 'soon', '--data-dir', dataDir)).err).toMatch(/--now 的值“soon”/);
    expect((await run('serve', '--port', '99999', '--data-dir', dataDir)).err).toMatch(/--port 的值“99999”/);
    const missing = await run('serve', '--port', '0', '--data-dir', join(tmpdir(), 'qtrack-no-such-dir-xyz'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/qtrack users add/);
    // the port the running server holds
    const other = join(mkdtempSync(join(tmpdir(), 'qtrack-serve-port-')), 'd');
    openDataDir(other, true);
    process.env.QTRACK_PORTAL_DIR = portalDir;
    const taken = await run('serve', '--port', String(serving.port), '--data-dir', other).finally(() => delete process.env.QTRACK_PORTAL_DIR);
    expect(taken.code).toBe(2);
    expect(taken.err).toMatch(/端口 \d+ 已被占用.*port \d+ is in use/);
    expect(taken.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(other, 'qtrack.lock'))).toBe(false); // the pipeline it opened was closed again
  });
});

describe('qtrack serve --now', () => {
  it('shows a replayed data dir as on that day, its clock running on; the token still expires by the real clock', async () => {
    const top = mkdtempSync(join(tmpdir(), 'qtrack-serve-now-'));
    const dir = join(top, 'data');
    openDataDir(dir, true);
    await new LocalUsers(dir).add({ email: A.email, password: A.password, role: 'clerk', department: A.department });
    const now = new Date('2027-01-17T00:00:00+08:00');
    const replay = await startServe({ dataDir: dir, port: 0, logger: silentLogger, portalDir, signInDelayMs: DELAY_MS, now });
    try {
      const session = (await call(replay.url, 'POST', '/api/session', json({ email: A.email, password: A.password }))).json();
      // the real clock: an hour from now, not from 2027
      expect(Math.abs(Date.parse(session.expiresAt) - (Date.now() + 3600_000))).toBeLessThan(60_000);
      const me = (await call(replay.url, 'GET', '/api/me', { headers: { authorization: `Bearer ${session.token}` } })).json();
      expect(me.currentPeriod).toBe('2026-Q4');
      expect(me.periods.at(-1)).toBe('2027-Q1');
    } finally {
      await replay.stop();
    }
  });
});

describe('qtrack serve: a large portal upload is stored whole', () => {
  it('3,000 inspection rows and 400 certificates on three sheets, through grant → /upload → ingest: every row stored, read back equal', async () => {
    const top = mkdtempSync(join(tmpdir(), 'qtrack-serve-large-'));
    const dir = join(top, 'data');
    openDataDir(dir, true);
    await new LocalUsers(dir).add({ email: A.email, password: A.password, role: 'clerk', department: A.department });
    const rows = inspectionRows(2990, 10);
    const certs = Array.from({ length: 400 }, (_, i) => brandCertificate(i + 1));
    const bytes = await xlsx({
      抽查明细: rows,
      认证明细: [CERT_HEADERS, ...certs],
      指标: [
        ['指标代码', '数值'],
        ['STANDARDS_LED_COUNT', 3],
      ],
    });
    const big = await startServe({ dataDir: dir, port: 0, logger: silentLogger, portalDir, signInDelayMs: DELAY_MS });
    let submissionId: string;
    try {
      const token = (await call(big.url, 'POST', '/api/session', json({ email: A.email, password: A.password }))).json().token;
      const grant = (
        await call(big.url, 'POST', '/api/uploads', { ...json({ period: PERIOD, fileName: 'large.xlsx', size: bytes.length }), headers: { 'content-type': 'application/json', ...auth(token) } })
      ).json();
      expect((await fetch(grant.url, { method: 'POST', body: form(grant.fields, bytes, 'large.xlsx') })).status).toBe(204);
      const done = (await call(big.url, 'GET', `/api/uploads/${grant.uploadId}?period=${PERIOD}`, { headers: auth(token) })).json();
      expect(done).toMatchObject({ state: 'done', version: { status: 'accepted', uploadedBy: A.email } });
      submissionId = done.version.submissionId;
      // ingest read storage back: every accepted row of every sheet is there
      const report = (await call(big.url, 'GET', `/api/versions/${submissionId}`, { headers: auth(token) })).json().report;
      const sheet = (kind: string) => report.sheets.find((s: { kind: string }) => s.kind === kind);
      expect([sheet('inspections').storedRows, sheet('certifications').storedRows, sheet('indicators').storedRows]).toEqual([3000, 400, 1]);
    } finally {
      await big.stop();
    }
    // and, opened again, the records are the rows that were sent, in order
    const pipeline = await openLocalPipeline({ dataDir: dir, create: false, logger: silentLogger });
    try {
      const inspections = await pipeline.deps.submissions.getRecords<{ batchId: string; creditCode: string }>(submissionId!, 'inspections');
      expect(inspections.map((r) => [r.batchId, r.creditCode])).toEqual(rows.slice(1).map((r) => [r[0], r[3]]));
      const certificates = await pipeline.deps.submissions.getRecords<{ certificateNo: string; holder: string }>(submissionId!, 'certifications');
      expect(certificates.map((c) => [c.certificateNo, c.holder])).toEqual(certs.map((c) => [c[3], c[1]]));
    } finally {
      await pipeline.stop();
    }
  }, 120_000);
});
