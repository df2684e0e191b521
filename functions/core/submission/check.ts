// Validation of one submission (PRODUCT §4–§5): guards and reads the file, walks
// every sheet, row and cell once (streaming: memory stays flat), hands accepted
// records to the sink in batches, and returns the report and the aggregates.
// Never throws on bad input: every problem becomes an issue.
import { QtrackError } from '../errors';
import { department as departmentOf, resolveDepartment } from '../catalog';
import { RECORD_KINDS } from '../sheet-specs';
import type {
  CoverInfo,
  Issue,
  LedgerCertificate,
  Plan,
  RawRow,
  RawSheet,
  RawWorkbook,
  RecordKind,
  RecordSink,
  ValidationOutcome,
  ValidationReport,
} from '../model';
import { normalizePeriod } from '../periods';
import { type SheetSpec, sheetSpec } from '../sheet-specs';
import { type FileLimits, issues as fileIssues, WorkbookError } from '../workbook/guard';
import { openWorkbook } from '../workbook/open';
import type { ByteSource, Inflate } from '../workbook/zip';
import { checkAcceptanceRow } from './acceptances';
import { allowedKinds, isOpeningPeriod, periodIssue, sentKinds } from './admission';
import { checkCertificationRow } from './certifications';
import { checkCoverRow, newCoverState } from './cover';
import { checkIndicatorRow, finishIndicators } from './indicators';
import { checkInspectionRow } from './inspections';
import { placed, say } from './messages';
import { applyPeriodRule, RowCheck } from './row-check';
import { DEFAULT_MAX_ISSUES, emptyAggregates, Run, type SheetRun, SinkFailure } from './run';
import {
  type HeaderMatch,
  HeaderSearch,
  MergeSpreader,
  classifySheet,
  columnLetter,
  isBlankRow,
  isNoteRow,
  sheetLabels,
  specOfKind,
} from './sheets';

export interface CheckContext {
  fileName: string; // the uploaded file's name: decides CSV kind (indicators.csv …)
  inflate: Inflate; // the platform's raw DEFLATE (node:zlib, or a browser's)
  department?: string; // from the S3 key or --department; any alias resolves
  period?: string; // any spelling of §4
  now: Date; // receipt time: decides PERIOD_NOT_STARTED
  plan: Plan;
  limits?: FileLimits;
  maxIssues?: number; // default 1000; then one final TOO_MANY_ISSUES issue
  sink?: RecordSink; // accepted records, in batches, while streaming
  /**
   * The stored certificate ledger (every department, from the opening quarter
   * on), for STOCK_MISMATCH and LEDGER_BELOW_BASELINE; absent when no store is
   * at hand: those checks are skipped and the report's notes say so.
   */
  ledger?: LedgerCertificate[];
  /** id given to this submission's certificates in the ledger view used for STOCK_MISMATCH */
  submissionId?: string;
}

type RowValidator = (rc: RowCheck) => void;
/** The row rules of each sheet kind: a new kind must name its own here (the compiler asks). */
const VALIDATORS: Record<RecordKind, RowValidator> = {
  indicators: checkIndicatorRow,
  inspections: checkInspectionRow,
  certifications: checkCertificationRow,
  acceptances: checkAcceptanceRow,
};

/**
 * Guards, reads and validates; never throws on bad input. A sheet whose merged
 * cells reach into its data (they are declared after the cells) is found only
 * once it has been read: then the whole file is validated again with every
 * sheet's merges read first, and the sink is told to start over.
 */
export async function checkSubmission(input: Uint8Array | ByteSource, ctx: CheckContext): Promise<ValidationOutcome> {
  for (const mergesFirst of [false, true]) {
    const opened = await openWorkbook(input, ctx.fileName, { inflate: ctx.inflate, limits: ctx.limits, mergesFirst });
    if (!opened.ok) return singleIssue(ctx, opened.issue);
    try {
      return await validateWorkbook(opened.workbook, ctx);
    } catch (err) {
      if (!(err instanceof MergesLate)) throw err;
      await ctx.sink?.restart();
    }
  }
  throw new Error('unreachable: the second reading knows every merge');
}

/** A sheet's merges reach into its data rows, but came after them: read again with merges first. */
class MergesLate extends QtrackError {}

/** What validation of an already-read workbook needs: everything but the reading. */
export type ValidationContext = Omit<CheckContext, 'inflate'>;

