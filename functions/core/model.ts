// The domain model shared by every part of the core: what a submission is made
// of, what validation reports, what evaluation and alerts produce. Plain data,
// no behaviour; JSON Schemas in schemas/ describe the parts that leave the system.

/** User-visible text: Chinese first, English second. */
export interface Lang {
  zh: string;
  en: string;
}

// ---------------------------------------------------------------------------
// Departments and plan catalog (schemas/departments.json, schemas/plan-*.json)

export interface Department {
  code: string;
  name: string; // short Chinese name, e.g. 区市场监管局
  nameEn: string;
  /** the sheet kinds it submits (schemas/departments.json); another kind is an error at sheet level */
  sends: RecordKind[];
  aliases: string[]; // full official names and other spellings
}

export type IndicatorKind = 'threshold' | 'flow' | 'stock' | 'level' | 'qualitative';
export type IndicatorUnit = '%' | '个' | '项' | '件' | '名' | '件/万人' | 'rating';

export interface SourceRef {
  seed: string; // seed file name
  line: number; // 1-based line in the seed file
  text: string; // the words the target came from
}

export interface IndicatorDef {
  code: string;
  name: string; // Chinese name as in the plan
  nameEn: string;
  unit: IndicatorUnit;
  unitAliases?: string[]; // other spellings of the unit accepted on 指标 (the seed writes 件 for 件/万人)
  kind: IndicatorKind;
  owner: string; // department code
  delegates?: string[]; // other departments allowed to report it on 指标
  /** threshold: floor ('gte') or exact value ('eq'); paced kinds: the plan-end target. */
  target: number | string;
  comparison?: 'gte' | 'eq'; // threshold only
  /** stock: level at the plan's start. null or absent: pace from the first reported value. */
  baseline?: number | null;
  /** paced kinds: share of the pace value below which a shortfall is a breach (default plan.tolerance). */
  tolerance?: number;
  /** How the value is obtained: reported on 指标, derived from record rows, or counted from the ledger. */
  source:
    | { from: 'reported' }
    | { from: 'inspections'; categories: 'building-material' | 'other' }
    | { from: 'acceptances'; measure: 'pass-rate' | 'green-share' }
    | { from: 'ledger'; certificationType: CertificationType };
  ratings?: string[]; // qualitative only: accepted rating texts
  ref: SourceRef;
  note?: string;
}

export interface Plan {
  id: string; // '15th'
  name: string;
  nameEn: string;
  firstPeriod: string; // '2026-Q1'
  lastPeriod: string; // '2030-Q4'
  tolerance: number; // default 0.1
  indicators: IndicatorDef[];
  comparisons: CityComparison[];
}

export interface CityComparison {
  label: string;
  labelEn: string;
  year: number;
  value: number;
  unit: string;
  indicator?: string; // the plan indicator it sits beside
  ref: SourceRef;
}

// ---------------------------------------------------------------------------
// Reading: what a workbook reader hands to validation (one model for xlsx and csv)

export interface RawCell {
  kind: 'string' | 'number' | 'boolean' | 'error' | 'nocache';
  text?: string; // string value; error text ('#DIV/0!'); for nocache the formula
  num?: number; // numbers; dates as 1900-system serials (1904 workbooks already shifted)
  bool?: boolean;
  percent?: boolean; // the cell's number format is a percentage
  date?: boolean; // the cell's number format is a date (incl. CJK built-ins 27–36, 50–58)
  formula?: boolean; // value is a formula's cached result
}

export interface RawRow {
  /** Excel row number as the user sees it (CSV: line number, header line = 1). */
  index: number;
  /** 0-based column index → cell; holes are empty cells. */
  cells: (RawCell | undefined)[];
}

export interface CellRange {
  top: number; // Excel row numbers, 1-based, inclusive
  left: number; // 1-based column numbers, inclusive
  bottom: number;
  right: number;
}

