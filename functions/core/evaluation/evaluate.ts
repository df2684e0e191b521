// Target evaluation (PRODUCT §6): one status per indicator and period, from the
// current accepted version of every department and the certificate ledger.
// Pure: takes the facts, returns the result; nothing here reads a store or a clock.
import { currentForKind } from '../currency';
import { ledgerAsOf, countedCertificates } from '../ledger';
import type {
  CurrentVersion,
  EvaluationResult,
  IndicatorDef,
  IndicatorEvaluation,
  IndicatorRecord,
  IndicatorStatus,
  Lang,
  LedgerCertificate,
  Plan,
  SeriesPoint,
  SubmissionVersion,
} from '../model';
import { comparePeriods, normalizePeriod, periodsBetween, quarterIndex, toQuarter } from '../periods';
import { type IndicatorKindRule, kindRule } from '../indicator-kinds';
import { paceAt, pacedStatus, thresholdStatus, type PaceAnchor } from './pace';
import { rate, round2 } from '../numbers';

/**
 * The current accepted versions of one period: with currentFor, each is read
 * only for the sheet kinds it is current for (a CSV upload replaces one kind);
 * a plain version counts for every kind it replaces.
 */
export interface PeriodFacts {
  period: string;
  versions: (SubmissionVersion | CurrentVersion)[];
}

export interface EvaluationInput {
  plan: Plan;
  /** the period to evaluate */
  period: string;
  /** every period from plan.firstPeriod to `period` (a missing entry = nothing submitted); may include earlier periods */
  facts: PeriodFacts[];
  /** every certificate row of every current version for periods ≤ period, oldest period first */
  certificates: LedgerCertificate[];
}

/** What one period says about one indicator, before kind-specific accumulation. */
interface Observation {
  /** flows: the quarter's amount; qualitative: the rating text; others: the level or rate */
  value: number | string | null;
  /** a rate's counts (or floor areas), so that a year can be pooled */
  counts?: { part: number; whole: number };
  sources: string[];
  notes: Lang[];
}

interface Context {
  plan: Plan;
  period: string;
  versionsByPeriod: Map<string, SubmissionVersion[]>;
  certificates: LedgerCertificate[];
  /** periods before the plan's first quarter that have facts: a threshold's "last reported value" may sit there */
  lookback: string[];
}

interface Point {
  period: string;
  inPlan: boolean;
  obs: Observation;
  value: number | string | null;
  expected: number | null;
  status: IndicatorStatus;
  previous: IndicatorEvaluation['previous'];
}

/**
 * Evaluates every indicator of the plan for `period`. Throws RangeError only when
 * `period` or the plan's own periods are not quarters (a caller bug); bad facts
 * (unknown periods, rejected or duplicate versions, malformed rows) are skipped.
 */
export function evaluatePeriod(input: EvaluationInput): EvaluationResult {
  const { plan } = input;
  const period = canonicalPeriod(input.period);
  toQuarter(plan.firstPeriod);
  toQuarter(plan.lastPeriod);
  const versionsByPeriod = indexFacts(input.facts, period);
  const lookback = [...versionsByPeriod.keys()]
    .filter((p) => comparePeriods(p, plan.firstPeriod) < 0)
    .sort(comparePeriods);
  const ctx: Context = {
    plan,
    period,
    versionsByPeriod,
    certificates: cleanCertificates(input.certificates),
    lookback,
  };
  return { plan: plan.id, period, indicators: plan.indicators.map((def) => evaluateIndicator(def, ctx)) };
}

function canonicalPeriod(text: string): string {
  const p = typeof text === 'string' ? normalizePeriod(text) : undefined;
  if (!p) throw new RangeError(`not a period: ${String(text)}`);
  return p;
}

// ---------------------------------------------------------------------------
// Facts

/** Accepted versions by period (which kind each counts for is decided per use: currentForKind). */
function indexFacts(facts: PeriodFacts[] | undefined, upTo: string): Map<string, SubmissionVersion[]> {
  const byPeriod = new Map<string, SubmissionVersion[]>();
  for (const f of Array.isArray(facts) ? facts : []) {
    const period = f && typeof f.period === 'string' ? normalizePeriod(f.period) : undefined;
    if (!period || comparePeriods(period, upTo) > 0) continue;
    let list = byPeriod.get(period);
    if (!list) byPeriod.set(period, (list = []));
    for (const v of Array.isArray(f.versions) ? f.versions : []) {
      if (!v || v.status !== 'accepted' || typeof v.department !== 'string') continue;
      // a version filed under the wrong period must not leak into this one
      if (typeof v.period === 'string' && normalizePeriod(v.period) !== period) continue;
      list.push(v);
    }
  }
  return byPeriod;
}

