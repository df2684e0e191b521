import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../../functions/core/catalog';
import { evaluatePeriod, type PeriodFacts } from '../../../functions/core/evaluation/evaluate';
import type { EvaluationResult, IndicatorEvaluation, LedgerCertificate, SubmissionVersion } from '../../../functions/core/model';
import { cert, factsOf, version } from './builders';

const plan = loadPlan('15th');
const MR = 'market-regulation';
const CON = 'construction';

function run(period: string, facts: PeriodFacts[], certificates: LedgerCertificate[] = []): EvaluationResult {
  return evaluatePeriod({ plan, period, facts, certificates });
}

function pick(result: EvaluationResult, code: string): IndicatorEvaluation {
  const found = result.indicators.find((i) => i.code === code);
  if (!found) throw new Error(`no evaluation for ${code}`);
  return found;
}

describe('evaluatePeriod: result shape', () => {
  it('evaluates every indicator of the plan, in plan order, for the canonical period', () => {
    const result = run('2026年第2季度', []);
    expect(result.plan).toBe('15th');
    expect(result.period).toBe('2026-Q2');
    expect(result.indicators.map((i) => i.code)).toEqual(plan.indicators.map((i) => i.code));
    expect(result.indicators.every((i) => i.status === 'no_data' && i.value === null)).toBe(true);
  });

  it('rejects a period that is not a quarter', () => {
    expect(() => run('2026-Q5', [])).toThrow(RangeError);
  });
});

describe('threshold (gte 95): MFG_SPOT_CHECK_PASS_RATE at 2026-Q2', () => {
  const cases: { name: string; q1?: [number, number]; q2?: [number, number]; status: string; value: number | null }[] = [
    { name: 'exactly at the floor, nothing earlier', q2: [95, 100], status: 'met', value: 95 },
    { name: 'at the floor and falling', q1: [96, 100], q2: [95, 100], status: 'at_risk', value: 95 },
    { name: 'floor + 1 and falling', q1: [97, 100], q2: [96, 100], status: 'at_risk', value: 96 },
    { name: 'floor + 1.01 and falling', q1: [97, 100], q2: [9601, 10000], status: 'met', value: 96.01 },
    { name: 'floor + 1 and rising', q1: [955, 1000], q2: [96, 100], status: 'met', value: 96 },
    { name: 'floor + 1 and unchanged', q1: [96, 100], q2: [96, 100], status: 'met', value: 96 },
    { name: 'just below the floor', q2: [9499, 10000], status: 'breached', value: 94.99 },
    { name: 'below the floor though rising', q1: [90, 100], q2: [94, 100], status: 'breached', value: 94 },
    { name: '94.995 rounds half away from zero onto the floor', q2: [18999, 20000], status: 'met', value: 95 },
    { name: 'no rows and no report', q1: [97, 100], status: 'no_data', value: null },
  ];
  it.each(cases)('$name → $status', ({ q1, q2, status, value }) => {
    const versions: SubmissionVersion[] = [];
    if (q1) versions.push(version(MR, '2026-Q1', { other: q1, id: 'q1' }));
    if (q2) versions.push(version(MR, '2026-Q2', { other: q2, id: 'q2' }));
    const e = pick(run('2026-Q2', factsOf(...versions)), 'MFG_SPOT_CHECK_PASS_RATE');
    expect(e.status).toBe(status);
    expect(e.value).toBe(value);
    expect(e.expected).toBeNull();
    expect(e.target).toBe(95);
    expect(e.sources).toEqual(q2 ? ['q2'] : []);
  });

  it('sums the rows of every department, whoever sent them', () => {
    const e = pick(
      run('2026-Q1', factsOf(version(MR, '2026-Q1', { other: [90, 100] }), version(CON, '2026-Q1', { other: [10, 10] }))),
      'MFG_SPOT_CHECK_PASS_RATE',
    );
    expect(e.value).toBe(90.91);
    expect(e.status).toBe('breached');
    expect(e.sources).toEqual(['market-regulation-2026-Q1-v1', 'construction-2026-Q1-v1']);
  });

  it('falls back to a reported value when there are no rows, and rows win when there are', () => {
    const reportedOnly = pick(
      run('2026-Q1', factsOf(version(MR, '2026-Q1', { indicators: { MFG_SPOT_CHECK_PASS_RATE: 96.5 } }))),
      'MFG_SPOT_CHECK_PASS_RATE',
    );
    expect(reportedOnly.value).toBe(96.5);
    expect(reportedOnly.status).toBe('met');
    expect(reportedOnly.sources).toEqual(['market-regulation-2026-Q1-v1']);

    const both = pick(
      run('2026-Q1', factsOf(version(MR, '2026-Q1', { other: [90, 100], indicators: { MFG_SPOT_CHECK_PASS_RATE: 96.5 } }))),
      'MFG_SPOT_CHECK_PASS_RATE',
    );
    expect(both.value).toBe(90);
    expect(both.status).toBe('breached');
  });

  it('takes the last reported value from before the plan when the facts reach back', () => {
    const e = pick(
      run('2026-Q1', factsOf(version(MR, '2025-Q4', { other: [97, 100], id: 'old' }), version(MR, '2026-Q1', { other: [96, 100] }))),
      'MFG_SPOT_CHECK_PASS_RATE',
    );
    expect(e.status).toBe('at_risk');
    expect(e.previous).toEqual({ period: '2025-Q4', value: 97, status: 'met' });
    expect(e.series).toEqual([{ period: '2026-Q1', value: 96, quarter: 96, expected: 95, status: 'at_risk' }]);
  });

  it('builds a series of every plan quarter with the floor as expected value', () => {
    const e = pick(
      run('2026-Q3', factsOf(version(MR, '2026-Q1', { other: [94, 100] }), version(MR, '2026-Q3', { other: [99, 100] }))),
      'MFG_SPOT_CHECK_PASS_RATE',
    );
    expect(e.series).toEqual([
      { period: '2026-Q1', value: 94, quarter: 94, expected: 95, status: 'breached' },
      { period: '2026-Q2', value: null, quarter: null, expected: 95, status: 'no_data' },
      { period: '2026-Q3', value: 99, quarter: 99, expected: 95, status: 'met' },
    ]);
    expect(e.previous).toEqual({ period: '2026-Q1', value: 94, status: 'breached' });
    // the year so far is pooled from the counts: (94 + 99) of (100 + 100), not the quarter's 99
    expect(e.yearToDate).toBe(96.5);
    expect(e.quarter).toBe(99);
  });
});

