import { describe, expect, it } from 'vitest';
import { ACCEPTANCE_HEADER, codes, memorySink, only, sheet, validate, workbook, issuesOf } from './helpers';

// Columns: A 工程名称, B 竣工验收日期, C 验收结论, D 绿色建筑, E 建筑面积(㎡); header row 2.
function acceptances(rows: unknown[][], header = ACCEPTANCE_HEADER) {
  return workbook(sheet('竣工验收', [['竣工验收明细'], header, ...(rows as never[][])]));
}
const cons = { department: 'construction' };

describe('竣工验收 / Acceptances', () => {
  it('accepts a valid sheet with exact counts and areas', async () => {
    const { sink, got } = memorySink();
    const o = await validate(
      acceptances([
        ['甲项目', '2026-01-10', '合格', '是', 12000.5],
        ['乙项目', '2026-02-10', '通过', 'Y', '3,000.25'],
        ['丙项目', '2026-03-10', '不合格', '否', '５０００'],
        ['丁项目', '2026-03-31', 'pass', false, 0.01],
      ]),
      { ...cons, sink },
    );
    expect(issuesOf(o)).toEqual([]);
    expect(o.aggregates.acceptances).toEqual({ passed: 3, total: 4, greenArea: 15000.75, totalArea: 20000.76 });
    expect(got.acceptances.map((a) => [a.result, a.green, a.floorArea])).toEqual([
      ['pass', true, 12000.5],
      ['pass', true, 3000.25],
      ['fail', false, 5000],
      ['pass', false, 0.01],
    ]);
  });

  it('OUT_OF_RANGE for a floor area of 0 or below', async () => {
    const o = await validate(acceptances([['甲', '2026-01-10', '合格', '是', 0], ['乙', '2026-01-10', '合格', '是', -5]]), cons);
    expect(issuesOf(o).map((i) => [i.code, i.cell])).toEqual([
      ['OUT_OF_RANGE', 'E3'],
      ['OUT_OF_RANGE', 'E4'],
    ]);
  });

  it('INVALID_NUMBER for a unit typed into the number', async () => {
    const o = await validate(acceptances([['甲', '2026-01-10', '合格', '是', '1200㎡']]), cons);
    expect(only(o, 'INVALID_NUMBER')).toMatchObject({ cell: 'E3', value: '1200㎡', header: '建筑面积(㎡)' });
  });

  it('INVALID_ENUM for green building, DATE_OUTSIDE_PERIOD for the date', async () => {
    const o = await validate(acceptances([['甲', '2025-12-31', '合格', '部分', 100]]), cons);
    expect(issuesOf(o).map((i) => [i.code, i.cell])).toEqual([
      ['DATE_OUTSIDE_PERIOD', 'B3'],
      ['INVALID_ENUM', 'D3'],
    ]);
  });

  it('matches header variants: full-width brackets, English, line breaks', async () => {
    const o = await validate(
      acceptances([['甲', '2026-01-10', '合格', '是', 100]], ['Project', '竣工\n验收日期', 'RESULT', 'green building', '建筑面积（㎡）']),
      cons,
    );
    expect(codes(o)).toEqual([]);
    expect(o.report.sheets[0]).toMatchObject({ rows: 1, acceptedRows: 1 });
  });
});
