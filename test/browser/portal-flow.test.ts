// The portal end to end in headless Chromium against a real `qtrack serve`
// (startServe in-process on a free port, a temp data directory with the
// embedded dynalite and s3rver, the portal built by scripts/build-portal.mjs
// into a temp folder): a clerk of market-regulation signs in, downloads the
// blank template, sees a bad credit code at its cell before anything is sent,
// uploads anyway, gets the rejection and its annotated copy (a comment on the
// cell), uploads the corrected workbook and finds both versions on 我的部门; the
// office sees the quarter as on time and both uploads with the clerk's e-mail;
// a clerk of construction sees none of it and is refused (403) by the API and
// by an edited download link. Throughout: no console error but the expected
// refusals, no request leaving 127.0.0.1, the token only ever in the
// Authorization header, the CSP on every HTML and JS answer.
//
// The business clock is the system clock (serve has no clock option): the
// quarter is the running one, which may be sent early and is on time whenever
// it is sent (its due date is after its end), so the expected state is known
// on any day of a quarter the plan covers.
//
// Chromium missing: with CI set this fails loudly; otherwise it is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Download, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeInflate } from '../../functions/adapters/zlib/inflate';
import type { Logger } from '../../functions/core/ports';
import { currentPeriod, dueDate, type Period, periodStart } from '../../functions/core/periods';
import { bytesSource, entryBytes, findEntry, readZipDirectory } from '../../functions/core/workbook/zip';
import { sampleCreditCode } from '../../functions/local/demo';
import { openDataDir } from '../../functions/local/data-dir';
import { PORTAL_CSP, type Serving, startServe } from '../../functions/local/serve';
import { LocalUsers } from '../../functions/local/users';
import { type Cell, date, INSPECTION_HEADERS, xlsx } from '../support/workbooks';

declare const document: any;
declare const window: any;

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP = !HAVE_CHROMIUM && !process.env.CI;
if (SKIP) console.warn(`[portal-flow] SKIPPED: Chromium not found at ${CHROMIUM}. Run \`node scripts/ensure-test-tools.mjs\` (or set CHROMIUM_PATH).`);

const ROOT = resolve('.');
const SHOTS = resolve('test-output');

const MR = { email: 'clerk-mr@example.gov.cn', password: 'mr-password-1', department: 'market-regulation' };
const CON = { email: 'clerk-con@example.gov.cn', password: 'con-password-1', department: 'construction' };
const OFFICE = { email: 'office@example.gov.cn', password: 'office-password-1' };

/** The running quarter (Shanghai time): open for uploads, due after it ends, so an upload today is on time. */
const P: Period = currentPeriod(new Date());
const BAD_FILE = `${P.replace('-', '')}-市场监管局.xlsx`;
const GOOD_FILE = `${P.replace('-', '')}-市场监管局-更正.xlsx`;
/** Fails GB 32100's check character (the demo's own bad code). */
const BAD_CODE = '91310105MA1FL0XX1X';
/** Where the bad code goes: the third data row under the header of row 1. */
const BAD_CELL = 'D4';

/**
 * What market-regulation sends (docs/clerk.md §2): 抽查明细 feeds
 * MFG_SPOT_CHECK_PASS_RATE; the five reported indicators on 指标; the two
 * certificate stocks come from the ledger and are never missing. So an
 * accepted upload of this workbook leaves nothing missing: on time, not
 * incomplete.
 */
function marketRegulationBook(badCode: boolean): Promise<Uint8Array> {
  const sampled = date(periodStart(P)); // the quarter's first day: inside it, never in the future
  const inspections: Cell[][] = [INSPECTION_HEADERS];
  for (let i = 0; i < 12; i++) {
    inspections.push([`${P}-B${i + 1}`, '电子电器', `示例企业${i + 1}`, sampleCreditCode(700 + i), sampled, '区', '合格', null]);
  }
  if (badCode) inspections[3]![3] = BAD_CODE; // row 4, column D
  return xlsx({
    指标: [
      ['指标代码', '数值'],
      ['STANDARDS_LED_COUNT', 2],
      ['HIGH_VALUE_PATENTS_PER_10K', 65.2],
      ['ADVANCED_QM_RESULTS_COUNT', 1],
      ['CHIEF_QUALITY_OFFICERS_COUNT', 3],
      ['NQI_SERVICE_STATIONS_TOTAL', 7],
    ],
    抽查明细: inspections,
  });
}

