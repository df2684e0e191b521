// 指标 / Indicators (PRODUCT §5.2): one reported value per indicator. Rows are
// checked as they stream; the rules that need other sheets (rates derived from
// record rows, the certificate ledger) or the department from a cover read later
// run in finishIndicators, which then hands the accepted rows to the sink.
import { buildingMaterialNames } from '../categories';
import { department as departmentOf, openingPeriod, reportableBy } from '../catalog';
import { missingIndicators } from '../completeness';
import { countedCertificates } from '../ledger';
import type { IndicatorDef, IndicatorRecord, Lang, LedgerCertificate, RawCell } from '../model';
import { periodEnd } from '../periods';
import { isOpeningPeriod } from './admission';
import { rate, round2 } from '../numbers';
import { normalizeKey } from '../text';
import { say } from './messages';
import { CellProblem, cellText, isEmptyCell, parseNumber, parsePercent, stripQuotes } from './parse-cell';
import type { RowCheck } from './row-check';
import { type PendingIndicator, Run } from './run';
import { kindRule } from '../indicator-kinds';

/** Half a tenth of a point: the agreement required between two ways of getting a rate. */
const TOLERANCE = 0.05 + 1e-9;

/** Units that must be whole numbers (counts); 件/万人 is a ratio and may be decimal. */
const WHOLE_UNITS = new Set(['个', '项', '件', '名']);

/** Other spellings of a unit, beyond the catalog's unit and unitAliases. */
const UNIT_SYNONYMS: Record<string, string[]> = {
  '%': ['百分比', 'percent', 'pct'],
  rating: ['等级', '评级', '评价', '定性', '水平'],
};

function unitAccepted(def: IndicatorDef, unit: string): boolean {
  const key = normalizeKey(unit);
  for (const u of [def.unit, ...(def.unitAliases ?? []), ...(UNIT_SYNONYMS[def.unit] ?? [])]) {
    if (normalizeKey(u) === key) return true;
  }
  return false;
}

/** English ratings (§5.2: leading / advanced / ordinary) and the Chinese they stand for. */
const ENGLISH_RATINGS: Record<string, string> = {
  leading: '国内领先',
  domesticleading: '国内领先',
  advanced: '国内先进',
  domesticadvanced: '国内先进',
  ordinary: '一般',
  average: '一般',
};

/** The rating as written in the catalog, or undefined. 国内领先水平 = 国内领先. */
export function matchRating(def: IndicatorDef, text: string): string | undefined {
  const ratings = def.ratings ?? [];
  let key = normalizeKey(text);
  const english = ENGLISH_RATINGS[key] ?? ENGLISH_RATINGS[key.replace(/level$/, '')];
  if (english) key = english;
  const bare = key.replace(/水平$/, '');
  return ratings.find((r) => {
    const rk = normalizeKey(r);
    return rk === key || rk === bare || rk.replace(/水平$/, '') === bare;
  });
}

function nameMatches(def: IndicatorDef, name: string): boolean {
  const key = stripQuotes(normalizeKey(name));
  return key === stripQuotes(normalizeKey(def.name)) || key === stripQuotes(normalizeKey(def.nameEn));
}

function ownedBy(def: IndicatorDef, department: string): boolean {
  return def.owner === department || (def.delegates?.includes(department) ?? false);
}

/** Fields that carry a value; the template prefills code, name and unit of every indicator. */
const VALUE_FIELDS = ['value', 'numerator', 'denominator'];

/** One 指标 row: which indicator it is, what it says about it, and its value, in that order. */
export function checkIndicatorRow(rc: RowCheck): void {
  const c = rc.sheet.cols;
  // no value at all: nothing is reported, so ownership is moot (a blank row is warned about below)
  const empty = VALUE_FIELDS.every((f) => isEmptyCell(rc.rawCell(c[f])));
  const which = indicatorOfRow(rc, empty);
  const { def, duplicate } = which;
  const told = reportedAlongside(rc, def);
  const valueCol = c.value!;
  if (def && !duplicate && empty) {
    // A prefilled row left without a value (the template writes code, name and
    // unit): judged at the end, when it is known whether rows give the value.
    // It is not a data row: a template sent untouched still holds no data.
    rc.run.blankIndicators.push({ def, sheet: rc.sheet, row: rc.row, col: valueCol });
    return;
  }
  const { value, valueCell } = valueOfRow(rc, def, told);
  const ok = rc.end();
  if (!def || duplicate || value === undefined || value === null) return;
  const record: IndicatorRecord = { code: def.code, value, src: { sheet: rc.sheet.name, row: rc.row } };
  if (told.name) record.name = told.name;
  if (typeof told.numerator === 'number') record.numerator = told.numerator;
  if (typeof told.denominator === 'number') record.denominator = told.denominator;
  if (told.unit) record.unit = told.unit;
  if (told.note) record.note = told.note;
  rc.run.pendingIndicators.push({
    record,
    def,
    sheet: rc.sheet,
    valueCol,
    valueCell: valueCell ?? undefined,
    codeCol: c.code!,
    codeCell: which.codeCell!,
    hasError: !ok,
    ownershipChecked: which.ownershipChecked,
  });
}

