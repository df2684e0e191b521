// Reading the fields of one data row, reporting every problem at its cell. One
// RowCheck is reused for all rows of a run (no per-row objects on the hot path).
// Getters return the value, undefined for an empty cell or absent column (REQUIRED
// already reported when needed), or null for a bad value (its issue reported).
import type { Issue, IssueCode, Lang, RawCell } from '../model';
import { checkCreditCode } from './credit-code';
import { say } from './messages';
import { CellProblem, cellText, enumMatcher, isEmptyCell, parseDate, parseNumber } from './parse-cell';
import type { Run, SheetRun } from './run';
import type { Column } from './sheets';

export const MAX_TEXT = 1000;

export class RowCheck {
  sheet!: SheetRun;
  row = 0;
  cells: (RawCell | undefined)[] = [];
  hasError = false;
  /** shared with deferred checks of this row, created only when one is deferred */
  private rowState: { hasError: boolean } | undefined;

  constructor(readonly run: Run) {}

  begin(sheet: SheetRun, row: number, cells: (RawCell | undefined)[]): void {
    this.sheet = sheet;
    this.row = row;
    this.cells = cells;
    this.hasError = false;
    this.rowState = undefined;
  }

  /** Closes the row; true when it had no error. */
  end(): boolean {
    if (this.rowState) this.rowState.hasError = this.hasError;
    const s = this.sheet.summary;
    s.rows++;
    if (this.hasError) this.sheet.rowErrors++;
    else s.acceptedRows++;
    return !this.hasError;
  }

  rawCell(col: Column | undefined): RawCell | undefined {
    return col ? this.cells[col.index] : undefined;
  }

  issue(
    col: Column | undefined,
    code: IssueCode,
    body: Lang,
    value: Issue['value'] | RawCell | undefined,
    severity: Issue['severity'] = 'error',
  ): void {
    if (severity === 'error') this.hasError = true;
    this.run.cellIssue(this.sheet, this.row, col, severity, code, body, value);
  }

  problem(col: Column, p: CellProblem, cell: RawCell): null {
    this.issue(col, p.code, p.body, cell);
    return null;
  }

  // The getters take the sheet's column (sheet.cols.batchId …), undefined when the file has none.

  /** The filled cell of a column; reports REQUIRED, FORMULA_ERROR and FORMULA_NO_VALUE. */
  cell(col: Column | undefined, required: boolean): RawCell | undefined | null {
    if (!col) return undefined;
    const cell = this.cells[col.index];
    if (isEmptyCell(cell)) {
      if (required) this.issue(col, 'REQUIRED', say.required(col.spec.help), null);
      return undefined;
    }
    if (cell!.kind === 'error') {
      this.issue(col, 'FORMULA_ERROR', say.formulaError(cell!.text ?? '#ERROR'), cell);
      return null;
    }
    if (cell!.kind === 'nocache') {
      this.issue(col, 'FORMULA_NO_VALUE', say.formulaNoValue(), cell);
      return null;
    }
    return cell!;
  }

  text(col: Column | undefined, required: boolean, max = MAX_TEXT): string | undefined | null {
    if (!col) return undefined;
    const own = this.cells[col.index];
    let t: string;
    let cell: RawCell;
    if (own !== undefined && own.kind === 'string') {
      // the common case, normalised once: text cells
      t = cellText(own);
      if (t === '') {
        if (required) this.issue(col, 'REQUIRED', say.required(col.spec.help), null);
        return undefined;
      }
      cell = own;
    } else {
      const c = this.cell(col, required);
      if (!c) return c;
      cell = c;
      t = cellText(cell);
    }
    if (t.length > max) {
      this.issue(col, 'INVALID_TEXT', say.invalidText(t.length, max), cell);
      return null;
    }
    return t;
  }

  number(col: Column | undefined, required: boolean): number | undefined | null {
    const cell = this.cell(col, required);
    if (!cell) return cell;
    const n = parseNumber(cell);
    return n instanceof CellProblem ? this.problem(col!, n, cell) : n;
  }

  date(col: Column | undefined, required: boolean): string | undefined | null {
    const cell = this.cell(col, required);
    if (!cell) return cell;
    const d = parseDate(cell);
    return d instanceof CellProblem ? this.problem(col!, d, cell) : d;
  }

  enumValue(col: Column | undefined, required: boolean): string | undefined | null {
    const cell = this.cell(col, required);
    if (!cell) return cell;
    const v = (col!.matcher ??= enumMatcher(col!.spec.enum ?? [])).match(cell);
    return v instanceof CellProblem ? this.problem(col!, v, cell) : v;
  }

  creditCode(col: Column | undefined, required: boolean): string | undefined | null {
    const cell = this.cell(col, required);
    if (!cell) return cell;
    if (cell.kind === 'number') {
      this.issue(col, 'INVALID_CREDIT_CODE', say.creditCode({ reason: 'number' }), cell);
      return null;
    }
    const r = checkCreditCode(cellText(cell));
    if (r.ok) return r.code;
    this.issue(col, 'INVALID_CREDIT_CODE', say.creditCode(r.problem), cell);
    return null;
  }

  // ---- period rules: checked now, or at the end when the period comes from a cover read later

  /** A date that must lie inside the period (DATE_OUTSIDE_PERIOD). */
  inPeriod(col: Column, iso: string): void {
    this.periodRule('inside', col, iso);
  }

  periodRule(kind: 'inside' | 'issued' | 'expired', col: Column, iso: string): void {
    if (this.run.period) {
      applyPeriodRule(this.run, kind, this.sheet, this.row, col, iso, (sev) => {
        if (sev === 'error') this.hasError = true;
      });
      return;
    }
    this.rowState ??= { hasError: false };
    this.run.deferred.push({ kind, sheet: this.sheet, row: this.row, col, iso, rowState: this.rowState });
  }
}

/** Applies one period rule; `onIssue` learns the severity of an issue raised. */
export function applyPeriodRule(
  run: Run,
  kind: 'inside' | 'issued' | 'expired',
  sheet: SheetRun,
  row: number,
  col: Column,
  iso: string,
  onIssue: (severity: Issue['severity']) => void,
): void {
  const p = run.period!;
  if (kind === 'inside') {
    if (iso < p.start || iso > p.end) {
      run.cellIssue(sheet, row, col, 'error', 'DATE_OUTSIDE_PERIOD', say.dateOutsidePeriod(iso, p.id, p.start, p.end), iso);
      onIssue('error');
    }
  } else if (kind === 'issued') {
    if (iso > p.end) {
      run.cellIssue(sheet, row, col, 'error', 'ISSUED_AFTER_PERIOD', say.issuedAfterPeriod(iso, p.id, p.end), iso);
      onIssue('error');
    }
  } else if (iso < p.end) {
    // expired before the period's end: ledger.isCounted counts expiresOn >= the end date
    run.cellIssue(sheet, row, col, 'warning', 'CERTIFICATE_EXPIRED', say.certificateExpired(iso, p.end), iso);
    onIssue('warning');
  }
}
