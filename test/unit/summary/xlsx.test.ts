import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSummary } from '../../../functions/core/summary/build';
import { summaryXlsx } from '../../../functions/core/summary/render-xlsx';
import { HOSTILE_MESSAGE, evaluation, input } from './fixture';

async function read(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

function col(ws: ExcelJS.Worksheet, header: string): number {
  const row = ws.getRow(2).values as unknown[];
  const i = row.indexOf(header);
  if (i < 1) throw new Error(`no column ${header} in ${ws.name}`);
  return i;
}

function rowOf(ws: ExcelJS.Worksheet, code: string): number {
  for (let r = 3; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === code) return r;
  throw new Error(`no row ${code}`);
}

const fillOf = (c: ExcelJS.Cell) => (c.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;

describe('summaryXlsx', () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    wb = await read(await summaryXlsx(buildSummary(input())));
  });

  it('has the five sheets, each with a title row, a header row and frozen panes below it', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['总览', '报送情况', '预警', '数据质量', '全市对比']);
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2, topLeftCell: 'A3' });
      expect(ws.getCell('A1').isMerged || ws.getRow(2).cellCount === 1).toBe(true);
    }
    const ov = wb.getWorksheet('总览')!;
    expect(ov.getCell('A1').value).toBe('长宁区质量提升“十五五”规划（2026—2030） · 2027-Q1 指标总览');
    expect((ov.getRow(2).values as unknown[]).slice(1)).toEqual(['指标代码', '指标名称', '单位', '指标类型', '考核方式', '责任部门', '目标', '基线', '本季度', '累计', '上季度', '上季度统计期', '年度累计', '进度目标', '状态']);
    expect(ov.rowCount).toBe(14);
  });

  it('stores percent values as the number with one or two decimals shown, counts as integers, paces with two decimals', () => {
    const ov = wb.getWorksheet('总览')!;
    const mfg = ov.getCell(rowOf(ov, 'MFG_SPOT_CHECK_PASS_RATE'), col(ov, '本季度'));
    expect(mfg.value).toBe(94.87);
    expect(mfg.numFmt).toBe('0.0#"%"');
    const target = ov.getCell(rowOf(ov, 'MFG_SPOT_CHECK_PASS_RATE'), col(ov, '目标'));
    expect([target.value, target.numFmt]).toEqual([95, '0.0#"%"']);
    const brand = ov.getCell(rowOf(ov, 'SHANGHAI_BRAND_TOTAL'), col(ov, '本季度'));
    expect([brand.value, brand.numFmt]).toEqual([14, '0']);
    const pace = ov.getCell(rowOf(ov, 'HIGH_VALUE_PATENTS_PER_10K'), col(ov, '进度目标'));
    expect([pace.value, pace.numFmt]).toEqual([67.16, '0.0#']);
    const rating = ov.getCell(rowOf(ov, 'MAJOR_PROJECTS_LEVEL'), col(ov, '本季度'));
    expect(rating.value).toBe('国内领先');
    expect(ov.getCell(rowOf(ov, 'GREEN_BUILDING_SHARE'), col(ov, '本季度')).value).toBeNull();
  });

  it('fills status cells red, amber, green with Chinese labels', () => {
    const ov = wb.getWorksheet('总览')!;
    const status = (code: string) => ov.getCell(rowOf(ov, code), col(ov, '状态'));
    expect([status('MFG_SPOT_CHECK_PASS_RATE').value, fillOf(status('MFG_SPOT_CHECK_PASS_RATE'))]).toEqual(['未达标', 'FFFFC7CE']);
    expect([status('SHANGHAI_BRAND_TOTAL').value, fillOf(status('SHANGHAI_BRAND_TOTAL'))]).toEqual(['预警', 'FFFFEB9C']);
    expect([status('STANDARDS_LED_COUNT').value, fillOf(status('STANDARDS_LED_COUNT'))]).toEqual(['达标', 'FFC6EFCE']);
    expect([status('GREEN_BUILDING_SHARE').value, fillOf(status('GREEN_BUILDING_SHARE'))]).toEqual(['无数据', 'FFEDEDED']);
    expect([status('MAJOR_PROJECTS_LEVEL').value, fillOf(status('MAJOR_PROJECTS_LEVEL'))]).toEqual(['待评审', 'FFDDEBF7']);
  });

  it('sizes columns for Chinese text (CJK counts 2), within 6…50', () => {
    const ov = wb.getWorksheet('总览')!;
    // longest name: 十五五期间主导或参与制修订国际、国家、行业标准, 23 CJK characters → 46 + 2
    expect(ov.getColumn(col(ov, '指标名称')).width).toBe(48);
    expect(ov.getColumn(col(ov, '单位')).width).toBe(9.5); // 件/万人 = 7 + 2 = 9, which exceljs would drop
    expect(ov.getColumn(col(ov, '状态')).width).toBe(8); // 未达标 = 6 + 2
    const alerts = wb.getWorksheet('预警')!;
    expect(alerts.getColumn(col(alerts, '说明')).width).toBe(50);
  });

  it('shows departments × 按时/逾期/未报送/待报送 with versions, rejected versions and a total row', () => {
    const ws = wb.getWorksheet('报送情况')!;
    const r = (code: string) => {
      for (let i = 3; i <= ws.rowCount; i++) if (ws.getCell(i, 2).value === code) return i;
      throw new Error(code);
    };
    const marks = (code: string) => ['按时', '逾期', '未报送', '待报送'].map((h) => ws.getCell(r(code), col(ws, h)).value);
    expect(marks('market-regulation')).toEqual(['✓', null, null, null]);
    expect(marks('construction')).toEqual([null, '✓', null, null]);
    expect(marks('commerce')).toEqual([null, null, '✓', null]);
    expect(marks('xinjing-town')).toEqual([null, null, null, '✓']);
    expect(ws.getCell(r('market-regulation'), col(ws, '版本数')).value).toBe(3);
    expect(ws.getCell(r('market-regulation'), col(ws, '被退回版本数')).value).toBe(1);
    expect(ws.getCell(r('market-regulation'), col(ws, '首次受理时间')).value).toBe('2027-04-08 14:15');
    expect((ws.getRow(15).values as unknown[]).slice(1)).toEqual(['合计', undefined, 2, 2, 1, 8, 1, undefined, 7, 2]);
    // which upload each kind comes from, and an incomplete submission named as such
    expect(ws.getCell(r('market-regulation'), col(ws, '当前数据来源')).value).toBe(
      '指标 ← indicators.csv（2027-04-08 14:15）；抽查明细 ← inspections.csv（2027-04-09 09:00）',
    );
    expect(ws.getCell(r('market-regulation'), col(ws, '完整性')).value).toBe('不完整：缺 形成先进质量管理模式和成果');
    expect(ws.getCell(r('construction'), col(ws, '完整性')).value).toBeNull();
  });

  it('lists alerts and data quality', () => {
    const al = wb.getWorksheet('预警')!;
    expect((al.getRow(2).values as unknown[]).slice(1)).toEqual(['类型', '级别', '部门', '指标', '数值', '目标', '进度', '说明', '创建时间']);
    expect(al.rowCount).toBe(14);
    expect((al.getRow(3).values as unknown[]).slice(1)).toEqual(['目标未达成', '严重', '区市场监管局', '制造业产品质量监督抽查合格率', 94.87, 95, undefined, '制造业产品质量监督抽查合格率 94.87% 低于底线 95%', '2027-04-12 11:00']);
    const dq = wb.getWorksheet('数据质量')!;
    expect((dq.getRow(3).values as unknown[]).slice(1)).toEqual(['区市场监管局', 'INVALID_CREDIT_CODE', '统一社会信用代码无效', '错误', 3]);
    expect(dq.rowCount).toBe(8);
  });

  it('never writes a formula: workbook text starting = + - @ is neutralised, numbers stay numbers', async () => {
    const al = wb.getWorksheet('预警')!;
    const texts: unknown[] = [];
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => {
      expect(c.type).not.toBe(ExcelJS.ValueType.Formula);
      texts.push(c.value);
    }));
    expect(texts).toContain(`'${HOSTILE_MESSAGE}`);
    expect(texts).toContain("'-上海品牌证书 SHB-2023-0117 将于 2027-06-30 到期");
    expect(texts).not.toContain(HOSTILE_MESSAGE);
    expect(al.rowCount).toBe(14);

    const e = evaluation();
    e.indicators.find((i) => i.code === 'STANDARDS_LED_COUNT')!.yearToDate = -2;
    const major = e.indicators.find((i) => i.code === 'MAJOR_PROJECTS_LEVEL')!;
    major.value = major.quarter = '@SUM(1+1)*cmd|calc';
    const wb2 = await read(await summaryXlsx(buildSummary({ ...input(), evaluation: e })));
    const ov = wb2.getWorksheet('总览')!;
    expect(ov.getCell(rowOf(ov, 'STANDARDS_LED_COUNT'), col(ov, '年度累计')).value).toBe(-2);
    expect(ov.getCell(rowOf(ov, 'MAJOR_PROJECTS_LEVEL'), col(ov, '本季度')).value).toBe("'@SUM(1+1)*cmd|calc");
  });

  it('writes an empty quarter: header rows only, titled （无）', async () => {
    const wb3 = await read(await summaryXlsx(buildSummary({ ...input(), alerts: [], dataQuality: [] })));
    const al = wb3.getWorksheet('预警')!;
    expect(al.getCell('A1').value).toBe('2027-Q1 预警（无）');
    expect(al.rowCount).toBe(2);
  });
});
