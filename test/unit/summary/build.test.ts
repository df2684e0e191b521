import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import schema from '../../../schemas/summary.schema.json';
import { buildSummary } from '../../../functions/core/summary/build';
import type { Alert } from '../../../functions/core/model';
import { GENERATED_AT, PERIOD, evaluation, input } from './fixture';

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const validate = ajv.compile(schema);

function valid(x: unknown): boolean {
  // JSON round trip: the schema describes what lands in summary.json
  const ok = validate(JSON.parse(JSON.stringify(x)));
  if (!ok) console.error(validate.errors);
  return ok;
}

describe('buildSummary', () => {
  const s = buildSummary(input());

  it('carries period, plan and time', () => {
    expect(s.schema).toBe('qtrack.summary/1');
    expect(s.period).toBe(PERIOD);
    expect(s.planQuarter).toBe(5);
    expect(s.generatedAt).toBe(GENERATED_AT);
    expect(s.plan).toEqual({
      id: '15th',
      name: { zh: '长宁区质量提升“十五五”规划（2026—2030）', en: 'Changning District 15th Five-Year Quality Plan (2026–2030)' },
      firstPeriod: '2026-Q1',
      lastPeriod: '2030-Q4',
    });
  });

  it('has every indicator in plan order with the evaluation’s numbers', () => {
    expect(s.indicators.map((i) => i.code)).toEqual([
      'MFG_SPOT_CHECK_PASS_RATE', 'CONSTRUCTION_ACCEPTANCE_PASS_RATE', 'GREEN_BUILDING_SHARE', 'MAJOR_PROJECTS_LEVEL',
      'SHANGHAI_BRAND_TOTAL', 'SHANGHAI_STANDARD_TOTAL', 'STANDARDS_LED_COUNT', 'HIGH_VALUE_PATENTS_PER_10K',
      'ADVANCED_QM_RESULTS_COUNT', 'CHIEF_QUALITY_OFFICERS_COUNT', 'NQI_SERVICE_STATIONS_TOTAL', 'BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE',
    ]);
    const mfg = s.indicators[0]!;
    expect(mfg).toMatchObject({
      name: { zh: '制造业产品质量监督抽查合格率', en: 'Manufactured product spot-check pass rate' },
      unit: '%', kind: 'threshold', owner: 'market-regulation', ownerName: { zh: '区市场监管局', en: 'District Market Regulation Bureau' },
      target: 95, comparison: 'gte', baseline: null, value: 94.87, previous: { period: '2026-Q4', value: 95.1, status: 'at_risk' },
      yearToDate: 94.87, expected: null, status: 'breached',
    });
    expect(mfg.series.map((p) => p.value)).toEqual([96.5, 95.8, 96.33, 95.1, 94.87]);
    expect(s.indicators[1]!.comparison).toBe('eq');
    expect(s.indicators[4]!).toMatchObject({ comparison: null, baseline: 12, expected: 14.5, status: 'at_risk' });
    expect(s.indicators[3]!).toMatchObject({ kind: 'qualitative', value: '国内领先', target: '国内领先水平', status: 'needs_review' });
  });

  it('counts statuses, submission states, alert severities and issues', () => {
    expect(s.totals).toEqual({
      indicators: { breached: 4, at_risk: 2, met: 3, needs_review: 1, no_data: 2 },
      submissions: { on_time: 2, late: 1, missing: 8, pending: 1 },
      alerts: { critical: 4, warning: 5, info: 3 },
      dataQuality: { error: 5, warning: 3 },
    });
  });

  it('orders departments by the registry and names them', () => {
    expect(s.submissions.map((d) => d.department)).toEqual([
      'market-regulation', 'construction', 'commerce', 'science-tech', 'development-reform', 'federation-commerce',
      'health', 'culture-tourism', 'finance', 'investment-promotion', 'xinjing-town', 'east-hongqiao',
    ]);
    expect(s.submissions[1]).toEqual({
      department: 'construction', name: { zh: '区建设管理委', en: 'District Construction Management Commission' },
      owns: true, state: 'late', firstAcceptedAt: '2027-04-12T02:30:00.000Z', versions: 2, rejectedVersions: 0, current: [], missing: [],
    });
    expect(s.submissions[0]).toMatchObject({
      department: 'market-regulation',
      current: [{ kind: 'indicators', fileName: 'indicators.csv' }, { kind: 'inspections', fileName: 'inspections.csv' }],
      missing: ['ADVANCED_QM_RESULTS_COUNT'],
    });
    expect(s.submissions[2]).toMatchObject({ state: 'missing', firstAcceptedAt: null, versions: 1, rejectedVersions: 1 });
  });

  it('orders alerts by severity, type, department and plan order of the indicator', () => {
    expect(s.alerts.map((a) => `${a.severity}:${a.type}:${a.indicator ?? a.department}`)).toEqual([
      'critical:TARGET_BREACHED:MFG_SPOT_CHECK_PASS_RATE',
      'critical:TARGET_BREACHED:SHANGHAI_STANDARD_TOTAL',
      'critical:TARGET_BREACHED:ADVANCED_QM_RESULTS_COUNT',
      'critical:TARGET_BREACHED:BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE',
      'warning:SHARP_DECLINE:SHANGHAI_STANDARD_TOTAL',
      'warning:SHARP_DECLINE:BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE',
      'warning:SUBMISSION_LATE:construction',
      'warning:TARGET_AT_RISK:SHANGHAI_BRAND_TOTAL',
      'warning:TARGET_AT_RISK:HIGH_VALUE_PATENTS_PER_10K',
      'info:CERTIFICATE_EXPIRING:market-regulation',
      'info:SUBMISSION_REJECTED:market-regulation',
      'info:TARGET_RECOVERED:CONSTRUCTION_ACCEPTANCE_PASS_RATE',
    ]);
    expect(s.alerts[0]).toMatchObject({ departmentName: { zh: '区市场监管局' }, indicatorName: { zh: '制造业产品质量监督抽查合格率' } });
    expect(s.alerts.find((a) => a.type === 'SUBMISSION_LATE')!.indicatorName).toBeNull();
  });

  it('merges data-quality rows of the same department, code and severity and drops empty ones', () => {
    expect(s.dataQuality.map((r) => [r.department, r.code, r.severity, r.count])).toEqual([
      ['market-regulation', 'INVALID_CREDIT_CODE', 'error', 3],
      ['market-regulation', 'DATE_OUTSIDE_PERIOD', 'error', 1],
      ['market-regulation', 'UNKNOWN_COLUMN', 'warning', 2],
      ['construction', 'NAME_MISMATCH', 'warning', 1],
      ['commerce', 'INDICATOR_NOT_OWNED', 'error', 1],
    ]);
  });

  it('includes the city-wide 2024 comparison figures of the plan', () => {
    expect(s.comparisons.map((c) => [c.label, c.year, c.value, c.indicator])).toEqual([
      ['全市制造业产品质量合格率', 2024, 96.33, 'MFG_SPOT_CHECK_PASS_RATE'],
      ['全市建设工程检测合格率', 2024, 99.98, 'CONSTRUCTION_ACCEPTANCE_PASS_RATE'],
    ]);
  });

  it('matches schemas/summary.schema.json', () => {
    expect(valid(s)).toBe(true);
  });

  it('the schema is strict: an unknown property or a wrong status fails', () => {
    const extra = JSON.parse(JSON.stringify(s));
    extra.indicators[0].colour = 'red';
    expect(validate(extra)).toBe(false);
    const wrong = JSON.parse(JSON.stringify(s));
    wrong.indicators[0].status = 'green';
    expect(validate(wrong)).toBe(false);
    const missing = JSON.parse(JSON.stringify(s));
    delete missing.totals;
    expect(validate(missing)).toBe(false);
  });
});

