// A hand-built quarter for the summary tests: 2027-Q1 of the 15th plan (plan
// quarter 5), all 12 indicators with five quarters of history each, statuses of
// every kind, departments in every submission state, alerts of every type, and
// a few hostile strings (formulas, markup) where workbook text can end up.
import { loadPlan } from '../../../functions/core/catalog';
import type { Alert, EvaluationResult, IndicatorEvaluation, IndicatorStatus, SeriesPoint } from '../../../functions/core/model';
import type { DepartmentPeriodStatus } from '../../../functions/core/submission-status';
import type { DataQualityRow, SummaryInput } from '../../../functions/core/summary/build';

export const PERIOD = '2027-Q1';
export const QUARTERS = ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2027-Q1'];
export const GENERATED_AT = '2027-04-15T01:00:00.000Z';

type V = number | string | null;

/** Points whose quarter figure is the value; ind() gives a flow's points their quarter amounts. */
function series(values: V[], expected: (number | null)[], statuses: IndicatorStatus[]): SeriesPoint[] {
  return QUARTERS.map((period, k) => ({ period, value: values[k]!, quarter: values[k]!, expected: expected[k]!, status: statuses[k]! }));
}

/** A flow's series holds totals since the plan's start: each quarter's amount is the step from the last total. */
function flowAmounts(points: SeriesPoint[]): SeriesPoint[] {
  let total = 0;
  return points.map((p) => {
    if (typeof p.value !== 'number') return { ...p, quarter: null };
    const amount = Math.round((p.value - total) * 100) / 100;
    total = p.value;
    return { ...p, quarter: amount };
  });
}

/** pace of a level/stock indicator anchored at its first value (quarter 1), 20 quarters to the target */
function anchoredPace(v0: number, target: number): number[] {
  return [1, 2, 3, 4, 5].map((k) => v0 + ((target - v0) * (k - 1)) / 19);
}

function ind(
  code: string,
  name: string,
  nameEn: string,
  rest: Omit<IndicatorEvaluation, 'code' | 'name' | 'nameEn' | 'status' | 'value' | 'quarter' | 'cumulative' | 'previous' | 'sources' | 'notes'> & {
    notes?: IndicatorEvaluation['notes'];
  },
): IndicatorEvaluation {
  const s = rest.kind === 'flow' ? flowAmounts(rest.series) : rest.series;
  const last = s.at(-1)!;
  const earlier = [...s.slice(0, -1)].reverse().find((p) => p.value !== null);
  return {
    code,
    name,
    nameEn,
    status: last.status,
    value: last.value,
    quarter: last.quarter,
    cumulative: rest.kind === 'flow' && typeof last.value === 'number' ? last.value : null,
    previous: earlier ? { period: earlier.period, value: earlier.value!, status: earlier.status } : null,
    sources: last.value === null ? [] : [`sub-${code.toLowerCase()}-2027q1`],
    notes: rest.notes ?? [],
    ...rest,
    series: s,
  };
}

const FLOOR = (n: number) => [n, n, n, n, n];

