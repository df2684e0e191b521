// Recognising sheets by name and columns by header text (PRODUCT §5), and the
// row-level skipping rules: blank rows, note rows, merged cells in the data.
import type { CellRange, RawCell, RawRow, SheetKind } from '../model';
import { type ColumnSpec, type SheetSpec, HELP_SHEET_NAMES, SHEETS } from '../sheet-specs';
import { normalizeKey } from '../text';
import { type EnumMatcher, isEmptyCell, rawText } from './parse-cell';
import { columnLetter } from '../workbook/cells';

// ---------------------------------------------------------------------------
// Sheets

const SHEET_BY_KEY = new Map<string, SheetSpec>();
for (const s of SHEETS) for (const n of [s.zh, s.en, s.kind, ...s.aliases]) SHEET_BY_KEY.set(normalizeKey(n), s);
const HELP_KEYS = new Set(HELP_SHEET_NAMES.map(normalizeKey));

export type SheetClass = { spec: SheetSpec } | 'help' | undefined;

/** A sheet's kind from its name (any of zh, en, aliases); 'help' for the template's 填报说明. */
export function classifySheet(name: string): SheetClass {
  const key = normalizeKey(name);
  const spec = SHEET_BY_KEY.get(key);
  if (spec) return { spec };
  if (HELP_KEYS.has(key)) return 'help';
  return undefined;
}

export function specOfKind(kind: SheetKind): SheetSpec {
  return SHEETS.find((s) => s.kind === kind)!;
}

const CJK = /[\u3000-\u9fff\uff00-\uffef]/;

/** How the sheet is named in messages: as in the file, and in English when the file's name is Chinese. */
export function sheetLabels(name: string, spec: SheetSpec): { zh: string; en: string } {
  return { zh: name, en: CJK.test(name) ? spec.en : name };
}

// ---------------------------------------------------------------------------
// Columns

export { columnLetter };

/** A recognised column of the file. */
export interface Column {
  spec: ColumnSpec;
  index: number; // 0-based
  letter: string;
  header: string; // as written in the file
  /** the column's enumeration, matched once per column instead of looked up per cell */
  matcher?: EnumMatcher;
}

/** 序号 / No.: row numbers the clerk keeps for themselves, ignored without a word. */
const IGNORED_HEADERS = new Set(['序号', 'no', 'no.', '#', 'sn', 's/n', '编号序号']);

const headerMaps = new WeakMap<SheetSpec, Map<string, ColumnSpec>>();
function headerMap(spec: SheetSpec): Map<string, ColumnSpec> {
  let m = headerMaps.get(spec);
  if (!m) {
    m = new Map();
    for (const c of spec.columns) for (const h of [c.zh, c.en, c.field, ...c.aliases]) m.set(normalizeKey(h), c);
    headerMaps.set(spec, m);
  }
  return m;
}

/**
 * The header key of a cell: normalised, without the template's required marks
 * (`*批次编号`, `批次编号（必填）`) and trailing colons.
 */
function headerKey(text: string): string {
  let k = normalizeKey(text);
  k = k.replace(/^\*+|\*+$/g, '').replace(/\((?:必填|选填|可选|required|optional)\)$/, '').replace(/[:：]$/, '');
  return k;
}

export type HeaderCell =
  | { type: 'column'; column: Column }
  | { type: 'ignored' }
  | { type: 'duplicate'; index: number; header: string; first: Column }
  | { type: 'unknown'; index: number; header: string };

/** Looks a header text up: exact first, then without a trailing "(…)" (units, formats). */
export function lookupHeader(spec: SheetSpec, text: string): ColumnSpec | 'ignored' | undefined {
  const key = headerKey(text);
  if (key === '') return undefined;
  if (IGNORED_HEADERS.has(key)) return 'ignored';
  const map = headerMap(spec);
  const hit = map.get(key);
  if (hit) return hit;
  const bare = key.replace(/\([^()]*\)$/, '');
  if (bare !== key && bare !== '') return map.get(bare) ?? (IGNORED_HEADERS.has(bare) ? 'ignored' : undefined);
  return undefined;
}

export interface HeaderMatch {
  matched: number; // recognised columns
  hasKey: boolean; // the sheet's key (first) column is among them
  cells: HeaderCell[];
  columns: Column[];
}

