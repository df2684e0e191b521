// A worksheet part, cell by cell: the XmlHandler that turns a sheet's
// SpreadsheetML into RawRow batches, with a fast path for the cells and rows
// of the usual shape (nearly all of them) and the general path for the rest.
// Both paths read the same bytes the same way; the differential test against
// an independent reader holds them to it.
import type { CellRange, Lang, RawCell, RawRow, RawSheet } from '../model';
import { cellRef, DATE1904_OFFSET, decodeOoxmlEscapes, isoToSerial, parseRange } from './cells';
import { type FileLimits, issues, WorkbookError } from './guard';
import { STYLE_DATE, STYLE_PERCENT } from './number-format';
import { type SharedStrings, utf8 } from './shared-strings';
import { translateFormula } from './shared-formula';
import { decodeText, NS_MAIN, NS_NONE, TEXT_AMP, TEXT_CDATA, TEXT_CR, XmlError, type XmlHandler, XmlScanner } from './xml';
import type { ZipEntry } from './zip';

export interface SheetInfo {
  name: string;
  state: RawSheet['state'];
  entry: ZipEntry;
}

/** Longest value of one cell: Excel caps text at 32,767 characters, formulas at 8,192. */
const MAX_VALUE = 1 << 22;
const MAX_MERGES = 1 << 17;

export const SHEET_NAMES = ['worksheet', 'sheetData', 'row', 'c', 'v', 'f', 'is', 't', 'r', 'rPh', 'mergeCells', 'mergeCell', 'dimension'];
const WORKSHEET = 1, SHEETDATA = 2, ROW = 3, C = 4, V = 5, F = 6, IS = 7, T = 8, R = 9, MERGECELLS = 11, MERGECELL = 12, DIMENSION = 13;

// cell types (the t attribute)
const T_N = 0, T_S = 1, T_STR = 2, T_INLINE = 3, T_B = 4, T_E = 5, T_D = 6;

/** Columns in a sheet (A…XFD); a cell's place is row × COLUMNS + column. */
export const COLUMNS = 16384;

/**
 * Where the rows and cells of a worksheet are. A <row> is the row its r
 * names, else the one after the <row> before it; a <c> is the cell its r
 * names, whatever <row> it is written in, else the next column in its <row>'s
 * row. openpyxl and LibreOffice read sheets so: a cell's r does not renumber
 * its <row>, nor the rows after it. One rule for the reader (its fast path
 * does the same inline) and the annotated copy's sheet edit.
 */
export class CellCursor {
  /** the number of the <row> being read */
  row = 0;
  /** the row of the <c> read last */
  cellRow = 0;
  /** the column of the <c> read last, 0-based; -1 before a row's first */
  col = -1;

  /** A <row> start tag; false when its r is not 1…1048576 (it is then counted as if it had none). */
  placeRow(x: XmlScanner): boolean {
    const i = x.attrIndex('r');
    const r = i < 0 ? 0 : rowNumberAt(x.buf, x.valueStart(i), x.valueEnd(i));
    this.nextRow(r);
    return r >= 0;
  }

  /** The next <row>: r its number, 0 (or -1) when it has none. */
  nextRow(r: number): void {
    this.row = r > 0 ? r : this.row + 1;
    this.cellRow = this.row;
    this.col = -1;
  }

  /** A <c> start tag; false when its r is not a cell reference (it is then placed as if it had none). */
  placeCell(x: XmlScanner): boolean {
    const i = x.attrIndex('r');
    const at = i < 0 ? -1 : cellAt(x.buf, x.valueStart(i), x.valueEnd(i));
    if (at >= 0) {
      this.col = at % COLUMNS;
      this.cellRow = (at - this.col) / COLUMNS;
    } else {
      this.cellRow = this.row;
      this.col++;
    }
    return i < 0 || at >= 0;
  }
}