export interface RawSheet {
  name: string;
  /** for CSV: the sheet kind given by the file name */
  csvKind?: SheetKind;
  state: 'visible' | 'hidden' | 'veryHidden';
  /**
   * The merged ranges. An xlsx part declares them after its cells, so on a
   * first reading this array fills only once the rows are read (mergesFirst
   * false); a reader asked for them first reads the part twice.
   */
  merges: CellRange[];
  mergesFirst: boolean;
  /** The data rows in reading order, in batches; the consumer's pace drives the reading. */
  rows: AsyncIterable<RawRow[]>;
  /** About how many rows the sheet holds (an xlsx sheet's <dimension>, or an estimate from its size); known once rows arrive. */
  rowsHint?: number;
}

export interface RawWorkbook {
  format: 'xlsx' | 'csv';
  sheets: AsyncIterable<RawSheet>;
}

// ---------------------------------------------------------------------------
// Validation

export type SheetKind = 'cover' | 'indicators' | 'inspections' | 'certifications' | 'acceptances';
/** The sheet kinds that carry records (every kind but the cover). */
export type RecordKind = Exclude<SheetKind, 'cover'>;

export type IssueCode =
  | 'FILE_NOT_WORKBOOK'
  | 'FILE_LEGACY_XLS'
  | 'FILE_ENCRYPTED'
  | 'FILE_MACROS'
  | 'FILE_TOO_LARGE'
  | 'FILE_CORRUPT'
  | 'NO_KNOWN_SHEET'
  | 'NO_DATA'
  | 'BAD_KEY'
  | 'PERIOD_NOT_STARTED'
  | 'PERIOD_BEFORE_PLAN'
  | 'SHEET_NOT_ALLOWED'
  | 'MISSING_COLUMN'
  | 'UNKNOWN_SHEET'
  | 'UNKNOWN_COLUMN'
  | 'REQUIRED'
  | 'INVALID_NUMBER'
  | 'INVALID_PERCENT'
  | 'AMBIGUOUS_FRACTION'
  | 'OUT_OF_RANGE'
  | 'INVALID_DATE'
  | 'DATE_OUTSIDE_PERIOD'
  | 'INVALID_ENUM'
  | 'INVALID_CREDIT_CODE'
  | 'DUPLICATE'
  | 'FORMULA_ERROR'
  | 'FORMULA_NO_VALUE'
  | 'UNKNOWN_INDICATOR'
  | 'INDICATOR_NOT_OWNED'
  | 'NUMERATOR_EXCEEDS_DENOMINATOR'
  | 'VALUE_MISMATCH'
  | 'DERIVED_MISMATCH'
  | 'UNIT_MISMATCH'
  | 'NAME_MISMATCH'
  | 'COVER_MISMATCH'
  | 'FAILED_ITEMS_MISSING'
  | 'EXPIRY_BEFORE_ISSUE'
  | 'ISSUED_AFTER_PERIOD'
  | 'CERTIFICATE_EXPIRED'
  | 'STOCK_MISMATCH'
  | 'LEDGER_BELOW_BASELINE'
  | 'VALUE_MISSING'
  | 'INDICATOR_MISSING'
  | 'CATEGORY_NOT_BUILDING_MATERIAL'
  | 'INVALID_TEXT'
  | 'MISSING_CONTEXT'
  | 'TOO_MANY_ISSUES'
  | 'TOO_MANY_ROWS';

export interface Issue {
  severity: 'error' | 'warning';
  code: IssueCode;
  sheet?: string; // absent: file-level
  row?: number; // absent: sheet-level
  column?: string; // column letter, 'D'
  cell?: string; // 'D12'
  header?: string; // the header text as written in the file
  field?: string; // record field name, 'creditCode'
  value?: string | number | boolean | null; // the value found
  message: Lang;
}

export interface SheetSummary {
  name: string;
  kind: SheetKind;
  rows: number; // data rows seen
  acceptedRows: number; // data rows without an error
  /** ingest: the rows stored for this sheet, once storage was read back and matched validation */
  storedRows?: number;
}