describe('threshold (eq 100) and area shares', () => {
  it.each([
    { acceptances: [10, 10, 0, 0] as [number, number, number, number], status: 'met', value: 100 },
    { acceptances: [9999, 10000, 0, 0] as [number, number, number, number], status: 'breached', value: 99.99 },
    // rounding comes before comparison: 99.995 % is shown and judged as 100.00 %
    { acceptances: [19999, 20000, 0, 0] as [number, number, number, number], status: 'met', value: 100 },
  ])('CONSTRUCTION_ACCEPTANCE_PASS_RATE $value → $status', ({ acceptances, status, value }) => {
    const e = pick(run('2026-Q1', factsOf(version(CON, '2026-Q1', { acceptances }))), 'CONSTRUCTION_ACCEPTANCE_PASS_RATE');
    expect(e.value).toBe(value);
    expect(e.status).toBe(status);
  });

  it('GREEN_BUILDING_SHARE is 81.00 whatever order the summed areas come in', () => {
    const a = version(CON, '2026-Q1', { acceptances: [1, 1, 40.7, 50.2], id: 'a' });
    const b = version('xinjing-town', '2026-Q1', { acceptances: [1, 1, 40.3, 49.8], id: 'b' });
    for (const order of [[a, b], [b, a]]) {
      const e = pick(run('2026-Q1', factsOf(...order)), 'GREEN_BUILDING_SHARE');
      expect(e.value).toBe(81);
      expect(e.status).toBe('met');
    }
  });
});