export function evaluation(): EvaluationResult {
  const patentsPace = anchoredPace(62.4, 85);
  const nqiPace = anchoredPace(3, 10);
  return {
    plan: '15th',
    period: PERIOD,
    indicators: [
      ind('MFG_SPOT_CHECK_PASS_RATE', '制造业产品质量监督抽查合格率', 'Manufactured product spot-check pass rate', {
        unit: '%', kind: 'threshold', owner: 'market-regulation', target: 95, baseline: null, expected: null, yearToDate: 94.87,
        series: series([96.5, 95.8, 96.33, 95.1, 94.87], FLOOR(95), ['met', 'met', 'met', 'at_risk', 'breached']),
      }),
      ind('CONSTRUCTION_ACCEPTANCE_PASS_RATE', '建筑工程竣工验收合格率', 'Construction completion acceptance pass rate', {
        unit: '%', kind: 'threshold', owner: 'construction', target: 100, baseline: null, expected: null, yearToDate: 100,
        series: series([100, 100, 98.5, 100, 100], FLOOR(100), ['met', 'met', 'breached', 'met', 'met']),
      }),
      ind('GREEN_BUILDING_SHARE', '绿色建筑占新建建筑比例', 'Green buildings as a share of new buildings', {
        unit: '%', kind: 'threshold', owner: 'construction', target: 80, baseline: null, expected: null, yearToDate: null,
        series: series([null, 82.35, 84.1, 79.6, null], FLOOR(80), ['no_data', 'met', 'met', 'breached', 'no_data']),
      }),
      ind('MAJOR_PROJECTS_LEVEL', '重大工程建设项目', 'Major construction projects', {
        unit: 'rating', kind: 'qualitative', owner: 'construction', target: '国内领先水平', baseline: null, expected: null, yearToDate: '国内领先',
        series: series(['国内先进', null, null, '国内领先', '国内领先'], [null, null, null, null, null], ['needs_review', 'no_data', 'no_data', 'needs_review', 'needs_review']),
        notes: [{ zh: '评级依据：<b>虹桥枢纽</b> & “长宁来福士”二期', en: 'evidence: <b>Hongqiao hub</b> & Raffles City phase 2' }],
      }),
      ind('SHANGHAI_BRAND_TOTAL', '获“上海品牌”认证的服务和产品总数', 'Products and services certified “Shanghai Brand”', {
        unit: '个', kind: 'stock', owner: 'market-regulation', target: 22, baseline: 12, expected: 14.5, yearToDate: 14,
        series: series([12, 13, 13, 15, 14], [12.5, 13, 13.5, 14, 14.5], ['at_risk', 'met', 'at_risk', 'met', 'at_risk']),
        notes: [{ zh: '报送存量 15 与台账 14 不一致，采用台账数', en: 'reported stock 15 differs from the ledger (14); the ledger count is used' }],
      }),
      ind('SHANGHAI_STANDARD_TOTAL', '获“上海标准”的总数', '“Shanghai Standard” certifications', {
        unit: '项', kind: 'stock', owner: 'market-regulation', target: 7, baseline: 4, expected: 4.75, yearToDate: 3,
        series: series([4, 4, 5, 5, 3], [4.15, 4.3, 4.45, 4.6, 4.75], ['at_risk', 'at_risk', 'met', 'met', 'breached']),
      }),
      ind('STANDARDS_LED_COUNT', '十五五期间主导或参与制修订国际、国家、行业标准', 'Standards led or co-drafted (international, national, industry)', {
        unit: '项', kind: 'flow', owner: 'market-regulation', target: 50, baseline: null, expected: 12.5, yearToDate: 3,
        series: series([3, 4, 8, 10, 13], [2.5, 5, 7.5, 10, 12.5], ['met', 'breached', 'met', 'met', 'met']),
      }),
      ind('HIGH_VALUE_PATENTS_PER_10K', '每万人高价值发明专利拥有量', 'High-value invention patents per 10,000 residents', {
        unit: '件/万人', kind: 'level', owner: 'market-regulation', target: 85, baseline: 62.4, expected: patentsPace[4]!, yearToDate: 66.2,
        series: series([62.4, 63.1, 64.9, null, 66.2], patentsPace, ['met', 'at_risk', 'met', 'no_data', 'at_risk']),
      }),
      ind('ADVANCED_QM_RESULTS_COUNT', '形成先进质量管理模式和成果', 'Advanced quality-management models and results', {
        unit: '个', kind: 'flow', owner: 'market-regulation', target: 30, baseline: null, expected: 7.5, yearToDate: 0,
        series: series([null, 2, 3, 6, 6], [1.5, 3, 4.5, 6, 7.5], ['no_data', 'breached', 'breached', 'met', 'breached']),
      }),
      ind('CHIEF_QUALITY_OFFICERS_COUNT', '培育首席质量官', 'Chief quality officers trained', {
        unit: '名', kind: 'flow', owner: 'market-regulation', target: 150, baseline: null, expected: 37.5, yearToDate: null,
        series: series([10, 18, 24, 33, null], [7.5, 15, 22.5, 30, 37.5], ['met', 'met', 'met', 'met', 'no_data']),
      }),
      ind('NQI_SERVICE_STATIONS_TOTAL', '建成各级质量基础设施服务站点', 'Quality infrastructure service stations', {
        unit: '个', kind: 'stock', owner: 'market-regulation', target: 10, baseline: null, expected: nqiPace[4]!, yearToDate: 5,
        series: series([3, 3, 4, 4, 5], nqiPace, ['met', 'at_risk', 'met', 'at_risk', 'met']),
      }),
      ind('BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE', '建筑材料质量监督抽查合格率', 'Building-material spot-check pass rate', {
        unit: '%', kind: 'threshold', owner: 'construction', target: 97, baseline: null, expected: null, yearToDate: 96.2,
        series: series([98.2, 97.65, 97.3, 99.01, 96.2], FLOOR(97), ['met', 'met', 'at_risk', 'met', 'breached']),
      }),
    ],
  };
}

