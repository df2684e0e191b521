// The ingest benchmark (npm run bench:ingest), from which the ingest function's
// memory, timeout and the queue's visibility timeout are sized
// (infra/constructs/submission-intake.ts). For each size (BENCH_SIZES, default
// 100k and 500k inspection rows, the workbooks of bench/data.ts) it runs the
// WHOLE local ingest — embedded S3 and DynamoDB, the S3 → SQS bridge, the ingest
// handler: read, every rule, records stored, report written, the period
// evaluated and its alerts raised — once per fresh child process, so peak RSS
// belongs to that one ingest. Median of BENCH_RUNS (default 3) runs. Then it
// extrapolates linearly to the largest input the limits of
// functions/core/workbook/guard.ts accept.
//
//   node --import tsx bench/ingest.ts            the driver
//   node --import tsx bench/ingest.ts <file>     one measurement (child): one JSON line
//
// Figures are conservative for Lambda: the child also runs the embedded servers
// (dynalite, s3rver) in its own process and memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkbook } from './data';

/** One department and period that may send 抽查明细 (schemas/departments.json `sends`); bench/data.ts dates lie in 2026-Q1. */
const DEPARTMENT = 'market-regulation';
const PERIOD = '2026-Q1';
const KEY = `submissions/${DEPARTMENT}/${PERIOD}/inspections.xlsx`;
/** Received on time (before the 10-day due date), as bench/measure.ts validates it. */
const NOW = new Date('2026-04-05T09:00:00+08:00');

interface Measure {
  /** upload → ingest result: the handler's whole work, evaluation and alerts included */
  ms: number;
  /** process start → servers stopped, as a cold Lambda would also pay for start-up */
  totalMs: number;
  maxRssMb: number;
  status: string;
  detail: string;
}

async function child(file: string): Promise<void> {
  const started = performance.now();
  const { openLocalPipeline } = await import('../functions/local/runtime');
  const bytes = new Uint8Array(readFileSync(file));
  const dataDir = mkdtempSync(join(tmpdir(), 'qtrack-bench-ingest-'));
  // quiet, but a failure says why (on stderr, which the driver passes through)
  const quiet = {
    info() {},
    warn() {},
    error: (message: string, fields?: Record<string, unknown>) => console.error(`error: ${message}`, JSON.stringify(fields ?? {})),
  };
  try {
    const pipeline = await openLocalPipeline({ dataDir, logger: quiet, now: NOW });
    const t0 = performance.now();
    const result = await pipeline.upload(KEY, bytes);
    const ms = performance.now() - t0;
    await pipeline.stop();
    const r = result.report;
    const m: Measure = {
      ms: Math.round(ms),
      totalMs: Math.round(performance.now() - started),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      status: result.version.status,
      detail: `${r.status}, ${r.sheets.map((s) => `${s.name} ${s.rows} rows`).join('; ')}, ${r.counts.errors} errors, ${r.counts.warnings} warnings, current for ${result.currentFor.join(',') || 'nothing'}`,
    };
    console.log(JSON.stringify(m));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function measure(file: string): Measure {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measure;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Least-squares line through the points; with two points, the line through them. */
function fit(points: [number, number][]): (x: number) => number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const slope = sxx ? points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx : 0;
  return (x) => my + slope * (x - mx);
}

async function driver(): Promise<void> {
  const { DEFAULT_LIMITS } = await import('../functions/core/workbook/guard');
  const sizes = (process.env.BENCH_SIZES ?? '100000,500000').split(',').map(Number);
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  const rows: { rows: number; bytes: number; ms: number; totalMs: number; maxRssMb: number }[] = [];

  console.log(`ingest benchmark: ${KEY}, whole local pipeline, median of ${runs} fresh processes`);
  for (const n of sizes) {
    const file = await benchWorkbook(n);
    const bytes = statSync(file).size;
    console.log(`${n} rows: ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB)`);
    const all: Measure[] = [];
    for (let i = 0; i < runs; i++) {
      const m = measure(file);
      if (m.status !== 'accepted') throw new Error(`the bench workbook of ${n} rows was not accepted: ${m.detail}`);
      all.push(m);
    }
    const r = {
      rows: n,
      bytes,
      ms: Math.round(median(all.map((m) => m.ms))),
      totalMs: Math.round(median(all.map((m) => m.totalMs))),
      maxRssMb: Math.round(median(all.map((m) => m.maxRssMb))),
    };
    rows.push(r);
    console.log(`  ingest ${r.ms} ms (${all.map((m) => m.ms).join(', ')}), process ${r.totalMs} ms, peak RSS ${r.maxRssMb} MB (${all.map((m) => m.maxRssMb).join(', ')})`);
    console.log(`  ${all[0]!.detail}`);
  }

  console.log('\n| rows | MB | ingest ms | process ms | peak RSS MB |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.rows} | ${(r.bytes / 1024 / 1024).toFixed(1)} | ${r.ms} | ${r.totalMs} | ${r.maxRssMb} |`);

  if (rows.length < 2) {
    console.log('\nextrapolation needs two sizes or more');
    return;
  }
  // The largest input the guard accepts: at most maxRowsPerSheet rows per sheet and
  // maxFileBytes per file. Extrapolated both ways, by rows and by file bytes (a
  // workbook of several sheets, or longer text, reaches 50 MB with fewer rows of
  // one sheet); the larger figure is the one to size for.
  const maxRows = DEFAULT_LIMITS.maxRowsPerSheet;
  const maxBytes = DEFAULT_LIMITS.maxFileBytes;
  const bytesPerRow = fit(rows.map((r) => [r.rows, r.bytes]));
  const at = (x: (r: (typeof rows)[number]) => number, field: 'ms' | 'totalMs' | 'maxRssMb', target: number) =>
    fit(rows.map((r) => [x(r), r[field]]))(target);
  const extrapolate = (x: (r: (typeof rows)[number]) => number, target: number) => ({
    ingestMs: at(x, 'ms', target),
    ms: at(x, 'totalMs', target),
    rss: at(x, 'maxRssMb', target),
  });
  const atRows = extrapolate((r) => r.rows, maxRows);
  const atBytes = extrapolate((r) => r.bytes, maxBytes);
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  const line = (e: typeof atRows) =>
    `ingest ${(e.ingestMs / 1000).toFixed(1)} s, process ${(e.ms / 1000).toFixed(1)} s, peak RSS ${Math.round(e.rss)} MB`;
  console.log('\nextrapolated linearly:');
  console.log(`  ${maxRows} rows (${mb(bytesPerRow(maxRows))} MB of this shape): ${line(atRows)}`);
  console.log(`  ${mb(maxBytes)} MB file (${Math.round(fit(rows.map((r) => [r.bytes, r.rows]))(maxBytes))} rows of this shape): ${line(atBytes)}`);
  const worst = { s: Math.max(atRows.ms, atBytes.ms) / 1000, rss: Math.max(atRows.rss, atBytes.rss) };
  console.log(`largest accepted input: ${worst.s.toFixed(1)} s, ${Math.round(worst.rss)} MB peak RSS (on this machine)`);
  console.log(
    `sizing (×3): memory ≥ ${Math.ceil(3 * worst.rss)} MB, timeout ≥ ${Math.ceil(3 * worst.s)} s at one vCPU (1,769 MB), visibility = 6 × timeout`,
  );
}

const [file] = process.argv.slice(2);
if (file) await child(file);
else await driver();