/** The row number in b[from, to) (1…1048576, digits only), or -1. */
export function rowNumberAt(b: Uint8Array, from: number, to: number): number {
  if (to === from || to - from > 7) return -1;
  let n = 0;
  for (let k = from; k < to; k++) {
    const d = b[k]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n >= 1 && n <= 1_048_576 ? n : -1;
}

/** The cell reference in b[from, to) (column letters in any case, then the row) as row × 16384 + 0-based column, or -1. */
export function cellAt(b: Uint8Array, from: number, to: number): number {
  let k = from;
  let c = 0;
  while (k < to && k - from < 4) {
    const ch = b[k]! | 0x20;
    if (ch < 0x61 || ch > 0x7a) break;
    c = c * 26 + (ch - 0x60);
    k++;
  }
  let row = 0;
  const digits = k;
  while (k < to && b[k]! >= 0x30 && b[k]! <= 0x39 && k - digits < 8) row = row * 10 + (b[k++]! - 0x30);
  if (k !== to || c === 0 || c > COLUMNS || digits === to || row < 1 || row > 1_048_576) return -1;
  return row * COLUMNS + c - 1;
}

/** Character data of one element, kept as raw bytes until the element ends. */
class Capture {
  private bytes = new Uint8Array(256);
  private len = 0;
  flags = 0;
  on = false;
  /** a single piece still in the scanner's buffer (the common case: no copy) */
  private src: Uint8Array | undefined;
  private from = 0;
  private to = 0;

  begin(): void {
    this.on = true;
    this.len = 0;
    this.flags = 0;
    this.src = undefined;
  }

  add(buf: Uint8Array, from: number, to: number, flags: number): void {
    if (this.len === 0 && this.src === undefined && !(flags & TEXT_CDATA)) {
      this.src = buf;
      this.from = from;
      this.to = to;
      this.flags = flags;
      return;
    }
    this.detach();
    if (flags & TEXT_CDATA) {
      // CDATA text is literal: escape its '&' so that the whole value decodes as one
      for (let i = from; i < to; i++) {
        if (buf[i] === 0x26) this.put(AMP_ESCAPED, 0, AMP_ESCAPED.length);
        else this.put(buf, i, i + 1);
      }
      this.flags |= TEXT_AMP | (flags & TEXT_CR);
    } else {
      this.put(buf, from, to);
      this.flags |= flags;
    }
  }

  /** Copies a piece that still points into the scanner's buffer (it is about to be replaced). */
  detach(): void {
    if (this.src === undefined) return;
    const src = this.src;
    this.src = undefined;
    this.put(src, this.from, this.to);
  }

  private put(b: Uint8Array, from: number, to: number): void {
    const need = this.len + (to - from);
    if (need > MAX_VALUE) throw new WorkbookError(issues.tooLargeInside({ zh: '有一个单元格的值超过 4 MB', en: 'one cell value runs past 4 MB' }));
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.len));
      this.bytes = grown;
    }
    this.bytes.set(b.subarray(from, to), this.len);
    this.len = need;
  }

  get empty(): boolean {
    return this.src === undefined ? this.len === 0 : this.to === this.from;
  }

  text(): string {
    const b = this.buffer();
    const s = this.start();
    const e = this.end();
    return this.flags & (TEXT_AMP | TEXT_CR) ? decodeText(b, s, e, this.flags) : utf8(b, s, e);
  }

  // the raw bytes: buffer()[start(), end())
  buffer(): Uint8Array {
    return this.src ?? this.bytes;
  }

  start(): number {
    return this.src !== undefined ? this.from : 0;
  }

  end(): number {
    return this.src !== undefined ? this.to : this.len;
  }
}
const AMP_ESCAPED = new TextEncoder().encode('&amp;');

