// summary.csv: the overview table (总览) for Excel and for pasting, RFC 4180.
import type { Summary } from './build';
import { safeCell } from './cells';
import { overviewTable } from './tables';

/** RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled. */
function csvField(v: string | number | null): string {
  const safe = safeCell(v);
  if (safe === null) return '';
  if (typeof safe === 'number') return String(safe);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The overview as CSV: UTF-8 with a BOM (so Excel detects the encoding), CRLF line
 * ends, numbers as plain numbers (rounded to two decimals, percent as 96.5), text
 * neutralised against formulas. Complete: the caller adds nothing.
 */
export function summaryCsv(s: Summary): string {
  const table = overviewTable(s);
  const lines = [table.headers.map(csvField).join(','), ...table.rows.map((r) => r.map((c) => csvField(c.v)).join(','))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