/** The inflated text of one part of a zip, or undefined when there is no such part. */
async function part(bytes: Uint8Array, name: string): Promise<string | undefined> {
  const source = bytesSource(bytes);
  const entry = findEntry(await readZipDirectory(source), name);
  if (!entry) return undefined;
  const pieces: Uint8Array[] = [];
  for await (const p of entryBytes(source, entry, nodeInflate, 64 << 20)) pieces.push(p);
  return Buffer.concat(pieces).toString('utf8');
}

/** A relationship target resolved against the folder of the part that names it. */
function resolvePart(fromPart: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = fromPart.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

/** The comments part of the named sheet, followed from workbook.xml through the rels. */
async function sheetComments(bytes: Uint8Array, sheetName: string): Promise<string | undefined> {
  const workbook = (await part(bytes, 'xl/workbook.xml')) ?? '';
  const sheet = [...workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)].map((m) => m[0]).find((tag) => tag.includes(`name="${sheetName}"`));
  const rid = sheet && /\br:id="([^"]+)"|\b\w+:id="([^"]+)"/.exec(sheet);
  const id = rid?.[1] ?? rid?.[2];
  if (!id) return undefined;
  const relTarget = (rels: string, pick: (tag: string) => boolean) => {
    const tag = [...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => m[0]).find(pick);
    return tag ? /Target="([^"]+)"/.exec(tag)?.[1] : undefined;
  };
  const sheetTarget = relTarget((await part(bytes, 'xl/_rels/workbook.xml.rels')) ?? '', (t) => t.includes(`Id="${id}"`));
  if (!sheetTarget) return undefined;
  const sheetPart = resolvePart('xl/workbook.xml', sheetTarget);
  const sheetRels = `${sheetPart.replace(/[^/]+$/, '')}_rels/${sheetPart.split('/').at(-1)}.rels`;
  const commentsTarget = relTarget((await part(bytes, sheetRels)) ?? '', (t) => /relationships\/comments"/.test(t));
  return commentsTarget ? part(bytes, resolvePart(sheetPart, commentsTarget)) : undefined;
}

async function downloadedBytes(download: Download): Promise<Uint8Array> {
  const path = await download.path();
  return new Uint8Array(readFileSync(path));
}

const isZip = (b: Uint8Array) => b.length > 22 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

interface Seen {
  requests: { page: string; method: string; url: string; headers: Record<string, string> }[];
  /** HTML and JS answers: URL and their CSP header */
  scripts: { url: string; type: string; csp: string | undefined }[];
  /** console errors and warnings, page errors, by page */
  problems: { page: string; text: string }[];
  pending: Promise<unknown>[];
}

