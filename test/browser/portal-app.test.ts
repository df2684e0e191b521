// The built portal in headless Chromium against a stand-in API (Playwright
// routes answer /api/* as docs/api.md says; the real API and `qtrack serve`
// are other people's tests): sign-in (local, and Cognito with the new-password
// challenge), a clerk's quarters, versions, report and downloads, the upload
// with the in-browser check, the office's grid, alerts, summaries and upload
// log, a 401 sending the user back to sign-in, a narrow window — all under the
// portal's CSP, with no console error, the token only ever in an
// Authorization header. Screenshots go to test-output/portal-*.png.
//
// Chromium missing: with CI set this fails loudly; otherwise it is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Issue, ValidationReport } from '../../functions/core/model';
import { PORTAL_CSP, serveStatic, type StaticServer } from '../../portal/tools/static-server';

declare const document: any;
declare const window: any;
declare function requestAnimationFrame(callback: () => void): number;

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP = !HAVE_CHROMIUM && !process.env.CI;
if (SKIP) console.warn(`[portal-app] SKIPPED: Chromium not found at ${CHROMIUM}. Run \`node scripts/ensure-test-tools.mjs\` (or set CHROMIUM_PATH).`);

const ROOT = resolve('.');
const FIXTURES = join(ROOT, 'test/fixtures/files');
const SHOTS = resolve('test-output');
const REGION = 'ap-northeast-1';
const COGNITO = `https://cognito-idp.${REGION}.amazonaws.com/`;
const NOW = new Date('2026-04-05T09:00:00+08:00');

const DEPARTMENTS = [
  { code: 'market-regulation', name: '区市场监管局', nameEn: 'District Market Regulation Bureau', sends: ['indicators', 'inspections', 'certifications'] },
  { code: 'construction', name: '区建设管理委', nameEn: 'District Construction Management Commission', sends: ['indicators', 'inspections', 'acceptances'] },
  { code: 'commerce', name: '区商务委', nameEn: 'District Commerce Commission', sends: ['certifications'] },
];
const PERIODS = ['2026-Q1', '2026-Q2'];
const HOSTILE = '<img src=x onerror="window.pwned=1">';

const issue = (over: Partial<Issue>): Issue => ({ severity: 'error', code: 'INVALID_CREDIT_CODE', message: { zh: '统一社会信用代码无效', en: 'invalid credit code' }, ...over });

const REJECTED_REPORT: ValidationReport = {
  status: 'rejected',
  department: 'market-regulation',
  period: '2026-Q1',
  file: '市场监管局2026Q1.xlsx',
  submissionId: 'V1',
  receivedAt: '2026-04-03T02:00:00Z',
  sheets: [{ name: '抽查明细', kind: 'inspections', rows: 10, acceptedRows: 8 }],
  issues: [
    issue({ severity: 'warning', code: 'VALUE_MISSING', sheet: '指标', row: 3, cell: 'C3', header: '数值', message: { zh: '预填的指标行没有数值', en: 'no value' } }),
    issue({ sheet: '抽查明细', row: 5, column: 'D', cell: 'D5', header: '统一社会信用代码', value: HOSTILE }),
    issue({ code: 'REQUIRED', sheet: '抽查明细', row: 6, cell: 'B6', header: '产品类别', message: { zh: '必填', en: 'required' } }),
  ],
  counts: { errors: 2, warnings: 1 },
  replaces: [],
};

const version = (over: Record<string, unknown>) => ({
  submissionId: 'V1',
  department: 'market-regulation',
  period: '2026-Q1',
  fileName: '市场监管局2026Q1.xlsx',
  receivedAt: '2026-04-03T02:00:00Z',
  status: 'rejected',
  errors: 2,
  warnings: 1,
  uploadedBy: 'clerk@example.gov.cn',
  current: false,
  currentFor: [],
  hasAnnotated: true,
  ...over,
});

