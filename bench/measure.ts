// One measurement in a fresh process, so peak RSS belongs to it alone.
//   node --import tsx bench/measure.ts <validate|exceljs|inflate> <file>
// Prints one JSON line: { mode, ms, maxRssMb, detail }.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import { loadPlan } from '../functions/core/catalog';
import { checkSubmission } from '../functions/core/submission/check';
import { readZipDirectory } from '../functions/core/workbook/zip';

const [mode, file] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file));
const plan = loadPlan();

async function validate(): Promise<string> {
  const outcome = await checkSubmission(bytes, {
    fileName: 'inspections.xlsx',
    department: 'market-regulation',
    period: '2026-Q1',
    now: new Date('2026-04-05T09:00:00+08:00'),
    plan,
  });
  const r = outcome.report;
  return `${r.status}, ${r.sheets.map((s) => `${s.name} ${s.rows} rows`).join('; ')}, ${r.counts.errors} errors, ${r.counts.warnings} warnings`;
}

async function bareExceljs(): Promise<string> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(Buffer.from(bytes)), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let rows = 0;
  let cells = 0;
  for await (const ws of reader) {
    for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
      rows++;
      row.eachCell(() => {
        cells++;
      });
    }
  }
  return `${rows} rows, ${cells} cells`;
}

async function bareInflate(): Promise<string> {
  let total = 0;
  for (const e of readZipDirectory(bytes)) {
    if (!/^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(e.name)) continue;
    const inflater = createInflateRaw();
    Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset + e.dataOffset, e.compressedSize)]).pipe(inflater);
    for await (const chunk of inflater) total += (chunk as Buffer).length;
  }
  return `${Math.round(total / 1024 / 1024)} MB of sheet and string XML`;
}

const run = { validate, exceljs: bareExceljs, inflate: bareInflate }[mode as 'validate' | 'exceljs' | 'inflate'];
if (!run) {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const t0 = performance.now();
const detail = await run();
const ms = performance.now() - t0;
console.log(JSON.stringify({ mode, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), detail }));
