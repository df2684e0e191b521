import { readFileSync } from 'node:fs';
import { inspectFile, scanXlsx } from '../functions/core/workbook/guard';
import { readXlsx } from '../functions/core/workbook/read-xlsx';
const bytes = new Uint8Array(readFileSync(process.argv[2]));
const mode = process.argv[3];
let t0 = performance.now();
if (mode === 'scan') { await inspectFile(bytes, 'a.xlsx'); }
else {
  const book = await readXlsx(bytes);
  const t1 = performance.now(); console.log('scan', Math.round(t1 - t0));
  let n = 0;
  for await (const s of book.sheets) for await (const r of s.rows) n += r.cells.length;
  console.log('cells', n);
}
console.log(mode, Math.round(performance.now() - t0), 'ms', Math.round(process.resourceUsage().maxRSS / 1024), 'MB');
