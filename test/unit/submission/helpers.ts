// In-memory RawWorkbooks for validation tests: rows as arrays of plain values.
import { expect } from 'vitest';
import { loadPlan } from '../../../functions/core/catalog';
import type {
  AcceptanceRecord,
  CellRange,
  CertificationRecord,
  IndicatorRecord,
  InspectionRecord,
  Issue,
  RawCell,
  RawRow,
  RawSheet,
  RawWorkbook,
  RecordSink,
  SheetKind,
  ValidationOutcome,
} from '../../../functions/core/model';
import { type CheckContext, validateWorkbook } from '../../../functions/core/submission/check';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';

export type CellInput = string | number | boolean | null | undefined | RawCell;

export const plan = loadPlan('15th');

/** A number cell formatted as a date (1900 serial). */
export const date = (serial: number): RawCell => ({ kind: 'number', num: serial, date: true });
/** A number cell formatted as a percentage. */
export const pct = (num: number): RawCell => ({ kind: 'number', num, percent: true });
export const formulaError = (text = '#DIV/0!'): RawCell => ({ kind: 'error', text, formula: true });
export const noCache = (formula = 'SUM(A1:A2)'): RawCell => ({ kind: 'nocache', text: formula, formula: true });

function toCell(v: CellInput): RawCell | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return { kind: 'string', text: v };
  if (typeof v === 'number') return { kind: 'number', num: v };
  if (typeof v === 'boolean') return { kind: 'boolean', bool: v };
  return v;
}

export interface SheetOptions {
  state?: RawSheet['state'];
  merges?: CellRange[];
  /** Excel row number of the first array row (default 1) */
  startRow?: number;
  csvKind?: SheetKind;
}

/** A sheet whose row i is Excel row startRow + i; empty arrays are blank rows (omitted, as readers do). */
export function sheet(name: string, rows: CellInput[][], opts: SheetOptions = {}): RawSheet {
  const start = opts.startRow ?? 1;
  const raw: RawRow[] = rows
    .map((cells, i) => ({ index: start + i, cells: cells.map(toCell) }))
    .filter((r) => r.cells.length > 0);
  return {
    name,
    state: opts.state ?? 'visible',
    merges: opts.merges ?? [],
    mergesFirst: true,
    ...(opts.csvKind ? { csvKind: opts.csvKind } : {}),
    rows: {
      // in batches of three, as a reader hands them over
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < raw.length; i += 3) yield raw.slice(i, i + 3).map((r) => ({ index: r.index, cells: [...r.cells] }));
      },
    },
  };
}

export function workbook(...sheets: RawSheet[]): RawWorkbook {
  return {
    format: 'xlsx',
    sheets: {
      async *[Symbol.asyncIterator]() {
        yield* sheets;
      },
    },
  };
}

/** A sink that keeps everything, and the batch sizes it was called with. */
export function memorySink() {
  const got = {
    inspections: [] as InspectionRecord[],
    certifications: [] as CertificationRecord[],
    acceptances: [] as AcceptanceRecord[],
    indicators: [] as IndicatorRecord[],
    batches: [] as { kind: string; size: number }[],
    restarts: 0,
  };
  const sink: RecordSink = {
    add: async (kind, r) => void ((got[kind] as unknown[]).push(...r), got.batches.push({ kind, size: r.length })),
    restart: () => {
      got.restarts++;
      for (const kind of ['inspections', 'certifications', 'acceptances', 'indicators'] as const) got[kind].length = 0;
      got.batches.length = 0;
    },
  };
  return { sink, got };
}

/** 2026-Q1 for market-regulation, received mid-quarter. */
export function ctx(over: Partial<CheckContext> = {}): CheckContext {
  return {
    fileName: 'submission.xlsx',
    inflate: nodeInflate,
    department: 'market-regulation',
    period: '2026-Q1',
    now: new Date('2026-04-05T02:00:00Z'),
    plan,
    ...over,
  };
}

export function validate(wb: RawWorkbook, over: Partial<CheckContext> = {}): Promise<ValidationOutcome> {
  return validateWorkbook(wb, ctx(over));
}

/** The issues, without INDICATOR_MISSING (see codes). */
export function issuesOf(o: ValidationOutcome): Issue[] {
  return o.report.issues.filter((i) => i.code !== 'INDICATOR_MISSING');
}

/** Error and warning counts, without INDICATOR_MISSING (see codes). */
export function countsOf(o: ValidationOutcome): { errors: number; warnings: number } {
  const left = o.report.issues.filter((i) => i.code === 'INDICATOR_MISSING').length;
  return { errors: o.report.counts.errors, warnings: o.report.counts.warnings - left };
}

/**
 * The issue codes, without INDICATOR_MISSING: most tests send a sheet or two,
 * and content completeness (the indicators left out) has tests of its own.
 */
export function codes(o: ValidationOutcome): string[] {
  return o.report.issues.filter((i) => i.code !== 'INDICATOR_MISSING').map((i) => i.code);
}

/** The single issue with this code (fails when there are none or several). */
export function only(o: ValidationOutcome, code: string): Issue {
  const found = o.report.issues.filter((i) => i.code === code);
  expect(found, `issues: ${JSON.stringify(o.report.issues.map((i) => `${i.code}@${i.cell ?? i.sheet ?? 'file'}`))}`).toHaveLength(1);
  return found[0]!;
}

// Valid codes (checked against an independent implementation): Tencent, Huawei, Alibaba.
export const CODE_A = '9144030071526726XG';
export const CODE_B = '914403001922038216';
export const CODE_C = '91330100799655058B';

export const INSPECTION_HEADER = ['序号', '批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目'];
export const CERT_HEADER = ['认证类型', '获证单位', '统一社会信用代码', '证书编号', '产品或服务名称', '发证日期', '有效期至', '状态'];
export const ACCEPTANCE_HEADER = ['工程名称', '竣工验收日期', '验收结论', '绿色建筑', '建筑面积(㎡)'];
export const INDICATOR_HEADER = ['指标代码', '指标名称', '数值', '分子', '分母', '单位', '备注'];
