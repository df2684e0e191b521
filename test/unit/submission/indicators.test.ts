import { describe, expect, it } from 'vitest';
import type { LedgerCertificate } from '../../../functions/core/model';
import {
  ACCEPTANCE_HEADER, CERT_HEADER, CODE_A, CODE_B, INDICATOR_HEADER, INSPECTION_HEADER, codes, memorySink, only, pct, sheet, validate, workbook, issuesOf } from './helpers';

// Title row 1, header row 2: A 指标代码, B 指标名称, C 数值, D 分子, E 分母, F 单位, G 备注.
function indicators(rows: unknown[][], extra: ReturnType<typeof sheet>[] = []) {
  return workbook(sheet('指标', [['2026年第一季度指标'], INDICATOR_HEADER, ...(rows as never[][])]), ...extra);
}
const MFG = 'MFG_SPOT_CHECK_PASS_RATE';

describe('指标 / Indicators', () => {
  it('accepts valid rows with exact records by code', async () => {
    const { sink, got } = memorySink();
    const o = await validate(
      indicators([
        [MFG, '制造业产品质量监督抽查合格率', '96.5%', null, null, '%'],
        ['standards_led_count', null, 12, null, null, '项', '主导制定国家标准 3 项'],
        ['HIGH_VALUE_PATENTS_PER_10K', null, 80.55, null, null, '件'],
        ['NQI_SERVICE_STATIONS_TOTAL', null, '3', null, null, '个'],
        ['SHANGHAI_BRAND_TOTAL', '获"上海品牌"认证的服务和产品总数', 0, null, null, '个'],
      ]),
      { sink },
    );
    expect(issuesOf(o)).toEqual([]);
    expect(o.report.sheets).toEqual([{ name: '指标', kind: 'indicators', rows: 5, acceptedRows: 5 }]);
    expect(Object.keys(o.aggregates.indicators)).toEqual([MFG, 'STANDARDS_LED_COUNT', 'HIGH_VALUE_PATENTS_PER_10K', 'NQI_SERVICE_STATIONS_TOTAL', 'SHANGHAI_BRAND_TOTAL']);
    expect(o.aggregates.indicators[MFG]).toEqual({ code: MFG, name: '制造业产品质量监督抽查合格率', value: 96.5, unit: '%', src: { sheet: '指标', row: 3 } });
    expect(o.aggregates.indicators.STANDARDS_LED_COUNT).toMatchObject({ value: 12, note: '主导制定国家标准 3 项' });
    expect(o.aggregates.indicators.NQI_SERVICE_STATIONS_TOTAL!.value).toBe(3);
    expect(got.indicators).toHaveLength(5);
  });

  it.each([
    [96.5, 96.5],
    ['96.5%', 96.5],
    ['９６．５', 96.5],
    ['９６．５％', 96.5],
    [pct(0.965), 96.5],
    [pct(1), 100],
    [0, 0],
    [100, 100],
    ['1%', 1],
  ])('percent %j reads as %d', async (input, expected) => {
    const o = await validate(indicators([[MFG, null, input]]));
    expect(issuesOf(o)).toEqual([]);
    expect(o.aggregates.indicators[MFG]!.value).toBe(expected);
  });

  it.each([
    ['95%以上', 'INVALID_PERCENT'],
    ['约96', 'INVALID_PERCENT'],
    [0.965, 'AMBIGUOUS_FRACTION'],
    ['1', 'AMBIGUOUS_FRACTION'],
    [100.5, 'OUT_OF_RANGE'],
    [pct(1.2), 'OUT_OF_RANGE'],
    [-1, 'OUT_OF_RANGE'],
  ])('percent %j is %s at C3', async (input, code) => {
    const o = await validate(indicators([[MFG, null, input]]));
    expect(only(o, code)).toMatchObject({ sheet: '指标', row: 3, column: 'C', cell: 'C3', header: '数值', field: 'value' });
    expect(o.aggregates.indicators[MFG]).toBeUndefined();
  });

  it('INVALID_PERCENT tells to enter the number only', async () => {
    const o = await validate(indicators([[MFG, null, '95%以上']]));
    const i = only(o, 'INVALID_PERCENT');
    expect(i.message.zh).toBe('指标 C3「数值」：百分比格式不正确，请只填写数字，如 96.5 或 96.5%，不要填写“95%以上”等文字');
    expect(i.value).toBe('95%以上');
  });

  it('computes an empty value from numerator and denominator (2 dp, half away from zero)', async () => {
    const o = await validate(indicators([[MFG, null, null, 2, 3]]));
    expect(issuesOf(o)).toEqual([]);
    expect(o.aggregates.indicators[MFG]).toMatchObject({ value: 66.67, numerator: 2, denominator: 3 });
  });

  it('REQUIRED when a % value has neither value nor both numerator and denominator', async () => {
    const o = await validate(indicators([[MFG, null, null, 2, null, '%']]));
    expect(only(o, 'REQUIRED')).toMatchObject({ cell: 'C3' });
  });

  it('NUMERATOR_EXCEEDS_DENOMINATOR at 分子', async () => {
    const o = await validate(indicators([[MFG, null, null, 201, 200]]));
    expect(only(o, 'NUMERATOR_EXCEEDS_DENOMINATOR')).toMatchObject({ cell: 'D3', value: 201 });
  });

  it('OUT_OF_RANGE for a denominator of 0 and a negative numerator', async () => {
    const o = await validate(indicators([[MFG, null, 96, -1, 0]]));
    expect(issuesOf(o).map((i) => [i.code, i.cell])).toEqual([
      ['OUT_OF_RANGE', 'D3'],
      ['OUT_OF_RANGE', 'E3'],
    ]);
  });

  it('VALUE_MISMATCH at 数值 beyond 0.05 points; 0.05 exactly is fine', async () => {
    const bad = await validate(indicators([[MFG, null, 96.44, 193, 200]]));
    expect(only(bad, 'VALUE_MISMATCH')).toMatchObject({ cell: 'C3', value: 96.44 });
    const edge = await validate(indicators([[MFG, null, 96.45, 193, 200]]));
    expect(codes(edge)).toEqual([]);
  });

  it('UNIT_MISMATCH at 单位; catalog unit aliases accepted', async () => {
    const o = await validate(indicators([[MFG, null, 96, null, null, '个'], ['HIGH_VALUE_PATENTS_PER_10K', null, 80, null, null, '件']]));
    const i = only(o, 'UNIT_MISMATCH');
    expect(i).toMatchObject({ cell: 'F3', value: '个' });
    expect(i.message.zh).toContain('%');
  });

  it('NAME_MISMATCH is a warning at 指标名称; the row is accepted', async () => {
    const o = await validate(indicators([[MFG, '工业产品抽查合格率', 96]]));
    expect(only(o, 'NAME_MISMATCH')).toMatchObject({ severity: 'warning', cell: 'B3' });
    expect(o.report.status).toBe('accepted');
    expect(o.aggregates.indicators[MFG]!.value).toBe(96);
  });

  it('UNKNOWN_INDICATOR at 指标代码 listing the department’s codes', async () => {
    const o = await validate(indicators([['MFG_PASS', null, 96]]));
    const i = only(o, 'UNKNOWN_INDICATOR');
    expect(i).toMatchObject({ cell: 'A3', value: 'MFG_PASS' });
    expect(i.message.zh).toContain('STANDARDS_LED_COUNT');
    expect(i.message.zh).not.toContain('GREEN_BUILDING_SHARE');
  });

  it('INDICATOR_NOT_OWNED for another department’s indicator', async () => {
    const o = await validate(indicators([['GREEN_BUILDING_SHARE', null, 85]]));
    expect(only(o, 'INDICATOR_NOT_OWNED')).toMatchObject({ cell: 'A3', value: 'GREEN_BUILDING_SHARE' });
    expect(o.aggregates.indicators).toEqual({});
  });

  it('DUPLICATE code at the repeat naming the first row', async () => {
    const o = await validate(indicators([[MFG, null, 96], ['STANDARDS_LED_COUNT', null, 1], [MFG, null, 97]]));
    const i = only(o, 'DUPLICATE');
    expect(i).toMatchObject({ cell: 'A5' });
    expect(i.message.en).toContain('row 3');
    expect(o.aggregates.indicators[MFG]!.value).toBe(96);
  });

  it('counts: whole numbers for 项, non-negative, digits only', async () => {
    const o = await validate(indicators([
      ['STANDARDS_LED_COUNT', null, 12.5],
      ['ADVANCED_QM_RESULTS_COUNT', null, -2],
      ['CHIEF_QUALITY_OFFICERS_COUNT', null, '12名'],
      ['HIGH_VALUE_PATENTS_PER_10K', null, 80.25],
    ]));
    expect(issuesOf(o).map((i) => [i.code, i.cell])).toEqual([
      ['INVALID_NUMBER', 'C3'],
      ['OUT_OF_RANGE', 'C4'],
      ['INVALID_NUMBER', 'C5'],
    ]);
    expect(o.aggregates.indicators.HIGH_VALUE_PATENTS_PER_10K!.value).toBe(80.25);
  });

  it('qualitative: ratings in Chinese (with 水平) and English; anything else INVALID_ENUM', async () => {
    const cons = { department: 'construction' };
    const ok1 = await validate(indicators([['MAJOR_PROJECTS_LEVEL', null, '国内领先水平', null, null, null, '获鲁班奖 2 项']]), cons);
    expect(codes(ok1)).toEqual([]);
    expect(ok1.aggregates.indicators.MAJOR_PROJECTS_LEVEL).toMatchObject({ value: '国内领先', note: '获鲁班奖 2 项' });
    const ok2 = await validate(indicators([['MAJOR_PROJECTS_LEVEL', null, 'Advanced']]), cons);
    expect(ok2.aggregates.indicators.MAJOR_PROJECTS_LEVEL!.value).toBe('国内先进');
    const bad = await validate(indicators([['MAJOR_PROJECTS_LEVEL', null, '国际领先']]), cons);
    const i = only(bad, 'INVALID_ENUM');
    expect(i).toMatchObject({ cell: 'C3' });
    expect(i.message.zh).toContain('国内领先 / 国内先进 / 一般');
  });

  it('a prefilled row left without a value is no data, and never silent: VALUE_MISSING at 数值', async () => {
    const o = await validate(indicators([
      ['ADVANCED_QM_RESULTS_COUNT', '形成先进质量管理模式和成果', null, null, null, '个'],
      ['STANDARDS_LED_COUNT', '十五五期间主导或参与制修订国际、国家、行业标准', 3, null, null, '项'],
    ]));
    const blank = only(o, 'VALUE_MISSING');
    expect(blank).toMatchObject({ severity: 'warning', sheet: '指标', cell: 'C3', field: 'value' });
    expect(blank.message.zh).toContain('形成先进质量管理模式和成果');
    expect(o.report.status).toBe('accepted');
    // a prefilled row is not a data row: a template sent untouched still holds no data (NO_DATA)
    expect(o.report.sheets[0]).toMatchObject({ rows: 1, acceptedRows: 1 });
    expect(Object.keys(o.aggregates.indicators)).toEqual(['STANDARDS_LED_COUNT']);
    // it is not reported a second time as left out
    expect(o.report.issues.filter((i) => i.code === 'INDICATOR_MISSING').map((i) => i.value)).not.toContain('ADVANCED_QM_RESULTS_COUNT');
  });

  it('a blank derived rate is fine when rows give it, a blank ledger stock always; without rows it is VALUE_MISSING', async () => {
    const rows = sheet('抽查明细', [INSPECTION_HEADER, [1, 'B1', '电线电缆', '甲', CODE_A, '2026-03-01', '区', '合格']]);
    const withRows = await validate(indicators([[MFG, null, null], ['SHANGHAI_BRAND_TOTAL', null, null]], [rows]));
    expect(codes(withRows)).toEqual([]);
    const without = await validate(indicators([[MFG, null, null], ['STANDARDS_LED_COUNT', null, 2]]));
    expect(only(without, 'VALUE_MISSING').cell).toBe('C3');
  });
});

