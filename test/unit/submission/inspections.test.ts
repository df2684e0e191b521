import { describe, expect, it } from 'vitest';
import {
  CODE_A, CODE_B, CODE_C, INSPECTION_HEADER, codes, date, formulaError, memorySink, noCache, only, sheet, validate, workbook, issuesOf, countsOf } from './helpers';

// serial 46086 = 2026-03-05
const D0305 = 46086;

// Row 1 title, row 2 header, data from row 3. Columns: A 序号, B 批次编号, C 产品类别, D 受检企业,
// E 统一社会信用代码, F 抽样日期, G 抽查级别, H 检验结论, I 不合格项目.
function inspections(rows: unknown[][]) {
  return workbook(sheet('抽查明细', [['2026年第一季度产品质量监督抽查明细'], INSPECTION_HEADER, ...(rows as never[][])]));
}
const good = (over: Record<number, unknown> = {}) => {
  const row: unknown[] = [1, 'B001', '电线电缆', '甲公司', CODE_A, date(D0305), '区', '合格', null];
  for (const [i, v] of Object.entries(over)) row[Number(i)] = v;
  return row;
};

describe('抽查明细 / Inspections', () => {
  it('accepts a valid sheet with exact aggregates and records', async () => {
    const { sink, got } = memorySink();
    const o = await validate(
      inspections([
        good(),
        [2, 'B002', '建筑材料', '乙公司', CODE_B, '2026/3/6', '市级', '不合格', '抗压强度'],
        [3, 'B003', '建筑材料', '丙公司', CODE_C.toLowerCase(), '2026年3月7日', 'national', 'pass'],
        [4, 'B004', '儿童用品', '丁公司', ` ${CODE_A} `, '2026.1.1', '国家', '不通过', '标识'],
      ]),
      { sink },
    );
    expect(issuesOf(o)).toEqual([]);
    expect(o.report.status).toBe('accepted');
    expect(countsOf(o)).toEqual({ errors: 0, warnings: 0 });
    expect(o.report.sheets).toEqual([{ name: '抽查明细', kind: 'inspections', rows: 4, acceptedRows: 4 }]);
    expect(o.aggregates.inspections).toEqual({ other: { passed: 1, total: 2 }, buildingMaterial: { passed: 1, total: 2 } });
    expect(got.inspections).toHaveLength(4);
    expect(got.inspections[1]).toEqual({
      batchId: 'B002', category: '建筑材料', enterprise: '乙公司', creditCode: CODE_B, samplingDate: '2026-03-06',
      level: 'municipal', result: 'fail', failedItems: '抗压强度', src: { sheet: '抽查明细', row: 4 },
    });
    expect(got.inspections[2]!.creditCode).toBe(CODE_C);
    expect(got.inspections[0]!.samplingDate).toBe('2026-03-05');
    expect(got.inspections[3]!.samplingDate).toBe('2026-01-01');
  });

  it('REQUIRED at the empty cell', async () => {
    const o = await validate(inspections([good({ 3: '  ' })]));
    expect(only(o, 'REQUIRED')).toMatchObject({
      severity: 'error', sheet: '抽查明细', row: 3, column: 'D', cell: 'D3', header: '受检企业', field: 'enterprise',
    });
    expect(o.report.status).toBe('rejected');
    expect(o.report.sheets[0]).toMatchObject({ rows: 1, acceptedRows: 0 });
  });

  it('INVALID_CREDIT_CODE: check digit, with the expected character and both languages', async () => {
    const o = await validate(inspections([good({ 4: '91440300715267260G' })]));
    const i = only(o, 'INVALID_CREDIT_CODE');
    expect(i).toMatchObject({ sheet: '抽查明细', row: 3, column: 'E', cell: 'E3', header: '统一社会信用代码', value: '91440300715267260G' });
    expect(i.message.zh).toBe('抽查明细 E3「统一社会信用代码」：校验位错误（应为 N），请核对18位统一社会信用代码');
    expect(i.message.en).toBe('Inspections E3 (Credit code): wrong check digit (expected N); check the 18-character unified social credit code');
  });

  it('INVALID_CREDIT_CODE: length, forbidden character, number cell', async () => {
    const o = await validate(inspections([
      good({ 4: '91440300715267' }),
      good({ 1: 'B002', 4: '9144030071526726IG' }),
      // biome-ignore lint/correctness/noPrecisionLoss: a credit code typed as a number has lost its digits; that is the case
      good({ 1: 'B003', 4: 914403001922038200 }),
    ]));
    const issues = issuesOf(o).filter((i) => i.code === 'INVALID_CREDIT_CODE');
    expect(issues.map((i) => i.cell)).toEqual(['E3', 'E4', 'E5']);
    expect(issues[0]!.message.en).toContain('14 characters instead of 18');
    expect(issues[1]!.message.en).toContain('character 17 "I" is not allowed');
    expect(issues[2]!.message.en).toContain('stored as a number');
  });

  it('INVALID_DATE for an impossible date and for Excel’s fake 1900-02-29', async () => {
    const o = await validate(inspections([good({ 5: '2026-02-30' }), good({ 1: 'B002', 5: date(60) })]));
    expect(issuesOf(o).filter((i) => i.code === 'INVALID_DATE').map((i) => [i.cell, i.value])).toEqual([
      ['F3', '2026-02-30'],
      ['F4', 60],
    ]);
  });

  it('DATE_OUTSIDE_PERIOD shows the ISO date and the period', async () => {
    const o = await validate(inspections([good({ 5: date(46113) })])); // 2026-04-01
    const i = only(o, 'DATE_OUTSIDE_PERIOD');
    expect(i).toMatchObject({ cell: 'F3', value: '2026-04-01', field: 'samplingDate' });
    expect(i.message.zh).toContain('2026-Q1（2026-01-01 至 2026-03-31）');
  });

  it('INVALID_ENUM for level and result, listing the accepted values', async () => {
    const o = await validate(inspections([good({ 6: '省级', 7: '基本合格' })]));
    const [level, result] = issuesOf(o);
    expect(level).toMatchObject({ code: 'INVALID_ENUM', cell: 'G3', value: '省级' });
    expect(level!.message.zh).toContain('国家 / 市 / 区');
    expect(result).toMatchObject({ code: 'INVALID_ENUM', cell: 'H3', value: '基本合格' });
    expect(result!.message.en).toContain('pass / fail');
  });

  it('FAILED_ITEMS_MISSING at 不合格项目 when the result is 不合格', async () => {
    const o = await validate(inspections([good({ 7: 'failed' })]));
    expect(only(o, 'FAILED_ITEMS_MISSING')).toMatchObject({ row: 3, column: 'I', cell: 'I3', header: '不合格项目' });
  });

  it('DUPLICATE batch id at the repeat, naming the first row', async () => {
    const o = await validate(inspections([good(), good({ 0: 2 }), good({ 0: 3, 1: ' b001 ' })]));
    const dups = issuesOf(o).filter((i) => i.code === 'DUPLICATE');
    expect(dups.map((i) => i.cell)).toEqual(['B4', 'B5']);
    expect(dups[0]!.message.zh).toContain('第3行');
    expect(dups[0]!.message.en).toContain('row 3');
    expect(o.report.sheets[0]).toMatchObject({ rows: 3, acceptedRows: 1 });
    expect(o.aggregates.inspections.other).toEqual({ passed: 1, total: 1 });
  });

  it('FORMULA_ERROR and FORMULA_NO_VALUE at their cells', async () => {
    const o = await validate(inspections([good({ 2: formulaError('#N/A') }), good({ 1: 'B002', 6: noCache() })]));
    expect(only(o, 'FORMULA_ERROR')).toMatchObject({ cell: 'C3', value: '#N/A' });
    expect(only(o, 'FORMULA_NO_VALUE')).toMatchObject({ cell: 'G4' });
  });

  it('INVALID_TEXT for an absurdly long value', async () => {
    const o = await validate(inspections([good({ 3: '企'.repeat(1001) })]));
    expect(only(o, 'INVALID_TEXT')).toMatchObject({ cell: 'D3' });
  });

  it('MISSING_COLUMN at sheet level naming the column; rows are counted, none accepted', async () => {
    const header = INSPECTION_HEADER.filter((h) => h !== '检验结论');
    const o = await validate(workbook(sheet('抽查明细', [header, [1, 'B001', '电线电缆', '甲公司', CODE_A, date(D0305), '区']])));
    const i = only(o, 'MISSING_COLUMN');
    expect(i).toMatchObject({ severity: 'error', sheet: '抽查明细' });
    expect(i.row).toBeUndefined();
    expect(i.message.zh).toContain('检验结论');
    expect(i.message.en).toContain('Result');
    expect(o.report.sheets[0]).toMatchObject({ rows: 1, acceptedRows: 0 });
  });

  it('building materials by category: 建筑材料 and Building Materials', async () => {
    const o = await validate(inspections([
      good({ 2: 'Building Materials' }),
      good({ 1: 'B2', 2: ' 建筑材料 ', 7: '不合格', 8: '强度' }),
      good({ 1: 'B3', 2: '建筑材料类' }),
    ]));
    expect(codes(o)).toEqual([]);
    expect(o.aggregates.inspections).toEqual({ other: { passed: 1, total: 1 }, buildingMaterial: { passed: 1, total: 2 } });
  });
});