/** The same on an already-read workbook (tests, and callers that read themselves). */
export async function validateWorkbook(workbook: RawWorkbook, ctx: ValidationContext): Promise<ValidationOutcome> {
  const run = new Run(ctx.plan, ctx.maxIssues ?? DEFAULT_MAX_ISSUES, ctx.sink);
  const given = resolveContext(run, ctx);
  // a period no submission may be for is the one thing to say: nothing else is read
  const refused = run.period && periodIssue(run.period.id, ctx.now, ctx.plan);
  if (refused) return singleIssue(ctx, refused, run.department, run.period!.id);
  run.replaces = workbook.format === 'csv' ? [] : [...RECORD_KINDS];
  const cover = newCoverState();
  let coverSeen = false;
  try {
    const rc = new RowCheck(run);
    let ordinal = 0;
    for await (const sheet of workbook.sheets) {
      ordinal++;
      if (sheet.state !== 'visible') continue; // hidden and very hidden: ignored silently
      const spec = sheet.csvKind ? specOfKind(sheet.csvKind) : sheetSpecOf(run, sheet);
      if (!spec) continue;
      if (sheet.csvKind && sheet.csvKind !== 'cover') run.replaces = [sheet.csvKind];
      const sr: SheetRun = {
        name: sheet.name,
        ordinal,
        spec,
        labels: sheetLabels(sheet.name, spec),
        summary: { name: sheet.name, kind: spec.kind, rows: 0, acceptedRows: 0 },
        cols: {},
        rowErrors: 0,
        kindChecked: false,
      };
      run.sheets.push(sr);
      if (!mayBeSent(run, sr)) continue; // not read: its rows are not this department's to send
      if (spec.kind === 'cover') {
        coverSeen = true;
        for await (const rows of sheet.rows) for (const row of rows) checkCoverRow(run, sr, row, cover, given);
      } else {
        await checkTable(run, rc, sheet, sr, VALIDATORS[spec.kind]!);
      }
    }
    return await finish(run, ctx, given, coverSeen ? cover.info : undefined);
  } catch (err) {
    if (err instanceof MergesLate) throw err;
    if (err instanceof SinkFailure) throw err.original; // storage trouble is the caller's, not the file's
    return singleIssue(ctx, readFailure(err), run.department, run.period?.id);
  }
}

// ---------------------------------------------------------------------------

/** The department and period given by the caller, resolved; bad ones are file-level errors. */
function resolveContext(run: Run, ctx: ValidationContext): { department?: string; period?: string; bad: Set<string> } {
  const out: { department?: string; period?: string; bad: Set<string> } = { bad: new Set() };
  if (ctx.department !== undefined && ctx.department.trim() !== '') {
    const d = resolveDepartment(ctx.department);
    if (d) out.department = run.department = d.code;
    else {
      out.bad.add('department');
      run.fileIssue('error', 'MISSING_CONTEXT', say.unknownDepartmentContext(ctx.department));
    }
  }
  if (ctx.period !== undefined && ctx.period.trim() !== '') {
    const p = normalizePeriod(ctx.period);
    if (p) {
      out.period = p;
      run.setPeriod(p);
    } else {
      out.bad.add('period');
      run.fileIssue('error', 'MISSING_CONTEXT', say.badPeriodContext(ctx.period));
    }
  }
  return out;
}

/**
 * Whether the department may send this sheet's kind; when the department is
 * not known yet (a cover read later) the sheet is read and judged in finish.
 */
function mayBeSent(run: Run, sr: SheetRun): boolean {
  if (sr.spec.kind === 'cover' || run.department === undefined) return true;
  sr.kindChecked = true;
  if (allowedKinds(run.department, run.period?.id, run.plan).includes(sr.spec.kind)) return true;
  run.sheetIssue(sr, 'error', 'SHEET_NOT_ALLOWED', notSentBody(run));
  sr.refused = true;
  return false;
}

function notSentBody(run: Run) {
  if (run.period && isOpeningPeriod(run.period.id, run.plan)) return say.openingLedgerOnly(run.period.id);
  const d = departmentOf(run.department!);
  const sends = sentKinds(run.plan, d.code).map((k) => ({ zh: sheetSpec(k).zh, en: sheetSpec(k).en }));
  return say.sheetNotSent({ zh: d.name, en: d.nameEn }, sends);
}