/** The row's indicator: known, not given twice, the department's to report (unless the row is empty). */
function indicatorOfRow(rc: RowCheck, empty: boolean): { def?: IndicatorDef; duplicate: boolean; ownershipChecked: boolean; codeCell?: RawCell } {
  const run = rc.run;
  const codeCol = rc.sheet.cols.code!;
  const codeCell = rc.cell(rc.sheet.cols.code, true) ?? undefined;
  if (!codeCell) return { duplicate: false, ownershipChecked: false };
  const code = cellText(codeCell).toUpperCase();
  const def = run.indicatorsByCode.get(code);
  if (!def) {
    const codes = (run.department ? reportableBy(run.plan, run.department) : run.plan.indicators).map((d) => d.code);
    rc.issue(codeCol, 'UNKNOWN_INDICATOR', say.unknownIndicator(codes), codeCell);
    return { duplicate: false, ownershipChecked: false, codeCell };
  }
  const first = run.indicatorCodes.get(def.code);
  if (first !== undefined) {
    const f = run.describeFirst(first, rc.sheet);
    rc.issue(codeCol, 'DUPLICATE', say.duplicate({ zh: '指标代码', en: 'indicator code' }, f.row, f.sheet), codeCell);
    return { def, duplicate: true, ownershipChecked: false, codeCell };
  }
  run.indicatorCodes.set(def.code, Run.firstRef(rc.sheet, rc.row));
  if (!run.department || empty) return { def, duplicate: false, ownershipChecked: false, codeCell };
  if (!ownedBy(def, run.department)) notOwned(run, rc.sheet, rc.row, codeCol, codeCell, run.department, (s) => {
    if (s === 'error') rc.hasError = true;
  });
  return { def, duplicate: false, ownershipChecked: true, codeCell };
}

interface Alongside {
  name?: string;
  unit?: string;
  numerator: number | null | undefined;
  denominator: number | null | undefined;
  note?: string;
}

/** What the row says beside the value: the name and unit (checked against the plan), numerator, denominator, note. */
function reportedAlongside(rc: RowCheck, def: IndicatorDef | undefined): Alongside {
  const c = rc.sheet.cols;
  const name = rc.text(c.name, false) ?? undefined;
  if (def && name && !nameMatches(def, name)) rc.issue(c.name, 'NAME_MISMATCH', say.nameMismatch(def.name), name, 'warning');
  const unit = rc.text(c.unit, false) ?? undefined;
  if (def && unit && !unitAccepted(def, unit)) rc.issue(c.unit, 'UNIT_MISMATCH', say.unitMismatch([def.unit, ...(def.unitAliases ?? [])]), unit);
  let numerator = rc.number(c.numerator, false);
  if (typeof numerator === 'number' && numerator < 0) {
    rc.issue(c.numerator, 'OUT_OF_RANGE', say.negative(), numerator);
    numerator = null;
  }
  let denominator = rc.number(c.denominator, false);
  if (typeof denominator === 'number' && denominator <= 0) {
    rc.issue(c.denominator, 'OUT_OF_RANGE', say.notPositive(), denominator);
    denominator = null;
  }
  const note = rc.text(c.note, false, 2000) ?? undefined;
  return { name, unit, numerator, denominator, note };
}

type RowValue = { value: number | string | undefined | null; valueCell: RawCell | undefined | null };

/** The 数值 cell read as the indicator's unit wants it: a rating, a percentage (or its fraction), a count. */
function valueOfRow(rc: RowCheck, def: IndicatorDef | undefined, told: Alongside): RowValue {
  const c = rc.sheet.cols;
  if (!def) return { value: undefined, valueCell: rc.cell(c.value, false) }; // formula errors still reported; the value's type is unknown
  if (kindRule(def.kind).textual || def.unit === 'rating') return ratingValue(rc, def);
  if (def.unit === '%') return percentValue(rc, told);
  return countValue(rc, def);
}