describe('flow: STANDARDS_LED_COUNT (50 over 20 quarters)', () => {
  it.each([
    { q2: 3, value: 5, status: 'met' },
    { q2: 2.5, value: 4.5, status: 'at_risk' },
    { q2: 2.49, value: 4.49, status: 'breached' },
  ])('2 + $q2 against pace 5 → $status', ({ q2, value, status }) => {
    const e = pick(
      run(
        '2026-Q2',
        factsOf(
          version(MR, '2026-Q1', { indicators: { STANDARDS_LED_COUNT: 2 } }),
          version(MR, '2026-Q2', { indicators: { STANDARDS_LED_COUNT: q2 } }),
        ),
      ),
      'STANDARDS_LED_COUNT',
    );
    expect(e.expected).toBe(5);
    expect(e.value).toBe(value);
    expect(e.status).toBe(status);
  });

  it('a quarter without a report is no_data, and adds nothing to later sums', () => {
    const facts = factsOf(
      version(MR, '2026-Q1', { indicators: { STANDARDS_LED_COUNT: 3 } }),
      version(MR, '2026-Q2', { indicators: {} }),
      version(MR, '2026-Q3', { indicators: { STANDARDS_LED_COUNT: 5 } }),
    );
    const q2 = pick(run('2026-Q2', facts), 'STANDARDS_LED_COUNT');
    expect(q2.status).toBe('no_data');
    expect(q2.value).toBeNull();
    expect(q2.expected).toBe(5);
    const q3 = pick(run('2026-Q3', facts), 'STANDARDS_LED_COUNT');
    expect(q3.value).toBe(8);
    expect(q3.expected).toBe(7.5);
    expect(q3.status).toBe('met');
    expect(q3.series.map((p) => [p.value, p.expected, p.status])).toEqual([
      [3, 2.5, 'met'],
      [null, 5, 'no_data'],
      [8, 7.5, 'met'],
    ]);
    expect(q3.previous).toEqual({ period: '2026-Q1', value: 3, status: 'met' });
  });

  it('sums across years; year to date covers the calendar year only', () => {
    const e = pick(
      run(
        '2027-Q1',
        factsOf(
          version(MR, '2026-Q1', { indicators: { STANDARDS_LED_COUNT: 1 } }),
          version(MR, '2026-Q4', { indicators: { STANDARDS_LED_COUNT: 4 } }),
          version(MR, '2027-Q1', { indicators: { STANDARDS_LED_COUNT: 6 } }),
        ),
      ),
      'STANDARDS_LED_COUNT',
    );
    expect(e.value).toBe(11);
    expect(e.yearToDate).toBe(6);
    expect(e.expected).toBe(12.5);
    expect(e.status).toBe('breached'); // at risk would need 11.25 ≤ x < 12.5
  });
});

describe('stock from the ledger: SHANGHAI_BRAND_TOTAL (baseline 12, target 22)', () => {
  function brandCount(n: number): LedgerCertificate[] {
    return Array.from({ length: n }, (_, i) => cert({ certificateNo: `SB-${i + 1}` }));
  }
  it.each([
    { count: 13, status: 'met' },
    { count: 12, status: 'at_risk' },
    { count: 11, status: 'breached' },
  ])('$count certificates against pace 12.5 at 2026-Q1 → $status', ({ count, status }) => {
    const e = pick(run('2026-Q1', [], brandCount(count)), 'SHANGHAI_BRAND_TOTAL');
    expect(e.expected).toBe(12.5);
    expect(e.baseline).toBe(12);
    expect(e.value).toBe(count);
    expect(e.status).toBe(status);
  });

  const ledger: LedgerCertificate[] = [
    cert({ certificateNo: 'A' }),
    cert({ certificateNo: 'B', expiresOn: '2026-05-31' }),
    cert({ certificateNo: 'C', expiresOn: '2026-06-30' }),
    cert({ certificateNo: 'D', status: 'suspended' }),
    cert({ certificateNo: 'G' }),
    cert({ certificateNo: 'H', status: 'withdrawn' }),
    cert({ certificateNo: 'S', type: 'shanghai-standard' }),
    cert({ certificateNo: 'E', issuedOn: '2026-07-01', period: '2026-Q2', submissionId: 'q2' }),
    cert({ certificateNo: 'g', status: 'withdrawn', period: '2026-Q2', submissionId: 'q2' }),
    cert({ certificateNo: 'H', period: '2026-Q2', submissionId: 'q2' }),
    cert({ certificateNo: 'F', period: '2026-Q3', submissionId: 'q3' }),
  ];

  it('counts valid, issued, unexpired certificates; a later row overrides; the baseline is never added', () => {
    const e = pick(run('2026-Q2', [], ledger), 'SHANGHAI_BRAND_TOTAL');
    // Q1 end: A B C G; Q2 end: A C H (B expired, G withdrawn by the Q2 row, E not yet issued, F is Q3)
    expect(e.series.map((p) => p.value)).toEqual([4, 3]);
    expect(e.value).toBe(3);
    expect(e.expected).toBe(13);
    expect(e.status).toBe('breached');
    expect(e.sources).toEqual(['q2', 'market-regulation-2026-Q1-v1']);
    expect(pick(run('2026-Q2', [], ledger), 'SHANGHAI_STANDARD_TOTAL').value).toBe(1);
  });

  it('uses the ledger count when a reported value differs, with a note', () => {
    const e = pick(
      run('2026-Q2', factsOf(version(MR, '2026-Q2', { id: 'rep', indicators: { SHANGHAI_BRAND_TOTAL: 14 } })), ledger),
      'SHANGHAI_BRAND_TOTAL',
    );
    expect(e.value).toBe(3);
    expect(e.notes).toEqual([
      {
        zh: '获“上海品牌”认证的服务和产品总数 报送值为 14，与认证台账统计的 3 不一致，已采用台账数',
        en: 'Products and services certified “Shanghai Brand” was reported as 14 but the certificate ledger counts 3; the ledger count is used',
      },
    ]);
    expect(e.sources).toEqual(['q2', 'market-regulation-2026-Q1-v1', 'rep']);
  });

  it('is no_data with no ledger row of its type and no report; a report alone gives the ledger count 0', () => {
    const onlyStandard = [cert({ certificateNo: 'S', type: 'shanghai-standard' })];
    expect(pick(run('2026-Q1', [], onlyStandard), 'SHANGHAI_BRAND_TOTAL').status).toBe('no_data');
    const reported = pick(
      run('2026-Q1', factsOf(version(MR, '2026-Q1', { indicators: { SHANGHAI_BRAND_TOTAL: 13 } })), onlyStandard),
      'SHANGHAI_BRAND_TOTAL',
    );
    expect(reported.value).toBe(0);
    expect(reported.status).toBe('breached');
    expect(reported.notes).toHaveLength(1);
  });

  it('SHANGHAI_STANDARD_TOTAL paces from its baseline 4 toward 7', () => {
    const e = pick(run('2026-Q1', [], [cert({ certificateNo: 'S1', type: 'shanghai-standard' })]), 'SHANGHAI_STANDARD_TOTAL');
    expect(e.expected).toBe(4.15);
    expect(e.value).toBe(1);
    expect(e.status).toBe('breached');
  });
});