export function submissions(): DepartmentPeriodStatus[] {
  const s = (department: string, owns: boolean, state: DepartmentPeriodStatus['state'], versions: number, rejectedVersions: number, firstAcceptedAt?: string): DepartmentPeriodStatus => ({
    department, owns, state, versions, rejectedVersions,
    ...(firstAcceptedAt ? { firstAcceptedAt, currentSubmissionId: `sub-${department}` } : {}),
  });
  // given out of registry order on purpose: the summary orders by the registry
  return [
    s('construction', true, 'late', 2, 0, '2027-04-12T02:30:00.000Z'),
    {
      // two CSV uploads make up the current data; one indicator was left out
      ...s('market-regulation', true, 'on_time', 3, 1, '2027-04-08T06:15:00.000Z'),
      current: [
        { kind: 'indicators', submissionId: 'sub-mr-ind', fileName: 'indicators.csv', receivedAt: '2027-04-08T06:15:00.000Z' },
        { kind: 'inspections', submissionId: 'sub-mr-insp', fileName: 'inspections.csv', receivedAt: '2027-04-09T01:00:00.000Z' },
      ],
      missing: ['ADVANCED_QM_RESULTS_COUNT'],
    },
    s('commerce', false, 'missing', 1, 1),
    s('science-tech', false, 'on_time', 1, 0, '2027-04-03T09:00:00.000Z'),
    s('development-reform', false, 'missing', 0, 0),
    s('federation-commerce', false, 'missing', 0, 0),
    s('health', false, 'missing', 0, 0),
    s('culture-tourism', false, 'missing', 0, 0),
    s('finance', false, 'missing', 0, 0),
    s('investment-promotion', false, 'missing', 0, 0),
    s('xinjing-town', false, 'pending', 0, 0),
    s('east-hongqiao', false, 'missing', 0, 0),
  ];
}

/** Hostile text a department could type into a workbook that ends up in an alert. */
export const HOSTILE_MESSAGE = '=HYPERLINK("http://evil.example/x","点我") <img src="http://evil.example/p.png"> & \'x\'';

