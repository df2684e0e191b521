// `qtrack inspect`: what qtrack reads in a workbook, for a clerk asking why a
// column was not recognised and for testing the reader against others. Two
// views of one reading: JSON lines of every sheet and cell (the format is in
// the README), and per sheet the recognised kind, header row and columns.
import type { CellRange, Lang, RawCell, RawSheet } from '../model';
import { cellRef, columnLetter } from '../workbook/cells';
import { type OpenOptions, openWorkbook } from '../workbook/open';
import type { ByteSource } from '../workbook/zip';
import { classifySheet, HeaderSearch, isBlankRow, isNoteRow, specOfKind } from './sheets';

export type InspectLine =
  | { file: string; status: 'ok' }
  | { file: string; status: 'rejected'; code: string; message: Lang }
  | { file: string; sheet: string; state: RawSheet['state']; merges: string[] }
  | { file: string; sheet: string; cell: string; type: CellType; value: string | number | boolean; serial?: number; percent?: true; formula?: true };

export type CellType = 'number' | 'date' | 'string' | 'boolean' | 'error' | 'nocache';

/** What qtrack makes of one sheet, for a person. */
export interface SheetReading {
  name: string;
  state: RawSheet['state'];
  merges: string[];
  /** the kind recognised from the name (a CSV's from its file name); 'help' for the template's 填报说明 */
  kind?: string;
  headerRow?: number;
  columns: { cell: string; header: string; field?: string }[];
  dataRows: number;
}

export interface Inspection {
  lines: InspectLine[];
  sheets: SheetReading[];
}

/** Reads the file once; a refused file is one rejected line, never a throw. */
export async function inspectWorkbook(input: Uint8Array | ByteSource, file: string, options: OpenOptions): Promise<Inspection> {
  const opened = await openWorkbook(input, file, { ...options, mergesFirst: true });
  if (!opened.ok) {
    return { lines: [{ file, status: 'rejected', code: opened.issue.code, message: opened.issue.message }], sheets: [] };
  }
  const lines: InspectLine[] = [{ file, status: 'ok' }];
  const sheets: SheetReading[] = [];
  try {
    for await (const sheet of opened.workbook.sheets) {
      const merges = sheet.merges.map(rangeRef);
      lines.push({ file, sheet: sheet.name, state: sheet.state, merges });
      const reading: SheetReading = { name: sheet.name, state: sheet.state, merges, columns: [], dataRows: 0 };
      sheets.push(reading);
      if (sheet.state !== 'visible') continue;
      const cls = sheet.csvKind ? { spec: specOfKind(sheet.csvKind) } : classifySheet(sheet.name);
      const search = cls && cls !== 'help' ? new HeaderSearch(cls.spec) : undefined;
      reading.kind = cls === 'help' ? 'help' : cls?.spec.kind;
      let searching = search !== undefined;
      for await (const rows of sheet.rows) {
        for (const row of rows) {
          row.cells.forEach((cell, col) => {
            if (cell) lines.push(cellLine(file, sheet.name, cellRef(col, row.index), cell));
          });
          if (searching) searching = !search!.push(row);
          else if (search?.best && row.index > search.headerRow && !isBlankRow(row.cells) && !isNoteRow(row.cells)) reading.dataRows++;
        }
      }
      if (search?.best) {
        reading.headerRow = search.headerRow;
        for (const h of search.best.match.cells) {
          if (h.type === 'column') reading.columns.push({ cell: `${h.column.letter}${reading.headerRow}`, header: h.column.header, field: h.column.spec.field });
          else if (h.type !== 'ignored') reading.columns.push({ cell: `${columnLetter(h.index)}${reading.headerRow}`, header: h.header });
        }
        // rows read during the search below the header are data rows too
        for (const row of search.searched.slice(search.best.at + 1)) if (!isNoteRow(row.cells)) reading.dataRows++;
      }
    }
  } catch (err) {
    const issue = (err as { issue?: { code: string; message: Lang } }).issue;
    if (!issue) throw err;
    return { lines: [{ file, status: 'rejected', code: issue.code, message: issue.message }], sheets: [] };
  }
  return { lines, sheets };
}

function rangeRef(r: CellRange): string {
  const a = cellRef(r.left - 1, r.top);
  const b = cellRef(r.right - 1, r.bottom);
  return a === b ? a : `${a}:${b}`;
}

/** The last day a serial can name (9999-12-31). */
const MAX_SERIAL = 2958466;

function cellLine(file: string, sheet: string, cell: string, c: RawCell): InspectLine {
  const base = { file, sheet, cell };
  const formula = c.formula && c.kind !== 'nocache' ? { formula: true as const } : {};
  switch (c.kind) {
    case 'number':
      if (c.date && c.num! >= 0 && c.num! < MAX_SERIAL) return { ...base, type: 'date', value: serialToIsoDateTime(c.num!), serial: c.num!, ...formula };
      return { ...base, type: 'number', value: c.num!, ...(c.percent ? { percent: true as const } : {}), ...formula };
    case 'string':
      return { ...base, type: 'string', value: c.text ?? '', ...formula };
    case 'boolean':
      return { ...base, type: 'boolean', value: c.bool!, ...formula };
    case 'error':
      return { ...base, type: 'error', value: c.text ?? '', ...formula };
    default:
      return { ...base, type: 'nocache', value: `=${c.text ?? ''}` };
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A 1900-system serial as ISO: the date, with the time of day when it has one
 * (milliseconds only when not 0), or only the time for a serial below 1.
 * Serial 60 is the 1900-02-29 that Excel counts and the calendar does not.
 */
export function serialToIsoDateTime(serial: number): string {
  let day = Math.floor(serial);
  let ms = Math.round((serial - day) * 86_400_000);
  if (ms >= 86_400_000) {
    day++;
    ms -= 86_400_000;
  }
  const time = `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${ms % 1000 ? `.${pad(ms % 1000, 3)}` : ''}`;
  if (serial < 1 && day === 0) return time;
  const date = day === 60 ? '1900-02-29' : new Date(Date.UTC(1899, 11, 30) + (day < 60 ? day + 1 : day) * 86_400_000).toISOString().slice(0, 10);
  return ms === 0 ? date : `${date}T${time}`;
}
