// The quarterly summary of §8 as one value: every indicator against its target,
// who submitted, the alerts, data quality and the city-wide comparison figures.
// The renderers (csv, xlsx, html) read only this value, so they cannot disagree
// about what the quarter looked like; schemas/summary.schema.json mirrors it.
import { DEPARTMENTS } from '../catalog';
import type {
  Alert,
  CityComparison,
  Department,
  EvaluationResult,
  IndicatorEvaluation,
  IndicatorKind,
  IndicatorStatus,
  IndicatorUnit,
  IssueCode,
  Lang,
  Plan,
  SeriesPoint,
} from '../model';
import { comparePeriods, normalizePeriod, quarterIndex } from '../periods';
import type { CurrentSource, DepartmentPeriodStatus, SubmissionState } from '../submission-status';
import { type AlertSeverity, SEVERITY_ORDER, STATUS_ORDER, SUBMISSION_ORDER } from '../labels';
import { kindRule } from '../indicator-kinds';

export interface DataQualityRow {
  department: string;
  code: IssueCode;
  severity: 'error' | 'warning';
  count: number;
}

export interface SummaryInput {
  plan: Plan;
  period: string;
  generatedAt: string; // ISO date-time
  evaluation: EvaluationResult;
  submissions: DepartmentPeriodStatus[]; // every department in the registry
  alerts: Alert[]; // alerts stored for the period
  dataQuality: DataQualityRow[]; // from every version (accepted and rejected) of the period
}

export const SUMMARY_SCHEMA_ID = 'qtrack.summary/1';

export interface SummaryIndicator {
  code: string;
  name: Lang;
  unit: IndicatorUnit;
  kind: IndicatorKind;
  owner: string;
  ownerName: Lang;
  /** threshold: the floor or exact value; paced kinds: the plan-end target; qualitative: the rating aimed at */
  target: number | string;
  /** threshold only: at least ('gte') or exactly ('eq') the target; null for other kinds */
  comparison: 'gte' | 'eq' | null;
  baseline: number | null;
  /** the tracked value (the status is judged on it): a flow's total since the plan's start */
  value: number | string | null;
  /** 本季度: the quarter's own figure (a flow's amount for the quarter) */
  quarter: number | string | null;
  /** 累计: a flow's total since the plan's start; null for other kinds */
  cumulative: number | null;
  /** last reported: its tracked value and its quarter's own figure */
  previous: { period: string; value: number | string; quarter: number | string | null; status: IndicatorStatus } | null;
  /** 年度累计: a rate pooled from the year's counts, a flow's year sum, a stock or level's level */
  yearToDate: number | string | null;
  expected: number | null; // pace at this quarter (paced kinds)
  status: IndicatorStatus;
  /** every plan quarter up to this one, oldest first: the trend chart */
  series: SeriesPoint[];
  sources: string[];
  notes: Lang[];
}

export interface SummarySubmission {
  department: string;
  name: Lang;
  owns: boolean;
  state: SubmissionState;
  firstAcceptedAt: string | null;
  versions: number;
  rejectedVersions: number;
  /** per sheet kind, the upload the department's current data of that kind comes from */
  current: CurrentSource[];
  /** indicators it owns that its current data leaves without a value; non-empty: 不完整 / incomplete */
  missing: string[];
}

export interface SummaryAlert extends Alert {
  departmentName: Lang;
  indicatorName: Lang | null;
}

export interface SummaryDataQualityRow extends DataQualityRow {
  departmentName: Lang;
}

export interface Summary {
  schema: typeof SUMMARY_SCHEMA_ID;
  plan: { id: string; name: Lang; firstPeriod: string; lastPeriod: string };
  period: string;
  /** 1-based quarter of the plan (2026-Q1 of the 15th plan → 1) */
  planQuarter: number;
  generatedAt: string;
  totals: {
    indicators: Record<IndicatorStatus, number>;
    submissions: Record<SubmissionState, number>;
    alerts: Record<AlertSeverity, number>;
    dataQuality: { error: number; warning: number };
  };
  indicators: SummaryIndicator[];
  submissions: SummarySubmission[];
  alerts: SummaryAlert[];
  dataQuality: SummaryDataQualityRow[];
  comparisons: CityComparison[];
}

const NOT_EVALUATED: Lang = { zh: '本期未评估', en: 'not evaluated for this period' };

