// summary.xlsx: the summary's tables as sheets (总览, 报送情况, 预警, 数据质量, 全市对比),
// each with a title row, a frozen header row, a filter, number formats and
// column widths that fit Chinese text.
import ExcelJS from 'exceljs';
import type { Summary } from './build';
import { EXCEL_NUMFMT, displayNumber, displayWidth, safeCell } from './cells';
import { type Cell, type Table, type Tone, allTables } from './tables';

/** Excel's own "good / neutral / bad" cell styles, so the fills look familiar. */
const TONE_STYLE: Record<Tone, { fill: string; font: string }> = {
  good: { fill: 'FFC6EFCE', font: 'FF006100' },
  warn: { fill: 'FFFFEB9C', font: 'FF9C5700' },
  bad: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  muted: { fill: 'FFEDEDED', font: 'FF595959' },
  review: { fill: 'FFDDEBF7', font: 'FF1F4E78' },
};

const HEADER_FILL = 'FFD9E1F2';
const TITLE_ROW = 1;
const HEADER_ROW = 2;
const MIN_WIDTH = 6;
const MAX_WIDTH = 50;
const THIN = { style: 'thin' as const, color: { argb: 'FFBFBFBF' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

function cellText(c: Cell): string {
  if (typeof c.v === 'number') return c.fmt === 'text' ? String(c.v) : displayNumber(c.v, c.fmt);
  return c.v ?? '';
}

function writeCell(target: ExcelJS.Cell, c: Cell): void {
  target.value = safeCell(c.v);
  if (typeof c.v === 'number' && c.fmt !== 'text') {
    target.numFmt = EXCEL_NUMFMT[c.fmt];
    target.alignment = { horizontal: 'right', vertical: 'middle' };
  } else {
    target.alignment = { vertical: 'middle', wrapText: true };
  }
  if (c.tone) {
    const st = TONE_STYLE[c.tone];
    target.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: st.fill } };
    target.font = { color: { argb: st.font }, bold: c.tone === 'bad' };
    target.alignment = { horizontal: 'center', vertical: 'middle' };
  }
  target.border = BORDER;
}

function addSheet(wb: ExcelJS.Workbook, t: Table): void {
  const n = t.headers.length;
  const ws = wb.addWorksheet(t.name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW, topLeftCell: `A${HEADER_ROW + 1}`, activeCell: `A${HEADER_ROW + 1}` }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.pageSetup.printTitlesRow = `${TITLE_ROW}:${HEADER_ROW}`;

  const title = ws.getCell(TITLE_ROW, 1);
  title.value = safeCell(t.rows.length === 0 ? `${t.title}（无）` : t.title);
  title.font = { bold: true, size: 14 };
  title.alignment = { vertical: 'middle' };
  if (n > 1) ws.mergeCells(TITLE_ROW, 1, TITLE_ROW, n);
  ws.getRow(TITLE_ROW).height = 24;

  t.headers.forEach((h, i) => {
    const c = ws.getCell(HEADER_ROW, i + 1);
    c.value = safeCell(h);
    c.font = { bold: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.border = BORDER;
  });

  t.rows.forEach((row, r) => row.forEach((c, i) => writeCell(ws.getCell(HEADER_ROW + 1 + r, i + 1), c)));
  if (t.footer) {
    const at = HEADER_ROW + 1 + t.rows.length;
    t.footer.forEach((c, i) => {
      writeCell(ws.getCell(at, i + 1), c);
      ws.getCell(at, i + 1).font = { bold: true };
    });
  }
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW + Math.max(t.rows.length, 1), column: n } };

  // Widths from the text a person sees; CJK characters are two units wide.
  t.headers.forEach((h, i) => {
    const texts = [h, ...t.rows.map((r) => cellText(r[i]!)), ...(t.footer ? [cellText(t.footer[i]!)] : [])];
    const widest = Math.max(...texts.map((x) => Math.max(...x.split('\n').map(displayWidth))));
    const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 2));
    // exceljs 4.4 drops a width of exactly 9 (its "default"), leaving Excel's narrower 8.43
    ws.getColumn(i + 1).width = width === 9 ? 9.5 : width;
  });
}

/** The summary as an .xlsx workbook (exceljs). Every text cell is neutralised against formulas. */
export async function summaryXlsx(s: Summary): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'qtrack';
  wb.title = `${s.plan.name.zh} ${s.period} 季度汇总`;
  const at = new Date(s.generatedAt);
  if (!Number.isNaN(at.getTime())) {
    wb.created = at;
    wb.modified = at;
  }
  for (const t of allTables(s)) addSheet(wb, t);
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}