describe('level: HIGH_VALUE_PATENTS_PER_10K paces from its first report', () => {
  it('the first report (2026-Q2) is on pace; the quarter before has no pace', () => {
    const e = pick(
      run('2026-Q2', factsOf(version(MR, '2026-Q2', { indicators: { HIGH_VALUE_PATENTS_PER_10K: 60 } }))),
      'HIGH_VALUE_PATENTS_PER_10K',
    );
    expect(e.expected).toBe(60);
    expect(e.status).toBe('met');
    expect(e.series).toEqual([
      { period: '2026-Q1', value: null, quarter: null, expected: null, status: 'no_data' },
      { period: '2026-Q2', value: 60, quarter: 60, expected: 60, status: 'met' },
    ]);
  });

  it.each([
    { value: 61.39, status: 'met' },
    { value: 55.25, status: 'at_risk' },
    { value: 55.24, status: 'breached' },
  ])('60 at k=2, then $value at k=3 against pace 61.39 → $status', ({ value, status }) => {
    const e = pick(
      run(
        '2026-Q3',
        factsOf(
          version(MR, '2026-Q2', { indicators: { HIGH_VALUE_PATENTS_PER_10K: 60 } }),
          version(MR, '2026-Q3', { indicators: { HIGH_VALUE_PATENTS_PER_10K: value } }),
        ),
      ),
      'HIGH_VALUE_PATENTS_PER_10K',
    );
    expect(e.expected).toBe(61.39); // 60 + 25 × 1/18
    expect(e.value).toBe(value);
    expect(e.status).toBe(status);
    expect(e.baseline).toBeNull();
  });

  it('a first report in the plan’s last quarter is its own pace', () => {
    const e = pick(
      run('2030-Q4', factsOf(version(MR, '2030-Q4', { indicators: { HIGH_VALUE_PATENTS_PER_10K: 70 } }))),
      'HIGH_VALUE_PATENTS_PER_10K',
    );
    expect(e.expected).toBe(70);
    expect(e.status).toBe('met');
    expect(e.series).toHaveLength(20);
  });

  it('a value that is not a number is no_data with a note', () => {
    const e = pick(
      run('2026-Q1', factsOf(version(MR, '2026-Q1', { indicators: { HIGH_VALUE_PATENTS_PER_10K: '约60' } }))),
      'HIGH_VALUE_PATENTS_PER_10K',
    );
    expect(e.status).toBe('no_data');
    expect(e.notes.map((n) => n.en)).toEqual([
      'The value reported for High-value invention patents per 10,000 people (“约60”) is not a number and was not evaluated',
    ]);
  });
});

