// The state of one validation run: issues (capped, counted exactly), the resolved
// department and period, what cross-row rules need (first rows of batch ids and
// certificates, counts), and the record batches on their way to the sink.
import { QtrackError } from '../errors';
import type {
  CertificationRecord,
  IndicatorDef,
  IndicatorRecord,
  Issue,
  IssueCode,
  Lang,
  Plan,
  RawCell,
  RecordKind,
  RecordSink,
  SheetSummary,
  SubmissionAggregates,
} from '../model';
import { periodEnd, periodStart } from '../periods';
import type { SheetSpec } from '../sheet-specs';
import { type Place, placed, say } from './messages';
import { displayValue } from './parse-cell';
import type { Column } from './sheets';
import { SeenKeys } from './seen-keys';

export const DEFAULT_MAX_ISSUES = 1000;
export const SINK_BATCH = 500;

/** A recognised sheet being validated. */
export interface SheetRun {
  name: string;
  ordinal: number; // order among the workbook's sheets, for cross-sheet references
  spec: SheetSpec;
  labels: { zh: string; en: string };
  summary: SheetSummary;
  cols: Record<string, Column | undefined>;
  /** a data row of this sheet had an error: rates derived from it are not trustworthy */
  rowErrors: number;
  /** whether the department may send this kind was decided (it may be known only once a cover is read) */
  kindChecked: boolean;
  /** the department does not send this kind: the sheet was not read (SHEET_NOT_ALLOWED) */
  refused?: boolean;
}

export interface PeriodInfo {
  id: string;
  start: string;
  end: string;
}

/** A check that needs the period, when the period only comes from a cover read later. */
export interface DeferredCheck {
  kind: 'inside' | 'issued' | 'expired';
  sheet: SheetRun;
  row: number;
  col: Column;
  iso: string;
  rowState: { hasError: boolean };
}

/** An accepted-so-far 指标 row: kept until the end because rules across sheets apply to it. */
export interface PendingIndicator {
  record: IndicatorRecord;
  def: IndicatorDef;
  sheet: SheetRun;
  valueCol: Column;
  valueCell: RawCell | undefined;
  codeCol: Column;
  codeCell: RawCell;
  hasError: boolean;
  ownershipChecked: boolean;
}

/** Thrown around a failing sink so the caller's storage error is not mistaken for a bad file. */
export class SinkFailure extends QtrackError {
  constructor(readonly original: unknown) {
    super('record sink failed', { cause: original });
  }
}

export function emptyAggregates(): SubmissionAggregates {
  return {
    inspections: { other: { passed: 0, total: 0 }, buildingMaterial: { passed: 0, total: 0 } },
    acceptances: { passed: 0, total: 0, greenArea: 0, totalArea: 0 },
    indicators: {},
  };
}

export class Run {
  /** file-level issues: never capped, listed first */
  readonly fileIssues: Issue[] = [];
  readonly issues: Issue[] = [];
  errors = 0;
  warnings = 0;
  unlisted = 0;

  department?: string;
  period?: PeriodInfo;
  /** the sheet kinds this upload replaces: every kind for a workbook, the CSV's own kind */
  replaces: RecordKind[] = [];
  /** no data sheet held a data row (NO_DATA): nothing is missing from what was never filled in */
  noData = false;
  /** what could not be checked, and why */
  readonly notes: Lang[] = [];

  readonly sheets: SheetRun[] = [];
  readonly aggregates = emptyAggregates();
  /** floor areas in hundredths of m²: integer sums do not depend on row order */
  greenArea100 = 0;
  totalArea100 = 0;

  /** first row of each key (sheet ordinal × 2^21 + row: no object per key) */
  readonly batchIds = new SeenKeys();
  readonly certificates = new Map<string, number>();
  readonly indicatorCodes = new Map<string, number>();
  /** 指标 rows with a code and no value, judged once the other sheets are read */
  readonly blankIndicators: { def: IndicatorDef; sheet: SheetRun; row: number; col: Column }[] = [];
  /** indicator codes whose 指标 row was warned about as left without a value */
  readonly valueMissing = new Set<string>();
  readonly pendingIndicators: PendingIndicator[] = [];
  /** this submission's certificates of the types the plan counts from the ledger */
  readonly ledgerCertificates: CertificationRecord[] = [];
  readonly deferred: DeferredCheck[] = [];

  private readonly batches = new Map<RecordKind, unknown[]>();
  needsFlush = false;

  readonly indicatorsByCode: Map<string, IndicatorDef>;
  readonly ledgerTypes: Set<string>;