describe('derived rates against reported values (DERIVED_MISMATCH)', () => {
  const inspections = sheet('抽查明细', [
    INSPECTION_HEADER,
    [1, 'B1', '电线电缆', '甲', CODE_A, '2026-03-01', '区', '合格'],
    [2, 'B2', '电线电缆', '乙', CODE_B, '2026-03-01', '区', '合格'],
    [3, 'B3', '儿童用品', '丙', CODE_A, '2026-03-01', '区', '不合格', '标识'],
  ]);

  it('agrees within 0.05 points (66.67 vs 66.7)', async () => {
    const o = await validate(indicators([[MFG, null, 66.7]], [inspections]));
    expect(codes(o)).toEqual([]);
    expect(o.aggregates.inspections.other).toEqual({ passed: 2, total: 3 });
  });

  it('errors at the reported 数值 cell otherwise, whichever sheet comes first', async () => {
    const o = await validate(workbook(inspections, sheet('指标', [INDICATOR_HEADER, [MFG, null, 70]])));
    const i = only(o, 'DERIVED_MISMATCH');
    expect(i).toMatchObject({ sheet: '指标', cell: 'C2', value: 70 });
    expect(i.message.zh).toContain('66.67（2/3）');
    expect(o.report.sheets.find((s) => s.kind === 'indicators')).toMatchObject({ rows: 1, acceptedRows: 0 });
    expect(o.aggregates.indicators).toEqual({});
  });

  it('no comparison without rows of that category', async () => {
    const cons = { department: 'construction' };
    const o = await validate(indicators([['BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE', null, 12]], [inspections]), cons);
    // (the construction department's rows are expected to be building materials: each row is warned about)
    expect(codes(o)).toEqual(['CATEGORY_NOT_BUILDING_MATERIAL', 'CATEGORY_NOT_BUILDING_MATERIAL', 'CATEGORY_NOT_BUILDING_MATERIAL']);
  });

  it('no comparison when the detail rows themselves have errors (the count would be partial)', async () => {
    const broken = sheet('抽查明细', [INSPECTION_HEADER, [1, 'B1', '电线电缆', '甲', 'bad', '2026-03-01', '区', '合格']]);
    const o = await validate(indicators([[MFG, null, 50]], [broken]));
    expect(codes(o)).toEqual(['INVALID_CREDIT_CODE']);
  });

  it('acceptance pass rate by count and green share by floor area', async () => {
    const acceptances = sheet('竣工验收', [
      ACCEPTANCE_HEADER,
      ['甲', '2026-01-10', '合格', '是', 8000],
      ['乙', '2026-01-11', '合格', '否', 2000],
      ['丙', '2026-01-12', '不合格', '是', 100],
    ]);
    const cons = { department: 'construction' };
    const ok = await validate(indicators([['CONSTRUCTION_ACCEPTANCE_PASS_RATE', null, 66.67], ['GREEN_BUILDING_SHARE', null, 80.2]], [acceptances]), cons);
    expect(codes(ok)).toEqual([]);
    expect(ok.aggregates.acceptances).toEqual({ passed: 2, total: 3, greenArea: 8100, totalArea: 10100 });
    const bad = await validate(indicators([['CONSTRUCTION_ACCEPTANCE_PASS_RATE', null, 100], ['GREEN_BUILDING_SHARE', null, 80]], [acceptances]), cons);
    expect(issuesOf(bad).map((i) => [i.code, i.cell])).toEqual([
      ['DERIVED_MISMATCH', 'C3'],
      ['DERIVED_MISMATCH', 'C4'],
    ]);
  });
});