/** Drops rows the ledger helpers cannot read (bad period, no certificate number) instead of throwing on them. */
function cleanCertificates(rows: LedgerCertificate[] | undefined): LedgerCertificate[] {
  const out: LedgerCertificate[] = [];
  for (const row of Array.isArray(rows) ? rows : []) {
    if (!row || typeof row.certificateNo !== 'string' || typeof row.type !== 'string') continue;
    const period = typeof row.period === 'string' ? normalizePeriod(row.period) : undefined;
    if (!period) continue;
    out.push(period === row.period ? row : { ...row, period });
  }
  return out;
}

function numeric(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? round2(value) : undefined;
}

interface Reported {
  record: IndicatorRecord;
  submissionId: string;
}

/** The owner's report, else a delegate's; with `anyone`, else any department's (derived-rate fallback, §6). */
function reportedRecord(def: IndicatorDef, all: SubmissionVersion[], anyone: boolean): Reported | undefined {
  const versions = currentForKind(all, 'indicators');
  const pick = (v: SubmissionVersion | undefined): Reported | undefined => {
    const indicators = v?.aggregates?.indicators;
    if (!v || !indicators || !Object.hasOwn(indicators, def.code)) return undefined;
    const record = indicators[def.code];
    return record && record.value !== undefined && record.value !== null ? { record, submissionId: v.submissionId } : undefined;
  };
  for (const code of [def.owner, ...(def.delegates ?? [])]) {
    const found = pick(versions.find((v) => v.department === code));
    if (found) return found;
  }
  if (anyone) {
    for (const v of versions) {
      const found = pick(v);
      if (found) return found;
    }
  }
  return undefined;
}

function notANumberNote(def: IndicatorDef, found: Reported): Lang {
  const raw = String(found.record.value);
  return {
    zh: `${def.name} 的报送值“${raw}”不是数值，未计入评估`,
    en: `The value reported for ${def.nameEn} (“${raw}”) is not a number and was not evaluated`,
  };
}

/** A reported number as an observation; a non-number is no value plus a note. */
function fromReport(def: IndicatorDef, found: Reported | undefined): Observation {
  if (!found) return { value: null, sources: [], notes: [] };
  const value = numeric(found.record.value);
  if (value === undefined) return { value: null, sources: [], notes: [notANumberNote(def, found)] };
  const { numerator, denominator } = found.record;
  const counts =
    def.unit === '%' && typeof numerator === 'number' && typeof denominator === 'number' && denominator > 0 ? { part: numerator, whole: denominator } : undefined;
  return { value, ...(counts ? { counts } : {}), sources: [found.submissionId], notes: [] };
}

function count(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0;
}

/** A rate over every department's rows; without rows, a value reported on 指标 by any department. */
function derivedRate(
  def: IndicatorDef,
  all: SubmissionVersion[],
  kind: 'inspections' | 'acceptances',
  measure: (v: SubmissionVersion) => { part: number; whole: number },
): Observation {
  let part = 0;
  let whole = 0;
  const sources: string[] = [];
  for (const v of currentForKind(all, kind)) {
    const m = measure(v);
    if (m.whole <= 0) continue;
    part += m.part;
    whole += m.whole;
    sources.push(v.submissionId);
  }
  const value = rate(part, whole);
  if (value !== null) return { value, counts: { part, whole }, sources, notes: [] };
  return fromReport(def, reportedRecord(def, all, true));
}

function observe(def: IndicatorDef, period: string, ctx: Context): Observation {
  const versions = ctx.versionsByPeriod.get(period) ?? [];
  const source = def.source;
  if (kindRule(def.kind).textual) {
    const found = reportedRecord(def, versions, false);
    const rating = found ? String(found.record.value).trim() : '';
    return rating ? { value: rating, sources: [found!.submissionId], notes: [] } : { value: null, sources: [], notes: [] };
  }
  switch (source.from) {
    case 'inspections': {
      const key = source.categories === 'building-material' ? 'buildingMaterial' : 'other';
      return derivedRate(def, versions, 'inspections', (v) => {
        const agg = v.aggregates?.inspections?.[key];
        return { part: count(agg?.passed), whole: count(agg?.total) };
      });
    }
    case 'acceptances':
      return derivedRate(def, versions, 'acceptances', (v) => {
        const agg = v.aggregates?.acceptances;
        return source.measure === 'green-share'
          ? { part: count(agg?.greenArea), whole: count(agg?.totalArea) }
          : { part: count(agg?.passed), whole: count(agg?.total) };
      });
    case 'ledger':
      return observeLedger(def, source.certificationType, period, versions, ctx);
    case 'reported':
    default:
      return fromReport(def, reportedRecord(def, versions, false));
  }
}