describe('buildSummary with bad or partial input', () => {
  it('lists a plan indicator the evaluation lacks as no_data with a note', () => {
    const e = evaluation();
    e.indicators = e.indicators.filter((i) => i.code !== 'GREEN_BUILDING_SHARE');
    const s = buildSummary({ ...input(), evaluation: e });
    const green = s.indicators.find((i) => i.code === 'GREEN_BUILDING_SHARE')!;
    expect(green).toMatchObject({ status: 'no_data', value: null, target: 80, comparison: 'gte', series: [], notes: [{ zh: '本期未评估', en: 'not evaluated for this period' }] });
    expect(s.indicators).toHaveLength(12);
    expect(valid(s)).toBe(true);
  });

  it('turns NaN and Infinity into null, drops series points after the period or with bad periods, and stays schema-valid', () => {
    const e = evaluation();
    const mfg = e.indicators[0]!;
    mfg.value = Number.NaN;
    mfg.expected = Number.POSITIVE_INFINITY;
    mfg.series = [...mfg.series, { period: '2027-Q2', value: 99, quarter: 99, expected: 95, status: 'met' }, { period: 'soon', value: 1, quarter: 1, expected: null, status: 'met' }];
    const s = buildSummary({ ...input(), evaluation: e });
    expect(s.indicators[0]!.value).toBeNull();
    expect(s.indicators[0]!.expected).toBeNull();
    expect(s.indicators[0]!.series.map((p) => p.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2027-Q1']);
    expect(valid(s)).toBe(true);
  });

  it('keeps an unknown department under its code and strips extra alert fields', () => {
    const stray = { id: 'x1', type: 'SUBMISSION_LATE', severity: 'warning', period: PERIOD, department: 'nowhere', message: { zh: '迟', en: 'late' }, createdAt: GENERATED_AT, extra: 1 } as unknown as Alert;
    const s = buildSummary({
      ...input(),
      alerts: [stray],
      submissions: [...input().submissions, { department: 'nowhere', owns: false, state: 'missing', versions: -2, rejectedVersions: Number.NaN }],
      dataQuality: [{ department: 'nowhere', code: 'REQUIRED', severity: 'error', count: 2.7 }],
    });
    expect(s.alerts[0]).toEqual({ id: 'x1', type: 'SUBMISSION_LATE', severity: 'warning', period: PERIOD, department: 'nowhere', message: { zh: '迟', en: 'late' }, createdAt: GENERATED_AT, departmentName: { zh: 'nowhere', en: 'nowhere' }, indicatorName: null });
    expect(s.submissions.at(-1)).toMatchObject({ department: 'nowhere', versions: 0, rejectedVersions: 0 });
    expect(s.dataQuality).toEqual([{ department: 'nowhere', departmentName: { zh: 'nowhere', en: 'nowhere' }, code: 'REQUIRED', severity: 'error', count: 2 }]);
    expect(valid(s)).toBe(true);
  });

  it('accepts any spelling of the period and rejects a non-period', () => {
    expect(buildSummary({ ...input(), period: '2027年第一季度' }).period).toBe('2027-Q1');
    expect(() => buildSummary({ ...input(), period: 'Q1' })).toThrow(RangeError);
  });
});