interface Seen {
  /** every /api call: method, path and query, Authorization */
  api: { method: string; url: string; auth: string | undefined }[];
  uploads: { body: string; headers: Record<string, string> }[];
  cognito: { target: string; body: any }[];
  failNext401: boolean;
  polls: number;
}

function json(route: Route, status: number, body: unknown): Promise<void> {
  return route.fulfill({ status, contentType: 'application/json; charset=utf-8', headers: { 'Cache-Control': 'no-store' }, body: JSON.stringify(body) });
}

const err = (code: string, zh: string, en: string) => ({ error: { code, message: { zh, en } } });

/** The stand-in API: a clerk of market-regulation and an office user. */
async function mockApi(context: BrowserContext, server: StaticServer, seen: Seen): Promise<void> {
  const tokens: Record<string, 'clerk' | 'office'> = { 'T-clerk': 'clerk', 'T-office': 'office', 'ID-TOKEN': 'clerk', 'ID-TOKEN-2': 'clerk' };
  await context.route(
    (url) => url.pathname.startsWith('/api/'),
    async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      const auth = req.headers().authorization;
      seen.api.push({ method: req.method(), url: `${url.pathname}${url.search}`, auth });
      if (url.pathname === '/api/session') {
        const { email, password } = JSON.parse(req.postData() ?? '{}');
        if (password !== 'right') return json(route, 401, err('BAD_CREDENTIALS', '邮箱或密码不正确', 'wrong e-mail or password'));
        return json(route, 200, { token: email.startsWith('office') ? 'T-office' : 'T-clerk', expiresAt: '2099-01-01T00:00:00Z' });
      }
      const who = tokens[(auth ?? '').replace(/^Bearer /, '')];
      if (!who || seen.failNext401) {
        seen.failNext401 = false;
        return json(route, 401, err('UNAUTHENTICATED', '未登录或登录已过期，请重新登录门户', 'sign in again'));
      }
      const p = url.pathname;
      const q = url.searchParams;
      if (p === '/api/me') {
        return json(route, 200, {
          email: who === 'office' ? 'office@example.gov.cn' : 'clerk@example.gov.cn',
          role: who,
          ...(who === 'clerk' ? { department: DEPARTMENTS[0] } : {}),
          departments: who === 'clerk' ? [DEPARTMENTS[0]] : DEPARTMENTS,
          currentPeriod: '2026-Q1',
          periods: PERIODS,
          maxUploadBytes: 52428800,
        });
      }
      if (p === '/api/quarters') {
        return json(route, 200, {
          department: 'market-regulation',
          quarters: [
            { period: '2026-Q1', dueDate: '2026-04-10', state: 'rejected', errors: 2, warnings: 1, versions: 1, rejectedVersions: 1, complete: false },
            { period: '2026-Q2', dueDate: '2026-07-10', state: 'pending', errors: 0, warnings: 0, versions: 0, rejectedVersions: 0, complete: false },
          ],
        });
      }
      if (p === '/api/versions') {
        if (q.get('period') !== '2026-Q1') return json(route, 200, { period: q.get('period'), versions: [] });
        return json(route, 200, { period: '2026-Q1', versions: [version({})] });
      }
      if (p === '/api/versions/V1') return json(route, 200, { version: version({}), report: REJECTED_REPORT });
      if (p === '/api/versions/V2') {
        return json(route, 200, {
          version: version({ submissionId: 'V2', status: 'accepted', errors: 0, warnings: 5, current: true, currentFor: ['indicators', 'inspections', 'certifications'] }),
          report: { ...REJECTED_REPORT, status: 'accepted', submissionId: 'V2', issues: [REJECTED_REPORT.issues[0]], counts: { errors: 0, warnings: 1 } },
        });
      }
      const download = /^\/api\/versions\/(V\d)\/download$/.exec(p);
      if (download) return json(route, 200, { url: `${server.url}/dl/${download[1]}-${q.get('file')}.xlsx`, fileName: 'x.xlsx', expiresAt: '2099-01-01T00:00:00Z' });
      if (p === '/api/template') {
        return route.fulfill({
          status: 200,
          headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Content-Disposition': `attachment; filename="template.xlsx"; filename*=UTF-8''${encodeURIComponent('区市场监管局-模板.xlsx')}` },
          body: Buffer.from('PK\u0003\u0004 template'),
        });
      }
      if (p === '/api/uploads' && req.method() === 'POST') {
        const body = JSON.parse(req.postData() ?? '{}');
        return json(route, 200, {
          uploadId: 'U1',
          key: `submissions/market-regulation/${body.period}/${body.fileName}`,
          url: `${server.url}/bucket`,
          fields: { key: `submissions/market-regulation/${body.period}/${body.fileName}`, policy: 'POLICY', 'x-amz-signature': 'SIG' },
          maxBytes: 52428800,
          expiresAt: '2099-01-01T00:00:00Z',
        });
      }
      if (p === '/api/uploads/U1') {
        seen.polls++;
        return json(route, 200, seen.polls < 2 ? { state: 'waiting' } : { state: 'done', version: version({ submissionId: 'V2', status: 'accepted', errors: 0, warnings: 5, current: true }) });
      }
      if (p === '/api/status') {
        const period = q.get('period')!;
        return json(route, 200, {
          period,
          dueDate: period === '2026-Q1' ? '2026-04-10' : '2026-07-10',
          departments: DEPARTMENTS.map((d, i) => ({
            department: d.code,
            name: d.name,
            nameEn: d.nameEn,
            state: period === '2026-Q1' ? (['on_time', 'rejected', 'missing'] as const)[i] : 'pending',
            versions: period === '2026-Q1' ? 1 : 0,
            rejectedVersions: 0,
            complete: i === 0,
          })),
        });
      }
      if (p === '/api/alerts') {
        return json(route, 200, {
          alerts: [
            { id: 'A1', type: 'SUBMISSION_LATE', severity: 'warning', period: q.get('period'), department: 'commerce', message: { zh: `逾期未报送 ${HOSTILE}`, en: 'late' }, createdAt: '2026-04-11T01:00:00Z' },
            { id: 'A2', type: 'TARGET_BREACHED', severity: 'critical', period: q.get('period'), department: 'market-regulation', indicator: 'MFG_PASS_RATE', message: { zh: '未达标', en: 'breached' }, createdAt: '2026-04-12T01:00:00Z' },
          ],
        });
      }
      const summary = /^\/api\/summaries\/(.+)$/.exec(p);
      if (summary) {
        if (summary[1] !== '2026-Q1') return json(route, 404, err('NOT_FOUND', '找不到汇总', 'no summary'));
        return json(route, 200, {
          period: '2026-Q1',
          files: ['summary.html', 'summary.xlsx', 'summary.csv', 'summary.json', 'javascript-link'].map((name) => ({
            name,
            url: name === 'javascript-link' ? 'javascript:window.pwned=1' : `${server.url}/dl/${name}`,
            expiresAt: '2099-01-01T00:00:00Z',
          })),
        });
      }
      return json(route, 404, err('NOT_FOUND', '找不到', 'not found'));
    },
  );
  // the presigned POST's target (S3, or qtrack serve's stand-in), and the presigned GETs
  await context.route(`${server.url}/bucket`, async (route) => {
    const req = route.request();
    seen.uploads.push({ body: req.postDataBuffer()?.toString('latin1') ?? '', headers: req.headers() });
    await route.fulfill({ status: 204, headers: { 'Access-Control-Allow-Origin': '*' } });
  });
  await context.route(`${server.url}/dl/**`, (route) =>
    route.fulfill({ status: 200, headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename="annotated.xlsx"' }, body: Buffer.from('PK') }),
  );
  await context.route(COGNITO, async (route) => {
    const req = route.request();
    const target = req.headers()['x-amz-target'] ?? '';
    const body = JSON.parse(req.postData() ?? '{}');
    seen.cognito.push({ target, body });
    const cors = { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/x-amz-json-1.1' };
    if (target.endsWith('InitiateAuth') && body.AuthFlow === 'REFRESH_TOKEN_AUTH') {
      if (body.AuthParameters?.REFRESH_TOKEN !== 'REFRESH') return route.fulfill({ status: 400, headers: cors, body: JSON.stringify({ __type: 'NotAuthorizedException', message: 'Invalid Refresh Token' }) });
      // a refresh answers with a new ID token and no new refresh token
      return route.fulfill({ status: 200, headers: cors, body: JSON.stringify({ AuthenticationResult: { IdToken: 'ID-TOKEN-2', ExpiresIn: 3600, AccessToken: 'ACCESS-2' } }) });
    }
    if (target.endsWith('InitiateAuth')) {
      if (body.AuthParameters?.PASSWORD !== 'temporary') return route.fulfill({ status: 400, headers: cors, body: JSON.stringify({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }) });
      return route.fulfill({ status: 200, headers: cors, body: JSON.stringify({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'S1', ChallengeParameters: { USER_ID_FOR_SRP: 'user-123' } }) });
    }
    if (body.ChallengeResponses?.NEW_PASSWORD === 'weak') return route.fulfill({ status: 400, headers: cors, body: JSON.stringify({ __type: 'InvalidPasswordException', message: 'Password does not conform to policy' }) });
    return route.fulfill({ status: 200, headers: cors, body: JSON.stringify({ AuthenticationResult: { IdToken: 'ID-TOKEN', ExpiresIn: 3600, AccessToken: 'ACCESS', RefreshToken: 'REFRESH' } }) });
  });
}

describe.skipIf(SKIP)('the portal in headless Chromium (stand-in API)', () => {
  let dir: string;
  let local: StaticServer;
  let aws: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seen: Seen;
  let problems: string[];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`Chromium not found at ${CHROMIUM} and CI is set: run \`node scripts/ensure-test-tools.mjs\` as root, or set CHROMIUM_PATH`);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'qtrack-portal-app-'));
    const out = join(dir, 'portal');
    const built = spawnSync(process.execPath, ['scripts/build-portal.mjs', '--out-dir', out, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build-portal failed: ${built.stderr}`);
    local = await serveStatic(out, { '/config.json': { body: JSON.stringify({ auth: { kind: 'local' }, api: '/api' }) } });
    aws = await serveStatic(
      out,
      { '/config.json': { body: JSON.stringify({ auth: { kind: 'cognito', region: REGION, clientId: 'client-1', userPoolId: `${REGION}_pool` } }) } },
      PORTAL_CSP.replace("connect-src 'self'", `connect-src 'self' ${COGNITO.slice(0, -1)}`),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await local?.close();
    await aws?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    seen = { api: [], uploads: [], cognito: [], failNext401: false, polls: 0 };
    problems = [];
    await mockApi(context, local, seen);
    page = await context.newPage();
    await page.clock.setFixedTime(NOW);
    page.on('console', (m) => {
      // the stand-in's deliberate refusals (a wrong password, a 401) are logged by the browser itself; anything else counts
      if (/^Failed to load resource: the server responded with a status of (400|401|404)\b/.test(m.text())) return;
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  });

  async function signIn(email: string, server = local): Promise<void> {
    await page.goto(server.url);
    await page.fill('#signin-email', email);
    await page.fill('#signin-password', 'right');
    await page.click('#signin-submit');
    await page.waitForSelector('#view-title');
  }

  /** every API call after sign-in carried the token as a Bearer header, and nothing else did */
  function tokenOnlyInHeader(): void {
    for (const call of seen.api.filter((c) => c.url !== '/api/session')) {
      expect(call.auth, call.url).toMatch(/^Bearer (T-clerk|T-office|ID-TOKEN)$/);
      expect(call.url).not.toMatch(/T-clerk|T-office|ID-TOKEN/);
    }
  }

  it('signs a clerk in, refusing a wrong password in words', async () => {
    await page.goto(local.url);
    await page.waitForSelector('#signin-form');
    expect(await page.title()).toContain('长宁区质量数据报送');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('signin-password'); // the e-mail field has the focus already
    await page.fill('#signin-email', 'clerk@example.gov.cn');
    await page.fill('#signin-password', 'wrong');
    await page.click('#signin-submit');
    await page.waitForSelector('#signin-error:not([hidden])');
    expect(await page.textContent('#signin-error')).toContain('邮箱或密码不正确');
    await page.fill('#signin-password', 'right');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#quarters-table');
    expect(await page.textContent('#whoami')).toContain('clerk@example.gov.cn');
    expect(await page.textContent('#nav')).toContain('我的部门 / My department');
    // the token: this tab's sessionStorage, never localStorage or a cookie
    expect(await page.evaluate(() => window.sessionStorage.getItem('qtrack.session'))).toContain('T-clerk');
    expect(await page.evaluate(() => window.localStorage.length)).toBe(0);
    expect(await context.cookies()).toEqual([]);
    tokenOnlyInHeader();
    expect(problems).toEqual([]);
  });

  it('shows a clerk’s quarters, a version’s report (markup stays text) and its downloads', async () => {
    await signIn('clerk@example.gov.cn');
    await page.waitForSelector('#quarters-table tr.quarter[data-period="2026-Q1"]');
    const q1 = page.locator('tr.quarter[data-period="2026-Q1"]');
    expect(await q1.getAttribute('data-state')).toBe('rejected');
    expect(await q1.textContent()).toContain('被退回 / rejected');
    expect(await page.locator('tr.quarter[data-period="2026-Q2"]').textContent()).toContain('待报送 / pending');
    await page.click('button.versions-toggle[data-period="2026-Q1"]');
    await page.waitForSelector('#versions-2026-Q1:not([hidden]) tr.version[data-submission-id="V1"]');
    expect(await page.getAttribute('button.versions-toggle[data-period="2026-Q1"]', 'aria-expanded')).toBe('true');
    await page.click('tr.version[data-submission-id="V1"] button[data-action="report"]');
    await page.waitForSelector('#report #report-issues');
    const codes = await page.$$eval('#report-issues tr.issue', (rows: any[]) => rows.map((r) => [r.dataset.severity, r.dataset.code, r.dataset.cell]));
    expect(codes).toEqual([
      ['error', 'INVALID_CREDIT_CODE', 'D5'],
      ['error', 'REQUIRED', 'B6'],
      ['warning', 'VALUE_MISSING', 'C3'],
    ]);
    expect(await page.textContent('#report-issues')).toContain(HOSTILE);
    expect(await page.locator('#report img').count()).toBe(0);
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
    for (const h of ['工作表 / Sheet', '单元格 / Cell', '表头 / Header', '值 / Value', '问题及处理办法 / Problem and what to do']) expect(await page.textContent('#report-issues thead')).toContain(h);
    const [annotated] = await Promise.all([page.waitForEvent('download'), page.click('#report button[data-action="annotated"]')]);
    expect(annotated.url()).toBe(`${local.url}/dl/V1-annotated.xlsx`);
    const [template] = await Promise.all([page.waitForEvent('download'), page.click('#template-download')]);
    expect(template.suggestedFilename()).toBe('区市场监管局-模板.xlsx');
    expect(seen.api.map((c) => c.url)).toEqual(expect.arrayContaining(['/api/quarters', '/api/versions?period=2026-Q1', '/api/versions/V1', '/api/versions/V1/download?file=annotated', '/api/template?period=2026-Q1']));
    tokenOnlyInHeader();
    await page.screenshot({ path: join(SHOTS, 'portal-department.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('checks a file in the browser, uploads it as a presigned POST and shows the stored report', async () => {
    await signIn('clerk@example.gov.cn');
    await page.click('#nav-upload');
    await page.waitForSelector('#upload-form');
    await page.selectOption('#upload-period', '2026-Q1');
    await page.setInputFiles('#upload-file', { name: 'merged.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: readFileSync(join(FIXTURES, 'merged-title-and-category.xlsx')) });
    await page.waitForSelector('#check-summary[data-state="warnings"]');
    expect(await page.textContent('#check-ledger-note')).toContain('证书台账');
    expect(await page.textContent('#upload-submit')).toBe('⇪ 上传 / Upload');
    await page.screenshot({ path: join(SHOTS, 'portal-upload-check.png'), fullPage: true });
    await page.click('#upload-submit');
    await page.waitForSelector('#result-summary[data-status="accepted"]', { timeout: 20_000 });
    expect(seen.polls).toBeGreaterThanOrEqual(2);
    // every field of the grant, then the file, last; no token sent to the bucket
    const [upload] = seen.uploads;
    expect([...upload!.body.matchAll(/; name="([^"]+)"/g)].map((m) => m[1])).toEqual(['key', 'policy', 'x-amz-signature', 'file']);
    expect(upload!.headers.authorization).toBeUndefined();
    const grant = seen.api.find((c) => c.url === '/api/uploads' && c.method === 'POST');
    expect(grant).toBeDefined();
    expect(await page.locator('#result-annotated').count()).toBe(1);
    expect(await page.textContent('#result-summary')).toContain('已接收');
    tokenOnlyInHeader();
    expect(problems).toEqual([]);
  });

  it('offers “Upload anyway” for a file with errors, errors first; refuses a wrong type outright', async () => {
    await signIn('clerk@example.gov.cn');
    await page.goto(`${local.url}/#/upload?period=2026-Q1`);
    await page.waitForSelector('#upload-file');
    await page.setInputFiles('#upload-file', { name: 'bad.xlsx', mimeType: 'application/octet-stream', buffer: readFileSync(join(FIXTURES, 'annotate-openpyxl-template-filled-with-comments.xlsx')) });
    await page.waitForSelector('#check-summary[data-state="errors"]');
    expect(await page.textContent('#upload-submit')).toBe('⇪ 仍然上传 / Upload anyway');
    const rows = await page.$$eval('#check-issues tr.issue', (r: any[]) => r.map((x) => [x.dataset.severity, x.dataset.code]));
    expect(rows[0]).toEqual(['error', 'INVALID_CREDIT_CODE']);
    expect(rows.findIndex((r) => r[0] === 'warning')).toBeGreaterThan(rows.findLastIndex((r) => r[0] === 'error'));
    await page.screenshot({ path: join(SHOTS, 'portal-upload-errors.png'), fullPage: true });
    await page.setInputFiles('#upload-file', { name: 'report.pdf', mimeType: 'application/pdf', buffer: readFileSync(join(FIXTURES, 'report.pdf')) });
    await page.waitForSelector('#check-summary[data-state="refused"]');
    expect(await page.textContent('#check-refusal')).toContain('.pdf');
    expect(await page.locator('#upload-submit').count()).toBe(0);
    // a file qtrack cannot read at all (here encrypted, named .xlsx) would only be rejected: no upload is offered
    await page.setInputFiles('#upload-file', { name: 'locked.xlsx', mimeType: 'application/octet-stream', buffer: readFileSync(join(FIXTURES, 'encrypted.xlsx')) });
    await page.waitForSelector('#check-unreadable');
    expect(await page.getAttribute('#check-summary', 'data-state')).toBe('errors');
    expect(await page.$$eval('#check-issues tr.issue', (r: any[]) => r.map((x) => x.dataset.code))).toEqual(['FILE_ENCRYPTED']);
    expect(await page.locator('#upload-submit').count()).toBe(0);
    expect(await page.locator('#check-ledger-note').count()).toBe(0);
    expect(seen.uploads).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the office every department × quarter, the alerts with filters, summaries and uploads', async () => {
    await signIn('office@example.gov.cn');
    await page.waitForSelector('#status-grid');
    expect(await page.getAttribute('#status-grid td[data-department="construction"][data-period="2026-Q1"]', 'data-state')).toBe('rejected');
    expect(await page.textContent('#status-grid td[data-department="commerce"][data-period="2026-Q1"]')).toContain('逾期未报 / missing');
    expect(seen.api.filter((c) => c.url.startsWith('/api/status')).map((c) => c.url).sort()).toEqual(['/api/status?period=2026-Q1', '/api/status?period=2026-Q2']);
    await page.screenshot({ path: join(SHOTS, 'portal-status.png'), fullPage: true });

    await page.click('#nav-alerts');
    await page.waitForSelector('#alerts-table');
    await page.selectOption('#alerts-department', 'commerce');
    await page.selectOption('#alerts-type', 'SUBMISSION_LATE');
    await page.selectOption('#alerts-severity', 'warning');
    await page.click('#alerts-apply');
    await page.waitForFunction(() => document.location.hash.includes('type=SUBMISSION_LATE'));
    await page.waitForSelector('#alerts-table');
    expect(seen.api.map((c) => c.url)).toContain('/api/alerts?period=2026-Q1&department=commerce&type=SUBMISSION_LATE&severity=warning');
    expect(await page.textContent('#alerts-table')).toContain(HOSTILE);
    expect(await page.locator('#alerts-table img').count()).toBe(0);

    await page.click('#nav-summaries');
    await page.waitForSelector('#summaries-list');
    expect(await page.getAttribute('#summaries-list li[data-file="summary.xlsx"] a', 'href')).toBe(`${local.url}/dl/summary.xlsx`);
    expect(await page.locator('#summaries-list li[data-file="javascript-link"] a').count()).toBe(0);
    await page.selectOption('#summaries-period', '2026-Q2');
    await page.waitForSelector('#summaries-none');

    await page.click('#nav-uploads');
    await page.waitForSelector('#uploads-table tr.version[data-submission-id="V1"]');
    expect(await page.textContent('#uploads-table')).toContain('clerk@example.gov.cn');
    await page.click('#uploads-table button[data-action="report"]');
    await page.waitForSelector('#report-issues');

    await page.goto(`${local.url}/#/department/construction`);
    await page.waitForSelector('#department-name[data-department="construction"]');
    await page.waitForSelector('#quarters-table');
    expect(seen.api.map((c) => c.url)).toContain('/api/quarters?department=construction');
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
    tokenOnlyInHeader();
    expect(problems).toEqual([]);
  });

  it('on 上传记录 a slow answer for a quarter left behind never replaces the chosen one', async () => {
    await signIn('office@example.gov.cn');
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    // the default quarter's answer (2026-Q1, which has a version) is held back until 2026-Q2 (none) is shown
    await page.route(
      (url) => url.pathname === '/api/versions' && url.searchParams.get('period') === '2026-Q1',
      async (route) => {
        await held;
        await route.fallback();
      },
    );
    await page.click('#nav-uploads');
    await page.selectOption('#uploads-period', '2026-Q2');
    await page.waitForSelector('#uploads-none');
    const late = page.waitForEvent('requestfinished', (r) => r.url().includes('/api/versions?period=2026-Q1'));
    release();
    await late;
    // let the page handle the late answer (its fetch, its JSON, a render) before looking
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
    expect(await page.inputValue('#uploads-period')).toBe('2026-Q2');
    expect(await page.locator('#uploads-table').count()).toBe(0);
    expect(await page.locator('#uploads-none').count()).toBe(1);
  });

  it('goes back to sign-in on a 401, saying why', async () => {
    await signIn('clerk@example.gov.cn');
    seen.failNext401 = true;
    await page.click('#nav-alerts');
    await page.waitForSelector('#signin-form');
    expect(await page.textContent('#signin-reason')).toContain('登录已过期');
    expect(await page.evaluate(() => window.sessionStorage.getItem('qtrack.session'))).toBeNull();
    await page.fill('#signin-email', 'clerk@example.gov.cn');
    await page.fill('#signin-password', 'right');
    await page.click('#signin-submit');
    await page.waitForSelector('#alerts-body'); // back where the user was
  });

  it('signs in with Cognito, setting a new password when asked', async () => {
    await mockApi(context, aws, seen);
    await page.goto(aws.url);
    await page.fill('#signin-email', 'clerk@example.gov.cn');
    await page.fill('#signin-password', 'temporary');
    await page.click('#signin-submit');
    await page.waitForSelector('#newpw-form');
    await page.fill('#newpw-password', 'weak');
    await page.fill('#newpw-confirm', 'weak');
    await page.click('#newpw-submit');
    await page.waitForSelector('#newpw-error:not([hidden])');
    expect(await page.textContent('#newpw-error')).toContain('Password does not conform to policy');
    await page.fill('#newpw-password', 'Str0ngPassword');
    await page.fill('#newpw-confirm', 'Str0ngPassword');
    await page.click('#newpw-submit');
    await page.waitForSelector('#quarters-table');
    expect(seen.cognito[0]).toEqual({
      target: 'AWSCognitoIdentityProviderService.InitiateAuth',
      body: { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'client-1', AuthParameters: { USERNAME: 'clerk@example.gov.cn', PASSWORD: 'temporary' } },
    });
    expect(seen.cognito.at(-1)).toEqual({
      target: 'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
      body: { ChallengeName: 'NEW_PASSWORD_REQUIRED', ClientId: 'client-1', Session: 'S1', ChallengeResponses: { USERNAME: 'user-123', NEW_PASSWORD: 'Str0ngPassword' } },
    });
    expect(seen.api.find((c) => c.url === '/api/me')?.auth).toBe('Bearer ID-TOKEN');
    // the ID token and the refresh token are kept (this tab only), the access token is not
    const stored = await page.evaluate(() => window.sessionStorage.getItem('qtrack.session'));
    expect(stored).toContain('ID-TOKEN');
    expect(stored).toContain('REFRESH');
    expect(stored).not.toMatch(/ACCESS/);

    // 56 minutes on, the ID token has 3 minutes left: the next request renews it first, with the refresh token
    await page.clock.setFixedTime(new Date(NOW.getTime() + 56 * 60_000));
    const before = seen.api.length;
    await page.click('#nav-alerts');
    await page.waitForSelector('#alerts-body');
    expect(seen.cognito.at(-1)).toEqual({
      target: 'AWSCognitoIdentityProviderService.InitiateAuth',
      body: { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: 'client-1', AuthParameters: { REFRESH_TOKEN: 'REFRESH' } },
    });
    const after = seen.api.slice(before);
    expect(after.length).toBeGreaterThan(0);
    for (const call of after) expect(call.auth).toBe('Bearer ID-TOKEN-2');
    expect(seen.cognito.filter((c) => c.body.AuthFlow === 'REFRESH_TOKEN_AUTH')).toHaveLength(1); // one renewal for all of them
    expect(problems).toEqual([]);
  });

  it('fits a narrow window and 1280 px without sideways scrolling of the page', async () => {
    await signIn('clerk@example.gov.cn');
    for (const [width, route] of [
      [1280, '#/department'],
      [375, '#/department'],
      [375, '#/upload'],
    ] as const) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${local.url}/${route}`);
      await page.waitForSelector('#view-title');
      await page.waitForTimeout(100);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${width} ${route}`).toBeLessThanOrEqual(width);
      if (width === 375) await page.screenshot({ path: join(SHOTS, `portal-narrow-${route.slice(2)}.png`), fullPage: true });
    }
    // keyboard: the first Tab reaches the skip link, and focus is drawn
    await page.goto(`${local.url}/#/department`);
    await page.reload();
    await page.waitForSelector('#quarters-table');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('skip-link');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => window.getComputedStyle(document.activeElement).outlineStyle);
    expect(outline).not.toBe('none');
    expect(problems).toEqual([]);
  });
});