/**
 * A ledger stock is the count of counted certificates at the period's end; the
 * plan's baseline is only where the pace line starts, never added. Choice: with
 * no ledger row of that type up to the period and no reported value it is
 * no_data (nobody has told us anything yet); otherwise the count, even 0.
 */
function observeLedger(
  def: IndicatorDef,
  type: LedgerCertificate['type'],
  period: string,
  versions: SubmissionVersion[],
  ctx: Context,
): Observation {
  const rows = ledgerAsOf(ctx.certificates, period).filter((c) => c.type === type);
  const found = reportedRecord(def, versions, false);
  const reported = found ? numeric(found.record.value) : undefined;
  const notes: Lang[] = found && reported === undefined ? [notANumberNote(def, found)] : [];
  if (rows.length === 0 && reported === undefined) return { value: null, sources: [], notes };
  const value = countedCertificates(ctx.certificates, type, period).length;
  // newest contributing submission first, so sources[0] is what most recently changed the count
  const sources = unique(
    [...rows].sort((a, b) => comparePeriods(b.period, a.period)).map((c) => c.submissionId),
  );
  if (found && !sources.includes(found.submissionId)) sources.push(found.submissionId);
  if (reported !== undefined && reported !== value) {
    notes.push({
      zh: `${def.name} 报送值为 ${reported}，与认证台账统计的 ${value} 不一致，已采用台账数`,
      en: `${def.nameEn} was reported as ${reported} but the certificate ledger counts ${value}; the ledger count is used`,
    });
  }
  return { value, sources, notes };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs.filter((x) => typeof x === 'string' && x !== ''))];
}

// ---------------------------------------------------------------------------
// Per indicator

function evaluateIndicator(def: IndicatorDef, ctx: Context): IndicatorEvaluation {
  const { plan, period } = ctx;
  const planPeriods = periodsBetween(plan.firstPeriod, period);
  const rule = kindRule(def.kind);
  const points = SERIES[rule.series](def, ctx, planPeriods);
  const current = points.find((p) => p.period === period);
  const value = current?.value ?? null;
  const series: SeriesPoint[] = points
    .filter((p) => p.inPlan)
    .map((p) => ({ period: p.period, value: p.value, quarter: quarterFigure(def, p), expected: p.expected, status: p.status }));
  return {
    code: def.code,
    name: def.name,
    nameEn: def.nameEn,
    unit: def.unit,
    kind: def.kind,
    owner: def.owner,
    status: current?.status ?? 'no_data',
    value,
    quarter: current ? quarterFigure(def, current) : null,
    cumulative: rule.accumulates ? (typeof value === 'number' ? value : null) : null,
    target: def.target,
    baseline: fixedBaseline(def),
    expected: rule.series === 'paced' ? (current?.expected ?? null) : null,
    previous: current?.previous ?? lastWithValue(points, period),
    yearToDate: YEAR_TO_DATE[rule.yearToDate](points, period, value),
    series,
    sources: current?.obs.sources ?? [],
    notes: current?.obs.notes ?? [],
  };
}

function lastWithValue(points: Point[], before: string): IndicatorEvaluation['previous'] {
  let previous: IndicatorEvaluation['previous'] = null;
  for (const p of points) {
    if (comparePeriods(p.period, before) >= 0) break;
    if (p.value !== null) previous = { period: p.period, value: p.value, status: p.status };
  }
  return previous;
}

function thresholdPoints(def: IndicatorDef, ctx: Context, planPeriods: string[]): Point[] {
  const floor = typeof def.target === 'number' ? def.target : Number(def.target);
  const comparison = def.comparison ?? 'gte';
  const history = [...ctx.lookback.filter((p) => comparePeriods(p, ctx.period) <= 0), ...planPeriods];
  const points: Point[] = [];
  let previous: IndicatorEvaluation['previous'] = null;
  for (const period of history) {
    const obs = observe(def, period, ctx);
    const value = typeof obs.value === 'number' ? obs.value : null;
    const status = thresholdStatus(value, floor, comparison, typeof previous?.value === 'number' ? previous.value : null);
    points.push({ period, inPlan: planPeriods.includes(period), obs, value, expected: Number.isFinite(floor) ? floor : null, status, previous });
    if (value !== null) previous = { period, value, status };
  }
  return points;
}

