// Cell values shared by the csv, xlsx and html writers: formula neutralising,
// rounding and number display. One place, so the three outputs show the same
// number and the same text for every cell.
import type { IndicatorUnit } from '../model';
import { round2 } from '../numbers';

/** Excel's limit on the characters of one cell. */
export const MAX_CELL_CHARS = 32_767;

// C0 controls other than tab, line feed and carriage return are not allowed in
// XML 1.0 (an xlsx with one will not open); lone surrogates are not valid UTF-8.
const INVALID_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// OWASP CSV injection: a cell starting with one of these may be read as a formula
// (tab and CR because Excel and LibreOffice strip them before looking).
// Leading spaces are skipped too: LibreOffice trims them on import; full-width
// forms are included because some importers fold them to ASCII.
const FORMULA_START = /^[\t\r]|^[ \u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

/** Removes characters no xlsx, csv or html output can carry. */
export function cleanText(text: string): string {
  return text.replace(INVALID_CHARS, '\ufffd');
}

/**
 * Neutralises a text cell so no spreadsheet evaluates it: a leading `=`, `+`, `-`,
 * `@`, tab or carriage return gets a single quote in front (OWASP's advice).
 * The one function both the csv and the xlsx writer use.
 */
export function neutralizeFormula(text: string): string {
  const clean = cleanText(text);
  const safe = FORMULA_START.test(clean) ? `'${clean}` : clean;
  return safe.length > MAX_CELL_CHARS ? `${safe.slice(0, MAX_CELL_CHARS - 1)}…` : safe;
}

/** A spreadsheet cell value: numbers stay numbers (negative ones too), text is neutralised. */
export function safeCell(v: string | number | null | undefined): string | number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return neutralizeFormula(v);
  return null;
}

export { round2 };

export type CellFormat = 'text' | 'percent' | 'integer' | 'decimal' | 'count';

/** How a number of an indicator with this unit is shown. */
export function numberFormatFor(unit: IndicatorUnit | string | undefined, value: number): CellFormat {
  if (unit === '%') return 'percent';
  return Number.isInteger(value) ? 'integer' : 'decimal';
}

/**
 * Excel number formats. Percent indicators keep their number (96.5 means 96.5 %)
 * and show at least one and at most two decimals: 96.5% and 96.33% (rates are
 * rounded to two decimals, §6, so one decimal alone would show 94.96 as 95.0%).
 */
export const EXCEL_NUMFMT: Record<Exclude<CellFormat, 'text'>, string> = {
  percent: '0.0#"%"',
  decimal: '0.0#',
  integer: '0',
  count: '0',
};

/** The text a person sees for a number: the same as Excel shows with EXCEL_NUMFMT. */
export function displayNumber(value: number, format: CellFormat): string {
  if (!Number.isFinite(value)) return '';
  const r = round2(value);
  if (format === 'integer' || format === 'count') return Number.isInteger(r) ? String(r) : oneOrTwo(r);
  const s = oneOrTwo(r);
  return format === 'percent' ? `${s}%` : s;
}

function oneOrTwo(r: number): string {
  const two = r.toFixed(2);
  return two.endsWith('0') ? r.toFixed(1) : two;
}

/** Width of text in Excel's character units: CJK and other wide characters count as 2. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    // curly quotes and the em dash are drawn full-width by Chinese fonts
    const wide =
      (c >= 0x2014 && c <= 0x201f) ||
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}