describe.skipIf(SKIP)('the portal against a real qtrack serve, end to end in Chromium', () => {
  let top: string;
  let serving: Serving;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const serverErrors: string[] = [];
  const seen: Seen = { requests: [], scripts: [], problems: [], pending: [] };
  const tokens: string[] = [];

  let clerk: Page;
  let rejectedId = '';
  let acceptedId = '';
  let annotatedUrl = '';

  const logger: Logger = {
    info() {},
    warn() {},
    error: (message, fields) => void serverErrors.push(`${message} ${JSON.stringify(fields ?? {})}`),
  };

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`Chromium not found at ${CHROMIUM} and CI is set: run \`node scripts/ensure-test-tools.mjs\` as root, or set CHROMIUM_PATH`);
    mkdirSync(SHOTS, { recursive: true });
    top = mkdtempSync(join(tmpdir(), 'qtrack-portal-flow-'));
    // the real portal, built as `npm run build` builds it, into a folder of its own
    const portalDir = join(top, 'portal');
    const built = spawnSync(process.execPath, ['scripts/build-portal.mjs', '--out-dir', portalDir, '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build-portal failed: ${built.stderr}`);

    const dataDir = join(top, 'data');
    openDataDir(dataDir, true);
    const users = new LocalUsers(dataDir);
    await users.add({ email: MR.email, password: MR.password, role: 'clerk', department: MR.department });
    await users.add({ email: CON.email, password: CON.password, role: 'clerk', department: CON.department });
    await users.add({ email: OFFICE.email, password: OFFICE.password, role: 'office' });
    // the portalDir option is what QTRACK_PORTAL_DIR sets for the `qtrack serve` command
    serving = await startServe({ dataDir, port: 0, logger, portalDir });
    base = serving.url;

    writeFileSync(join(top, BAD_FILE), await marketRegulationBook(true));
    writeFileSync(join(top, GOOD_FILE), await marketRegulationBook(false));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await serving?.stop();
    if (top) rmSync(top, { recursive: true, force: true });
  }, 60_000);

  /** A new browser (context) for one user: everything it asks and answers recorded. */
  async function openAs(label: string, user: { email: string; password: string }): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    contexts.push(context);
    context.on('request', (r) => {
      seen.requests.push({ page: label, method: r.method(), url: r.url(), headers: r.headers() });
    });
    context.on('response', (r) => {
      seen.pending.push(
        r.allHeaders().then(
          (h) => {
            const type = h['content-type'] ?? '';
            if (/text\/html|javascript/.test(type)) seen.scripts.push({ url: r.url(), type, csp: h['content-security-policy'] });
          },
          () => undefined,
        ),
      );
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') seen.problems.push({ page: label, text: `${m.type()}: ${m.text()}` });
    });
    page.on('pageerror', (e) => seen.problems.push({ page: label, text: `pageerror: ${e.message}` }));
    await page.goto(base);
    await page.fill('#signin-email', user.email);
    await page.fill('#signin-password', user.password);
    await page.click('#signin-submit');
    await page.waitForSelector('#whoami-email');
    const token = await page.evaluate(() => JSON.parse(window.sessionStorage.getItem('qtrack.session') ?? '{}').token as string | undefined);
    expect(token, `${label}: a token in sessionStorage`).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    tokens.push(token!);
    return page;
  }

  const apiCalls = (label: string, path: string) => seen.requests.filter((r) => r.page === label && new URL(r.url).pathname === path);

  it(`a clerk of market-regulation signs in, lands on 我的部门 and downloads the blank template (quarter ${P})`, async () => {
    clerk = await openAs('clerk', MR);
    await clerk.waitForSelector('#quarters-table');
    expect(await clerk.evaluate(() => document.location.hash)).toBe('#/department');
    expect(await clerk.getAttribute('#department-name', 'data-department')).toBe(MR.department);
    expect(await clerk.getAttribute('#whoami-role', 'data-role')).toBe('clerk');
    // the running quarter is listed, nothing sent yet
    expect(await clerk.getAttribute(`tr.quarter[data-period="${P}"]`, 'data-state')).toBe('pending');

    const [download] = await Promise.all([clerk.waitForEvent('download'), clerk.click('#template-download')]);
    expect(download.suggestedFilename()).toMatch(/market-regulation.*\.xlsx$/);
    const bytes = await downloadedBytes(download);
    expect(isZip(bytes)).toBe(true);
    const workbook = await part(bytes, 'xl/workbook.xml');
    expect(workbook).toBeDefined();
    // the department's own sheets (docs/clerk.md §2), nothing of construction's
    for (const sheet of ['封面', '指标', '抽查明细', '认证明细']) expect(workbook).toContain(`name="${sheet}"`);
    expect(workbook).not.toContain('name="竣工验收"');
  });

  it('picks the quarter and a workbook with a bad credit code: the issue is shown at its cell before anything is sent', async () => {
    await clerk.click('#nav-upload');
    await clerk.waitForSelector('#upload-period');
    await clerk.selectOption('#upload-period', P);
    await clerk.setInputFiles('#upload-file', join(top, BAD_FILE));
    await clerk.waitForSelector('#check-summary[data-state="errors"]');
    const errors = await clerk.$$eval('#check-issues tr.issue[data-severity="error"]', (rows: any[]) => rows.map((r) => [r.dataset.code, r.dataset.sheet, r.dataset.cell]));
    expect(errors).toEqual([['INVALID_CREDIT_CODE', '抽查明细', BAD_CELL]]);
    expect(await clerk.textContent(`#check-issues tr.issue[data-code="INVALID_CREDIT_CODE"][data-sheet="抽查明细"][data-cell="${BAD_CELL}"] td.value`)).toBe(BAD_CODE);
    expect(await clerk.getAttribute('#upload-submit', 'data-anyway')).toBe('true');
    // the check ran in the browser: nothing was asked of the upload API or sent to the bucket
    const sent = seen.requests.filter((r) => /^\/(api\/uploads|upload)(\/|$)/.test(new URL(r.url).pathname));
    expect(sent).toEqual([]);
    await clerk.screenshot({ path: join(SHOTS, 'portal-flow-check.png'), fullPage: true });
  });

  it('uploads anyway: rejected, and the annotated copy downloads with a comment on the bad cell', async () => {
    await clerk.click('#upload-submit[data-anyway="true"]');
    await clerk.waitForSelector('#result-summary[data-status="rejected"]');
    rejectedId = (await clerk.getAttribute('#result-summary', 'data-submission-id'))!;
    expect(rejectedId).toBeTruthy();
    // the stored report says what the browser said, at the same cell
    expect(await clerk.locator(`#result-issues tr.issue[data-code="INVALID_CREDIT_CODE"][data-sheet="抽查明细"][data-cell="${BAD_CELL}"]`).count()).toBe(1);
    // one grant, one form posted to serve's own /upload
    expect(apiCalls('clerk', '/api/uploads').map((r) => r.method)).toEqual(['POST']);
    expect(apiCalls('clerk', '/upload').map((r) => r.method)).toEqual(['POST']);

    const [download] = await Promise.all([clerk.waitForEvent('download'), clerk.click('#result-annotated')]);
    annotatedUrl = download.url();
    expect(annotatedUrl.startsWith(`${base}/s3/`)).toBe(true);
    expect(download.suggestedFilename()).toMatch(/\.annotated\.xlsx$/);
    const bytes = await downloadedBytes(download);
    expect(isZip(bytes)).toBe(true);
    const comments = await sheetComments(bytes, '抽查明细');
    expect(comments, 'a comments part on 抽查明细').toBeDefined();
    expect(comments).toMatch(new RegExp(`<(?:\\w+:)?comment\\b[^>]*\\bref="${BAD_CELL}"`));
  });

  it('uploads the corrected file: accepted; 我的部门 shows it current, the rejected one beside it', async () => {
    await clerk.click('#upload-another');
    await clerk.waitForSelector('#upload-result', { state: 'hidden' });
    expect(await clerk.inputValue('#upload-period')).toBe(P);
    await clerk.setInputFiles('#upload-file', join(top, GOOD_FILE));
    await clerk.waitForSelector('#check-summary[data-state="ok"], #check-summary[data-state="warnings"]');
    expect(await clerk.locator('#check-issues tr.issue[data-severity="error"]').count()).toBe(0);
    await clerk.click('#upload-submit[data-anyway="false"]');
    await clerk.waitForSelector('#result-summary[data-status="accepted"]');
    acceptedId = (await clerk.getAttribute('#result-summary[data-status="accepted"]', 'data-submission-id'))!;
    expect(acceptedId).toBeTruthy();
    expect(acceptedId).not.toBe(rejectedId);

    await clerk.click('#nav-department');
    const row = `tr.quarter[data-period="${P}"]`;
    await clerk.waitForSelector(`${row}[data-state="on_time"]`);
    // the current version's file name, once the quarter's versions are in
    await clerk.waitForFunction((sel: string) => document.querySelector(sel)?.textContent.includes('更正'), `${row} td.current-version`);
    expect(await clerk.textContent(`${row} td.current-version`)).toContain(GOOD_FILE);
    expect(await clerk.textContent(`${row} td.num[data-count="errors"]`)).toBe('0');
    await clerk.click(`button.versions-toggle[data-period="${P}"]`);
    await clerk.waitForSelector(`#versions-table-${P} tr.version[data-submission-id="${acceptedId}"]`);
    const versions = await clerk.$$eval(`#versions-table-${P} tr.version`, (rows: any[]) => rows.map((r) => [r.dataset.submissionId, r.dataset.status, r.dataset.current]));
    expect(versions).toEqual([
      [rejectedId, 'rejected', 'false'],
      [acceptedId, 'accepted', 'true'],
    ]);
    expect(await clerk.textContent(`#versions-table-${P} tr.version[data-submission-id="${acceptedId}"]`)).toContain(MR.email);
    await clerk.screenshot({ path: join(SHOTS, 'portal-flow-department.png'), fullPage: true });
  });

  it(`the office sees market-regulation on time for ${P} (due ${dueDate(P)}) and both uploads with the clerk’s e-mail`, async () => {
    const office = await openAs('office', OFFICE);
    await office.waitForSelector('#status-grid');
    expect(await office.evaluate(() => document.location.hash)).toBe('#/status');
    await office.click('#nav-status');
    const cell = `#status-grid td.state-cell[data-department="${MR.department}"][data-period="${P}"]`;
    await office.waitForSelector(cell);
    expect(await office.getAttribute(cell, 'data-state')).toBe('on_time');
    // construction sent nothing for the running quarter: pending, not yet due
    expect(await office.getAttribute(`#status-grid td.state-cell[data-department="${CON.department}"][data-period="${P}"]`, 'data-state')).toBe('pending');

    await office.click('#nav-uploads');
    await office.waitForSelector('#uploads-period');
    // the default quarter (the one due now) is shown first: its answer is awaited before another is picked,
    // since uploadsLogView lets a late answer for the first quarter overwrite the list of the second
    await office.waitForSelector('#uploads-none, #uploads-table');
    if ((await office.inputValue('#uploads-period')) !== P) await office.selectOption('#uploads-period', P);
    await office.waitForSelector(`#uploads-table tr.version[data-submission-id="${acceptedId}"]`);
    const rows = await office.$$eval('#uploads-table tr.version', (trs: any[]) =>
      trs.map((tr) => [tr.dataset.submissionId, tr.dataset.status, tr.querySelector('td.file-name').textContent, tr.querySelectorAll('td')[3].textContent]),
    );
    expect(rows).toEqual([
      [rejectedId, 'rejected', BAD_FILE, MR.email],
      [acceptedId, 'accepted', GOOD_FILE, MR.email],
    ]);
    await office.screenshot({ path: join(SHOTS, 'portal-flow-uploads.png'), fullPage: true });
  });

  it('a clerk of construction sees none of it; the API and an edited download link refuse them (403)', async () => {
    const other = await openAs('construction', CON);
    await other.waitForSelector('#quarters-table');
    expect(await other.getAttribute('#department-name', 'data-department')).toBe(CON.department);
    expect(await other.getAttribute(`tr.quarter[data-period="${P}"]`, 'data-state')).toBe('pending');
    expect(await other.textContent(`tr.quarter[data-period="${P}"] td.num[data-count="errors"]`)).toBe('0');
    expect(await other.locator('button.versions-toggle').count()).toBe(0);
    const text = await other.textContent('#main');
    for (const word of [MR.email, BAD_FILE, GOOD_FILE, rejectedId, acceptedId, '市场监管局']) expect(text).not.toContain(word);
    // what the page asked for was its own department's
    for (const r of seen.requests.filter((x) => x.page === 'construction')) expect(r.url).not.toContain(MR.department);

    const edited = annotatedUrl.replace(`/${MR.department}/`, `/${CON.department}/`);
    expect(edited).not.toBe(annotatedUrl);
    const answers = await other.evaluate(
      async ({ period, id, department, link }: { period: string; id: string; department: string; link: string }) => {
        const token = JSON.parse(window.sessionStorage.getItem('qtrack.session')).token as string;
        const get = async (path: string) => {
          const res = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit' });
          return { path, status: res.status, code: ((await res.json().catch(() => ({}))) as any)?.error?.code };
        };
        const plain = await fetch(link, { credentials: 'omit' });
        return {
          api: [
            await get(`/api/versions?period=${period}&department=${department}`),
            await get(`/api/versions/${encodeURIComponent(id)}`),
            await get(`/api/versions/${encodeURIComponent(id)}/download?file=annotated`),
          ],
          link: { status: plain.status, body: await plain.text() },
        };
      },
      { period: P, id: rejectedId, department: MR.department, link: edited },
    );
    for (const a of answers.api) expect(a, a.path).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(answers.link.status).toBe(403);
    expect(answers.link.body).toMatch(/SignatureDoesNotMatch/);
  });

  it('throughout: no unexpected console error, nothing beyond 127.0.0.1, the token only in Authorization, the CSP on every page and script', async () => {
    await Promise.all(seen.pending);
    // the only expected errors: Chromium's own lines for the construction clerk's refused fetches (403)
    const unexpected = seen.problems.filter((p) => !(p.page === 'construction' && /^error: Failed to load resource: the server responded with a status of 403\b/.test(p.text)));
    expect(unexpected).toEqual([]);
    expect(seen.problems.filter((p) => p.page === 'construction')).toHaveLength(4);
    expect(serverErrors).toEqual([]);

    const origin = new URL(base).origin;
    const outside = seen.requests.filter((r) => {
      const u = new URL(r.url);
      if (u.protocol === 'blob:') return new URL(u.pathname).origin !== origin;
      if (u.protocol === 'data:') return false;
      return u.origin !== origin;
    });
    expect(outside).toEqual([]);

    expect(tokens).toHaveLength(3);
    for (const token of tokens) {
      for (const r of seen.requests) {
        expect(r.url, 'a token in a URL').not.toContain(token);
        expect(r.headers.cookie ?? '', 'a token in a cookie').not.toContain(token);
        if (r.headers.authorization) expect(r.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      }
    }
    for (const c of contexts) expect(await c.cookies()).toEqual([]);
    // every API call but the sign-in carried a token; the presigned links and the upload form none
    for (const r of seen.requests) {
      const path = new URL(r.url).pathname;
      if (path.startsWith('/api/') && path !== '/api/session') expect(r.headers.authorization, `${r.method} ${path}`).toBeDefined();
      if (path === '/upload' || path.startsWith('/s3/')) expect(r.headers.authorization, path).toBeUndefined();
    }

    // the pages and scripts (the app, its chunks, the validator worker) came with the portal's CSP
    expect(seen.scripts.some((s) => new URL(s.url).pathname === '/')).toBe(true);
    expect(seen.scripts.some((s) => /\/assets\/validator-[^/]+\.js$/.test(new URL(s.url).pathname))).toBe(true);
    expect(seen.scripts.filter((s) => /\/assets\/chunk-[^/]+\.js$/.test(new URL(s.url).pathname)).length).toBeGreaterThan(0);
    for (const s of seen.scripts) expect(s.csp, s.url).toBe(PORTAL_CSP);
  });
});