function sheetSpecOf(run: Run, sheet: RawSheet): SheetSpec | undefined {
  const c = classifySheet(sheet.name);
  if (c === 'help') return undefined;
  if (c === undefined) {
    run.sheetIssue(sheet.name, 'warning', 'UNKNOWN_SHEET', say.unknownSheet());
    return undefined;
  }
  return c.spec;
}

/** Header search, then every data row: blank and note rows skipped, merges spread, cells checked. */
async function checkTable(run: Run, rc: RowCheck, sheet: RawSheet, sr: SheetRun, validate: RowValidator): Promise<void> {
  const required = sr.spec.columns.filter((c) => c.required);
  const search = new HeaderSearch(sr.spec);
  // check: validate rows; count: required columns missing, rows only counted; ignore: no header at all
  let mode = 'search' as 'search' | 'check' | 'count' | 'ignore';
  let spreader = new MergeSpreader([], 0);

  const dataRow = (row: RawRow): void => {
    const cells = row.cells;
    // title, blank and note rows are judged on the file's own cells, before merges spread
    if (isBlankRow(cells) || isNoteRow(cells)) {
      if (!spreader.empty) spreader.apply(row.index, cells, false);
      return;
    }
    if (mode === 'count') {
      sr.summary.rows++;
      sr.rowErrors++;
      return;
    }
    if (!spreader.empty) spreader.apply(row.index, cells, true);
    rc.begin(sr, row.index, cells);
    validate(rc);
  };

  const settle = (): void => {
    const { best, searched } = search;
    if (!best) {
      // a sheet with nothing on it is simply empty; one with content but no header cannot be read
      if (searched.length > 0) {
        run.sheetIssue(sr, 'error', 'MISSING_COLUMN', say.noHeader(required.map((c) => c.zh), required.map((c) => c.en)));
      }
      mode = 'ignore';
      return;
    }
    headerIssues(run, sr, best.match, search.headerRow);
    for (const c of best.match.columns) sr.cols[c.spec.field] = c;
    const missing = required.filter((c) => !sr.cols[c.field]);
    for (const c of missing) run.sheetIssue(sr, 'error', 'MISSING_COLUMN', say.missingColumn(c.zh, c.en));
    mode = missing.length > 0 ? 'count' : 'check';
    spreader = new MergeSpreader(sheet.merges, search.headerRow);
    // one batch id a row: room for them all at once (and 5% more, the hint may be an
    // estimate), so that the table need not grow and copy itself
    if (sr.spec.kind === 'inspections' && sheet.rowsHint) run.batchIds.reserve(run.batchIds.size + Math.ceil(sheet.rowsHint * 1.05));
    for (let i = best.at + 1; i < searched.length; i++) dataRow(searched[i]!);
  };

  for await (const rows of sheet.rows) {
    for (const row of rows) {
      if (mode === 'search') {
        if (search.push(row)) settle();
      } else if (mode !== 'ignore') dataRow(row);
    }
    if (run.needsFlush) await run.flush();
  }
  if (mode === 'search') settle();
  // merged cells below the header spread their value over data rows: if they were
  // declared only after the rows, the rows were read without them
  const headerRow = search.headerRow;
  if (!sheet.mergesFirst && mode !== 'ignore' && sheet.merges.some((m) => m.top > headerRow && (m.bottom > m.top || m.right > m.left))) {
    throw new MergesLate(sr.name);
  }
}

/** UNKNOWN_COLUMN warnings at header cells: unknown headers and repeated columns. */
function headerIssues(run: Run, sr: SheetRun, match: HeaderMatch, headerRow: number): void {
  for (const h of match.cells) {
    if (h.type !== 'unknown' && h.type !== 'duplicate') continue;
    const column = columnLetter(h.index);
    const cell = `${column}${headerRow}`;
    const body = h.type === 'unknown' ? say.unknownColumn() : say.duplicateColumn(`${h.first.letter}${headerRow}`);
    run.add({
      severity: 'warning',
      code: 'UNKNOWN_COLUMN',
      sheet: sr.name,
      row: headerRow,
      column,
      cell,
      header: h.header,
      value: h.header,
      message: placed({ sheetZh: sr.labels.zh, sheetEn: sr.labels.en, row: headerRow, cell, headerZh: h.header, headerEn: h.header }, body),
    });
  }
}

