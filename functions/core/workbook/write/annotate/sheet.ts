// A worksheet: the marks (the cells issues point at), and SheetEdit, which
// restyles the marked cells (missing ones inserted), adds a legacy drawing and
// neutralises what reaches outside. Only what changes is touched.
import type { CellRange, Issue } from '../../../model';
import { cellRef, columnIndex, parseRange } from '../../cells';
import { CellCursor, COLUMNS } from '../../sheet-reader';
import { type Hold, intAttr, mainNs, nameIds, type PartEditor, type PartHandler, TextBytes } from './editor';
import { reachesOutside } from './outside';

export interface Mark {
  /** 1-based row, 0-based column of the cell that carries the mark (a merged range's master) */
  row: number;
  col: number;
  issues: Issue[];
  severity: 'error' | 'warning';
}

const CELL_RE = /^([A-Z]{1,3})([1-9]\d{0,6})$/;

/** The cell an issue points at, or undefined for file-, sheet- and column-level issues. */
function issueCell(issue: Issue): { row: number; col: number } | undefined {
  const address = (issue.cell ?? (issue.column && issue.row !== undefined ? `${issue.column}${issue.row}` : '')).toUpperCase();
  const m = CELL_RE.exec(address);
  if (!m) return undefined;
  const col = columnIndex(m[1]!);
  const row = Number(m[2]);
  return col < 16384 && row <= 1_048_576 ? { row, col } : undefined;
}

/** One mark per cell, in row then column order; an issue inside a merged range lands on its master. */
export function resolveMarks(issues: Issue[], merges: CellRange[]): Mark[] {
  const byCell = new Map<number, Mark>();
  for (const issue of issues) {
    const at = issueCell(issue);
    if (!at) continue;
    const merge = merges.find((r) => at.row >= r.top && at.row <= r.bottom && at.col + 1 >= r.left && at.col + 1 <= r.right);
    const row = merge ? merge.top : at.row;
    const col = merge ? merge.left - 1 : at.col;
    let mark = byCell.get(row * 16384 + col);
    if (!mark) byCell.set(row * 16384 + col, (mark = { row, col, issues: [], severity: 'warning' }));
    mark.issues.push(issue);
    if (issue.severity === 'error') mark.severity = 'error';
  }
  return [...byCell.values()].sort((a, b) => a.row - b.row || a.col - b.col);
}

/** A comment's text: each issue zh then en, a blank line between issues. */
export function noteText(mark: Mark): string {
  const text = mark.issues
    .map((i) => (i.severity === 'error' ? `【错误 ${i.code}】${i.message.zh}\nError: ${i.message.en}` : `【警告 ${i.code}】${i.message.zh}\nWarning: ${i.message.en}`))
    .join('\n\n');
  return text.length > 30_000 ? `${text.slice(0, 29_999)}…` : text;
}

// ---------------------------------------------------------------------------
// The worksheet

const SHEET_NAMES = [
  'worksheet', 'dimension', 'cols', 'col', 'sheetData', 'row', 'c', 'f', 'v', 'is', 'mergeCells', 'mergeCell',
  'hyperlinks', 'hyperlink', 'oleObjects', 'oleObject', 'controls', 'control', 'legacyDrawing',
  'legacyDrawingHF', 'drawingHF', 'picture', 'webPublishItems', 'tableParts', 'extLst', 'AlternateContent',
] as const;
const S = nameIds(SHEET_NAMES);
/** Children of a worksheet that come after legacyDrawing (ECMA-376 CT_Worksheet); mc:AlternateContent there wraps oleObjects or controls. */
const AFTER_LEGACY = new Set([S.legacyDrawingHF, S.drawingHF, S.picture, S.oleObjects, S.controls, S.webPublishItems, S.tableParts, S.extLst, S.AlternateContent]);
const WRAPPED: ReadonlyMap<number, number> = new Map([
  [S.hyperlinks, S.hyperlink],
  [S.oleObjects, S.oleObject],
  [S.controls, S.control],
]);

interface SheetJob {
  marks: Mark[];
  /** relationship ids taken out of the sheet's relationships */
  lost: ReadonlySet<string>;
  /** the relationship of a new VML drawing: a <legacyDrawing> goes in */
  legacyRid?: string;
  relNs: string;
  /** the style of a marked cell whose own style is xf */
  styleOf(mark: Mark, xf: number): number;
}

export class SheetEdit implements PartHandler {
  readonly names = SHEET_NAMES;
  readonly merges: CellRange[] = [];
  /** the r:id of the sheet's own legacy drawing */
  legacyRid: string | undefined;
  onFormulaDropped = () => {};
  private p = '';
  private readonly rows: Map<number, Mark[]>;
  private readonly rowNumbers: number[];
  private nextRow = 0;
  private inSheetData = false;
  private afterSheetData = false;
  private legacyDone = false;
  private readonly colStyles: { min: number; max: number; style: number }[] = [];
  /** where the <row> and the <c> being read are (the reader's rule) */
  private readonly at = new CellCursor();
  /** marks styled on a cell whose r names another row than its <row>'s: they get no new cell */
  private readonly placed = new Set<Mark>();
  private readonly byCell = new Map<number, Mark>();
  // the row being read
  private rowStyle = -1;
  private rowMarks: Mark[] | undefined;
  private rowAt = 0;
  // the cell being read
  private strType: [number, number] | undefined; // where its t="str" value is, when it has one
  private convert = false; // its formula went: its cached string becomes an inline string
  private formula: { hold: Hold; si: number; master: boolean } | undefined;
  private readonly chars = new TextBytes();
  private readonly droppedShared = new Set<number>();