function ratingValue(rc: RowCheck, def: IndicatorDef): RowValue {
  const valueCell = rc.cell(rc.sheet.cols.value, true);
  if (!valueCell) return { value: undefined, valueCell };
  const value = valueCell.kind === 'string' ? matchRating(def, cellText(valueCell)) : undefined;
  if (value !== undefined) return { value, valueCell };
  rc.issue(rc.sheet.cols.value!, 'INVALID_ENUM', say.invalidRating(def.ratings ?? []), valueCell);
  return { value: null, valueCell };
}

function percentValue(rc: RowCheck, told: Alongside): RowValue {
  const c = rc.sheet.cols;
  const valueCol = c.value!;
  const { numerator, denominator } = told;
  const valueCell = rc.cell(c.value, false);
  let value: RowValue['value'];
  if (valueCell) {
    const v = parsePercent(valueCell);
    value = v instanceof CellProblem ? rc.problem(valueCol, v, valueCell) : v;
  }
  const fraction = typeof numerator === 'number' && typeof denominator === 'number';
  if (fraction && numerator! > denominator!) {
    rc.issue(c.numerator, 'NUMERATOR_EXCEEDS_DENOMINATOR', say.numeratorExceeds(numerator!, denominator!), numerator);
  } else if (fraction) {
    const computed = (numerator! * 100) / denominator!;
    if (typeof value === 'number') {
      if (Math.abs(value - computed) > TOLERANCE) rc.issue(valueCol, 'VALUE_MISMATCH', say.valueMismatch(value, round2(computed)), valueCell);
    } else if (valueCell === undefined) value = round2(computed);
  }
  if (valueCell === undefined && !fraction && numerator !== null && denominator !== null) rc.issue(valueCol, 'REQUIRED', say.valueOrFraction(), null);
  return { value, valueCell };
}

/**
 * Counts (个 项 件 名) and ratios (件/万人): numerator/denominator are kept as
 * reported but not used: only a percentage is numerator/denominator × 100 by definition.
 */
function countValue(rc: RowCheck, def: IndicatorDef): RowValue {
  const valueCol = rc.sheet.cols.value!;
  const valueCell = rc.cell(rc.sheet.cols.value, true);
  if (!valueCell) return { value: undefined, valueCell };
  const v = parseNumber(valueCell);
  if (v instanceof CellProblem) return { value: rc.problem(valueCol, v, valueCell), valueCell };
  if (v < 0) {
    rc.issue(valueCol, 'OUT_OF_RANGE', say.negative(), valueCell);
    return { value: null, valueCell };
  }
  if (WHOLE_UNITS.has(def.unit) && !Number.isInteger(v)) {
    rc.issue(valueCol, 'INVALID_NUMBER', say.notWhole(), valueCell);
    return { value: null, valueCell };
  }
  return { value: v, valueCell };
}

function notOwned(
  run: Run,
  sheet: PendingIndicator['sheet'],
  row: number,
  codeCol: PendingIndicator['codeCol'],
  codeCell: RawCell,
  department: string,
  onIssue: (severity: 'error' | 'warning') => void,
): void {
  const codes = reportableBy(run.plan, department).map((d) => d.code);
  run.cellIssue(sheet, row, codeCol, 'error', 'INDICATOR_NOT_OWNED', say.indicatorNotOwned(department, codes), codeCell);
  onIssue('error');
}

export interface LedgerContext {
  /** the stored ledger; undefined when no store is at hand (the stock checks are then skipped, and said so) */
  ledger: LedgerCertificate[] | undefined;
  submissionId: string;
}

/**
 * The cross-sheet rules on 指标 rows, then the accepted rows to aggregates and sink:
 * ownership (when the department came from a cover read later), derived rates
 * (§5.3, §5.5: DERIVED_MISMATCH), ledger stock (§5.4: STOCK_MISMATCH).
 */