/** Rules that need the whole file, then the report. */
async function finish(
  run: Run,
  ctx: ValidationContext,
  given: { department?: string; period?: string; bad: Set<string> },
  cover: CoverInfo | undefined,
): Promise<ValidationOutcome> {
  const dataSheets = run.sheets.filter((s) => s.spec.kind !== 'cover');
  const read = dataSheets.filter((s) => !s.refused); // a refused sheet says why on its own
  if (dataSheets.length === 0) run.fileIssue('error', 'NO_KNOWN_SHEET', say.noKnownSheet());
  else if (read.length === 0) run.noData = true;
  // an untouched template uploaded by mistake must not replace the quarter's real data
  else if (read.every((s) => s.summary.rows === 0)) {
    run.noData = true;
    run.fileIssue('error', 'NO_DATA', say.noData());
  }

  const missing = (['department', 'period'] as const).filter(
    (k) => !given.bad.has(k) && (k === 'department' ? !run.department : !run.period),
  );
  if (missing.length > 0) run.fileIssue('error', 'MISSING_CONTEXT', say.missingContext([...missing]));

  if (run.period) {
    // a period from the cover no submission may be for: that alone is the answer
    const refused = periodIssue(run.period.id, ctx.now, ctx.plan);
    if (refused) return standsAlone(run, ctx, refused);
    // period rules of rows read before the cover gave the period
    for (const d of run.deferred) {
      applyPeriodRule(run, d.kind, d.sheet, d.row, d.col, d.iso, (severity) => {
        if (severity !== 'error' || d.rowState.hasError) return;
        d.rowState.hasError = true;
        d.sheet.summary.acceptedRows--;
        d.sheet.rowErrors++;
      });
    }
  }

  // sheets read before the cover named the department
  for (const sr of run.sheets) {
    if (sr.kindChecked || !run.department || mayBeSent(run, sr)) continue;
    sr.summary.acceptedRows = 0;
  }

  await finishIndicators(run, { ledger: ctx.ledger, submissionId: ctx.submissionId ?? 'this-submission' });
  await run.flush(true);

  run.aggregates.acceptances.greenArea = run.greenArea100 / 100;
  run.aggregates.acceptances.totalArea = run.totalArea100 / 100;

  const report: ValidationReport = {
    status: run.errors > 0 ? 'rejected' : 'accepted',
    ...(run.department ? { department: run.department } : {}),
    ...(run.period ? { period: run.period.id } : {}),
    file: ctx.fileName,
    ...(ctx.submissionId ? { submissionId: ctx.submissionId } : {}),
    receivedAt: ctx.now.toISOString(),
    sheets: run.sheets.map((s) => s.summary),
    issues: run.finalIssues(),
    counts: { errors: run.errors, warnings: run.warnings },
    replaces: run.errors > 0 ? [] : run.replaces,
    ...(run.notes.length ? { notes: run.notes } : {}),
  };
  return { report, aggregates: run.aggregates, ...(cover ? { cover } : {}) };
}

/** A report whose one issue is a file-level one that makes every other moot (a period no submission may be for). */
function standsAlone(run: Run, ctx: ValidationContext, issue: Issue): ValidationOutcome {
  const outcome = singleIssue(ctx, issue, run.department, run.period?.id);
  outcome.report.sheets = run.sheets.map((s) => ({ ...s.summary, acceptedRows: 0 }));
  return outcome;
}

/** The issue for a failure while reading: the reader's own (WorkbookError), else FILE_CORRUPT. */
function readFailure(err: unknown): Issue {
  if (err instanceof WorkbookError) return err.issue;
  return fileIssues.corrupt(err instanceof Error ? err.message : String(err));
}

/** A report with one file-level issue: nothing of the file counts as accepted. */
function singleIssue(ctx: ValidationContext, issue: Issue, department?: string, period?: string): ValidationOutcome {
  const dep = department ?? (ctx.department ? resolveDepartment(ctx.department)?.code : undefined);
  const per = period ?? (ctx.period ? normalizePeriod(ctx.period) : undefined);
  const report: ValidationReport = {
    status: issue.severity === 'error' ? 'rejected' : 'accepted',
    ...(dep ? { department: dep } : {}),
    ...(per ? { period: per } : {}),
    file: ctx.fileName,
    ...(ctx.submissionId ? { submissionId: ctx.submissionId } : {}),
    receivedAt: ctx.now.toISOString(),
    sheets: [],
    issues: [issue],
    counts: { errors: issue.severity === 'error' ? 1 : 0, warnings: issue.severity === 'warning' ? 1 : 0 },
    replaces: [],
  };
  return { report, aggregates: emptyAggregates() };
}
