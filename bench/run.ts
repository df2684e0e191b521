// The reading benchmark (npm run bench). For 10k, 100k and 500k inspection
// rows: (a) validate — the CLI's whole check (guards, reading, every rule),
// reading the file from disk as the CLI does; (b) the bare exceljs streaming
// read of the same file; (c) the bare inflate of its sheet XML. Every
// measurement is the median of RUNS fresh processes, the three modes taking
// turns so that the machine's noise falls on all of them alike; ratios are
// taken within the same run. Bars:
//   100k rows: validate ≤ 3 × inflate and ≤ 0.25 × exceljs;
//   500k rows: validate peak RSS ≤ 150 MB and ≤ 1.2 × its 100k figure.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchWorkbook } from './data';

const HERE = dirname(fileURLToPath(import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,500000').split(',').map(Number);
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const results = new Map<number, Record<Mode, Measure>>();
for (const rows of SIZES) {
  process.stdout.write(`preparing ${rows} rows… `);
  const file = await benchWorkbook(rows);
  console.log(`${file} (${(statSync(file).size / 1024 / 1024).toFixed(1)} MB), ${RUNS} runs of each`);
  const all: Record<Mode, Measure[]> = { validate: [], exceljs: [], inflate: [] };
  for (let i = 0; i < RUNS; i++) for (const mode of MODES) all[mode].push(measure(mode, file));
  const r = {} as Record<Mode, Measure>;
  for (const mode of MODES) {
    const ms = all[mode].map((m) => m.ms);
    r[mode] = { ...all[mode][0]!, ms: Math.round(median(ms)), maxRssMb: Math.round(median(all[mode].map((m) => m.maxRssMb))) };
    console.log(`  ${mode.padEnd(8)} ${String(r[mode].ms).padStart(7)} ms  ${String(r[mode].maxRssMb).padStart(5)} MB  (${ms.join(', ')} ms)  ${r[mode].detail}`);
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
bars.push(['validate ≤ 3 × inflate at 100k rows', at100k && at100k.validate.ms <= 3 * at100k.inflate.ms]);
bars.push(['validate ≤ 0.25 × exceljs at 100k rows', at100k && at100k.validate.ms <= 0.25 * at100k.exceljs.ms]);
bars.push(['validate peak RSS ≤ 150 MB at 500k rows', at500k && at500k.validate.maxRssMb <= 150]);
bars.push(['validate RSS at 500k ≤ 1.2 × RSS at 100k', at100k && at500k && at500k.validate.maxRssMb <= 1.2 * at100k.validate.maxRssMb]);
console.log('');
for (const [label, ok] of bars) console.log(`${ok === undefined ? 'SKIP' : ok ? 'PASS' : 'FAIL'}  ${label}`);
if (bars.some(([, ok]) => ok === false)) process.exitCode = 1;
