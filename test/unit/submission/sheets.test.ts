import { describe, expect, it } from 'vitest';
import { CODE_A, CODE_B, INSPECTION_HEADER, codes, memorySink, only, sheet, validate, workbook } from './helpers';

const row = (batch: string, category = '电线电缆') => [1, batch, category, '甲公司', CODE_A, '2026-03-05', '区', '合格'];

describe('sheets by name', () => {
  it('recognises English names, aliases and spacing/case variants', async () => {
    const o = await validate(workbook(
      sheet('Inspections', [INSPECTION_HEADER, row('B1')]),
      sheet(' 抽查 明细表 ', [INSPECTION_HEADER, row('B2')]),
      sheet('INDICATORS', [['指标代码', '数值'], ['STANDARDS_LED_COUNT', 2]]),
    ));
    expect(codes(o)).toEqual([]);
    expect(o.report.sheets.map((s) => [s.name, s.kind, s.rows])).toEqual([
      ['Inspections', 'inspections', 1],
      [' 抽查 明细表 ', 'inspections', 1],
      ['INDICATORS', 'indicators', 1],
    ]);
  });

  it('ignores hidden and very hidden sheets silently, whatever they hold', async () => {
    const o = await validate(workbook(
      sheet('抽查明细', [INSPECTION_HEADER, row('B1')]),
      sheet('认证明细', [['garbage']], { state: 'hidden' }),
      sheet('下拉选项', [['国家', '市', '区']], { state: 'veryHidden' }),
    ));
    expect(codes(o)).toEqual([]);
    expect(o.report.sheets.map((s) => s.name)).toEqual(['抽查明细']);
  });

  it('UNKNOWN_SHEET warning naming a visible unknown sheet; the help sheet is silent', async () => {
    const o = await validate(workbook(
      sheet('填报说明', [['1. 请按模板填写']]),
      sheet('Instructions', [['fill in']]),
      sheet('Sheet1', [['x']]),
      sheet('抽查明细', [INSPECTION_HEADER, row('B1')]),
    ));
    const i = only(o, 'UNKNOWN_SHEET');
    expect(i).toMatchObject({ severity: 'warning', sheet: 'Sheet1' });
    expect(i.row).toBeUndefined();
    expect(o.report.status).toBe('accepted');
  });

  it('NO_KNOWN_SHEET (file level) when nothing is recognised', async () => {
    const o = await validate(workbook(sheet('Sheet1', [['a', 'b']]), sheet('Sheet2', [])));
    const i = only(o, 'NO_KNOWN_SHEET');
    expect(i.sheet).toBeUndefined();
    expect(o.report.status).toBe('rejected');
    expect(codes(o)).toEqual(['NO_KNOWN_SHEET', 'UNKNOWN_SHEET', 'UNKNOWN_SHEET']);
  });
});

describe('header row', () => {
  it('is found below merged title rows and blank rows', async () => {
    const o = await validate(workbook(sheet('抽查明细', [
      ['长宁区2026年第一季度产品质量监督抽查明细表'],
      ['填报单位：区市场监管局', null, null, null, '单位：批次'],
      [],
      INSPECTION_HEADER,
      row('B1'),
    ], { merges: [{ top: 1, left: 1, bottom: 1, right: 9 }] })));
    expect(codes(o)).toEqual([]);
    expect(o.report.sheets[0]).toMatchObject({ rows: 1, acceptedRows: 1 });
  });

  it('ignores 序号 silently, warns UNKNOWN_COLUMN at the header cell, matches marked and annotated headers', async () => {
    const header = ['No.', '*批次编号', '产品类别', '企业名称', 'Credit Code', '抽样日期(yyyy-mm-dd)', '抽查级别', 'result', '联系人'];
    const o = await validate(workbook(sheet('抽查明细', [['标题'], header, [...row('B1'), '张三']])));
    const i = only(o, 'UNKNOWN_COLUMN');
    expect(i).toMatchObject({ severity: 'warning', sheet: '抽查明细', row: 2, column: 'I', cell: 'I2', header: '联系人' });
    expect(o.report.sheets[0]).toMatchObject({ rows: 1, acceptedRows: 1 });
  });

  it('a repeated column is an UNKNOWN_COLUMN warning at the repeat', async () => {
    const o = await validate(workbook(sheet('抽查明细', [[...INSPECTION_HEADER, '检验结论'], [...row('B1'), null, '不合格']])));
    expect(only(o, 'UNKNOWN_COLUMN')).toMatchObject({ cell: 'J1' });
  });

  it('a sheet with content but no header row: one MISSING_COLUMN listing the headers', async () => {
    const o = await validate(workbook(sheet('抽查明细', [['甲', '乙'], ['B1', '电线电缆']])));
    const i = only(o, 'MISSING_COLUMN');
    expect(i.row).toBeUndefined();
    expect(i.message.zh).toContain('批次编号 / 产品类别 / 受检企业 / 统一社会信用代码 / 抽样日期 / 抽查级别 / 检验结论');
    expect(o.report.status).toBe('rejected');
  });

  it('known sheets without a data row: reported as empty, the file refused as holding no data', async () => {
    const o = await validate(workbook(sheet('认证明细', []), sheet('抽查明细', [INSPECTION_HEADER])));
    expect(codes(o)).toEqual(['NO_DATA']);
    expect(o.report.sheets).toEqual([
      { name: '认证明细', kind: 'certifications', rows: 0, acceptedRows: 0 },
      { name: '抽查明细', kind: 'inspections', rows: 0, acceptedRows: 0 },
    ]);
  });
});