export function alerts(): Alert[] {
  const a = (type: Alert['type'], severity: Alert['severity'], department: string, extra: Partial<Alert>, zh: string): Alert => ({
    id: `${type}-${department}-${extra.indicator ?? extra.certificate ?? extra.source ?? 'x'}`.toLowerCase(),
    type, severity, period: PERIOD, department,
    message: { zh, en: `${type} ${extra.indicator ?? ''}`.trim() },
    createdAt: '2027-04-12T03:00:00.000Z',
    ...extra,
  });
  return [
    a('SUBMISSION_REJECTED', 'info', 'market-regulation', { source: 'sub-mr-1' }, '区市场监管局 2027-Q1 报送被退回：4 个错误'),
    a('TARGET_BREACHED', 'critical', 'market-regulation', { indicator: 'MFG_SPOT_CHECK_PASS_RATE', value: 94.87, target: 95, expected: null }, '制造业产品质量监督抽查合格率 94.87% 低于底线 95%'),
    a('SHARP_DECLINE', 'warning', 'market-regulation', { indicator: 'SHANGHAI_STANDARD_TOTAL', value: 3, target: 7, expected: 4.75 }, '获“上海标准”的总数由 5 降至 3'),
    a('TARGET_BREACHED', 'critical', 'market-regulation', { indicator: 'SHANGHAI_STANDARD_TOTAL', value: 3, target: 7, expected: 4.75 }, '获“上海标准”的总数 3 低于进度 4.75'),
    a('TARGET_AT_RISK', 'warning', 'market-regulation', { indicator: 'SHANGHAI_BRAND_TOTAL', value: 14, target: 22, expected: 14.5 }, '获“上海品牌”认证的服务和产品总数 14 略低于进度 14.5'),
    a('TARGET_AT_RISK', 'warning', 'market-regulation', { indicator: 'HIGH_VALUE_PATENTS_PER_10K', value: 66.2, target: 85, expected: anchoredPace(62.4, 85)[4]! }, '每万人高价值发明专利拥有量 66.2 略低于进度'),
    a('TARGET_BREACHED', 'critical', 'market-regulation', { indicator: 'ADVANCED_QM_RESULTS_COUNT', value: 6, target: 30, expected: 7.5 }, '形成先进质量管理模式和成果 6 低于进度 7.5'),
    a('TARGET_BREACHED', 'critical', 'construction', { indicator: 'BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE', value: 96.2, target: 97, expected: null }, '建筑材料质量监督抽查合格率 96.2% 低于底线 97%'),
    a('SHARP_DECLINE', 'warning', 'construction', { indicator: 'BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE', value: 96.2, target: 97, expected: null }, HOSTILE_MESSAGE),
    a('SUBMISSION_LATE', 'warning', 'construction', {}, '区建设管理委 2027-Q1 数据逾期未报送（截止 2027-04-10）'),
    a('TARGET_RECOVERED', 'info', 'construction', { indicator: 'CONSTRUCTION_ACCEPTANCE_PASS_RATE', value: 100, target: 100, expected: null }, '建筑工程竣工验收合格率恢复达标'),
    a('CERTIFICATE_EXPIRING', 'info', 'market-regulation', { certificate: 'shanghai-brand:SHB-2023-0117' }, '-上海品牌证书 SHB-2023-0117 将于 2027-06-30 到期'),
  ];
}

export function dataQuality(): DataQualityRow[] {
  return [
    { department: 'construction', code: 'NAME_MISMATCH', severity: 'warning', count: 1 },
    { department: 'market-regulation', code: 'INVALID_CREDIT_CODE', severity: 'error', count: 2 },
    { department: 'market-regulation', code: 'UNKNOWN_COLUMN', severity: 'warning', count: 2 },
    { department: 'market-regulation', code: 'DATE_OUTSIDE_PERIOD', severity: 'error', count: 1 },
    // the same code again from another version: merged into one row of 3
    { department: 'market-regulation', code: 'INVALID_CREDIT_CODE', severity: 'error', count: 1 },
    { department: 'commerce', code: 'INDICATOR_NOT_OWNED', severity: 'error', count: 1 },
    // nothing to report: dropped
    { department: 'health', code: 'REQUIRED', severity: 'error', count: 0 },
  ];
}

export function input(): SummaryInput {
  return {
    plan: loadPlan('15th'),
    period: PERIOD,
    generatedAt: GENERATED_AT,
    evaluation: evaluation(),
    submissions: submissions(),
    alerts: alerts(),
    dataQuality: dataQuality(),
  };
}
