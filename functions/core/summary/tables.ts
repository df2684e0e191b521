// The summary's tables as rows of typed cells. The xlsx sheets, the csv and the
// html tables are all drawn from these, so a column means the same in each.
import { kindRule } from '../indicator-kinds';
import type { IndicatorStatus, IndicatorUnit } from '../model';
import { sheetSpec } from '../sheet-specs';
import type { Summary, SummaryIndicator } from './build';
import { localDateTime } from '../periods';
import { type CellFormat, numberFormatFor, round2 } from './cells';
import {
  ALERT_TYPE_LABEL,
  ISSUE_SEVERITY_LABEL,
  SEVERITY_LABEL,
  STATUS_LABEL,
  SUBMISSION_ORDER,
  issueLabel,
} from '../labels';

/** good/warn/bad colour a cell (fill in xlsx, background in html); the text always says it too. */
export type Tone = 'good' | 'warn' | 'bad' | 'muted' | 'review';

export interface Cell {
  /** numbers already rounded to two decimals; null is an empty cell */
  v: string | number | null;
  fmt: CellFormat;
  tone?: Tone;
  /** set on the status cells of the overview */
  status?: IndicatorStatus;
}

export interface Table {
  /** xlsx sheet name and html section heading */
  name: string;
  /** title row above the header */
  title: string;
  /** html id and csv identity */
  id: 'overview' | 'submissions' | 'alerts' | 'data-quality' | 'comparisons';
  headers: string[];
  rows: Cell[][];
  /** a last row that sums up (not data: the agreement test and csv skip it) */
  footer?: Cell[];
}

export const STATUS_TONE: Record<IndicatorStatus, Tone> = {
  met: 'good',
  at_risk: 'warn',
  breached: 'bad',
  no_data: 'muted',
  needs_review: 'review',
};

const text = (v: string | null | undefined, tone?: Tone): Cell => ({ v: v ?? null, fmt: 'text', ...(tone ? { tone } : {}) });
const count = (n: number): Cell => ({ v: n, fmt: 'count' });

/** A value of an indicator: a rounded number formatted for its unit, or text (ratings). */
export function valueCell(v: number | string | null | undefined, unit: IndicatorUnit | string | undefined): Cell {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const r = round2(v);
    return { v: r, fmt: numberFormatFor(unit, r) };
  }
  if (typeof v === 'string') return text(v);
  return text(null);
}

function measure(i: SummaryIndicator): string {
  return kindRule(i.kind).measure(i.comparison ?? undefined);
}

export const OVERVIEW_HEADERS = [
  '指标代码',
  '指标名称',
  '单位',
  '指标类型',
  '考核方式',
  '责任部门',
  '目标',
  '基线',
  '本季度',
  '累计',
  '上季度',
  '上季度统计期',
  '年度累计',
  '进度目标',
  '状态',
] as const;

export function overviewTable(s: Summary): Table {
  return {
    name: '总览',
    title: `${s.plan.name.zh} · ${s.period} 指标总览`,
    id: 'overview',
    headers: [...OVERVIEW_HEADERS],
    rows: s.indicators.map((i) => [
      text(i.code),
      text(i.name.zh),
      text(i.unit === 'rating' ? '评级' : i.unit),
      text(kindRule(i.kind).label.zh),
      text(measure(i)),
      text(i.ownerName.zh),
      valueCell(i.target, i.unit),
      valueCell(i.baseline, i.unit),
      valueCell(i.quarter, i.unit),
      valueCell(i.cumulative, i.unit),
      valueCell(i.previous?.quarter, i.unit),
      text(i.previous?.period),
      valueCell(i.yearToDate, i.unit),
      valueCell(i.expected, i.unit),
      { v: STATUS_LABEL[i.status]?.zh ?? i.status, fmt: 'text', tone: STATUS_TONE[i.status] ?? 'muted', status: i.status },
    ]),
  };
}

export const SUBMISSION_HEADERS = ['部门', '部门代码', '负责指标', '按时', '逾期', '未报送', '待报送', '首次受理时间', '版本数', '被退回版本数', '完整性', '当前数据来源'] as const;

/**
 * Which upload each sheet kind's current data comes from, kinds from the same
 * upload together: "指标 ← indicators.csv（…）；抽查明细、认证明细 ← q1.xlsx（…）".
 */
function sourcesText(d: Summary['submissions'][number]): string | null {
  if (d.current.length === 0) return null;
  const byUpload = new Map<string, Summary['submissions'][number]['current']>();
  for (const c of d.current) byUpload.set(c.submissionId, [...(byUpload.get(c.submissionId) ?? []), c]);
  return [...byUpload.values()]
    .map((cs) => `${cs.map((c) => sheetSpec(c.kind).zh).join('、')} ← ${cs[0]!.fileName}（${localDateTime(cs[0]!.receivedAt)}）`)
    .join('；');
}

