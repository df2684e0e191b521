// Turning one RawCell into a typed value. Success returns a primitive (cheap:
// called for every cell); failure returns a CellProblem with the issue code and
// the sentence to show. Empty cells are the caller's business (REQUIRED).
import type { IssueCode, Lang, RawCell } from '../model';
import type { EnumOption } from '../sheet-specs';
import { normalizeKey } from '../text';
import { say } from './messages';

export class CellProblem {
  constructor(
    readonly code: IssueCode,
    readonly body: Lang,
  ) {}
}

const INVALID_NUMBER = new CellProblem('INVALID_NUMBER', say.invalidNumber());
const INVALID_PERCENT = new CellProblem('INVALID_PERCENT', say.invalidPercent());
const INVALID_DATE = new CellProblem('INVALID_DATE', say.invalidDate());
const PERCENT_ABOVE_100 = new CellProblem('OUT_OF_RANGE', say.percentAbove100());
const NEGATIVE = new CellProblem('OUT_OF_RANGE', say.negative());

/** True for a missing cell or a string of whitespace only. */
export function isEmptyCell(cell: RawCell | undefined): boolean {
  if (cell === undefined) return true;
  if (cell.kind !== 'string') return false;
  const t = cell.text;
  if (t === undefined || t.length === 0) return true;
  // text that starts with a visible character is not empty: no trim() for it
  const c = t.charCodeAt(0);
  return (c <= 0x20 || c === 0xa0 || c === 0x3000 || c === 0xfeff || (c >= 0x2000 && c <= 0x200b)) && t.trim() === '';
}

/**
 * ASCII-only strings skip NFKC (the common case, and NFKC is the costly part);
 * others repeat down a sheet (categories, enterprise names) and are normalised once.
 */
function nfkc(s: string): string {
  // ASCII and CJK unified ideographs are their own NFKC form: most text, Chinese included
  let stable = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 && (c < 0x4e00 || c > 0x9fff)) {
      stable = false;
      break;
    }
  }
  if (stable) return s;
  let n = normalised.get(s);
  if (n === undefined) {
    if (normalised.size >= 4096) normalised.clear();
    normalised.set(s, (n = s.normalize('NFKC')));
  }
  return n;
}
const normalised = new Map<string, string>();

/** Text of a cell for text fields: strings trimmed (NFKC), numbers as written. */
export function cellText(cell: RawCell): string {
  switch (cell.kind) {
    case 'string':
      return nfkc(cell.text ?? '').trim();
    case 'number':
      return numberText(cell.num!);
    case 'boolean':
      return cell.bool ? 'TRUE' : 'FALSE';
    default:
      return cell.text ?? '';
  }
}

/** Text as written in the file (trimmed, not normalised): headers and keys in messages. */
export function rawText(cell: RawCell): string {
  return cell.kind === 'string' ? (cell.text ?? '').trim() : cellText(cell);
}

function numberText(n: number): string {
  // 1e21 and above print in exponent form; ids that large are text anyway
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
}

/** The value as found, for the report: text as typed, numbers as numbers, dates as ISO. */
export function displayValue(cell: RawCell | undefined): string | number | boolean | null {
  if (cell === undefined) return null;
  switch (cell.kind) {
    case 'string': {
      const t = cell.text ?? '';
      return t.length > 200 ? `${t.slice(0, 199)}…` : t;
    }
    case 'number':
      if (cell.date) return serialToIso(cell.num!) ?? cell.num!;
      return cell.num!;
    case 'boolean':
      return cell.bool!;
    default:
      return cell.text ?? null;
  }
}

// 12, -3, 1250.5, .5, 1,250.5 (thousands groups of three)
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/** A number from text: full-width digits (NFKC), thousands separators; undefined if not one. */
export function numberFromText(raw: string): number | undefined {
  let s = nfkc(raw).trim();
  if (s === '') return undefined;
  if (s.charCodeAt(0) === 0x2212) s = `-${s.slice(1)}`; // U+2212 minus sign (NFKC keeps it)
  if (PLAIN_NUMBER.test(s)) return Number(s);
  if (GROUPED_NUMBER.test(s)) return Number(s.replace(/,/g, ''));
  return undefined;
}

/** A finite number from a number cell or numeric text. */
export function parseNumber(cell: RawCell): number | CellProblem {
  if (cell.kind === 'number') return Number.isFinite(cell.num) ? cell.num! : INVALID_NUMBER;
  if (cell.kind === 'string') {
    const n = numberFromText(cell.text ?? '');
    if (n !== undefined && Number.isFinite(n)) return n;
  }
  return INVALID_NUMBER;
}

/** 0.965 × 100 as 96.5, not 96.49999999999999. */
function times100(x: number): number {
  return Number((x * 100).toPrecision(15));
}

/**
 * A percentage as 96.5 (§5.2): 96.5, '96.5%', '９６．５', or a number formatted as a
 * percentage (0.965 → 96.5). A bare number in (0, 1] is ambiguous; text around
 * the number ('95%以上') is rejected with a hint to enter the number only.
 */