/** The report of §9: the same for `qtrack validate --json` and the ingest report in S3. */
export interface ValidationReport {
  status: 'accepted' | 'rejected';
  department?: string;
  period?: string;
  file?: string;
  submissionId?: string;
  receivedAt?: string;
  sheets: SheetSummary[];
  issues: Issue[];
  /** counts of all issues, including those beyond the cap */
  counts: { errors: number; warnings: number };
  /** the sheet kinds this upload replaces once accepted: every kind for a workbook, its own for a CSV */
  replaces?: RecordKind[];
  /** what validation could not check, and why (e.g. no stored ledger at hand), Chinese first */
  notes?: Lang[];
  /** ingest: where the annotated copy is, and whether it is the clerk's workbook or only the issue list (and why) */
  annotated?: { key: string; form: 'copy' | 'list'; reason?: Lang };
}

// ---------------------------------------------------------------------------
// Records: the accepted rows of a submission, each with where it came from

export interface Provenance {
  sheet: string;
  row: number;
}

export interface IndicatorRecord {
  code: string;
  name?: string;
  /** number for quantitative indicators (percent as 96.5), rating text for the qualitative one */
  value: number | string;
  numerator?: number;
  denominator?: number;
  unit?: string;
  note?: string;
  src: Provenance;
}

export type CheckLevel = 'national' | 'municipal' | 'district';
export type CheckResult = 'pass' | 'fail';

export interface InspectionRecord {
  batchId: string;
  category: string;
  enterprise: string;
  creditCode: string;
  samplingDate: string; // ISO yyyy-mm-dd
  level: CheckLevel;
  result: CheckResult;
  failedItems?: string;
  src: Provenance;
}

export type CertificationType =
  | 'shanghai-brand'
  | 'shanghai-standard'
  | 'iso9001'
  | 'ccc'
  | 'green-product'
  | 'other';
export type CertificationStatus = 'valid' | 'suspended' | 'withdrawn';

export interface CertificationRecord {
  type: CertificationType;
  holder: string;
  creditCode: string;
  certificateNo: string;
  product?: string;
  issuedOn: string; // ISO date
  expiresOn?: string; // ISO date; absent: no expiry
  status: CertificationStatus;
  src: Provenance;
}

export interface AcceptanceRecord {
  project: string;
  acceptedOn: string; // ISO date
  result: CheckResult;
  green: boolean;
  floorArea: number; // m²
  src: Provenance;
}

export interface CoverInfo {
  department?: string; // resolved department code
  period?: string;
  preparedBy?: string;
  phone?: string;
  date?: string;
}

/** Integer counts and summed areas of a submission, from which rates are computed. */
export interface SubmissionAggregates {
  inspections: {
    other: { passed: number; total: number };
    buildingMaterial: { passed: number; total: number };
  };
  acceptances: { passed: number; total: number; greenArea: number; totalArea: number };
  /** values reported on 指标, by indicator code */
  indicators: Record<string, IndicatorRecord>;
}

/** Where validation hands accepted records while it streams (ingest stores them; validate discards). */
export interface RecordSink {
  /** Accepted records of one sheet kind, in order, in batches. */
  add(kind: RecordKind, records: unknown[]): Promise<void> | void;
  /** Forget every record given so far: the file is being validated again from the start. */
  restart(): Promise<void> | void;
}

export interface ValidationOutcome {
  report: ValidationReport;
  aggregates: SubmissionAggregates;
  cover?: CoverInfo;
}

// ---------------------------------------------------------------------------
// Stored submissions (what storage gives evaluation, monitoring and summary)