function qualitativePoints(def: IndicatorDef, ctx: Context, planPeriods: string[]): Point[] {
  const points: Point[] = [];
  let previous: IndicatorEvaluation['previous'] = null;
  for (const period of planPeriods) {
    const obs = observe(def, period, ctx);
    // a rating never passes automatically: an analyst reads the evidence
    const status: IndicatorStatus = obs.value !== null ? 'needs_review' : 'no_data';
    points.push({ period, inPlan: true, obs, value: obs.value, expected: null, status, previous });
    if (obs.value !== null) previous = { period, value: obs.value, status };
  }
  return points;
}

/**
 * Flows accumulate the quarters' amounts since the plan's start; a quarter
 * without a report adds nothing and is itself no_data (§6: nothing accepted for
 * that indicator and period). Stocks and levels are the level reported (or
 * counted) at the period's end.
 */
function pacedPoints(def: IndicatorDef, ctx: Context, planPeriods: string[]): Point[] {
  const { plan } = ctx;
  const target = typeof def.target === 'number' ? def.target : Number(def.target);
  const tolerance = def.tolerance ?? plan.tolerance;
  const quarters = quarterIndex(plan.firstPeriod, plan.lastPeriod);
  const rule = kindRule(def.kind);
  const baseline = fixedBaseline(def);
  const points: Point[] = [];
  let previous: IndicatorEvaluation['previous'] = null;
  let cumulative = 0;
  let anchor: PaceAnchor | null = null;
  for (const period of planPeriods) {
    const obs = observe(def, period, ctx);
    const k = quarterIndex(plan.firstPeriod, period);
    let value: number | null = typeof obs.value === 'number' ? obs.value : null;
    if (rule.accumulates && value !== null) {
      cumulative = round2(cumulative + value);
      value = cumulative;
    }
    if (value !== null && anchor === null && rule.paceFrom !== 'zero' && baseline === null) anchor = { k, value };
    const expected = paceAt({ from: rule.paceFrom, target, baseline, anchor, k, quarters });
    const status = value === null || expected === null ? 'no_data' : pacedStatus(value, expected, tolerance);
    points.push({ period, inPlan: true, obs, value, expected, status, previous });
    if (value !== null) previous = { period, value, status };
  }
  return points;
}

/** The quarter's own figure: a flow's amount (obs.value), the value otherwise. */
function quarterFigure(def: IndicatorDef, p: Point): number | string | null {
  if (!kindRule(def.kind).accumulates) return p.value;
  return typeof p.obs.value === 'number' ? p.obs.value : null;
}

/**
 * A rate over the calendar year of `period`, up to it, pooled from the
 * quarters' counts (all the year's 合格 checks over all its checks), never an
 * average of rates nor a copy of the quarter's. Null when no quarter of the
 * year has a value, or one has a value without counts (it cannot be pooled).
 */
function pooledYearToDate(points: Point[], period: string): number | null {
  const year = toQuarter(period).year;
  let part = 0;
  let whole = 0;
  let any = false;
  for (const p of points) {
    if (!p.inPlan || comparePeriods(p.period, period) > 0 || toQuarter(p.period).year !== year || p.value === null) continue;
    if (!p.obs.counts) return null;
    part += p.obs.counts.part;
    whole += p.obs.counts.whole;
    any = true;
  }
  return any ? rate(part, whole) : null;
}

/** A flow's amounts over the calendar year of `period`, up to it; null when none was reported that year. */
function flowYearToDate(points: Point[], period: string): number | null {
  const year = toQuarter(period).year;
  let sum: number | null = null;
  for (const p of points) {
    if (comparePeriods(p.period, period) > 0 || toQuarter(p.period).year !== year) continue;
    if (typeof p.obs.value === 'number') sum = round2((sum ?? 0) + p.obs.value);
  }
  return sum;
}

/** How each kind's series is built (indicator-kinds.ts `series`). */
const SERIES: Record<IndicatorKindRule['series'], (def: IndicatorDef, ctx: Context, planPeriods: string[]) => Point[]> = {
  threshold: thresholdPoints,
  paced: pacedPoints,
  review: qualitativePoints,
};

/** How each kind's year to date is figured (indicator-kinds.ts `yearToDate`). */
const YEAR_TO_DATE: Record<IndicatorKindRule['yearToDate'], (points: Point[], period: string, value: number | string | null) => number | string | null> = {
  sum: (points, period) => flowYearToDate(points, period),
  pooled: (points, period) => pooledYearToDate(points, period),
  value: (_points, _period, value) => value,
};

/** The plan's baseline where the kind's pace starts from it (a stock), else null. */
function fixedBaseline(def: IndicatorDef): number | null {
  return kindRule(def.kind).paceFrom === 'baseline' && typeof def.baseline === 'number' ? def.baseline : null;
}