describe('stock indicators against the certificate ledger (STOCK_MISMATCH)', () => {
  const ledgerRow = (no: string, over: Partial<LedgerCertificate> = {}): LedgerCertificate => ({
    type: 'shanghai-brand', holder: 'h', creditCode: CODE_A, certificateNo: no, product: 'p', issuedOn: '2024-01-01',
    status: 'valid', src: { sheet: '认证明细', row: 2 }, department: 'commerce', period: '2025-Q4', submissionId: 's0', ...over,
  });
  // 11 counted in other departments' ledgers, one expired, one of our own earlier version of this period (replaced)
  const ledger = [
    ...Array.from({ length: 11 }, (_, i) => ledgerRow(`L${i}`)),
    ledgerRow('EXP', { expiresOn: '2026-01-31' }),
    ledgerRow('OLD', { department: 'market-regulation', period: '2026-Q1', submissionId: 's-old' }),
  ];
  const certs = sheet('认证明细', [CERT_HEADER, ['上海品牌', '甲', CODE_A, 'NEW-1', '电表', '2026-02-01', null, null]]);

  it('no warning when the reported count equals the ledger’s', async () => {
    const o = await validate(indicators([['SHANGHAI_BRAND_TOTAL', null, 12]], [certs]), { ledger });
    expect(codes(o)).toEqual([]);
  });

  it('a warning at 数值 saying the ledger’s count will be used', async () => {
    const o = await validate(indicators([['SHANGHAI_BRAND_TOTAL', null, 13]], [certs]), { ledger });
    const i = only(o, 'STOCK_MISMATCH');
    expect(i).toMatchObject({ severity: 'warning', sheet: '指标', cell: 'C3', value: 13 });
    expect(i.message.zh).toContain('将采用台账统计数 12');
    expect(o.report.status).toBe('accepted');
    expect(o.aggregates.indicators.SHANGHAI_BRAND_TOTAL!.value).toBe(13);
  });
});