describe('rows', () => {
  it('skips blank and note rows wherever they stand', async () => {
    const o = await validate(workbook(sheet('抽查明细', [
      ['注：本表由区市场监管局填写'],
      INSPECTION_HEADER,
      row('B1'),
      [null, '  ', null],
      [null, '说明：以下为补报数据'],
      row('B2'),
      ['Note: batches sampled in March'],
      ['备注：无'],
      ['填报说明'],
    ])));
    expect(codes(o)).toEqual([]);
    expect(o.report.sheets[0]).toMatchObject({ rows: 2, acceptedRows: 2 });
  });

  it('a row starting with 注： but holding other cells is data', async () => {
    const o = await validate(workbook(sheet('抽查明细', [INSPECTION_HEADER, [null, '注：B1', '电线电缆']])));
    expect(o.report.sheets[0]!.rows).toBe(1);
    expect(codes(o)).toContain('REQUIRED');
  });

  it('spreads merged cells inside the data, not merged titles', async () => {
    const { sink, got } = memorySink();
    const o = await validate(
      workbook(sheet('抽查明细', [
        ['抽查明细（标题合并 A1:I1）'],
        INSPECTION_HEADER,
        [1, 'B1', '建筑材料', '甲公司', CODE_A, '2026-03-05', '区', '合格'],
        [2, 'B2', null, '乙公司', CODE_B, '2026-03-05', null, '合格'],
        [3, 'B3', null, '丙公司', CODE_A, '2026-03-06', null, '不合格', '强度'],
        [4, 'B4', '电线电缆', '丁公司', CODE_B, '2026-03-06', '市', '合格'],
      ], {
        merges: [
          { top: 1, left: 1, bottom: 1, right: 9 },
          { top: 3, left: 3, bottom: 5, right: 3 }, // 产品类别 over three rows
          { top: 3, left: 7, bottom: 5, right: 7 }, // 抽查级别 over three rows
        ],
      })),
      { sink },
    );
    expect(codes(o)).toEqual([]);
    expect(got.inspections.map((r) => [r.category, r.level])).toEqual([
      ['建筑材料', 'district'],
      ['建筑材料', 'district'],
      ['建筑材料', 'district'],
      ['电线电缆', 'municipal'],
    ]);
    expect(o.aggregates.inspections.buildingMaterial).toEqual({ passed: 2, total: 3 });
  });

  it('a CSV sheet: named by its kind, header on line 1', async () => {
    const csv = sheet('inspections', [INSPECTION_HEADER, row('B1'), row('B1')], { csvKind: 'inspections' });
    const o = await validate({ format: 'csv', sheets: { async *[Symbol.asyncIterator]() { yield csv; } } });
    expect(only(o, 'DUPLICATE')).toMatchObject({ sheet: 'inspections', row: 3, cell: 'B3' });
    expect(o.report.sheets).toEqual([{ name: 'inspections', kind: 'inspections', rows: 2, acceptedRows: 1 }]);
  });
});
