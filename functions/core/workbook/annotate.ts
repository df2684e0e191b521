// The annotated copy of an uploaded workbook (PRODUCT §5.6, issue 3 point 5):
// the clerk's own file with every cell that has an issue filled red (error) or
// amber (warning) and a note explaining it, plus a first sheet 问题清单 listing
// every issue. When the file cannot be opened, a workbook holding only 问题清单.
import ExcelJS from 'exceljs';
import type { Issue, IssueCode } from '../model';
import { normalizeKey } from '../text';
import { neutralizeFormula } from '../summary/cells';

export const ISSUES_SHEET = '问题清单';
/** Default cap on the original's size for the non-streaming exceljs load (20 MB). */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
/**
 * Declared uncompressed size, as a multiple of maxBytes, beyond which the
 * original is not loaded: exceljs builds the whole workbook in memory, and a zip
 * bomb kills the process instead of throwing.
 */
const MAX_INFLATION = 10;

export const ERROR_STYLE = { fill: 'FFFFC7CE', font: 'FF9C0006' } as const;
export const WARNING_STYLE = { fill: 'FFFFEB9C', font: 'FF9C5700' } as const;

/** Issue codes that mean the file itself could not be read: never load such a file. */
const UNOPENABLE: ReadonlySet<IssueCode> = new Set<IssueCode>([
  'FILE_NOT_WORKBOOK',
  'FILE_LEGACY_XLS',
  'FILE_ENCRYPTED',
  'FILE_MACROS',
  'FILE_TOO_LARGE',
  'FILE_CORRUPT',
]);

export const ISSUE_COLUMNS = ['严重程度', '工作表', '单元格', '代码', '说明', 'Message', '值'] as const;

/**
 * A copy of the uploaded workbook in which each cell with an issue is filled red
 * (errors) or amber (warnings) and carries a note with the messages (zh then en);
 * a first sheet 问题清单 lists every issue, file- and sheet-level ones included.
 * When the original is absent (a CSV upload), too large, or cannot be opened or
 * written by exceljs, returns a fresh workbook holding only 问题清单. Never throws
 * on bad input.
 */
export async function annotateWorkbook(
  original: Uint8Array | undefined,
  issues: Issue[],
  opts: { maxBytes?: number } = {},
): Promise<Uint8Array> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (original) {
    const loadable =
      original.byteLength <= maxBytes &&
      !issues.some((i) => UNOPENABLE.has(i.code)) &&
      declaredInflatedSize(original) <= maxBytes * MAX_INFLATION;
    if (loadable) {
      try {
        return await annotateCopy(original, issues);
      } catch {
        // exceljs rejects some valid files (TOOLCHAIN pitfalls): fall back to the list.
      }
    }
  }
  return issuesOnly(issues, original !== undefined);
}

// ---------------------------------------------------------------------------

async function annotateCopy(original: Uint8Array, issues: Issue[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(original.buffer, original.byteOffset, original.byteLength) as unknown as ExcelJS.Buffer);

  // Several addresses inside one merged range all land on its master cell: one note.
  const targets = new Map<string, { cell: ExcelJS.Cell; issues: Issue[] }>();
  const marked = new Set<string>(); // cell keys that exist in this workbook (hyperlink targets)
  for (const [key, group] of groupByCell(issues)) {
    const [sheetName, address] = key.split('\u0000') as [string, string];
    const ws = findSheet(wb, sheetName);
    if (!ws) continue;
    const cell = ws.getCell(address).master;
    const id = `${ws.id}\u0000${cell.address}`;
    const t = targets.get(id);
    if (t) t.issues.push(...group);
    else targets.set(id, { cell, issues: [...group] });
    marked.add(key);
  }
  for (const { cell, issues: group } of targets.values()) markCell(cell, group);

  const sheet = wb.addWorksheet(uniqueName(wb, ISSUES_SHEET));
  // Put the list first and make it the one open tab; other tabs unselected so
  // Excel does not open them as a group.
  (sheet as unknown as { orderNo: number }).orderNo = Math.min(...wb.worksheets.map((w) => (w as unknown as { orderNo: number }).orderNo)) - 1;
  for (const ws of wb.worksheets) {
    // tabSelected is read and written by exceljs 4.4 but missing from its typings.
    if (ws !== sheet) ws.views = (ws.views ?? []).map((v) => ({ ...v, ...{ tabSelected: false } }));
  }
  writeIssueList(sheet, issues, (issue) => {
    const key = cellKey(issue);
    if (!key || !marked.has(key)) return undefined;
    const ws = findSheet(wb, issue.sheet!)!;
    return `#'${ws.name.replace(/'/g, "''")}'!${key.split('\u0000')[1]}`;
  });
  sheet.views = [{ state: 'frozen', ySplit: 1, ...{ tabSelected: true } }];
  wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 0, visibility: 'visible' }];

  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

