// The kinds of plan indicator, as one table of rules: how a kind is evaluated
// (series, pace, year to date, decline), how the summary shows it, and its
// label. Evaluation, alerts, the summary, the template and validation read
// these rules and never test a kind by name, so a new kind is its name in
// IndicatorKind (model.ts) plus one entry here — the compiler asks for it.
import type { IndicatorKind, Lang } from './model';

export interface IndicatorKindRule {
  /** what the kind is called (the summary's 类型 column) */
  label: Lang;
  /**
   * How the series is judged: against a fixed floor or exact value each quarter
   * ('threshold'), against a pace line towards the plan-end target ('paced'), or
   * as a rating an analyst reviews ('review': never passes by itself).
   */
  series: 'threshold' | 'paced' | 'review';
  /** the value is text (a rating), not a number */
  textual: boolean;
  /** the quarter's figure is an amount, and the value the running total since the plan began (a flow) */
  accumulates: boolean;
  /** paced kinds: where the pace line starts — 0, the plan's baseline (else the first report), or the first report */
  paceFrom: 'zero' | 'baseline' | 'first-report' | null;
  /** year to date: the year's amounts summed, a rate pooled from the year's counts, or the value itself */
  yearToDate: 'sum' | 'pooled' | 'value';
  /** a fall against the last reported value that raises SHARP_DECLINE: of a % figure by more than 2 points, or any fall */
  decline: 'never' | 'rate' | 'rate-or-any';
  /** what the target means (the summary's 口径 column) */
  measure(comparison: 'gte' | 'eq' | undefined): string;
  /** how the summary page names the target */
  targetLine(comparison: 'gte' | 'eq' | undefined): string;
}

export const INDICATOR_KINDS: Record<IndicatorKind, IndicatorKindRule> = {
  threshold: {
    label: { zh: '底线指标', en: 'threshold' },
    series: 'threshold',
    textual: false,
    accumulates: false,
    paceFrom: null,
    yearToDate: 'pooled',
    decline: 'rate',
    measure: (c) => (c === 'eq' ? '等于目标值' : '不低于目标值'),
    targetLine: (c) => (c === 'eq' ? '目标 =' : '底线 ≥'),
  },
  flow: {
    label: { zh: '累计指标', en: 'cumulative' },
    series: 'paced',
    textual: false,
    accumulates: true,
    paceFrom: 'zero',
    yearToDate: 'sum',
    decline: 'never',
    measure: () => '规划期累计',
    targetLine: () => '规划目标 ',
  },
  stock: {
    label: { zh: '存量指标', en: 'stock' },
    series: 'paced',
    textual: false,
    accumulates: false,
    paceFrom: 'baseline',
    yearToDate: 'value',
    decline: 'rate-or-any',
    measure: () => '期末存量',
    targetLine: () => '规划目标 ',
  },
  level: {
    label: { zh: '水平指标', en: 'level' },
    series: 'paced',
    textual: false,
    accumulates: false,
    paceFrom: 'first-report',
    yearToDate: 'value',
    decline: 'rate-or-any',
    measure: () => '期末水平',
    targetLine: () => '规划目标 ',
  },
  qualitative: {
    label: { zh: '定性指标', en: 'qualitative' },
    series: 'review',
    textual: true,
    accumulates: false,
    paceFrom: null,
    yearToDate: 'value',
    decline: 'never',
    measure: () => '定性评审',
    targetLine: () => '目标 ',
  },
};

/** The rule of a kind; an unknown kind (data from an older catalog) reads as a threshold. */
export function kindRule(kind: IndicatorKind | string | undefined): IndicatorKindRule {
  return INDICATOR_KINDS[kind as IndicatorKind] ?? INDICATOR_KINDS.threshold;
}
