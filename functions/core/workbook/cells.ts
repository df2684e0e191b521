// Cell addresses and the small text decodings every spreadsheet reader needs.
import type { CellRange } from '../model';

/** 0-based column index → letters ('A', 'Z', 'AA'). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** Letters → 0-based column index; -1 when the text is not a column. */
export function columnIndex(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) {
    const code = letters.charCodeAt(i) & ~32; // upper-case
    if (code < 65 || code > 90) return -1;
    n = n * 26 + (code - 64);
  }
  return letters.length > 0 ? n - 1 : -1;
}

/** 'D12' for a 0-based column and an Excel row number. */
export function cellRef(column: number, row: number): string {
  return `${columnLetter(column)}${row}`;
}

/** 'B12' → { column: 1 (0-based), row: 12 }; '$B$12' accepted. undefined when not an address. */
export function parseCellRef(ref: string): { column: number; row: number } | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref.trim());
  if (!m) return undefined;
  const column = columnIndex(m[1]);
  const row = Number(m[2]);
  if (column < 0 || row < 1) return undefined;
  return { column, row };
}

/** 'A1:C3' (or a single cell 'B2') → 1-based inclusive range; undefined when malformed. */
export function parseRange(ref: string): CellRange | undefined {
  const [a, b = a] = ref.split(':');
  const from = parseCellRef(a);
  const to = parseCellRef(b);
  if (!from || !to) return undefined;
  return {
    top: Math.min(from.row, to.row),
    bottom: Math.max(from.row, to.row),
    left: Math.min(from.column, to.column) + 1,
    right: Math.max(from.column, to.column) + 1,
  };
}

const X_ESCAPE = /_x([0-9a-fA-F]{4})_/g;

/**
 * OOXML stores characters XML cannot carry as `_xHHHH_` (ECMA-376 §22.4.2.4);
 * Excel writes a literal `_x0041_` typed by a user as `_x005F_x0041_`, so one
 * left-to-right pass decodes both correctly. Decode once, at the edge.
 */
export function decodeOoxmlEscapes(text: string): string {
  if (text.indexOf('_x') === -1) return text;
  return text.replace(X_ESCAPE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Days between 1899-12-30 and 1904-01-01: the 1904 date system's offset. */
export const DATE1904_OFFSET = 1462;

/**
 * ISO date, date-time or time-of-day text (a `t="d"` cell) → 1900-system serial, or
 * undefined. Excel's serials count the phantom 1900-02-29, so dates before
 * 1900-03-01 are one less; nothing this office reports is that old.
 */
export function isoToSerial(text: string): number | undefined {
  // a time of day alone (Strict OOXML writes t="d" times so): the fraction of a day
  const t = /^T?(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(text.trim());
  if (t) {
    const [, h, mi, sec = '0', frac = '0'] = t;
    if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return undefined;
    return (Number(h) * 3600 + Number(mi) * 60 + Number(sec) + Number(`0.${frac}`)) / 86_400;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(`0.${frac}`) * 1000);
  if (!Number.isFinite(ms)) return undefined;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  const serial = ms / 86_400_000 + 25_569;
  return serial < 61 ? serial - 1 : serial;
}