  constructor(private readonly job: SheetJob) {
    this.rows = new Map();
    for (const m of job.marks) {
      this.rows.set(m.row, [...(this.rows.get(m.row) ?? []), m]);
      this.byCell.set(m.row * COLUMNS + m.col, m);
    }
    this.rowNumbers = [...this.rows.keys()];
  }

  open(ed: PartEditor, name: number, ns: number): void {
    const x = ed.x;
    const d = x.depth;
    if (d === 1) {
      if (name !== S.worksheet || !mainNs(ns)) x.fail('the part is not a worksheet');
      this.p = ed.prefix();
      return;
    }
    if (this.inSheetData) {
      if (d === 3 && name === S.row) this.openRow(ed);
      else if (d === 4 && name === S.c && x.ancestor(1) === S.row) this.openCell(ed);
      else if (d === 5 && x.ancestor(1) === S.c) {
        if (name === S.f) this.openFormula(ed);
        else if (name === S.v || name === S.is) {
          const p = this.p;
          if (name === S.v && this.convert) ed.replaceTag(ed.selfClosing() ? `<${p}is><${p}t/></${p}is>` : `<${p}is><${p}t xml:space="preserve">`);
        }
      }
      return;
    }
    if (d === 2) {
      if (name === S.sheetData) return this.openSheetData(ed);
      if (this.afterSheetData && AFTER_LEGACY.has(name)) this.insertLegacy(ed, ed.start);
      if (name === S.legacyDrawing) this.legacyRid = x.attr('id', true);
      else if (name === S.dimension && this.rowNumbers.length) this.widenDimension(ed);
      const item = WRAPPED.get(name);
      if (item) ed.wrap(item);
    } else if (d === 3 && name === S.col && x.ancestor(1) === S.cols) {
      this.colStyles.push({ min: intAttr(x, 'min'), max: intAttr(x, 'max'), style: intAttr(x, 'style') });
    } else if (d === 3 && name === S.mergeCell && x.ancestor(1) === S.mergeCells) {
      const range = parseRange(x.attr('ref') ?? '');
      if (range) this.merges.push(range);
    }
    // what refers to a relationship that went (an outside hyperlink, a linked object) goes too;
    // an OLE object with a link names an external link, and those went
    if (ed.refsTo(this.job.lost).length || (name === S.oleObject && x.attrIndex('link') >= 0)) ed.drop();
  }

  close(ed: PartEditor, name: number): void {
    const d = ed.x.depth;
    if (this.inSheetData) {
      if (d === 5 && name === S.f && this.formula) this.closeFormula(ed);
      else if (d === 5 && name === S.v && this.convert && ed.isEndTag()) ed.replaceTag(`</${this.p}t></${this.p}is>`);
      else if (d === 4 && name === S.c) {
        this.strType = undefined;
        this.convert = false;
      } else if (d === 3 && name === S.row) this.closeRow(ed);
      else if (d === 2 && name === S.sheetData) {
        ed.insert(ed.start, this.rowsBefore(Infinity));
        this.inSheetData = false;
        this.afterSheetData = true;
      }
      return;
    }
    if (d === 1 && ed.isEndTag()) this.insertLegacy(ed, ed.start);
  }

  text(ed: PartEditor, start: number, end: number, flags: number): void {
    if (this.formula) this.chars.add(ed.x.buf, start, end, flags);
  }

  private openSheetData(ed: PartEditor): void {
    if (!ed.selfClosing()) {
      this.inSheetData = true;
      return;
    }
    this.afterSheetData = true;
    const rows = this.rowsBefore(Infinity);
    if (rows) ed.edit(ed.tagEnd() - 2, ed.tagEnd(), `>${rows}</${this.p}sheetData>`);
  }

  private openRow(ed: PartEditor): void {
    const x = ed.x;
    this.at.placeRow(x);
    const n = this.at.row;
    this.rowMarks = undefined;
    const custom = x.attr('customFormat');
    this.rowStyle = custom === '1' || custom === 'true' ? Math.max(0, intAttr(x, 's')) : -1;
    ed.insert(ed.start, this.rowsBefore(n));
    if (this.rowNumbers[this.nextRow] !== n) return;
    this.nextRow++;
    this.rowMarks = this.rows.get(n)!;
    this.rowAt = 0;
    // <row r="5"/>: the marked cells go inside
    if (ed.selfClosing()) ed.edit(ed.tagEnd() - 2, ed.tagEnd(), `>${this.cellsBefore(Infinity)}</${this.p}row>`);
  }