export function parsePercent(cell: RawCell): number | CellProblem {
  let v: number;
  let explicit = false; // the user said "percent": a % sign or a percent format
  if (cell.kind === 'number') {
    if (!Number.isFinite(cell.num)) return INVALID_PERCENT;
    if (cell.percent) {
      v = times100(cell.num!);
      explicit = true;
    } else v = cell.num!;
  } else if (cell.kind === 'string') {
    let s = nfkc(cell.text ?? '').trim();
    if (s.endsWith('%')) {
      s = s.slice(0, -1).trimEnd();
      explicit = true;
    }
    const n = numberFromText(s);
    if (n === undefined) return INVALID_PERCENT;
    v = n;
  } else return INVALID_PERCENT;
  if (v < 0) return NEGATIVE;
  if (v > 100) return PERCENT_ABOVE_100;
  if (!explicit && v > 0 && v <= 1) return new CellProblem('AMBIGUOUS_FRACTION', say.ambiguousFraction(v));
  return v;
}

// ---------------------------------------------------------------------------
// Dates: ISO yyyy-mm-dd strings

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The ISO date for a calendar day, or undefined when the day does not exist (2026-02-30). */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const max = m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!;
  if (d > max) return undefined;
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

const MAX_SERIAL = 2958465; // 9999-12-31
const DAY_MS = 86_400_000;
const EPOCH_1899_12_30 = Date.UTC(1899, 11, 30);

/**
 * 1900 date system (serial 1 = 1900-01-01). Excel counts a 1900-02-29 that never
 * existed (serial 60): serials before it are one day off, and 60 itself is no date.
 * The time of day (fraction) is dropped.
 */
export function serialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial >= MAX_SERIAL + 1) return undefined;
  const day = Math.floor(serial);
  if (day === 60) return undefined;
  // a sheet's dates repeat (one quarter holds ~90 days): remember them instead of
  // building a Date per cell, in a small direct-mapped cache
  const slot = day & 4095;
  if (isoDay[slot] === day) return isoText[slot];
  const shifted = day < 60 ? day + 1 : day;
  const iso = new Date(EPOCH_1899_12_30 + shifted * DAY_MS).toISOString().slice(0, 10);
  isoDay[slot] = day;
  isoText[slot] = iso;
  return iso;
}
const isoDay = new Int32Array(4096).fill(-1);
const isoText: string[] = new Array<string>(4096);

// 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, optionally with a time of day
const DATE_TEXT =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const PLAIN_SERIAL_MIN = 18264; // 1950-01-01
const PLAIN_SERIAL_MAX = 73050; // 2099-12-31
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/; // 20260305, a habit of many offices

/** A date cell or date text as ISO; 8-digit numbers read as yyyymmdd. */
export function parseDate(cell: RawCell): string | CellProblem {
  if (cell.kind === 'number') {
    const n = cell.num!;
    if (!cell.date && Number.isInteger(n) && n >= 19000101 && n <= 99991231) {
      const m = COMPACT_DATE.exec(String(n))!;
      return isoDate(Number(m[1]), Number(m[2]), Number(m[3])) ?? INVALID_DATE;
    }
    // a plain number is taken for a serial only when it lands in a plausible range:
    // 5 or 123456 in a date column is a typing slip, not 1900-01-05
    if (!cell.date && (n < PLAIN_SERIAL_MIN || n >= PLAIN_SERIAL_MAX + 1)) return INVALID_DATE;
    return serialToIso(n) ?? INVALID_DATE;
  }
  if (cell.kind !== 'string') return INVALID_DATE;
  const s = nfkc(cell.text ?? '').trim();
  const m = DATE_TEXT.exec(s) ?? COMPACT_DATE.exec(s);
  if (!m) return INVALID_DATE;
  return isoDate(Number(m[1]), Number(m[2]), Number(m[3])) ?? INVALID_DATE;
}

// ---------------------------------------------------------------------------
// Enumerations: one map per option list, built once

export class EnumMatcher {
  private readonly byKey = new Map<string, string>();
  private readonly exact = new Map<string, string>();
  readonly labelsZh: string[];
  readonly labelsEn: string[];
  private readonly problem: CellProblem;

  constructor(options: EnumOption[]) {
    for (const o of options) {
      for (const k of [o.value, o.zh, o.en, ...o.synonyms]) {
        this.byKey.set(stripQuotes(normalizeKey(k)), o.value);
        this.exact.set(k, o.value);
      }
    }
    this.labelsZh = options.map((o) => o.zh);
    this.labelsEn = options.map((o) => o.en);
    this.problem = new CellProblem('INVALID_ENUM', say.invalidEnum(this.labelsZh, this.labelsEn));
  }

  /** The option's canonical value, or the INVALID_ENUM problem listing the accepted values. */
  match(cell: RawCell): string | CellProblem {
    if (cell.kind === 'boolean') return this.byKey.get(cell.bool ? 'yes' : 'no') ?? this.problem;
    // fast path: the template's own spelling (a dropdown value) needs no normalising
    if (cell.kind === 'string' && cell.text !== undefined) {
      const exact = this.exact.get(cell.text);
      if (exact !== undefined) return exact;
    }
    const key = stripQuotes(normalizeKey(cellText(cell)));
    return this.byKey.get(key) ?? this.problem;
  }
}

const matchers = new WeakMap<EnumOption[], EnumMatcher>();
export function enumMatcher(options: EnumOption[]): EnumMatcher {
  let m = matchers.get(options);
  if (!m) matchers.set(options, (m = new EnumMatcher(options)));
  return m;
}

/** Quotes around a name (“上海品牌”, 「上海品牌」) do not change what it names. */
export function stripQuotes(key: string): string {
  return /["'“”‘’「」『』《》]/.test(key) ? key.replace(/["'“”‘’「」『』《》]/g, '') : key;
}
