// The portal's validator is the core's checkSubmission, in the browser: built
// by scripts/build-portal.mjs as its own module worker, loaded by headless
// Chromium from a static server on 127.0.0.1 (with the portal's CSP), fed the
// real reader fixtures, it finds exactly the issues (code, severity, sheet,
// row, cell, header, value, message) that checkSubmission finds on Node with
// node:zlib — an accepted workbook, one with a bad credit code
// (INVALID_CREDIT_CODE), broken ones (FILE_CORRUPT), and every other fixture.
// The browser Inflate port itself is also checked on Node (which has
// DecompressionStream too) against node:zlib.
//
// Chromium missing: with CI set this fails loudly; otherwise the browser part
// is skipped with a warning (run `node scripts/ensure-test-tools.mjs`).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32 as zlibCrc32, deflateRawSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobSource } from '../../functions/adapters/browser/blob-source';
import { browserInflate, crc32 } from '../../functions/adapters/browser/inflate';
import { nodeInflate } from '../../functions/adapters/zlib/inflate';
import { loadPlan } from '../../functions/core/catalog';
import type { Issue, Lang, ValidationReport } from '../../functions/core/model';
import { checkSubmission } from '../../functions/core/submission/check';
import { serveStatic, type StaticServer } from '../../portal/tools/static-server';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP = !HAVE_CHROMIUM && !process.env.CI;
if (SKIP) console.warn(`[portal-validate] SKIPPED the browser part: Chromium not found at ${CHROMIUM}. Run \`node scripts/ensure-test-tools.mjs\` (or set CHROMIUM_PATH).`);

const ROOT = resolve('.');
const FIXTURES = join(ROOT, 'test/fixtures/files');
const DEPARTMENT = 'market-regulation';
const PERIOD = '2026-Q1';
const NOW = '2026-04-05T09:00:00+08:00';

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

describe('the browser Inflate port (on Node, against node:zlib)', () => {
  it('computes zlib’s CRC-32, also continued piece by piece', () => {
    for (const n of [0, 1, 7, 8, 9, 63, 1000, 65_537]) {
      const data = new Uint8Array(randomBytes(n));
      expect(crc32(data, 0)).toBe(zlibCrc32(data));
      const cut = Math.floor(n / 3);
      expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut), 0))).toBe(zlibCrc32(data));
      // (node:zlib answers 0 for some empty views whatever the previous value; the port keeps it)
      if (n > 0) expect(browserInflate.crc32(data, 12345)).toBe(zlibCrc32(data, 12345));
    }
  });

  it('inflates what zlib deflated, whatever the pieces', async () => {
    const text = new TextEncoder().encode('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'.repeat(20_000));
    const packed = new Uint8Array(deflateRawSync(text));
    for (const size of [1 << 16, 4096, 1]) {
      if (size === 1 && packed.length > 50_000) continue;
      expect(Buffer.compare(await collect(browserInflate.raw(pieces(packed, size))), Buffer.from(text))).toBe(0);
    }
  });

  it('throws on corrupt or cut data, and stops reading when the consumer stops', async () => {
    await expect(collect(browserInflate.raw(pieces(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 2)))).rejects.toThrow();
    const packed = new Uint8Array(deflateRawSync(new Uint8Array(randomBytes(200_000))));
    await expect(collect(browserInflate.raw(pieces(packed.subarray(0, packed.length - 100), 4096)))).rejects.toThrow();
    let pulled = 0;
    let finished = false;
    async function* counted(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < packed.length; i += 1024) {
          pulled++;
          yield packed.subarray(i, i + 1024);
        }
      } finally {
        finished = true;
      }
    }
    for await (const _ of browserInflate.raw(counted())) break;
    expect(finished).toBe(true);
    expect(pulled).toBeLessThan(Math.ceil(packed.length / 1024));
  });

  it('gives checkSubmission on a Blob the same report as node:zlib on the bytes', async () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'merged-title-and-category.xlsx')));
    const ctx = { fileName: 'x.xlsx', department: DEPARTMENT, period: PERIOD, now: new Date(NOW), plan: loadPlan() };
    const viaBlob = await checkSubmission(blobSource(new Blob([bytes]), 4096), { ...ctx, inflate: browserInflate });
    const viaNode = await checkSubmission(bytes, { ...ctx, inflate: nodeInflate });
    expect(viaBlob.report).toEqual(viaNode.report);
  });
});

// ---------------------------------------------------------------------------

interface Case {
  /** the fixture's file under /fixtures/, or a made-up one */
  path: string;
  /** the name the check is told (decides a CSV's kind) */
  fileName: string;
}