/** Upstream bugs (NaN, Infinity) must not reach JSON as null-in-disguise or crash a renderer. */
function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function numOrText(v: number | string | null | undefined): number | string | null {
  if (typeof v === 'string') return v;
  return finite(v as number | null | undefined);
}

function nonNegativeInt(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

function departmentName(code: string, registry: Map<string, Department>): Lang {
  const d = registry.get(code);
  return d ? { zh: d.name, en: d.nameEn } : { zh: code, en: code };
}

function cleanSeries(series: SeriesPoint[] | undefined, period: string): SeriesPoint[] {
  const byPeriod = new Map<string, SeriesPoint>();
  for (const p of series ?? []) {
    const canonical = typeof p?.period === 'string' ? normalizePeriod(p.period) : undefined;
    if (!canonical || comparePeriods(canonical, period) > 0) continue;
    byPeriod.set(canonical, {
      period: canonical,
      value: numOrText(p.value),
      quarter: numOrText(p.quarter),
      expected: finite(p.expected),
      status: p.status,
    });
  }
  return [...byPeriod.values()].sort((a, b) => comparePeriods(a.period, b.period));
}

function summaryIndicator(
  plan: Plan,
  code: string,
  e: IndicatorEvaluation | undefined,
  period: string,
  registry: Map<string, Department>,
): SummaryIndicator {
  const def = plan.indicators.find((i) => i.code === code);
  const owner = e?.owner ?? def?.owner ?? '';
  const kind = e?.kind ?? def?.kind ?? 'threshold';
  const rule = kindRule(kind);
  const series = cleanSeries(e?.series, period);
  const previousPeriod = e?.previous ? normalizePeriod(e.previous.period) : undefined;
  const previous =
    e?.previous && previousPeriod && numOrText(e.previous.value) !== null
      ? {
          period: previousPeriod,
          value: numOrText(e.previous.value)!,
          quarter: series.find((p) => p.period === previousPeriod)?.quarter ?? (rule.accumulates ? null : numOrText(e.previous.value)),
          status: e.previous.status,
        }
      : null;
  return {
    code,
    name: { zh: e?.name ?? def?.name ?? code, en: e?.nameEn ?? def?.nameEn ?? code },
    unit: e?.unit ?? def?.unit ?? '个',
    kind,
    owner,
    ownerName: departmentName(owner, registry),
    target: numOrText(e?.target ?? def?.target ?? null) ?? '',
    comparison: rule.series === 'threshold' ? (def?.comparison ?? 'gte') : null,
    baseline: finite(e ? e.baseline : (def?.baseline ?? null)),
    value: numOrText(e?.value),
    quarter: numOrText(e ? (e.quarter ?? (rule.accumulates ? null : e.value)) : null),
    cumulative: rule.accumulates ? finite(e?.cumulative ?? (typeof e?.value === 'number' ? e.value : null)) : null,
    previous,
    yearToDate: numOrText(e?.yearToDate),
    expected: finite(e?.expected),
    status: e?.status ?? 'no_data',
    series,
    sources: e?.sources ?? [],
    notes: e ? (e.notes ?? []) : [NOT_EVALUATED],
  };
}

/** Copies only the fields of §7, so a stored alert carrying extra properties still fits the schema. */
function summaryAlert(a: Alert, registry: Map<string, Department>, indicatorNames: Map<string, Lang>): SummaryAlert {
  const out: SummaryAlert = {
    id: a.id,
    type: a.type,
    severity: a.severity,
    period: a.period,
    department: a.department,
    message: { zh: a.message?.zh ?? '', en: a.message?.en ?? '' },
    createdAt: a.createdAt,
    departmentName: departmentName(a.department, registry),
    indicatorName: a.indicator ? (indicatorNames.get(a.indicator) ?? { zh: a.indicator, en: a.indicator }) : null,
  };
  if (a.indicator !== undefined) out.indicator = a.indicator;
  if (a.certificate !== undefined) out.certificate = a.certificate;
  if (a.value !== undefined) out.value = numOrText(a.value);
  if (a.target !== undefined) out.target = numOrText(a.target);
  if (a.expected !== undefined) out.expected = finite(a.expected);
  if (a.source !== undefined) out.source = a.source;
  return out;
}

function countBy<K extends string>(keys: K[], values: K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const v of values) if (v in out) out[v] += 1;
  return out;
}

