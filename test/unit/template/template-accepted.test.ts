// Issue 3 point 6: "a template filled in correctly is accepted; a test proves it".
// The template is filled the way a clerk would (values typed into the prepared
// cells, nothing restructured) and run through the real validation.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../../functions/core/catalog';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import { checkSubmission } from '../../../functions/core/submission/check';
import { buildTemplate, HEADER_ROW } from '../../../functions/core/workbook/write/template';
import { creditCode, load, sheet, utcDate } from './helpers';

const plan = loadPlan('15th');
const now = new Date('2026-04-08T10:00:00+08:00');

async function bytesOf(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/** Types values into the data rows under the header, by header text. */
function fillRows(ws: ExcelJS.Worksheet, rows: Record<string, unknown>[]): void {
  const col = new Map<string, number>();
  ws.getRow(HEADER_ROW).eachCell((c, n) => col.set(String(c.value), n));
  rows.forEach((values, i) => {
    for (const [header, v] of Object.entries(values)) {
      const n = col.get(header);
      if (!n) throw new Error(`no column ${header}`);
      ws.getCell(HEADER_ROW + 1 + i, n).value = v as ExcelJS.CellValue;
    }
  });
}

/** Sets 数值 (and 备注) on the prefilled 指标 row of each code. */
function fillIndicators(ws: ExcelJS.Worksheet, values: Record<string, number | string>, notes: Record<string, string> = {}): void {
  const seen = new Set<string>();
  ws.eachRow((row, r) => {
    if (r <= HEADER_ROW) return;
    const code = String(row.getCell(1).value);
    if (!(code in values)) return;
    row.getCell(3).value = values[code]!;
    if (notes[code]) row.getCell(7).value = notes[code]!;
    seen.add(code);
  });
  expect([...seen].sort()).toEqual(Object.keys(values).sort()); // every code was prefilled
}

function fillCover(wb: ExcelJS.Workbook): void {
  const cover = sheet(wb, '封面');
  cover.getCell('B3').value = '张敏';
  cover.getCell('B4').value = '021-62345678';
  cover.getCell('B5').value = utcDate('2026-04-08');
}

describe('a template filled in correctly is accepted', () => {
  it('market-regulation: 指标, 抽查明细 and 认证明细', async () => {
    const wb = await load(await buildTemplate({ department: 'market-regulation', plan, period: '2026-Q1' }));
    fillCover(wb);
    fillRows(sheet(wb, '抽查明细'), [
      { 批次编号: 'CJ2026-001', 产品类别: '电线电缆', 受检企业: '上海甲电缆有限公司', 统一社会信用代码: creditCode(1), 抽样日期: utcDate('2026-01-15'), 抽查级别: '区', 检验结论: '合格' },
      { 批次编号: 'CJ2026-002', 产品类别: '电线电缆', 受检企业: '上海乙电器有限公司', 统一社会信用代码: creditCode(2), 抽样日期: utcDate('2026-02-03'), 抽查级别: '市', 检验结论: '合格' },
      { 批次编号: 'CJ2026-003', 产品类别: '儿童用品', 受检企业: '上海丙玩具有限公司', 统一社会信用代码: creditCode(3), 抽样日期: utcDate('2026-03-05'), 抽查级别: '国家', 检验结论: '合格' },
      { 批次编号: 'CJ2026-004', 产品类别: '儿童用品', 受检企业: '上海丁文具有限公司', 统一社会信用代码: creditCode(4), 抽样日期: utcDate('2026-03-31'), 抽查级别: '区', 检验结论: '不合格', 不合格项目: '可迁移元素' },
    ]);
    fillRows(sheet(wb, '认证明细'), [
      { 认证类型: '上海品牌', 获证单位: '上海甲电缆有限公司', 统一社会信用代码: creditCode(1), 证书编号: 'SHB-2026-0001', 产品或服务名称: '低烟无卤电缆', 发证日期: utcDate('2026-02-10'), 有效期至: utcDate('2029-02-09'), 状态: '有效' },
      { 认证类型: '上海标准', 获证单位: '上海乙电器有限公司', 统一社会信用代码: creditCode(2), 证书编号: 'SHS-2026-0001', 发证日期: utcDate('2026-03-01'), 状态: '有效' },
    ]);
    fillIndicators(sheet(wb, '指标'), {
      MFG_SPOT_CHECK_PASS_RATE: 75, // 3 of the 4 rows above passed
      SHANGHAI_BRAND_TOTAL: 1,
      SHANGHAI_STANDARD_TOTAL: 1,
      STANDARDS_LED_COUNT: 3,
      HIGH_VALUE_PATENTS_PER_10K: 62.4,
      ADVANCED_QM_RESULTS_COUNT: 2,
      CHIEF_QUALITY_OFFICERS_COUNT: 12,
      NQI_SERVICE_STATIONS_TOTAL: 4,
    });

    const { report, aggregates } = await checkSubmission(await bytesOf(wb), { inflate: nodeInflate,
      fileName: 'market-regulation-2026Q1.xlsx',
      department: 'market-regulation',
      period: '2026-Q1',
      now,
      plan,
    });
    expect(report.issues).toEqual([]); // not even a warning
    expect(report.status).toBe('accepted');
    expect(report.counts.errors).toBe(0);
    expect(report.sheets.map((s) => [s.name, s.rows, s.acceptedRows])).toEqual(
      expect.arrayContaining([
        ['指标', 8, 8],
        ['抽查明细', 4, 4],
        ['认证明细', 2, 2],
      ]),
    );
    expect(aggregates.inspections.other).toEqual({ passed: 3, total: 4 });
    expect(aggregates.indicators.HIGH_VALUE_PATENTS_PER_10K?.value).toBe(62.4);
  });

  it('construction: 指标 (with the rating), 抽查明细 of building materials and 竣工验收; cover supplies department and period', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan, period: '2026-Q1' }));
    fillCover(wb);
    fillRows(sheet(wb, '抽查明细'), [
      { 批次编号: 'JC-001', 产品类别: '建筑材料', 受检企业: '上海戊建材有限公司', 统一社会信用代码: creditCode(11), 抽样日期: utcDate('2026-01-20'), 抽查级别: '区', 检验结论: '合格' },
      { 批次编号: 'JC-002', 产品类别: '建筑材料', 受检企业: '上海己混凝土有限公司', 统一社会信用代码: creditCode(12), 抽样日期: utcDate('2026-02-20'), 抽查级别: '市', 检验结论: '合格' },
    ]);
    fillRows(sheet(wb, '竣工验收'), [
      { 工程名称: '长宁区某街道社区服务中心新建工程', 竣工验收日期: utcDate('2026-02-28'), 验收结论: '合格', 绿色建筑: '是', '建筑面积(㎡)': 12000 },
      { 工程名称: '长宁区某小学改扩建工程', 竣工验收日期: utcDate('2026-03-20'), 验收结论: '合格', 绿色建筑: '否', '建筑面积(㎡)': 3000 },
    ]);
    fillIndicators(
      sheet(wb, '指标'),
      {
        CONSTRUCTION_ACCEPTANCE_PASS_RATE: 100,
        GREEN_BUILDING_SHARE: 80, // 12000 of 15000 m²
        MAJOR_PROJECTS_LEVEL: '国内领先',
        BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE: 100,
      },
      { MAJOR_PROJECTS_LEVEL: '虹桥地区重大项目获国家优质工程奖' },
    );

    // no --department / --period: both come from the prefilled cover
    const { report, cover, aggregates } = await checkSubmission(await bytesOf(wb), { inflate: nodeInflate, fileName: 'construction.xlsx', now, plan });
    expect(report.issues).toEqual([]); // not even a warning
    expect(report.status).toBe('accepted');
    expect(report.department).toBe('construction');
    expect(report.period).toBe('2026-Q1');
    expect(cover).toMatchObject({ department: 'construction', period: '2026-Q1', preparedBy: '张敏' });
    expect(aggregates.acceptances).toEqual({ passed: 2, total: 2, greenArea: 12000, totalArea: 15000 });
    expect(aggregates.inspections.buildingMaterial).toEqual({ passed: 2, total: 2 });
    expect(aggregates.indicators.MAJOR_PROJECTS_LEVEL?.value).toBe('国内领先');
  });

  it('finance: the untouched template (cover only) is refused as empty, not for its note row', async () => {
    const wb = await load(await buildTemplate({ department: 'finance', plan, period: '2026-Q1' }));
    fillCover(wb);
    const { report } = await checkSubmission(await bytesOf(wb), { inflate: nodeInflate,
      fileName: 'finance.xlsx',
      department: 'finance',
      period: '2026-Q1',
      now,
      plan,
    });
    // an empty upload must not replace a quarter's data; the note row itself raises nothing
    expect(report.issues.map((i) => [i.severity, i.code])).toEqual([['error', 'NO_DATA']]);
    expect(report.status).toBe('rejected');
  });

  it('the same template with a wrong credit code is rejected at that cell (the test can fail)', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan, period: '2026-Q1' }));
    const bad = creditCode(11).slice(0, 17) + (creditCode(11).endsWith('0') ? '1' : '0');
    fillRows(sheet(wb, '抽查明细'), [
      { 批次编号: 'JC-001', 产品类别: '建筑材料', 受检企业: '上海戊建材有限公司', 统一社会信用代码: bad, 抽样日期: utcDate('2026-01-20'), 抽查级别: '区', 检验结论: '合格' },
    ]);
    fillIndicators(sheet(wb, '指标'), { BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE: 100 });
    const { report } = await checkSubmission(await bytesOf(wb), { inflate: nodeInflate, fileName: 'c.xlsx', department: 'construction', period: '2026-Q1', now, plan });
    expect(report.status).toBe('rejected');
    expect(report.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.sheet, i.cell])).toContainEqual([
      'INVALID_CREDIT_CODE', '抽查明细', 'D3',
    ]);
  });
});