/** Compound Files whose directory is broken: guard.ts fallback (a plain byte search, also in the browser). */
function brokenCfb(withEncryptedPackage: boolean): Uint8Array {
  const b = new Uint8Array(600);
  b.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  b[0x1e] = 9;
  if (withEncryptedPackage) b.set(Buffer.from('EncryptedPackage', 'utf16le'), 0x100);
  return b;
}

const SYNTHETIC: Record<string, Uint8Array> = {
  '/made/broken-cfb-encrypted.xlsx': brokenCfb(true),
  '/made/broken-cfb.xls': brokenCfb(false),
};

function cases(): Case[] {
  const out: Case[] = [];
  for (const name of readdirSync(FIXTURES).sort()) {
    if (name.endsWith('.md')) continue;
    out.push({ path: `/fixtures/${name}`, fileName: name });
    // a CSV is read only under a name that says its sheet
    if (name.endsWith('.csv')) out.push({ path: `/fixtures/${name}`, fileName: 'inspections.csv' }, { path: `/fixtures/${name}`, fileName: 'indicators.csv' });
  }
  for (const path of Object.keys(SYNTHETIC)) out.push({ path, fileName: path.split('/').pop()! });
  return out;
}

async function nodeReport(c: Case): Promise<ValidationReport> {
  const bytes = c.path.startsWith('/made/') ? SYNTHETIC[c.path]! : new Uint8Array(readFileSync(join(FIXTURES, c.path.slice('/fixtures/'.length))));
  const outcome = await checkSubmission(bytes, { fileName: c.fileName, inflate: nodeInflate, department: DEPARTMENT, period: PERIOD, now: new Date(NOW), plan: loadPlan() });
  return outcome.report;
}

/** What must agree: every field of every issue; a damaged part's message names the inflate error, which each platform words its own way. */
function comparable(issues: Issue[]): unknown[] {
  return issues.map((i) => {
    const { message, ...rest } = i;
    return i.code === 'FILE_CORRUPT' ? rest : { ...rest, message };
  });
}

interface PageAnswer {
  ok: boolean;
  report?: ValidationReport;
  refusal?: Lang;
  error?: string;
  ms?: number;
}

// page.evaluate callbacks run in the page; the project's tsconfig has no DOM lib
// (the core must not use it), so the few page globals are declared here, module-local.
declare const window: any;
declare function fetch(url: string): Promise<{ blob(): Promise<any> }>;
declare const Blob: any;
declare const Worker: any;