function completeness(d: Summary['submissions'][number], names: Map<string, string>): Cell {
  if (d.current.length === 0) return text(null);
  if (d.missing.length === 0) return text('完整', 'good');
  return text(`不完整：缺 ${d.missing.map((c) => names.get(c) ?? c).join('、')}`, 'warn');
}

const STATE_TONE = { on_time: 'good', late: 'warn', missing: 'bad', pending: 'muted' } as const;

/** One column per state (按时/逾期/未报送/待报送) with ✓ in the department's, and a 合计 row. */
export function submissionsTable(s: Summary): Table {
  const names = new Map(s.indicators.map((i) => [i.code, i.name.zh]));
  return {
    name: '报送情况',
    title: `${s.period} 各部门报送情况`,
    id: 'submissions',
    headers: [...SUBMISSION_HEADERS],
    rows: s.submissions.map((d) => [
      text(d.name.zh),
      text(d.department),
      text(d.owns ? '是' : '否'),
      ...SUBMISSION_ORDER.map((st) => (d.state === st ? text('✓', STATE_TONE[st]) : text(null))),
      text(d.firstAcceptedAt ? localDateTime(d.firstAcceptedAt) : null),
      count(d.versions),
      count(d.rejectedVersions),
      completeness(d, names),
      text(sourcesText(d)),
    ]),
    footer: [
      text('合计'),
      text(null),
      count(s.submissions.filter((d) => d.owns).length),
      ...SUBMISSION_ORDER.map((st) => count(s.totals.submissions[st])),
      text(null),
      count(s.submissions.reduce((n, d) => n + d.versions, 0)),
      count(s.submissions.reduce((n, d) => n + d.rejectedVersions, 0)),
      text(null),
      text(null),
    ],
  };
}

export const ALERT_HEADERS = ['类型', '级别', '部门', '指标', '数值', '目标', '进度', '说明', '创建时间'] as const;

const SEVERITY_TONE = { critical: 'bad', warning: 'warn', info: 'muted' } as const;

export function alertsTable(s: Summary): Table {
  const units = new Map(s.indicators.map((i) => [i.code, i.unit]));
  return {
    name: '预警',
    title: `${s.period} 预警`,
    id: 'alerts',
    headers: [...ALERT_HEADERS],
    rows: s.alerts.map((a) => {
      const unit = a.indicator ? units.get(a.indicator) : undefined;
      return [
        text(ALERT_TYPE_LABEL[a.type]?.zh ?? a.type),
        text(SEVERITY_LABEL[a.severity]?.zh ?? a.severity, SEVERITY_TONE[a.severity]),
        text(a.departmentName.zh),
        text(a.indicatorName?.zh ?? null),
        valueCell(a.value, unit),
        valueCell(a.target, unit),
        valueCell(a.expected, unit),
        text(a.message.zh),
        text(localDateTime(a.createdAt)),
      ];
    }),
  };
}

export const DATA_QUALITY_HEADERS = ['部门', '问题代码', '问题说明', '级别', '次数'] as const;

export function dataQualityTable(s: Summary): Table {
  return {
    name: '数据质量',
    title: `${s.period} 数据质量（全部版本，含被退回版本）`,
    id: 'data-quality',
    headers: [...DATA_QUALITY_HEADERS],
    rows: s.dataQuality.map((r) => [
      text(r.departmentName.zh),
      text(r.code),
      text(issueLabel(r.code).zh),
      text(ISSUE_SEVERITY_LABEL[r.severity]?.zh ?? r.severity, r.severity === 'error' ? 'bad' : 'warn'),
      count(r.count),
    ]),
    footer: [text('合计'), text(null), text(null), text(`错误 ${s.totals.dataQuality.error} / 警告 ${s.totals.dataQuality.warning}`), count(s.totals.dataQuality.error + s.totals.dataQuality.warning)],
  };
}

export const COMPARISON_HEADERS = ['对比项', '年份', '全市数值', '单位', '本区指标', '本区本季度', '来源'] as const;

export function comparisonsTable(s: Summary): Table {
  const byCode = new Map(s.indicators.map((i) => [i.code, i]));
  return {
    name: '全市对比',
    title: '全市对比数据（仅供参考）',
    id: 'comparisons',
    headers: [...COMPARISON_HEADERS],
    rows: s.comparisons.map((c) => {
      const mine = c.indicator ? byCode.get(c.indicator) : undefined;
      return [
        text(c.label),
        { v: c.year, fmt: 'count' },
        valueCell(c.value, c.unit),
        text(c.unit),
        text(mine?.name.zh ?? null),
        valueCell(mine?.value, mine?.unit),
        text(`${c.ref.seed} 第${c.ref.line}行`),
      ];
    }),
  };
}

export function allTables(s: Summary): Table[] {
  return [overviewTable(s), submissionsTable(s), alertsTable(s), dataQualityTable(s), comparisonsTable(s)];
}