export async function finishIndicators(run: Run, ledger: LedgerContext): Promise<void> {
  const sheetsOf = (kind: string) => run.sheets.filter((s) => s.spec.kind === kind);
  // rates derived from rows are only compared when every row of their sheet was valid:
  // a partial count would accuse a correct value
  const trustworthy = (kind: string) => sheetsOf(kind).every((s) => s.rowErrors === 0);
  let ledgerRows: LedgerCertificate[] | undefined;

  for (const p of run.pendingIndicators) {
    const fail = (severity: 'error' | 'warning') => {
      if (severity !== 'error' || p.hasError) return;
      p.hasError = true;
      p.sheet.summary.acceptedRows--;
      p.sheet.rowErrors++;
    };
    const row = p.record.src.row;
    if (!p.ownershipChecked && run.department && !ownedBy(p.def, run.department)) {
      notOwned(run, p.sheet, row, p.codeCol, p.codeCell, run.department, fail);
    }
    const value = p.record.value;
    const src = p.def.source;
    if (typeof value === 'number' && (src.from === 'inspections' || src.from === 'acceptances') && trustworthy(src.from)) {
      let derived: { value: number | null; passed: string; total: string; what: { zh: string; en: string } } | undefined;
      if (src.from === 'inspections') {
        const materials = src.categories === 'building-material';
        const agg = materials ? run.aggregates.inspections.buildingMaterial : run.aggregates.inspections.other;
        const names = buildingMaterialNames().join('、');
        const what = materials
          ? { zh: `抽查明细中产品类别为建筑材料（${names}）的行`, en: `inspection rows whose category is a building material (${names})` }
          : { zh: `抽查明细中产品类别不属于建筑材料（${names}）的行`, en: `inspection rows whose category is not a building material (${names})` };
        derived = { value: rate(agg.passed, agg.total), passed: String(agg.passed), total: String(agg.total), what };
      } else if (src.measure === 'pass-rate') {
        const agg = run.aggregates.acceptances;
        derived = { value: rate(agg.passed, agg.total), passed: String(agg.passed), total: String(agg.total), what: { zh: '竣工验收明细', en: 'acceptance rows' } };
      } else {
        derived = {
          value: rate(run.greenArea100, run.totalArea100),
          passed: `${run.greenArea100 / 100}㎡`,
          total: `${run.totalArea100 / 100}㎡`,
          what: { zh: '竣工验收明细（绿色建筑面积/总建筑面积）', en: 'acceptance rows (green floor area / total floor area)' },
        };
      }
      if (derived.value !== null && Math.abs(value - derived.value) > TOLERANCE) {
        run.cellIssue(p.sheet, row, p.valueCol, 'error', 'DERIVED_MISMATCH',
          say.derivedMismatch(value, derived.value, derived.what, derived.passed, derived.total), p.valueCell ?? value);
        fail('error');
      }
    }
    if (typeof value === 'number' && src.from === 'ledger' && run.department && run.period && ledger.ledger) {
      ledgerRows ??= ledgerWithSubmission(run, ledger.ledger, ledger.submissionId);
      const counted = countedCertificates(ledgerRows, src.certificationType, run.period.id).length;
      if (Math.abs(value - counted) > 1e-9) {
        run.cellIssue(p.sheet, row, p.valueCol, 'warning', 'STOCK_MISMATCH', say.stockMismatch(value, counted), p.valueCell ?? value);
      }
    }
  }

  ledgerStocks(run, ledger);
  blankIndicators(run);
  contentCompleteness(run);
  const accepted = run.pendingIndicators.filter((p) => !p.hasError).map((p) => p.record);
  for (const r of accepted) run.aggregates.indicators[r.code] = r;
  await run.toSink('indicators', accepted);
}

/**
 * A ledger stock that counts below the plan's baseline (§5.4): most likely the
 * opening ledger was never loaded, so the clerk is told what to add. Checked
 * for each stock this submission touches — reported on 指标, or certificates of
 * its type on 认证明细 — once the ledger stands as this submission makes it.
 * Without a stored ledger at hand nothing can be counted: the report says so.
 */