export interface SubmissionVersion {
  submissionId: string; // stable id of one uploaded object version
  department: string;
  period: string;
  receivedAt: string; // ISO date-time
  status: 'accepted' | 'rejected';
  objectKey: string; // S3 key of the raw file
  objectVersion?: string;
  fileName: string;
  reportKey: string; // S3 key of the report JSON
  annotatedKey?: string; // S3 key of the annotated workbook
  aggregates: SubmissionAggregates;
  issueCounts: Record<string, number>; // `${severity}:${code}` → count, e.g. 'error:INVALID_CREDIT_CODE'
  errors: number;
  warnings: number;
  /**
   * The sheet kinds this version replaces once current: every kind for a
   * workbook (it is the whole submission), its own kind for a CSV upload.
   * Absent on versions stored before per-kind currency: every kind.
   */
  replaces?: RecordKind[];
  /** who uploaded it through the portal (the signed-in e-mail); absent for CLI and console uploads */
  uploadedBy?: string;
  /** the portal's upload id, by which the portal finds the version of its upload */
  uploadId?: string;
}

/** A version that is current for some sheet kinds of its department and period. */
export interface CurrentVersion extends SubmissionVersion {
  /** the kinds whose current data this version is (a later CSV may have replaced some) */
  currentFor: RecordKind[];
}

/** A certificate row as it stands in the ledger: the record plus who reported it, when. */
export interface LedgerCertificate extends CertificationRecord {
  department: string;
  period: string; // the period of the submission that reported it
  submissionId: string;
}

// ---------------------------------------------------------------------------
// Evaluation (§6)

export type IndicatorStatus = 'met' | 'at_risk' | 'breached' | 'no_data' | 'needs_review';

export interface SeriesPoint {
  period: string;
  /** the tracked value: for a flow the total since the plan's start */
  value: number | string | null;
  /** the quarter's own figure: for a flow the quarter's amount, otherwise the value */
  quarter: number | string | null;
  expected: number | null; // pace (paced kinds) or floor (threshold)
  status: IndicatorStatus;
}

export interface IndicatorEvaluation {
  code: string;
  name: string;
  nameEn: string;
  unit: IndicatorUnit;
  kind: IndicatorKind;
  owner: string;
  status: IndicatorStatus;
  /** the tracked value this period (the status is judged on it): a flow's total since the plan's start */
  value: number | string | null;
  /** the quarter's own figure: a flow's amount for the quarter; otherwise the value */
  quarter: number | string | null;
  /** flows: the total since the plan's start (= value); null for other kinds */
  cumulative: number | null;
  target: number | string;
  baseline: number | null;
  expected: number | null; // pace at this period (paced kinds), null otherwise
  previous: { period: string; value: number | string; status: IndicatorStatus } | null; // last reported
  /**
   * The calendar year up to this period: a flow's amounts summed; a rate pooled
   * from the counts (or floor areas) of the year's quarters (null when a
   * quarter's rate came without counts); a stock, level or rating: its value.
   */
  yearToDate: number | string | null;
  series: SeriesPoint[]; // every plan quarter up to this period
  sources: string[]; // submission ids the value came from
  notes: Lang[]; // e.g. reported stock differs from ledger
}

export interface EvaluationResult {
  plan: string;
  period: string;
  indicators: IndicatorEvaluation[];
}

// ---------------------------------------------------------------------------
// Alerts (§7)

export type AlertType =
  | 'TARGET_BREACHED'
  | 'TARGET_AT_RISK'
  | 'SHARP_DECLINE'
  | 'TARGET_RECOVERED'
  | 'SUBMISSION_REJECTED'
  | 'SUBMISSION_LATE'
  | 'CERTIFICATE_EXPIRING';

export interface Alert {
  id: string; // deterministic from the identity
  type: AlertType;
  severity: 'critical' | 'warning' | 'info';
  period: string;
  department: string;
  indicator?: string;
  certificate?: string; // 'type:number' for CERTIFICATE_EXPIRING
  value?: number | string | null;
  target?: number | string | null;
  expected?: number | null;
  message: Lang;
  createdAt: string; // ISO date-time
  source?: string; // submission id that caused it
}
