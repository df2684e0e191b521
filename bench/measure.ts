export {};
// One measurement in a fresh process, so peak RSS belongs to it alone.
//   node --import tsx bench/measure.ts <validate|exceljs|inflate> <file>
// Prints one JSON line: { mode, ms, maxRssMb, detail }. Each mode loads only
// what it uses, and reads the file as it would in use: validate as the CLI does
// (piece by piece from disk), exceljs with its streaming reader on the path,
// inflate from the bytes in memory.
const [mode, file] = process.argv.slice(2);

async function validate(): Promise<string> {
  const { loadPlan } = await import('../functions/core/catalog');
  const { checkSubmission } = await import('../functions/core/submission/check');
  const { nodeInflate } = await import('../functions/adapters/zlib/inflate');
  const { openFileSource } = await import('../functions/local/file-source');
  const plan = loadPlan();
  const source = openFileSource(file!);
  const t0 = performance.now();
  const outcome = await checkSubmission(source, {
    fileName: 'inspections.xlsx',
    inflate: nodeInflate,
    department: 'market-regulation',
    period: '2026-Q1',
    now: new Date('2026-04-05T09:00:00+08:00'),
    plan,
  });
  started = t0;
  source.close();
  const r = outcome.report;
  return `${r.status}, ${r.sheets.map((s) => `${s.name} ${s.rows} rows`).join('; ')}, ${r.counts.errors} errors, ${r.counts.warnings} warnings`;
}

async function bareExceljs(): Promise<string> {
  const { default: ExcelJS } = await import('exceljs');
  const t0 = performance.now();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file!, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let rows = 0;
  let cells = 0;
  for await (const ws of reader) {
    for await (const row of ws as AsyncIterable<{ eachCell(cb: () => void): void }>) {
      rows++;
      row.eachCell(() => {
        cells++;
      });
    }
  }
  started = t0;
  return `${rows} rows, ${cells} cells`;
}

async function bareInflate(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const { Readable } = await import('node:stream');
  const { createInflateRaw } = await import('node:zlib');
  const { bytesSource, readZipDirectory } = await import('../functions/core/workbook/zip');
  const bytes = new Uint8Array(readFileSync(file!));
  const t0 = performance.now();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  for (const e of await readZipDirectory(bytesSource(bytes))) {
    if (!/^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(e.name)) continue;
    const start = e.localOffset + 30 + dv.getUint16(e.localOffset + 26, true) + dv.getUint16(e.localOffset + 28, true);
    const inflater = createInflateRaw();
    Readable.from([bytes.subarray(start, start + e.compressedSize)]).pipe(inflater);
    for await (const chunk of inflater) total += (chunk as Buffer).length;
  }
  started = t0;
  return `${Math.round(total / 1024 / 1024)} MB of sheet and string XML`;
}

/** when the measured work began: after the modules it needs are loaded */
let started = 0;

const run = { validate, exceljs: bareExceljs, inflate: bareInflate }[mode as 'validate' | 'exceljs' | 'inflate'];
if (!run) {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const detail = await run();
const ms = performance.now() - started;
console.log(JSON.stringify({ mode, ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), detail }));