describe('reported stock without baseline: NQI_SERVICE_STATIONS_TOTAL', () => {
  it.each([
    { q2: 3, status: 'met' },
    { q2: 2.2, status: 'at_risk' },
    { q2: 2, status: 'breached' },
  ])('2 at k=1, then $q2 at k=2 against pace 2.42 → $status', ({ q2, status }) => {
    const e = pick(
      run(
        '2026-Q2',
        factsOf(
          version(MR, '2026-Q1', { indicators: { NQI_SERVICE_STATIONS_TOTAL: 2 } }),
          version(MR, '2026-Q2', { indicators: { NQI_SERVICE_STATIONS_TOTAL: q2 } }),
        ),
      ),
      'NQI_SERVICE_STATIONS_TOTAL',
    );
    expect(e.series[0]).toEqual({ period: '2026-Q1', value: 2, quarter: 2, expected: 2, status: 'met' });
    expect(e.expected).toBe(2.42); // 2 + 8 × 1/19
    expect(e.status).toBe(status);
    expect(e.baseline).toBeNull();
  });
});

describe('qualitative: MAJOR_PROJECTS_LEVEL', () => {
  it('a rating from the owner needs review; none, or one from another department, is no_data', () => {
    const rated = pick(
      run('2026-Q1', factsOf(version(CON, '2026-Q1', { indicators: { MAJOR_PROJECTS_LEVEL: '国内领先' } }))),
      'MAJOR_PROJECTS_LEVEL',
    );
    expect(rated.status).toBe('needs_review');
    expect(rated.value).toBe('国内领先');
    expect(rated.expected).toBeNull();
    const foreign = pick(
      run('2026-Q1', factsOf(version(MR, '2026-Q1', { indicators: { MAJOR_PROJECTS_LEVEL: '国内领先' } }))),
      'MAJOR_PROJECTS_LEVEL',
    );
    expect(foreign.status).toBe('no_data');
    expect(pick(run('2026-Q1', []), 'MAJOR_PROJECTS_LEVEL').status).toBe('no_data');
  });
});

describe('hostile facts', () => {
  it('skips unknown periods, rejected and misfiled versions and unreadable ledger rows; the latest duplicate wins', () => {
    const rejected = version(MR, '2026-Q1', { other: [10, 100], status: 'rejected', id: 'rej' });
    const misfiled = version(MR, '2026-Q2', { other: [10, 100], id: 'mis' });
    const older = version(CON, '2026-Q1', { buildingMaterial: [90, 100], receivedAt: '2026-04-01T00:00:00Z', id: 'old' });
    const newer = version(CON, '2026-Q1', { buildingMaterial: [98, 100], receivedAt: '2026-04-03T00:00:00Z', id: 'new' });
    const facts = [
      { period: 'bogus', versions: [version(MR, '2026-Q1', { other: [1, 100] })] },
      { period: '2026-Q1', versions: [null as unknown as SubmissionVersion, rejected, misfiled, newer, older] },
    ] as PeriodFacts[];
    const certificates = [
      cert({ certificateNo: 'X', period: 'not a period' }),
      { ...cert({ certificateNo: 'Y' }), certificateNo: undefined } as unknown as LedgerCertificate,
      cert({ certificateNo: 'OK' }),
    ];
    const result = run('2026-Q1', facts, certificates);
    expect(pick(result, 'MFG_SPOT_CHECK_PASS_RATE').status).toBe('no_data');
    const bm = pick(result, 'BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE');
    expect(bm.value).toBe(98);
    expect(bm.sources).toEqual(['new']);
    expect(pick(result, 'SHANGHAI_BRAND_TOTAL').value).toBe(1);
  });
});

describe('the 14th plan replays the same way', () => {
  it('evaluates a flow and a reported threshold of 2021', () => {
    const plan14 = loadPlan('14th');
    const result = evaluatePeriod({
      plan: plan14,
      period: '2021-Q2',
      facts: factsOf(
        version(MR, '2021-Q1', { indicators: { CHIEF_QUALITY_OFFICERS_COUNT: 5 } }),
        version(MR, '2021-Q2', { indicators: { CHIEF_QUALITY_OFFICERS_COUNT: 5, NATIONAL_SPOT_CHECK_PASS_RATE: 97.9 } }),
      ),
      certificates: [],
    });
    expect(result.plan).toBe('14th');
    const cqo = pick(result, 'CHIEF_QUALITY_OFFICERS_COUNT');
    expect([cqo.value, cqo.expected, cqo.status]).toEqual([10, 10, 'met']);
    const national = pick(result, 'NATIONAL_SPOT_CHECK_PASS_RATE');
    expect([national.value, national.status]).toEqual([97.9, 'breached']);
  });
});