/**
 * Builds the summary for one period. Indicators follow the plan's order (any the
 * evaluation has beyond the plan come after); departments follow the registry;
 * alerts are ordered by severity then type; data-quality rows with the same
 * department, code and severity are merged.
 */
export function buildSummary(input: SummaryInput): Summary {
  const period = normalizePeriod(input.period);
  if (!period) throw new RangeError(`not a period: ${input.period}`);
  const { plan } = input;
  const registry = new Map(DEPARTMENTS.map((d) => [d.code, d]));
  const registryOrder = new Map(DEPARTMENTS.map((d, i) => [d.code, i]));
  const deptRank = (code: string) => registryOrder.get(code) ?? Number.MAX_SAFE_INTEGER;

  const evaluated = new Map((input.evaluation?.indicators ?? []).map((e) => [e.code, e]));
  const codes = [...plan.indicators.map((i) => i.code), ...[...evaluated.keys()].filter((c) => !plan.indicators.some((i) => i.code === c))];
  const indicators = codes.map((c) => summaryIndicator(plan, c, evaluated.get(c), period, registry));

  const submissions: SummarySubmission[] = input.submissions
    .map((s) => ({
      department: s.department,
      name: departmentName(s.department, registry),
      owns: Boolean(s.owns),
      state: s.state,
      firstAcceptedAt: s.firstAcceptedAt ?? null,
      versions: nonNegativeInt(s.versions),
      rejectedVersions: nonNegativeInt(s.rejectedVersions),
      current: (s.current ?? []).map((c) => ({ kind: c.kind, submissionId: c.submissionId, fileName: c.fileName, receivedAt: c.receivedAt })),
      missing: [...(s.missing ?? [])],
    }))
    .sort((a, b) => deptRank(a.department) - deptRank(b.department) || a.department.localeCompare(b.department));

  const indicatorNames = new Map(indicators.map((i) => [i.code, i.name]));
  const indicatorRank = (code: string | undefined) => (code === undefined ? -1 : codes.indexOf(code) >= 0 ? codes.indexOf(code) : codes.length);
  const alerts: SummaryAlert[] = input.alerts
    .map((a) => summaryAlert(a, registry, indicatorNames))
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
        a.type.localeCompare(b.type) ||
        deptRank(a.department) - deptRank(b.department) ||
        indicatorRank(a.indicator) - indicatorRank(b.indicator) ||
        a.id.localeCompare(b.id),
    );

  const merged = new Map<string, SummaryDataQualityRow>();
  for (const r of input.dataQuality) {
    const count = nonNegativeInt(r.count);
    if (count === 0) continue;
    const key = `${r.department}\u0000${r.code}\u0000${r.severity}`;
    const seen = merged.get(key);
    if (seen) seen.count += count;
    else merged.set(key, { department: r.department, departmentName: departmentName(r.department, registry), code: r.code, severity: r.severity, count });
  }
  const dataQuality = [...merged.values()].sort(
    (a, b) =>
      deptRank(a.department) - deptRank(b.department) ||
      a.department.localeCompare(b.department) ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      b.count - a.count ||
      a.code.localeCompare(b.code),
  );

  return {
    schema: SUMMARY_SCHEMA_ID,
    plan: { id: plan.id, name: { zh: plan.name, en: plan.nameEn }, firstPeriod: plan.firstPeriod, lastPeriod: plan.lastPeriod },
    period,
    planQuarter: quarterIndex(plan.firstPeriod, period),
    generatedAt: input.generatedAt,
    totals: {
      indicators: countBy(STATUS_ORDER, indicators.map((i) => i.status)),
      submissions: countBy(SUBMISSION_ORDER, submissions.map((s) => s.state)),
      alerts: countBy(SEVERITY_ORDER, alerts.map((a) => a.severity)),
      dataQuality: {
        error: dataQuality.filter((r) => r.severity === 'error').reduce((n, r) => n + r.count, 0),
        warning: dataQuality.filter((r) => r.severity === 'warning').reduce((n, r) => n + r.count, 0),
      },
    },
    indicators,
    submissions,
    alerts,
    dataQuality,
    comparisons: (plan.comparisons ?? []).map((c) => ({
      label: c.label,
      labelEn: c.labelEn,
      year: c.year,
      value: c.value,
      unit: c.unit,
      ...(c.indicator !== undefined ? { indicator: c.indicator } : {}),
      ref: { seed: c.ref.seed, line: c.ref.line, text: c.ref.text },
    })),
  };
}