/** Matches a row against the sheet's headers. */
export function matchHeader(spec: SheetSpec, cells: (RawCell | undefined)[]): HeaderMatch {
  const out: HeaderMatch = { matched: 0, hasKey: false, cells: [], columns: [] };
  const byField = new Map<string, Column>();
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (isEmptyCell(cell) || cell!.kind === 'error' || cell!.kind === 'nocache') continue;
    const header = rawText(cell!);
    const hit = lookupHeader(spec, header);
    if (hit === 'ignored') out.cells.push({ type: 'ignored' });
    else if (hit === undefined) out.cells.push({ type: 'unknown', index: i, header });
    else {
      const first = byField.get(hit.field);
      if (first) {
        out.cells.push({ type: 'duplicate', index: i, header, first });
        continue;
      }
      const column: Column = { spec: hit, index: i, letter: columnLetter(i), header };
      byField.set(hit.field, column);
      out.columns.push(column);
      out.cells.push({ type: 'column', column });
      out.matched++;
      if (hit === spec.columns[0]) out.hasKey = true;
    }
  }
  return out;
}

/** Enough to call a row the header: two known headers, or the key column's. */
export function isHeaderCandidate(m: HeaderMatch): boolean {
  return m.matched >= 2 || m.hasKey;
}

/** How many non-blank rows from the top may hold title rows before the header. */
export const HEADER_SCAN_ROWS = 20;

/**
 * Finds a sheet's header row among its first rows: the first row holding
 * every required header, else the best candidate of the first
 * HEADER_SCAN_ROWS non-blank rows. Rows are pushed as they stream.
 */
export class HeaderSearch {
  /** non-blank rows read while searching */
  readonly searched: RawRow[] = [];
  best: { match: HeaderMatch; at: number } | undefined;
  private readonly required: ColumnSpec[];

  constructor(private readonly spec: SheetSpec) {
    this.required = spec.columns.filter((c) => c.required);
  }

  /** Takes one more row; true once the search is over (call settledRows then). */
  push(row: RawRow): boolean {
    if (isBlankRow(row.cells)) return false;
    this.searched.push(row);
    const match = matchHeader(this.spec, row.cells);
    const complete = this.required.every((c) => match.columns.some((m) => m.spec === c));
    if (complete || (isHeaderCandidate(match) && (!this.best || match.matched > this.best.match.matched))) {
      this.best = { match, at: this.searched.length - 1 };
    }
    return complete || this.searched.length >= HEADER_SCAN_ROWS;
  }

  /** The header's Excel row number, 0 when none was found. */
  get headerRow(): number {
    return this.best ? this.searched[this.best.at]!.index : 0;
  }
}

// ---------------------------------------------------------------------------
// Rows

/** True when no cell holds anything. */
export function isBlankRow(cells: (RawCell | undefined)[]): boolean {
  for (let i = 0; i < cells.length; i++) if (!isEmptyCell(cells[i])) return false;
  return true;
}

const NOTE_START = /^(?:填报说明|说明|注[:：]|备注[:：]|note:)/;

/**
 * A note: the first filled cell starts with 填报说明, 说明, 注：, 备注： or Note: and
 * every other cell is empty. Judged on the file's own cells, before merges spread.
 */
export function isNoteRow(cells: (RawCell | undefined)[]): boolean {
  let first: RawCell | undefined;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (isEmptyCell(c)) continue;
    if (first) return false; // a second filled cell: data
    first = c;
  }
  if (!first || first.kind !== 'string') return false;
  return NOTE_START.test(normalizeKey((first.text ?? '').slice(0, 12)));
}

/**
 * Spreads a merged range's top-left value over the whole range, for merges that
 * start below the header row. Rows arrive in increasing order; the top row's
 * value is captured whether or not that row turns out to be data.
 */
export class MergeSpreader {
  private readonly pending: CellRange[];
  private next = 0;
  private active: { range: CellRange; cell: RawCell | undefined }[] = [];

  constructor(merges: CellRange[], headerRow: number) {
    this.pending = merges
      .filter((m) => m.top > headerRow && (m.bottom > m.top || m.right > m.left))
      .sort((a, b) => a.top - b.top);
  }

  get empty(): boolean {
    return this.pending.length === 0;
  }

  /** Captures merges starting at this row; spreads active ones into `cells` when `spread`. */
  apply(rowIndex: number, cells: (RawCell | undefined)[], spread: boolean): void {
    while (this.next < this.pending.length && this.pending[this.next]!.top <= rowIndex) {
      const range = this.pending[this.next++]!;
      if (range.bottom < rowIndex) continue;
      this.active.push({ range, cell: range.top === rowIndex ? cells[range.left - 1] : undefined });
    }
    if (this.active.length === 0) return;
    let expired = false;
    for (const a of this.active) {
      const r = a.range;
      if (r.bottom < rowIndex) {
        expired = true;
        continue;
      }
      if (!spread || a.cell === undefined) continue;
      for (let c = r.left; c <= r.right; c++) {
        if (rowIndex === r.top && c === r.left) continue;
        cells[c - 1] = a.cell;
      }
    }
    if (expired) this.active = this.active.filter((a) => a.range.bottom >= rowIndex);
  }
}