function ledgerStocks(run: Run, ctx: LedgerContext): void {
  if (!run.department || !run.period) return;
  const period = run.period.id;
  const touched = run.plan.indicators.filter(
    (d) =>
      d.source.from === 'ledger' &&
      (run.pendingIndicators.some((p) => p.def === d) || run.ledgerCertificates.some((c) => d.source.from === 'ledger' && c.type === d.source.certificationType)),
  );
  if (touched.length === 0) return;
  if (!ctx.ledger) {
    run.notes.push(say.noStoredLedger());
    return;
  }
  const rows = ledgerWithSubmission(run, ctx.ledger, ctx.submissionId);
  const certSheet = run.sheets.find((s) => s.spec.kind === 'certifications');
  for (const def of touched) {
    if (def.source.from !== 'ledger' || typeof def.baseline !== 'number') continue;
    const counted = countedCertificates(rows, def.source.certificationType, period).length;
    if (counted >= def.baseline) continue;
    const body = say.ledgerBelowBaseline(def.name, counted, periodEnd(period), def.baseline, run.plan.firstPeriod, openingPeriod(run.plan));
    const reported = run.pendingIndicators.find((p) => p.def === def);
    if (reported) run.cellIssue(reported.sheet, reported.record.src.row, reported.valueCol, 'warning', 'LEDGER_BELOW_BASELINE', body, reported.valueCell ?? counted);
    else if (certSheet) run.sheetIssue(certSheet, 'warning', 'LEDGER_BELOW_BASELINE', body);
    else run.fileIssue('warning', 'LEDGER_BELOW_BASELINE', body);
  }
}

/**
 * Prefilled 指标 rows left without a value: a warning at the 数值 cell when
 * nothing else gives the indicator a value this quarter — a reported one
 * always; a rate derived from rows when this upload carries none of them. A
 * ledger stock is counted whatever the row says; another department's row
 * without a value reports nothing.
 */
function blankIndicators(run: Run): void {
  if (run.noData) return; // NO_DATA says it all
  for (const b of run.blankIndicators) {
    if (run.department && !ownedBy(b.def, run.department)) continue;
    const src = b.def.source;
    if (src.from === 'ledger') continue;
    if (src.from === 'inspections' || src.from === 'acceptances') {
      if (!run.replaces.includes(src.from)) continue; // the rows come with another upload
      const rows =
        src.from === 'inspections'
          ? run.aggregates.inspections[src.categories === 'building-material' ? 'buildingMaterial' : 'other'].total
          : run.aggregates.acceptances.total;
      if (rows > 0) continue;
    }
    run.cellIssue(b.sheet, b.row, b.col, 'warning', 'VALUE_MISSING', say.valueMissing(b.def.name), null);
    run.valueMissing.add(b.def.code);
  }
}

/**
 * Indicators the department owns that this upload leaves without data, when it
 * replaces the department's 指标 (a workbook, or indicators.csv): one warning
 * each, so a quarter's gap is never silent. Rows left blank were warned already.
 */
function contentCompleteness(run: Run): void {
  if (run.noData || !run.department || !run.period || isOpeningPeriod(run.period.id, run.plan) || !run.replaces.includes('indicators')) return;
  const inspections = run.aggregates.inspections;
  const missing = missingIndicators(run.plan, run.department, {
    reported: new Set(run.pendingIndicators.filter((p) => !p.hasError).map((p) => p.def.code)),
    ...(run.replaces.includes('inspections') ? { inspections: { other: inspections.other.total, buildingMaterial: inspections.buildingMaterial.total } } : {}),
    ...(run.replaces.includes('acceptances') ? { acceptances: run.aggregates.acceptances.total } : {}),
  });
  const sheet = run.sheets.find((s) => s.spec.kind === 'indicators');
  const d = departmentOf(run.department);
  for (const def of missing) {
    if (run.valueMissing.has(def.code)) continue;
    const body: Lang = say.indicatorMissing(def, { zh: d.name, en: d.nameEn }, run.period.id);
    if (sheet) run.add({ severity: 'warning', code: 'INDICATOR_MISSING', sheet: sheet.name, value: def.code, message: { zh: `工作表「${sheet.name}」：${body.zh}`, en: `Sheet "${sheet.labels.en}": ${body.en}` } });
    else run.add({ severity: 'warning', code: 'INDICATOR_MISSING', value: def.code, message: body });
  }
}

/**
 * The ledger as it will stand once this submission is current: when it carries
 * 认证明细 it replaces the department's certificates of the same period, so
 * those rows are left out and this submission's take their place.
 */
function ledgerWithSubmission(run: Run, ledger: LedgerCertificate[], submissionId: string): LedgerCertificate[] {
  // an upload that carries no 认证明细 (indicators.csv) leaves the department's certificates as they are
  if (!run.replaces.includes('certifications')) return ledger;
  const department = run.department!;
  const period = run.period!.id;
  const rows = ledger.filter((c) => !(c.department === department && c.period === period));
  for (const c of run.ledgerCertificates) rows.push({ ...c, department, period, submissionId });
  return rows;
}
