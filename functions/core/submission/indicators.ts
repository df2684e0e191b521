// 指标 / Indicators (PRODUCT §5.2): one reported value per indicator. Rows are
// checked as they stream; the rules that need other sheets (rates derived from
// record rows, the certificate ledger) or the department from a cover read later
// run in finishIndicators, which then hands the accepted rows to the sink.
import { reportableBy } from '../catalog';
import { countedCertificates } from '../ledger';
import type { IndicatorDef, IndicatorRecord, LedgerCertificate, RawCell } from '../model';
import { rate, round2 } from '../numbers';
import { normalizeKey } from '../text';
import { say } from './messages';
import { CellProblem, cellText, isEmptyCell, parseNumber, parsePercent, stripQuotes } from './parse-cell';
import type { RowCheck } from './row-check';
import { type PendingIndicator, Run } from './run';

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

/** Fields that carry a report; the template prefills code, name and unit of every indicator. */
const REPORT_FIELDS = ['value', 'numerator', 'denominator', 'note'];

export function checkIndicatorRow(rc: RowCheck): void {
  const c = rc.sheet.cols;
  const run = rc.run;
  // A template row the clerk left untouched (code, name, unit only) reports nothing:
  // not an error, not a record; the indicator simply has no value this quarter.
  if (REPORT_FIELDS.every((f) => isEmptyCell(rc.rawCell(c[f])))) return;
  const codeCol = c.code!;
  const codeCell = rc.cell(c.code, true);
  let def: IndicatorDef | undefined;
  let duplicate = false;
  let ownershipChecked = false;
  if (codeCell) {
    const code = cellText(codeCell).toUpperCase();
    def = run.indicatorsByCode.get(code);
    if (!def) {
      const codes = (run.department ? reportableBy(run.plan, run.department) : run.plan.indicators).map((d) => d.code);
      rc.issue(codeCol, 'UNKNOWN_INDICATOR', say.unknownIndicator(codes), codeCell);
    } else {
      const first = run.indicatorCodes.get(def.code);
      if (first !== undefined) {
        duplicate = true;
        const f = run.describeFirst(first, rc.sheet);
        rc.issue(codeCol, 'DUPLICATE', say.duplicate({ zh: '指标代码', en: 'indicator code' }, f.row, f.sheet), codeCell);
      } else run.indicatorCodes.set(def.code, Run.firstRef(rc.sheet, rc.row));
      if (run.department) {
        ownershipChecked = true;
        if (!ownedBy(def, run.department)) notOwned(run, rc.sheet, rc.row, codeCol, codeCell, run.department, (s) => {
          if (s === 'error') rc.hasError = true;
        });
      }
    }
  }

  const name = rc.text(c.name, false);
  if (def && name && !nameMatches(def, name)) {
    rc.issue(c.name, 'NAME_MISMATCH', say.nameMismatch(def.name), name, 'warning');
  }
  const unit = rc.text(c.unit, false);
  if (def && unit && !unitAccepted(def, unit)) {
    rc.issue(c.unit, 'UNIT_MISMATCH', say.unitMismatch([def.unit, ...(def.unitAliases ?? [])]), unit);
  }
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
  const note = rc.text(c.note, false, 2000);

  const valueCol = c.value!;
  let value: number | string | undefined | null;
  let valueCell: RawCell | undefined | null;
  if (!def) {
    valueCell = rc.cell(c.value, false); // formula errors still reported; the value's type is unknown
  } else if (def.kind === 'qualitative' || def.unit === 'rating') {
    valueCell = rc.cell(c.value, true);
    if (valueCell) {
      value = valueCell.kind === 'string' ? matchRating(def, cellText(valueCell)) : undefined;
      if (value === undefined) {
        rc.issue(valueCol, 'INVALID_ENUM', say.invalidRating(def.ratings ?? []), valueCell);
        value = null;
      }
    }
  } else if (def.unit === '%') {
    valueCell = rc.cell(c.value, false);
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
        if (Math.abs(value - computed) > TOLERANCE) {
          rc.issue(valueCol, 'VALUE_MISMATCH', say.valueMismatch(value, round2(computed)), valueCell);
        }
      } else if (valueCell === undefined) value = round2(computed);
    }
    if (valueCell === undefined && !fraction && numerator !== null && denominator !== null) {
      rc.issue(valueCol, 'REQUIRED', say.valueOrFraction(), null);
    }
  } else {
    // counts (个 项 件 名) and ratios (件/万人): numerator/denominator are kept as reported
    // but not used: only a percentage is numerator/denominator × 100 by definition.
    valueCell = rc.cell(c.value, true);
    if (valueCell) {
      const v = parseNumber(valueCell);
      if (v instanceof CellProblem) value = rc.problem(valueCol, v, valueCell);
      else if (v < 0) {
        rc.issue(valueCol, 'OUT_OF_RANGE', say.negative(), valueCell);
        value = null;
      } else if (WHOLE_UNITS.has(def.unit) && !Number.isInteger(v)) {
        rc.issue(valueCol, 'INVALID_NUMBER', say.notWhole(), valueCell);
        value = null;
      } else value = v;
    }
  }

  const ok = rc.end();
  if (!def || duplicate || value === undefined || value === null) return;
  const record: IndicatorRecord = { code: def.code, value, src: { sheet: rc.sheet.name, row: rc.row } };
  if (name) record.name = name;
  if (typeof numerator === 'number') record.numerator = numerator;
  if (typeof denominator === 'number') record.denominator = denominator;
  if (unit) record.unit = unit;
  if (note) record.note = note;
  run.pendingIndicators.push({
    record,
    def,
    sheet: rc.sheet,
    valueCol,
    valueCell: valueCell ?? undefined,
    codeCol,
    codeCell: codeCell!,
    hasError: !ok,
    ownershipChecked,
  });
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
  ledger: LedgerCertificate[];
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
        const agg = src.categories === 'building-material' ? run.aggregates.inspections.buildingMaterial : run.aggregates.inspections.other;
        derived = { value: rate(agg.passed, agg.total), passed: String(agg.passed), total: String(agg.total), what: { zh: '抽查明细', en: 'inspection rows' } };
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
    if (typeof value === 'number' && src.from === 'ledger' && run.department && run.period) {
      ledgerRows ??= ledgerWithSubmission(run, ledger);
      const counted = countedCertificates(ledgerRows, src.certificationType, run.period.id).length;
      if (Math.abs(value - counted) > 1e-9) {
        run.cellIssue(p.sheet, row, p.valueCol, 'warning', 'STOCK_MISMATCH', say.stockMismatch(value, counted), p.valueCell ?? value);
      }
    }
  }

  const accepted = run.pendingIndicators.filter((p) => !p.hasError).map((p) => p.record);
  for (const r of accepted) run.aggregates.indicators[r.code] = r;
  await run.toSink('indicators', accepted);
}

/**
 * The ledger as it will stand once this submission is current: this version
 * replaces the department's earlier version for the same period, so those rows
 * are left out and this submission's certificates take their place.
 */
function ledgerWithSubmission(run: Run, ctx: LedgerContext): LedgerCertificate[] {
  const department = run.department!;
  const period = run.period!.id;
  const rows = ctx.ledger.filter((c) => !(c.department === department && c.period === period));
  for (const c of run.ledgerCertificates) rows.push({ ...c, department, period, submissionId: ctx.submissionId });
  return rows;
}