describe('quarter, cumulative and year to date (the summary’s 本季度, 累计, 年度累计)', () => {
  it('a flow: the quarter’s amount, the total since the plan began, the calendar year’s sum', () => {
    const facts = factsOf(
      version(MR, '2026-Q1', { indicators: { STANDARDS_LED_COUNT: 3 } }),
      version(MR, '2026-Q2', { indicators: { STANDARDS_LED_COUNT: 8 } }),
      version(MR, '2027-Q1', { indicators: { STANDARDS_LED_COUNT: 2 } }),
    );
    const q2 = pick(run('2026-Q2', facts), 'STANDARDS_LED_COUNT');
    expect([q2.value, q2.quarter, q2.cumulative, q2.yearToDate]).toEqual([11, 8, 11, 11]);
    expect(q2.series.map((p) => [p.period, p.value, p.quarter])).toEqual([['2026-Q1', 3, 3], ['2026-Q2', 11, 8]]);
    const next = pick(run('2027-Q1', facts), 'STANDARDS_LED_COUNT');
    expect([next.value, next.quarter, next.cumulative, next.yearToDate]).toEqual([13, 2, 13, 2]);
  });

  it('a rate: pooled from the counts of the year’s quarters, never the quarter’s value again', () => {
    const facts = factsOf(
      version(MR, '2026-Q1', { other: [40, 40] }),
      version(MR, '2026-Q2', { other: [28, 30] }),
      version(MR, '2027-Q1', { other: [9, 10] }),
    );
    const q2 = pick(run('2026-Q2', facts), 'MFG_SPOT_CHECK_PASS_RATE');
    expect([q2.value, q2.quarter, q2.cumulative]).toEqual([93.33, 93.33, null]);
    expect(q2.yearToDate).toBe(97.14); // 68 of 70
    expect(pick(run('2027-Q1', facts), 'MFG_SPOT_CHECK_PASS_RATE').yearToDate).toBe(90); // a new year
  });

  it('a rate reported on 指标: pooled from its numerator and denominator, none when a quarter has none', () => {
    const rated = (id: string, period: string, value: number, numerator?: number, denominator?: number): SubmissionVersion => {
      const v = version(CON, period, { id });
      v.aggregates.indicators.GREEN_BUILDING_SHARE = { code: 'GREEN_BUILDING_SHARE', value, numerator, denominator, src: { sheet: '指标', row: 3 } };
      return v;
    };
    const pooled = pick(run('2026-Q2', factsOf(rated('a', '2026-Q1', 80, 8, 10), rated('b', '2026-Q2', 90, 27, 30))), 'GREEN_BUILDING_SHARE');
    expect(pooled.yearToDate).toBe(87.5); // 35 of 40
    const bare = pick(run('2026-Q2', factsOf(rated('a', '2026-Q1', 80), rated('b', '2026-Q2', 90, 27, 30))), 'GREEN_BUILDING_SHARE');
    expect(bare.yearToDate).toBeNull();
  });

  it('a stock or level shows its level', () => {
    const e = pick(run('2026-Q2', factsOf(version(MR, '2026-Q2', { indicators: { HIGH_VALUE_PATENTS_PER_10K: 60 } }))), 'HIGH_VALUE_PATENTS_PER_10K');
    expect([e.value, e.quarter, e.cumulative, e.yearToDate]).toEqual([60, 60, null, 60]);
  });
});

describe('per sheet kind: a CSV upload replaces only its own kind', () => {
  it('reads each kind from the version current for it', () => {
    const workbook = { ...version(MR, '2026-Q1', { id: 'xlsx', other: [9, 10], indicators: { STANDARDS_LED_COUNT: 3 } }), currentFor: ['indicators' as const] };
    const csv = { ...version(MR, '2026-Q1', { id: 'inspections.csv', other: [20, 20] }), replaces: ['inspections' as const], currentFor: ['inspections' as const] };
    const result = run('2026-Q1', [{ period: '2026-Q1', versions: [workbook, csv] }]);
    const mfg = pick(result, 'MFG_SPOT_CHECK_PASS_RATE');
    expect([mfg.value, mfg.sources]).toEqual([100, ['inspections.csv']]);
    const standards = pick(result, 'STANDARDS_LED_COUNT');
    expect([standards.value, standards.sources]).toEqual([3, ['xlsx']]);
  });
});
