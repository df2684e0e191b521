// How long the portal's in-browser check of a 10,000-row workbook takes in
// headless Chromium: the built validator worker (scripts/build-portal.mjs),
// served from 127.0.0.1 with the portal's CSP, on a fresh page each time (a new
// browser context: nothing cached, the worker's script fetched and compiled
// anew). Timed from starting the worker to its answer — what a clerk waits for
// after picking the file. Median of 5 (BENCH_RUNS), target ≤ 2 s; the same
// check on Node (node:zlib, the file from disk) is printed beside it.
//   npm run bench:portal
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { nodeInflate } from '../functions/adapters/zlib/inflate';
import { loadPlan } from '../functions/core/catalog';
import { checkSubmission } from '../functions/core/submission/check';
import { openFileSource } from '../functions/local/file-source';
import { serveStatic } from '../portal/tools/static-server';
import { benchWorkbook } from './data';

declare const window: any;
declare function fetch(url: string): Promise<{ blob(): Promise<any> }>;
declare const Worker: any;
declare const performance: { now(): number };

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const TARGET_MS = 2000;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..');
const CHECK = { department: 'market-regulation', period: '2026-Q1', now: '2026-04-05T09:00:00+08:00' };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'qtrack-bench-portal-'));
const out = join(dir, 'portal');
const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-portal.mjs'), '--out-dir', out, '--json', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`build-portal failed: ${built.stderr}`);
const { validator, validatorSize } = JSON.parse(built.stdout) as { validator: string; validatorSize: { bytes: number; gzip: number } };

const file = await benchWorkbook(ROWS);
const server = await serveStatic(out, {
  '/blank.html': { body: '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench</title><link rel="icon" href="data:,"></head><body></body></html>' },
  '/bench.xlsx': { body: new Uint8Array(readFileSync(file)) },
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

interface Run {
  ms: number;
  workerMs: number;
  summary: string;
}

try {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}/blank.html`);
    const run = await page.evaluate(
      async ({ validator, check }) => {
        const blob = await (await fetch('/bench.xlsx')).blob();
        const started = performance.now();
        const worker = new Worker(`/${validator}`, { type: 'module' });
        const answer = await new Promise<any>((resolve) => {
          worker.onmessage = (e: { data: unknown }) => resolve(e.data);
          worker.onerror = (e: { message: string }) => resolve({ ok: false, error: e.message });
          worker.postMessage({ id: 1, file: blob, fileName: 'inspections.xlsx', ...check });
        });
        const ms = performance.now() - started;
        worker.terminate();
        if (!answer.ok) return { ms, workerMs: 0, summary: `failed: ${answer.error}` };
        const r = answer.report;
        const sheets = r.sheets.map((s: { name: string; rows: number }) => `${s.name} ${s.rows} rows`).join('; ');
        return { ms, workerMs: answer.ms as number, summary: `${r.status}, ${sheets}, ${r.counts.errors} errors, ${r.counts.warnings} warnings` };
      },
      { validator, check: CHECK },
    );
    await context.close();
    if (errors.length) throw new Error(`run ${i + 1}: ${errors.join('; ')}`);
    if (run.summary.startsWith('failed')) throw new Error(`run ${i + 1}: ${run.summary}`);
    runs.push(run);
    console.log(`  run ${i + 1}: ${run.ms.toFixed(0)} ms (in the worker ${run.workerMs.toFixed(0)} ms)`);
  }

  // the same check on Node, for comparison
  const source = openFileSource(file);
  const t0 = performance.now();
  const outcome = await checkSubmission(source, { fileName: 'inspections.xlsx', inflate: nodeInflate, ...CHECK, now: new Date(CHECK.now), plan: loadPlan() });
  const nodeMs = performance.now() - t0;
  source.close();

  const ms = median(runs.map((r) => r.ms));
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  console.log(`portal in-browser check, ${ROWS} rows (${kb(statSync(file).size)} workbook), headless Chromium, fresh page each run:`);
  console.log(`  ${runs[0]!.summary}`);
  console.log(`  median of ${RUNS}: ${ms.toFixed(0)} ms (target ≤ ${TARGET_MS} ms), worker alone ${median(runs.map((r) => r.workerMs)).toFixed(0)} ms`);
  console.log(`  validator ${validator}: ${kb(validatorSize.bytes)}, ${kb(validatorSize.gzip)} gzip`);
  console.log(`  the same check on Node: ${nodeMs.toFixed(0)} ms (${outcome.report.status}, ${outcome.report.counts.warnings} warnings)`);
  if (ms > TARGET_MS) {
    console.error(`bench:portal: the median ${ms.toFixed(0)} ms is above the ${TARGET_MS} ms target`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