  private closeRow(ed: PartEditor): void {
    if (this.rowMarks && ed.isEndTag()) ed.insert(ed.start, this.cellsBefore(Infinity));
    this.rowMarks = undefined;
  }

  private openCell(ed: PartEditor): void {
    const x = ed.x;
    const at = this.at;
    at.placeCell(x);
    if (at.cellRow !== at.row) {
      // its r names another row: a mark there not yet placed is styled here, and gets no new cell
      const m = this.byCell.get(at.cellRow * COLUMNS + at.col);
      if (m && at.cellRow > at.row) {
        this.placed.add(m);
        ed.setAttr('s', String(this.job.styleOf(m, Math.max(0, intAttr(x, 's')))));
      }
    } else if (this.rowMarks) {
      ed.insert(ed.start, this.cellsBefore(at.col));
      const m = this.rowMarks[this.rowAt];
      if (m && m.col === at.col) {
        this.rowAt++;
        ed.setAttr('s', String(this.job.styleOf(m, Math.max(0, intAttr(x, 's')))));
      }
    }
    const ti = x.attrIndex('t');
    this.strType = ti >= 0 && x.valueEnd(ti) - x.valueStart(ti) === 3 && x.attrString(ti) === 'str' ? [x.valueStart(ti), x.valueEnd(ti)] : undefined;
    if (this.strType) {
      // its formula may still go, and then its type changes: the cell is held
      this.strType = [ed.abs(this.strType[0]), ed.abs(this.strType[1])];
      ed.hold();
    }
  }

  private openFormula(ed: PartEditor): void {
    const x = ed.x;
    const shared = x.attr('t') === 'shared';
    this.formula = { hold: ed.hold(), si: shared ? Number(x.attr('si')) : -1, master: shared && x.attrIndex('ref') >= 0 };
    this.chars.reset();
  }

  private closeFormula(ed: PartEditor): void {
    const f = this.formula!;
    this.formula = undefined;
    const reaches = this.chars.overflow || reachesOutside(this.chars.text());
    if (!reaches && !(f.si >= 0 && !f.master && this.droppedShared.has(f.si))) return;
    f.hold.keep = false;
    this.onFormulaDropped();
    if (f.master) this.droppedShared.add(f.si);
    if (this.strType) {
      this.convert = true;
      ed.edit(this.strType[0], this.strType[1], 'inlineStr');
    }
  }

  /** New rows for the marked rows before row n not yet placed. */
  private rowsBefore(n: number): string {
    let out = '';
    while (this.nextRow < this.rowNumbers.length && this.rowNumbers[this.nextRow]! < n) {
      const r = this.rowNumbers[this.nextRow++]!;
      const cells = this.rows.get(r)!.filter((m) => !this.placed.has(m));
      if (cells.length) out += `<${this.p}row r="${r}">${cells.map((m) => this.emptyCell(m, -1)).join('')}</${this.p}row>`;
    }
    return out;
  }

  /** Empty marked cells for the current row's marks before column col not yet placed. */
  private cellsBefore(col: number): string {
    const marks = this.rowMarks!;
    let out = '';
    while (this.rowAt < marks.length && marks[this.rowAt]!.col < col) {
      const m = marks[this.rowAt++]!;
      if (!this.placed.has(m)) out += this.emptyCell(m, this.rowStyle);
    }
    return out;
  }

  /** A marked cell that is not in the part, styled as the empty cell shows now: by its row, else its column. */
  private emptyCell(m: Mark, rowStyle: number): string {
    const own = rowStyle >= 0 ? rowStyle : (this.colStyles.find((c) => m.col + 1 >= c.min && m.col + 1 <= c.max)?.style ?? 0);
    return `<${this.p}c r="${cellRef(m.col, m.row)}" s="${this.job.styleOf(m, Math.max(0, own))}"/>`;
  }

  private insertLegacy(ed: PartEditor, at: number): void {
    if (this.job.legacyRid === undefined || this.legacyDone) return;
    this.legacyDone = true;
    ed.insert(at, `<${this.p}legacyDrawing xmlns:r="${this.job.relNs}" r:id="${this.job.legacyRid}"/>`);
  }

  /** The dimension covers the marked cells (an empty required cell past the last column, say). */
  private widenDimension(ed: PartEditor): void {
    const range = parseRange(ed.x.attr('ref') ?? '');
    if (!range) return;
    const { marks } = this.job;
    const top = Math.min(range.top, marks[0]!.row);
    const bottom = Math.max(range.bottom, marks[marks.length - 1]!.row);
    const left = Math.min(range.left, ...marks.map((m) => m.col + 1));
    const right = Math.max(range.right, ...marks.map((m) => m.col + 1));
    if (top !== range.top || bottom !== range.bottom || left !== range.left || right !== range.right) {
      ed.setAttr('ref', `${cellRef(left - 1, top)}:${cellRef(right - 1, bottom)}`);
    }
  }
}