  constructor(
    readonly plan: Plan,
    readonly maxIssues: number,
    readonly sink: RecordSink | undefined,
  ) {
    this.indicatorsByCode = new Map(plan.indicators.map((d) => [d.code, d]));
    this.ledgerTypes = new Set(
      plan.indicators.flatMap((d) => (d.source.from === 'ledger' ? [d.source.certificationType] : [])),
    );
  }

  setPeriod(id: string): void {
    this.period = { id, start: periodStart(id), end: periodEnd(id) };
  }

  // ---- issues

  add(issue: Issue): void {
    if (issue.severity === 'error') this.errors++;
    else this.warnings++;
    if (issue.sheet === undefined) this.fileIssues.push(issue);
    else if (this.issues.length < this.maxIssues) this.issues.push(issue);
    else this.unlisted++;
  }

  fileIssue(severity: Issue['severity'], code: IssueCode, message: Lang): void {
    this.add({ severity, code, message });
  }

  sheetIssue(sheet: SheetRun | string, severity: Issue['severity'], code: IssueCode, body: Lang): void {
    const name = typeof sheet === 'string' ? sheet : sheet.name;
    const sheetEn = typeof sheet === 'string' ? sheet : sheet.labels.en;
    this.add({ severity, code, sheet: name, message: placed({ sheetZh: name, sheetEn }, body) });
  }

  /** An issue at a cell of a recognised column (or at the row, without a column). */
  cellIssue(
    sheet: SheetRun,
    row: number,
    col: Column | undefined,
    severity: Issue['severity'],
    code: IssueCode,
    body: Lang,
    value: Issue['value'] | RawCell | undefined,
  ): void {
    const v = value !== null && typeof value === 'object' ? displayValue(value) : value;
    if (!col) {
      this.add({
        severity,
        code,
        sheet: sheet.name,
        row,
        ...(v !== undefined ? { value: v } : {}),
        message: placed({ sheetZh: sheet.labels.zh, sheetEn: sheet.labels.en, row }, body),
      });
      return;
    }
    const cell = `${col.letter}${row}`;
    const place: Place = {
      sheetZh: sheet.labels.zh,
      sheetEn: sheet.labels.en,
      row,
      cell,
      headerZh: col.header,
      headerEn: col.spec.en,
    };
    this.add({
      severity,
      code,
      sheet: sheet.name,
      row,
      column: col.letter,
      cell,
      header: col.header,
      field: col.spec.field,
      ...(v !== undefined ? { value: v } : {}),
      message: placed(place, body),
    });
  }

  /** The issue list of the report: file-level first, then the capped rest, then the cap's note. */
  finalIssues(): Issue[] {
    const out = [...this.fileIssues, ...this.issues];
    if (this.unlisted > 0) {
      out.push({
        severity: this.errors > 0 ? 'error' : 'warning',
        code: 'TOO_MANY_ISSUES',
        message: say.tooManyIssues(this.unlisted),
      });
    }
    return out;
  }

  // ---- first-row maps

  static firstRef(sheet: SheetRun, row: number): number {
    return sheet.ordinal * 2 ** 21 + row;
  }

  /** The row (and sheet, when another) of the first occurrence, decoded. */
  describeFirst(ref: number, current: SheetRun): { row: number; sheet?: string } {
    const ordinal = Math.floor(ref / 2 ** 21);
    const row = ref - ordinal * 2 ** 21;
    if (ordinal === current.ordinal) return { row };
    return { row, sheet: this.sheets.find((s) => s.ordinal === ordinal)?.name };
  }

  // ---- records

  push(kind: RecordKind, r: unknown): void {
    if (!this.sink) return;
    let b = this.batches.get(kind);
    if (!b) this.batches.set(kind, (b = []));
    b.push(r);
    if (b.length >= SINK_BATCH) this.needsFlush = true;
  }

  async flush(all = false): Promise<void> {
    this.needsFlush = false;
    if (!this.sink) return;
    for (const [kind, b] of this.batches) {
      while (b.length >= SINK_BATCH) await this.toSink(kind, b.splice(0, SINK_BATCH));
      if (all && b.length > 0) await this.toSink(kind, b.splice(0));
    }
  }

  async toSink(kind: RecordKind, records: unknown[]): Promise<void> {
    if (!this.sink || records.length === 0) return;
    try {
      await this.sink.add(kind, records);
    } catch (err) {
      throw new SinkFailure(err);
    }
  }
}
