// The reading benchmark (npm run bench). For 10k, 100k and 500k inspection
// rows, each in a fresh child process: (a) validate — the CLI's full check,
// (b) the bare exceljs streaming read of the same file, (c) the bare inflate
// of its sheet XML. Prints the table, the ratios and the bars:
//   validate ≤ 1.3 × exceljs at 100k; validate peak RSS ≤ 300 MB at 500k;
//   500k RSS ≤ 1.5 × 100k RSS.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkbook } from './data';

const HERE = dirname(fileURLToPath(import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,500000').split(',').map(Number);
const MODES = ['validate', 'exceljs', 'inflate'] as const;
type Mode = (typeof MODES)[number];

interface Measure {
  mode: Mode;
  ms: number;
  maxRssMb: number;
  detail: string;
}

function measure(mode: Mode, file: string): Measure {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(HERE, 'measure.ts'), mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measure;
}

/** Best time of a few runs (less noise on a shared machine); peak RSS of the same runs. */
function best(mode: Mode, file: string, runs: number): Measure {
  const all = Array.from({ length: runs }, () => measure(mode, file));
  const fastest = all.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, maxRssMb: Math.max(...all.map((m) => m.maxRssMb)) };
}

const results = new Map<number, Record<Mode, Measure>>();
for (const rows of SIZES) {
  process.stdout.write(`preparing ${rows} rows… `);
  const file = await benchWorkbook(rows);
  console.log(`${file} (${(statSync(file).size / 1024 / 1024).toFixed(1)} MB)`);
  const runs = rows <= 100_000 ? 3 : 1;
  const r = {} as Record<Mode, Measure>;
  for (const mode of MODES) {
    r[mode] = best(mode, file, runs);
    console.log(`  ${mode.padEnd(8)} ${String(r[mode].ms).padStart(7)} ms  ${String(r[mode].maxRssMb).padStart(5)} MB  ${r[mode].detail}`);
  }
  results.set(rows, r);
}

console.log('\n| rows | validate ms | exceljs ms | inflate ms | validate MB | exceljs MB | inflate MB |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const [rows, r] of results) {
  console.log(`| ${rows} | ${r.validate.ms} | ${r.exceljs.ms} | ${r.inflate.ms} | ${r.validate.maxRssMb} | ${r.exceljs.maxRssMb} | ${r.inflate.maxRssMb} |`);
}
console.log('');
for (const [rows, r] of results) {
  console.log(
    `${rows} rows: ratio validate/exceljs ${(r.validate.ms / r.exceljs.ms).toFixed(2)}, ratio validate/inflate ${(r.validate.ms / r.inflate.ms).toFixed(2)}; peak RSS validate ${r.validate.maxRssMb} MB, exceljs ${r.exceljs.maxRssMb} MB, inflate ${r.inflate.maxRssMb} MB`,
  );
}

const bars: [string, boolean | undefined][] = [];
const at100k = results.get(100_000);
const at500k = results.get(500_000);
bars.push(['validate ≤ 1.3 × exceljs at 100k rows', at100k && at100k.validate.ms <= 1.3 * at100k.exceljs.ms]);
bars.push(['validate peak RSS ≤ 300 MB at 500k rows', at500k && at500k.validate.maxRssMb <= 300]);
bars.push(['validate RSS at 500k ≤ 1.5 × RSS at 100k', at100k && at500k && at500k.validate.maxRssMb <= 1.5 * at100k.validate.maxRssMb]);
console.log('');
for (const [label, ok] of bars) console.log(`${ok === undefined ? 'SKIP' : ok ? 'PASS' : 'FAIL'}  ${label}`);
if (bars.some(([, ok]) => ok === false)) process.exitCode = 1;