/** XML Schema whitespace around a value */
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A number as XML Schema writes a double; NaN when it is not one. */
function parseNumber(cap: Capture): number {
  const b = cap.buffer();
  let s = cap.start();
  let e = cap.end();
  while (s < e && isWs(b[s]!)) s++;
  while (e > s && isWs(b[e - 1]!)) e--;
  if (s === e) return NaN;
  if (!(cap.flags & TEXT_AMP)) {
    // the common case: an integer of at most 15 digits
    let i = s;
    const neg = b[i] === 0x2d;
    if (neg) i++;
    if (e - i > 0 && e - i <= 15) {
      let n = 0;
      for (; i < e; i++) {
        const d = b[i]! - 0x30;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (i === e) return neg ? -n : n;
    }
  }
  const text = cap.flags & TEXT_AMP ? cap.text().trim() : String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
  return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
}

/** A whole number without sign or exponent (a shared-string index); -1 when it is not one. */
function parseIndex(cap: Capture): number {
  const b = cap.buffer();
  let s = cap.start();
  let e = cap.end();
  while (s < e && isWs(b[s]!)) s++;
  while (e > s && isWs(b[e - 1]!)) e--;
  if (s === e || e - s > 9) return -1;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export class SheetReader implements XmlHandler {
  rows: RawRow[] = [];
  readonly merges: CellRange[] = [];
  /** the rows the part's <dimension> names, when it has one */
  private dimensionRows: number | undefined;
  private rowCount = 0;
  /** where the <row> and the <c> being read are */
  private readonly at = new CellCursor();
  // the cells of the row being read: row `index`, `filled` of them stored
  private index = 0;
  private cells: (RawCell | undefined)[] = [];
  private filled = 0;
  /** the other rows a <row>'s cells went to (their r named them), until the <row> ends */
  private aside: Map<number, { cells: (RawCell | undefined)[]; filled: number }> | undefined;
  // the cell being read
  private inCell = false;
  private cellType = T_N;
  private style = 0;
  private hasV = false;
  private hasF = false;
  private shared = -1; // si of a shared formula
  private sharedRef = false; // the <f> is a shared formula's master (it has a ref)
  private hasIs = false;
  private readonly v = new Capture();
  private readonly f = new Capture();
  private readonly is = new Capture();
  private inIsText = false;
  /** shared formulas by si: master text and cell */
  private readonly masters = new Map<number, { text: string; row: number; col: number }>();

  constructor(
    private readonly info: SheetInfo,
    private readonly strings: SharedStrings,
    private readonly styleFlags: Uint8Array,
    private readonly date1904: boolean,
    private readonly maxRows: number,
  ) {}

  /**
   * About how many rows the sheet holds: what its <dimension> says, else the
   * rows read so far scaled to the part's size. Never more than the part could
   * hold (a row takes some 20 bytes at least) or the row limit allows.
   */
  rowsHint(bytesRead: number): number | undefined {
    const size = this.info.entry.uncompressedSize;
    const guess = this.dimensionRows ?? (this.rowCount > 0 && bytesRead > 0 ? Math.ceil((this.rowCount * size) / bytesRead) : undefined);
    return guess === undefined ? undefined : Math.min(guess, this.maxRows, Math.ceil(size / 20));
  }

  /** Where the reading stands, for a message about a broken part. */
  where(): Lang | undefined {
    if (this.inCell) {
      const ref = cellRef(Math.max(this.at.col, 0), this.at.cellRow);
      return { zh: `单元格 ${ref}`, en: `cell ${ref}` };
    }
    const row = this.at.row;
    return row > 0 ? { zh: `第 ${row} 行附近`, en: `near row ${row}` } : undefined;
  }

  open(x: XmlScanner, name: number, ns: number): void {
    if (ns !== NS_MAIN && ns !== NS_NONE) {
      if (x.depth === 1) x.fail('the part is not a worksheet');
      return;
    }
    switch (name) {
      case C:
        if (x.ancestor(1) === ROW && x.depth === 4) this.openCell(x);
        return;
      case V:
        if (this.inCell && x.ancestor(1) === C) {
          this.hasV = true;
          this.v.begin();
        }
        return;
      case F:
        if (this.inCell && x.ancestor(1) === C) this.openFormula(x);
        return;
      case IS:
        if (this.inCell && x.ancestor(1) === C) {
          this.hasIs = true;
          this.is.begin();
        }
        return;
      case T: {
        const parent = x.ancestor(1);
        if (this.inCell && (parent === IS || (parent === R && x.ancestor(2) === IS))) this.inIsText = true;
        return;
      }
      case ROW:
        if (x.ancestor(1) === SHEETDATA && x.depth === 3) this.openRow(x);
        return;
      case MERGECELL:
        if (x.ancestor(1) === MERGECELLS && x.depth === 3) {
          const range = parseRange(x.attr('ref') ?? '');
          if (!range) x.fail(`a merged range “${x.attr('ref') ?? ''}” that is not a cell range`);
          if (this.merges.length >= MAX_MERGES) x.fail(`more than ${MAX_MERGES} merged ranges`);
          this.merges.push(range);
        }
        return;
      case DIMENSION:
        if (x.depth === 2) {
          const range = parseRange(x.attr('ref') ?? '');
          // a hint only: never more rows than the part could hold (a row takes some 20 bytes at least)
          if (range) this.dimensionRows = range.bottom - range.top + 1;
        }
        return;
      case SHEETDATA:
        if (x.depth === 2) x.fastDepth = 2; // rows and cells: try the fast path
        return;
      case WORKSHEET:
        return;
      default:
        if (x.depth === 1) x.fail('the part is not a worksheet');
    }
  }

  close(x: XmlScanner, name: number): void {
    switch (name) {
      case C:
        if (this.inCell && x.depth === 4) this.closeCell();
        return;
      case V:
        if (this.v.on) this.v.on = false;
        return;
      case F:
        if (this.f.on) this.f.on = false;
        return;
      case T:
        this.inIsText = false;
        return;
      case IS:
        this.is.on = false;
        return;
      case ROW:
        if (x.depth === 3 && x.ancestor(1) === SHEETDATA) this.closeRow();
        return;
      default:
    }
  }

  text(_x: XmlScanner, s: number, e: number, flags: number): void {
    if (this.v.on) this.v.add(_x.buf, s, e, flags);
    else if (this.inIsText && this.is.on) this.is.add(_x.buf, s, e, flags);
    else if (this.f.on) this.f.add(_x.buf, s, e, flags);
  }

  detach(): void {
    this.v.detach();
    this.f.detach();
    this.is.detach();
  }

  private openRow(x: XmlScanner): void {
    if (!this.at.placeRow(x)) x.fail(`a row number “${x.attr('r') ?? ''}” that is not 1…1048576`);
    this.startRow();
  }

  private startRow(): void {
    this.index = this.at.row;
    this.cells = [];
    this.filled = 0;
  }

  private closeRow(): void {
    const aside = this.aside;
    if (aside) {
      // a <row> whose cells named other rows: each row once, in order
      this.aside = undefined;
      aside.set(this.index, { cells: this.cells, filled: this.filled });
      for (const index of [...aside.keys()].sort((a, b) => a - b)) {
        const row = aside.get(index)!;
        this.index = index;
        this.cells = row.cells;
        this.filled = row.filled;
        this.pushRow();
      }
      return;
    }
    this.pushRow();
  }

  private pushRow(): void {
    if (this.filled === 0) return;
    if (++this.rowCount > this.maxRows) throw new WorkbookError(issues.tooManyRows(this.info.name, { maxRowsPerSheet: this.maxRows } as FileLimits));
    this.rows.push({ index: this.index, cells: this.cells });
  }

  /** The cells being stored are in another row than those before them. */
  private switchRow(index: number): void {
    const aside = (this.aside ??= new Map());
    aside.set(this.index, { cells: this.cells, filled: this.filled });
    const row = aside.get(index);
    aside.delete(index);
    this.index = index;
    this.cells = row?.cells ?? [];
    this.filled = row?.filled ?? 0;
  }

  private openCell(x: XmlScanner): void {
    this.startCell();
    const at = this.at;
    if (!at.placeCell(x)) x.fail(`a cell reference “${x.attr('r') ?? ''}” that is not a cell`);
    if (at.col >= COLUMNS) x.fail('a row with more than 16,384 cells');
    if (at.cellRow !== this.index) this.switchRow(at.cellRow);
    const b = x.buf;
    for (let i = 0; i < x.attrCount; i++) {
      const an = attrName(x, i);
      if (an === 0x73) this.style = styleAt(b, x.valueStart(i), x.valueEnd(i));
      else if (an === 0x74) this.cellType = cellTypeOf(b, x.valueStart(i), x.valueEnd(i));
    }
  }

  private startCell(): void {
    this.inCell = true;
    this.hasV = this.hasF = this.hasIs = false;
    this.shared = -1;
    this.sharedRef = false;
    this.v.on = this.f.on = this.is.on = false;
    this.style = 0;
    this.cellType = T_N;
  }

  /**
   * The usual cell in one go: `<c r=".." s=".." t="..">` with plain
   * double-quoted attributes, then nothing, `<v>plain text</v>`, or `/>`.
   * Anything else (formulas, inline strings, entities, prefixes, a cell cut by
   * the buffer's end) goes to the general path.
   */
  fast(x: XmlScanner, p: number): number {
    const ns = x.defaultNamespace;
    if (ns !== NS_MAIN && ns !== NS_NONE) return -1;
    if (x.depth === 2) return x.stackName[1] === SHEETDATA ? this.fastRow(x, p) : -1;
    if (x.stackName[2] !== ROW) return -1;
    const { col, cellRow } = this.at;
    const q = this.fastCell(x, p);
    if (q < 0) {
      this.at.col = col;
      this.at.cellRow = cellRow;
      this.inCell = false;
    }
    return q;
  }

  /** A whole row of usual cells in one go, or -1 with nothing changed. */
  private fastRow(x: XmlScanner, p: number): number {
    const row = this.at.row;
    const q = this.fastRowBody(x, p);
    if (q < 0) {
      // nothing of the row was kept: the general path reads it afresh
      this.at.row = row;
      this.inCell = false;
    }
    return q;
  }

  /** fastRow's work; on -1 the row's state is restored by fastRow (one exit: no deoptimising side paths). */
  private fastRowBody(x: XmlScanner, p: number): number {
    const b = x.buf;
    const n = x.limit;
    if (p + 5 >= n || b[p + 1] !== 0x72 || b[p + 2] !== 0x6f || b[p + 3] !== 0x77) return -1;
    let q = p + 4;
    let c = b[q]!;
    if (c !== 0x20 && c !== GT_ && c !== SLASH_) return -1;
    let r = -1;
    let empty = false;
    for (;;) {
      if (q >= n) return -1;
      c = b[q]!;
      if (c === GT_) {
        q++;
        break;
      }
      if (c === SLASH_) {
        if (q + 1 >= n || b[q + 1] !== GT_) return -1;
        q += 2;
        empty = true;
        break;
      }
      if (c !== 0x20) return -1;
      while (q < n && b[q] === 0x20) q++;
      const an = q;
      while (q < n && NAME_[b[q]!]) q++;
      if (q === an) continue;
      // a namespace declaration goes to the general path
      if (q + 1 >= n || b[q] !== 0x3d || b[q + 1] !== 0x22 || (q - an >= 5 && b[an] === 0x78 && b[an + 1] === 0x6d && b[an + 2] === 0x6c && b[an + 3] === 0x6e && b[an + 4] === 0x73)) return -1;
      const ae = q;
      const vs = q + 2;
      q = vs;
      let v = 0;
      while (q < n && (v = b[q]!) !== 0x22) {
        if (v === LT_ || v === AMP_ || v === CR_) return -1;
        q++;
      }
      if (q >= n) return -1;
      if (ae - an === 1 && b[an] === 0x72) {
        r = 0;
        for (let k = vs; k < q; k++) {
          const d = b[k]! - 0x30;
          r = d >= 0 && d <= 9 && q - vs <= 7 ? r * 10 + d : NaN;
        }
        if (!(r >= 1 && r <= 1_048_576)) return -1;
      }
      q++;
    }
    this.at.nextRow(r);
    this.startRow();
    if (!empty) {
      for (;;) {
        while (q < n && (b[q] === 0x20 || b[q] === 0x0a || b[q] === 0x09)) q++;
        if (q + 6 > n || b[q] !== LT_) return -1;
        if (b[q + 1] === 0x63) {
          q = this.fastCell(x, q);
          if (q < 0) return -1;
        } else if (b[q + 1] === SLASH_ && b[q + 2] === 0x72 && b[q + 3] === 0x6f && b[q + 4] === 0x77 && b[q + 5] === GT_) {
          q += 6;
          break;
        } else return -1;
      }
    }
    this.closeRow();
    return q;
  }

  /** One usual cell from b[p] = '<', or -1 (the caller restores the reader). */
  private fastCell(x: XmlScanner, p: number): number {
    const b = x.buf;
    const n = x.limit;
    // near the end of the buffer a cell may be cut: the general path waits for the rest
    // (and reads past the end of a typed array never happen here: they cost a deoptimisation)
    if (p + 256 > n || b[p + 1] !== 0x63) return -1;
    let q = p + 2;
    let c = b[q]!;
    if (c !== 0x20 && c !== GT_ && c !== SLASH_) return -1;
    let col = -1;
    let row = 0;
    let style = 0;
    let type = T_N;
    let empty = false;
    for (;;) {
      if (q >= n) return -1;
      c = b[q]!;
      if (c === GT_) {
        q++;
        break;
      }
      if (c === SLASH_) {
        if (q + 1 >= n || b[q + 1] !== GT_) return -1;
        q += 2;
        empty = true;
        break;
      }
      if (c !== 0x20) return -1;
      while (q < n && b[q] === 0x20) q++;
      const an = q;
      while (q < n && (b[q]! | 0x20) >= 0x61 && (b[q]! | 0x20) <= 0x7a) q++;
      if (q + 1 >= n || q === an || b[q] !== 0x3d || b[q + 1] !== 0x22 || (q - an >= 5 && b[an] === 0x78 && b[an + 1] === 0x6d)) {
        if (q === an && q < n && (b[q] === GT_ || b[q] === SLASH_)) continue;
        return -1;
      }
      const one = q - an === 1 ? b[an]! : 0;
      q += 2;
      if (one === 0x72) {
        // r: column letters (any case), then the row number
        let letters = 0;
        for (let ch = b[q]! | 0x20; ch >= 0x61 && ch <= 0x7a && letters < 4 && q < n; ch = ++q < n ? b[q]! | 0x20 : 0) {
          col = (col < 0 ? 0 : col) * 26 + (ch - 0x60);
          letters++;
        }
        let digits = 0;
        for (let d = b[q]! - 0x30; d >= 0 && d <= 9 && digits < 8; d = ++q < n ? b[q]! - 0x30 : -1) {
          row = row * 10 + d;
          digits++;
        }
        if (q >= n || b[q] !== 0x22 || letters === 0 || digits === 0 || col > 16384 || row < 1 || row > 1_048_576) return -1;
        col--;
      } else if (one === 0x73) {
        for (let d = b[q]! - 0x30; d >= 0 && d <= 9 && style < 1e6; d = ++q < n ? b[q]! - 0x30 : -1) style = style * 10 + d;
        if (q >= n || b[q] !== 0x22) return -1;
      } else {
        const vs = q;
        while (q < n) {
          const v = b[q]!;
          if (v === 0x22) break;
          if (v === LT_ || v === AMP_ || v === CR_) return -1;
          q++;
        }
        if (one === 0x74) type = cellTypeOf(b, vs, q);
      }
      if (q >= n) return -1;
      q++;
    }
    // <v>…</v> then </c>, or </c> at once
    let vs = -1;
    let ve = -1;
    let whole = 0; // the value's digits as a number, while it is nothing but digits
    if (!empty) {
      if (q + 3 < n && b[q] === LT_ && b[q + 1] === 0x76 && b[q + 2] === GT_) {
        vs = q = q + 3;
        for (; q < n; q++) {
          const v = b[q]!;
          if (v === LT_) break;
          if (v === AMP_ || v === CR_) return -1;
          const d = v - 0x30;
          whole = d >= 0 && d <= 9 && whole >= 0 ? whole * 10 + d : -1;
        }
        if (q + 8 > n || b[q + 1] !== SLASH_ || b[q + 2] !== 0x76 || b[q + 3] !== GT_) return -1;
        ve = q;
        q += 4;
      }
      if (q + 4 > n || b[q] !== LT_ || b[q + 1] !== SLASH_ || b[q + 2] !== 0x63 || b[q + 3] !== GT_) return -1;
      q += 4;
    }
    const at = this.at;
    if (col < 0) {
      if (at.col >= COLUMNS - 1) return -1;
      col = at.col + 1;
      row = at.row;
    }
    // a cell in another row than the cells before it: the general path
    if (row !== this.index) return -1;
    at.col = col;
    at.cellRow = row;
    const digits = ve - vs;
    if (type === T_S && whole >= 0 && digits > 0 && digits <= 9) {
      // the usual shared-string cell, without the general path's bookkeeping
      if (whole >= this.strings.count) return -1; // the general path says so, naming the cell
      const text = this.strings.get(whole);
      if (text !== '') this.store({ kind: 'string', text });
      return q;
    }
    if (type === T_N && whole >= 0 && digits > 0 && digits <= 15) {
      this.store(this.numberCell(whole, style));
      return q;
    }
    this.startCell();
    this.style = style;
    this.cellType = type;
    if (vs >= 0) {
      this.hasV = true;
      this.v.begin();
      this.v.add(b, vs, ve, 0);
      this.v.on = false;
    }
    this.closeCell();
    return q;
  }

  private openFormula(x: XmlScanner): void {
    this.hasF = true;
    this.f.begin();
    if (x.attr('t') === 'shared') {
      const si = Number(x.attr('si'));
      if (Number.isInteger(si)) this.shared = si;
      this.sharedRef = x.attrIndex('ref') >= 0;
    }
  }

  private formulaText(): string {
    const own = this.f.empty ? '' : decodeOoxmlEscapes(this.f.text());
    if (this.shared < 0) return own;
    if (this.sharedRef && own !== '') {
      this.masters.set(this.shared, { text: own, row: this.at.cellRow, col: this.at.col });
      return own;
    }
    const master = this.masters.get(this.shared);
    return master ? translateFormula(master.text, this.at.cellRow - master.row, this.at.col - master.col) : own;
  }

  private closeCell(): void {
    const hasF = this.hasF;
    // a shared formula's master must be remembered whatever its value
    const formula = hasF && (this.sharedRef || !this.hasV || this.v.empty) ? this.formulaText() : undefined;
    let cell: RawCell | undefined;
    switch (this.cellType) {
      case T_S: {
        if (!this.hasV || this.v.empty) break;
        const i = parseIndex(this.v);
        if (i < 0) throw new XmlError(`its shared-string index “${this.v.text().trim().slice(0, 20)}” is not a whole number`);
        if (i >= this.strings.count) throw new XmlError(`it refers to shared string ${i}, which does not exist`);
        const text = this.strings.get(i);
        if (text !== '' || hasF) cell = { kind: 'string', text };
        break;
      }
      case T_STR:
      case T_INLINE: {
        const cap = this.hasIs ? this.is : this.hasV ? this.v : undefined;
        if (!cap) break;
        const text = cap.empty ? '' : decodeOoxmlEscapes(cap.text());
        if (text !== '' || (hasF && this.hasV)) cell = { kind: 'string', text };
        break;
      }
      case T_B: {
        if (!this.hasV || this.v.empty) break;
        const t = this.v.text().trim();
        if (t !== '1' && t !== '0' && t !== 'true' && t !== 'false') throw new XmlError(`it holds “${t.slice(0, 20)}” where a boolean belongs`);
        cell = { kind: 'boolean', bool: t === '1' || t === 'true' };
        break;
      }
      case T_E:
        if (this.hasV && !this.v.empty) cell = { kind: 'error', text: this.v.text().trim() };
        break;
      case T_D: {
        if (!this.hasV || this.v.empty) break;
        const text = this.v.text().trim();
        const serial = isoToSerial(text);
        cell = serial === undefined ? { kind: 'string', text } : { kind: 'number', num: serial, date: true };
        break;
      }
      default: {
        if (!this.hasV || this.v.empty) break;
        const num = parseNumber(this.v);
        if (Number.isNaN(num)) throw new XmlError(`it holds “${this.v.text().trim().slice(0, 20)}” where a number belongs`);
        cell = this.numberCell(num, this.style);
      }
    }
    this.inCell = false;
    if (cell) {
      if (hasF) cell.formula = true;
    } else if (hasF) cell = { kind: 'nocache', text: formula ?? '' };
    if (cell) this.store(cell);
  }

  private store(cell: RawCell): void {
    const col = this.at.col;
    if (this.cells[col] === undefined) this.filled++;
    this.cells[col] = cell;
  }

  /** A number with what its style says: a date (in the 1900 system) or a percentage. */
  private numberCell(num: number, style: number): RawCell {
    const flags = this.styleFlags[style] ?? 0;
    if (flags & STYLE_DATE) {
      // a date's day depends on the date system; a bare time of day does not
      return { kind: 'number', num: this.date1904 && num >= 1 ? num + DATE1904_OFFSET : num, date: true };
    }
    return flags & STYLE_PERCENT ? { kind: 'number', num, percent: true } : { kind: 'number', num };
  }
}

/** name bytes (ASCII letters, digits, : _ . -) */
const NAME_ = new Uint8Array(128);
for (let c = 0; c < 128; c++) NAME_[c] = /[A-Za-z0-9:_.-]/.test(String.fromCharCode(c)) ? 1 : 0;
const LT_ = 0x3c;
const GT_ = 0x3e;
const SLASH_ = 0x2f;
const AMP_ = 0x26;
const CR_ = 0x0d;

/** A style index (s): its digits, 0 when it is not a whole number. */
function styleAt(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const d = b[k]! - 0x30;
    if (d < 0 || d > 9) return 0;
    n = n * 10 + d;
  }
  return n;
}

/** The first byte of a one-letter attribute name (r, s, t), 0 for any other attribute. */
function attrName(x: XmlScanner, i: number): number {
  return x.attrNameLength(i) === 1 ? x.buf[x.attrNameStart(i)]! : 0;
}

function cellTypeOf(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len === 0) return T_N;
  const c = b[s];
  if (len === 1) return c === 0x73 ? T_S : c === 0x62 ? T_B : c === 0x65 ? T_E : c === 0x64 ? T_D : T_N;
  if (len === 3 && c === 0x73) return T_STR;
  if (len === 9 && c === 0x69) return T_INLINE;
  return T_N;
}