async function issuesOnly(issues: Issue[], originalUnreadable: boolean): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'qtrack';
  const sheet = wb.addWorksheet(ISSUES_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  writeIssueList(sheet, issues, () => undefined);
  if (originalUnreadable) {
    // A note row (starts with 注：) so a re-upload of this file is not read as data.
    const r = sheet.rowCount + 2;
    sheet.getCell(r, 1).value =
      '注：上传的文件无法作为工作簿打开或批注，以上仅列出问题。/ Note: the uploaded file could not be opened for annotation; the issues are listed above.';
  }
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

function writeIssueList(ws: ExcelJS.Worksheet, issues: Issue[], link: (issue: Issue) => string | undefined): void {
  const widths = [14, 16, 10, 26, 60, 60, 24];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const head = ws.getRow(1);
  ISSUE_COLUMNS.forEach((h, i) => {
    const c = head.getCell(i + 1);
    c.value = h;
    c.font = { bold: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  });
  head.getCell(6).note = 'Message (English)';
  head.getCell(7).note = '单元格中的原值 / the value found';

  issues.forEach((issue, i) => {
    const row = ws.getRow(i + 2);
    const style = issue.severity === 'error' ? ERROR_STYLE : WARNING_STYLE;
    const sev = row.getCell(1);
    sev.value = issue.severity === 'error' ? '错误 Error' : '警告 Warning';
    sev.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: style.fill } };
    sev.font = { color: { argb: style.font } };
    // Sheet names, values and messages can carry text from the uploaded file.
    row.getCell(2).value = issue.sheet === undefined ? '（整个文件）' : text(issue.sheet);
    const where = issue.cell ?? (issue.row !== undefined ? `${issue.column ?? ''}${issue.row}` : issue.column ?? '');
    const target = link(issue);
    const c = row.getCell(3);
    c.value = target ? { text: text(where), hyperlink: target } : text(where);
    if (target) c.font = { color: { argb: 'FF0563C1' }, underline: true };
    row.getCell(4).value = issue.code;
    row.getCell(5).value = text(issue.message.zh);
    row.getCell(6).value = text(issue.message.en);
    row.getCell(7).value = issue.value === undefined || issue.value === null ? null : typeof issue.value === 'string' ? text(issue.value) : String(issue.value);
    row.getCell(5).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(6).alignment = { wrapText: true, vertical: 'top' };
  });
  if (issues.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: issues.length + 1, column: ISSUE_COLUMNS.length } };
}

function text(s: string): string {
  return neutralizeFormula(s);
}

// ---------------------------------------------------------------------------
// Marking cells

const CELL_RE = /^([A-Z]{1,3})([1-9]\d{0,6})$/;

/** The address an issue points at, or undefined for file-, sheet- and column-level issues. */
function issueAddress(issue: Issue): string | undefined {
  const address = (issue.cell ?? (issue.column && issue.row !== undefined ? `${issue.column}${issue.row}` : '')).toUpperCase();
  const m = CELL_RE.exec(address);
  if (!m) return undefined;
  // Beyond XFD1048576 exceljs would throw or write a file Excel refuses.
  const col = [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return col <= 16384 && Number(m[2]) <= 1048576 ? address : undefined;
}

function cellKey(issue: Issue): string | undefined {
  const address = issueAddress(issue);
  return issue.sheet !== undefined && address ? `${issue.sheet}\u0000${address}` : undefined;
}

function groupByCell(issues: Issue[]): Map<string, Issue[]> {
  const groups = new Map<string, Issue[]>();
  for (const issue of issues) {
    const key = cellKey(issue);
    if (!key) continue;
    const g = groups.get(key);
    if (g) g.push(issue);
    else groups.set(key, [issue]);
  }
  return groups;
}

/** Issues name the sheet as written in the file; fall back to the normalised name. */
function findSheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet | undefined {
  return wb.getWorksheet(name) ?? wb.worksheets.find((w) => normalizeKey(w.name) === normalizeKey(name));
}

function markCell(cell: ExcelJS.Cell, issues: Issue[]): void {
  const style = issues.some((i) => i.severity === 'error') ? ERROR_STYLE : WARNING_STYLE;
  // New style objects: exceljs may share one style object between cells loaded
  // with the same style id, and mutating it would colour them all.
  cell.style = {
    ...cell.style,
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: style.fill } },
    font: { ...(cell.style.font ?? {}), color: { argb: style.font } },
  };
  const lines = issues.map((i) => {
    const label = i.severity === 'error' ? '错误' : '警告';
    return `【${label} ${i.code}】${i.message.zh}\n${i.severity === 'error' ? 'Error' : 'Warning'}: ${i.message.en}`;
  });
  const previous = noteText(cell.note);
  const body = lines.join('\n\n') + (previous ? `\n\n——原批注 / original note——\n${previous}` : '');
  cell.note = { texts: [{ text: body }] } as ExcelJS.Comment;
}

function noteText(note: ExcelJS.Cell['note'] | undefined): string {
  if (!note) return '';
  if (typeof note === 'string') return note;
  return (note.texts ?? []).map((t) => t.text).join('');
}

function uniqueName(wb: ExcelJS.Workbook, base: string): string {
  const taken = new Set(wb.worksheets.map((w) => normalizeKey(w.name)));
  if (!taken.has(normalizeKey(base))) return base;
  for (let n = 2; ; n++) {
    const name = `${base}(${n})`;
    if (!taken.has(normalizeKey(name))) return name;
  }
}

// ---------------------------------------------------------------------------

/**
 * The sum of the uncompressed sizes the zip's central directory declares;
 * Infinity for ZIP64 or an unreadable directory (not loaded then), 0 when the
 * bytes are not a zip at all (exceljs then fails fast and we fall back).
 */
function declaredInflatedSize(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 22 || view.getUint32(0, true) !== 0x04034b50) return 0;
  let eocd = -1;
  for (let i = bytes.byteLength - 22; i >= Math.max(0, bytes.byteLength - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return Infinity;
  const entries = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || p === 0xffffffff) return Infinity;
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > bytes.byteLength || view.getUint32(p, true) !== 0x02014b50) return Infinity;
    const size = view.getUint32(p + 24, true);
    if (size === 0xffffffff) return Infinity;
    total += size;
    p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return total;
}
