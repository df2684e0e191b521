// How fast the command line starts (issue 11): the median of 5 runs of a bare
// `node -e ''`, of `qtrack --version` and of `qtrack validate <small workbook>
// --json`, taken in turns so that all three see the same machine at the same
// moment. Fails when --version takes more than 3× and validate more than 5× the
// bare node.
//   npm run bench:cli            (BENCH_RUNS=9 for more runs)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sampleCreditCode } from '../functions/local/demo';
import { build, isFresh, ROOT } from '../scripts/build-cli.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LIMITS = { version: 3, validate: 5 };

/** A small filled-in workbook: a cover, two indicators and ten product checks of market-regulation for 2026-Q1. */
async function smallWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('指标').addRows([
    ['指标代码', '数值'],
    ['STANDARDS_LED_COUNT', 3],
    ['SHANGHAI_BRAND_TOTAL', 12],
  ]);
  const ws = wb.addWorksheet('抽查明细');
  ws.addRow(['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目']);
  for (let i = 1; i <= 10; i++) ws.addRow([`B${i}`, '电子电器', `企业${i}`, sampleCreditCode(i), new Date('2026-02-10T00:00:00Z'), '区', '合格', null]);
  writeFileSync(path, new Uint8Array(await wb.xlsx.writeBuffer()));
}

function time(args: string[], cwd: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status === null || r.status > 1) throw new Error(`${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// the bundle npm ci builds; brought up to date first so that no run pays for a rebuild
if (!isFresh() && !(await build({ quiet: true }))) throw new Error('cannot build the CLI bundle (is esbuild installed?)');

// in a folder without a .qtrack data directory: validate checks the file alone
const dir = mkdtempSync(join(tmpdir(), 'qtrack-bench-cli-'));
const out = join(dir, 'out');
mkdirSync(out);
const workbook = join(dir, 'small.xlsx');
await smallWorkbook(workbook);
const bin = join(ROOT, 'bin/qtrack.mjs');
const cases = {
  node: ['-e', ''],
  version: [bin, '--version'],
  validate: [bin, 'validate', workbook, '--department', 'market-regulation', '--period', '2026-Q1', '--now', '2026-04-05', '--json', '--out', out],
};
const times: Record<keyof typeof cases, number[]> = { node: [], version: [], validate: [] };
for (const args of Object.values(cases)) time(args, dir); // warm the file cache
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(cases)) times[name as keyof typeof cases].push(time(args, dir));
rmSync(dir, { recursive: true, force: true });

const node = median(times.node);
const rows = (Object.keys(cases) as (keyof typeof cases)[]).map((name) => {
  const ms = median(times[name]);
  const limit = name === 'node' ? undefined : LIMITS[name];
  return { case: name, medianMs: Math.round(ms), ratio: Math.round((ms / node) * 100) / 100, limit, ok: limit === undefined || ms / node <= limit };
});
console.table(rows);
console.log(JSON.stringify({ runs: RUNS, results: rows }));
const failed = rows.filter((r) => !r.ok);
if (failed.length) {
  console.error(`too slow: ${failed.map((r) => `${r.case} ${r.ratio}× > ${r.limit}×`).join(', ')}`);
  process.exitCode = 1;
}