describe.skipIf(SKIP)('the built validator in headless Chromium', () => {
  let dir: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let validator: string;
  const consoleErrors: string[] = [];
  const failed: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`Chromium not found at ${CHROMIUM} and CI is set: run \`node scripts/ensure-test-tools.mjs\` as root, or set CHROMIUM_PATH`);
    dir = mkdtempSync(join(tmpdir(), 'qtrack-portal-validate-'));
    const out = join(dir, 'portal');
    const built = spawnSync(process.execPath, ['scripts/build-portal.mjs', '--out-dir', out, '--json', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build-portal failed: ${built.stderr}`);
    validator = (JSON.parse(built.stdout) as { validator: string }).validator;
    const extras: Record<string, { body: Uint8Array | string; type?: string }> = {
      '/blank.html': { body: '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>blank</title><link rel="icon" href="data:,"></head><body></body></html>', type: 'text/html; charset=utf-8' },
    };
    for (const name of readdirSync(FIXTURES)) extras[`/fixtures/${name}`] = { body: new Uint8Array(readFileSync(join(FIXTURES, name))), type: 'application/octet-stream' };
    for (const [path, body] of Object.entries(SYNTHETIC)) extras[path] = { body, type: 'application/octet-stream' };
    server = await serveStatic(out, extras);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ locale: 'zh-CN' });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
    await page.goto(`${server.url}/blank.html`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Checks one file in the page's validator worker (started once, as the portal does). */
  const inBrowser = (path: string | { bytes: number }, fileName: string): Promise<PageAnswer> =>
    page.evaluate(
      async ({ path, fileName, validator, department, period, now }) => {
        window.qtrackWorker ??= new Worker(`/${validator}`, { type: 'module' });
        const worker = window.qtrackWorker;
        const file = typeof path === 'string' ? await (await fetch(path)).blob() : new Blob([new Uint8Array(path.bytes)]);
        const id = (window.qtrackId = (window.qtrackId ?? 0) + 1);
        return await new Promise<PageAnswer>((resolve) => {
          const listener = (event: { data: PageAnswer & { id: number } }) => {
            if (event.data.id !== id) return;
            worker.removeEventListener('message', listener);
            resolve(event.data);
          };
          worker.addEventListener('message', listener);
          worker.addEventListener('error', (e: { message: string }) => resolve({ ok: false, error: `worker error: ${e.message}` }));
          worker.postMessage({ id, file, fileName, department, period, now });
        });
      },
      { path, fileName, validator, department: DEPARTMENT, period: PERIOD, now: NOW },
    );

  it('checks an accepted workbook as Node does', async () => {
    const c = { path: '/fixtures/merged-title-and-category.xlsx', fileName: 'merged-title-and-category.xlsx' };
    const answer = await inBrowser(c.path, c.fileName);
    expect(answer.error).toBeUndefined();
    expect(answer.report!.status).toBe('accepted');
    expect(answer.report!.counts.errors).toBe(0);
    expect(answer.report).toEqual(await nodeReport(c));
    expect(answer.refusal).toBeUndefined();
  });

  it('finds the bad credit code where Node finds it', async () => {
    const c = { path: '/fixtures/annotate-openpyxl-template-filled-with-comments.xlsx', fileName: 'annotate-openpyxl-template-filled-with-comments.xlsx' };
    const answer = await inBrowser(c.path, c.fileName);
    const report = answer.report!;
    expect(report.status).toBe('rejected');
    const bad = report.issues.filter((i) => i.code === 'INVALID_CREDIT_CODE');
    expect(bad.length).toBeGreaterThan(0);
    const node = await nodeReport(c);
    expect(bad.map((i) => [i.code, i.sheet, i.cell])).toEqual(node.issues.filter((i) => i.code === 'INVALID_CREDIT_CODE').map((i) => [i.code, i.sheet, i.cell]));
    expect(report).toEqual(node);
  });

  it('refuses a broken workbook as Node does (FILE_CORRUPT)', async () => {
    for (const name of ['truncated.xlsx', 'corrupt-sheet-cut-mid-part.xlsx', 'corrupt-duplicate-zip-entry.xlsx']) {
      const c = { path: `/fixtures/${name}`, fileName: name };
      const answer = await inBrowser(c.path, c.fileName);
      const node = await nodeReport(c);
      expect(answer.report!.issues.map((i) => [i.code, i.sheet, i.cell]), name).toEqual(node.issues.map((i) => [i.code, i.sheet, i.cell]));
      expect(answer.report!.issues[0]!.code, name).toBe('FILE_CORRUPT');
    }
  });

  it('agrees with Node on every reader fixture', async () => {
    const disagree: string[] = [];
    for (const c of cases()) {
      const answer = await inBrowser(c.path, c.fileName);
      if (!answer.ok) {
        disagree.push(`${c.path} as ${c.fileName}: the browser failed: ${answer.error}`);
        continue;
      }
      const node = await nodeReport(c);
      const b = answer.report!;
      const same =
        JSON.stringify(comparable(b.issues)) === JSON.stringify(comparable(node.issues)) &&
        JSON.stringify([b.status, b.counts, b.sheets, b.notes]) === JSON.stringify([node.status, node.counts, node.sheets, node.notes]);
      if (!same) disagree.push(`${c.path} as ${c.fileName}:\n  browser ${JSON.stringify(comparable(b.issues))}\n  node    ${JSON.stringify(comparable(node.issues))}`);
    }
    expect(disagree).toEqual([]);
  });

  it('says why the API would refuse a file: too large, or not .xlsx/.csv', async () => {
    const big = await inBrowser({ bytes: 51 * 1024 * 1024 }, 'big.xlsx');
    expect(big.report!.issues.map((i) => i.code)).toEqual(['FILE_TOO_LARGE']);
    expect(big.refusal?.zh).toContain('超过上限');
    expect(big.ms!).toBeLessThan(2000); // refused on the size alone, nothing read
    const pdf = await inBrowser('/fixtures/report.pdf', 'report.pdf');
    expect(pdf.report!.issues.map((i) => i.code)).toEqual(['FILE_NOT_WORKBOOK']);
    expect(pdf.refusal?.zh).toContain('.pdf');
    const csv = await inBrowser('/fixtures/utf8-bom.csv', 'utf8-bom.csv');
    expect(csv.refusal?.en).toContain('utf8-bom.csv');
    const fine = await inBrowser('/fixtures/utf8-bom.csv', 'inspections.csv');
    expect(fine.refusal).toBeUndefined();
  });

  it('runs under the portal’s CSP with no console error and no failed request', () => {
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(server.requests).toContain(`/${validator}`);
  });
});
