import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../../functions/core/catalog';
import type { IndicatorDef, Plan } from '../../../functions/core/model';
import { sheetSpec } from '../../../functions/core/sheet-specs';
import {
  buildTemplate,
  DATA_ROWS,
  HEADER_ROW,
  LISTS_SHEET,
  templateSheetKinds,
} from '../../../functions/core/workbook/write/template';
import { checkChar, load, noteOf, rowTexts, sheet, validation } from './helpers';

const plan = loadPlan('15th');
const LAST = HEADER_ROW + DATA_ROWS; // 1002

describe('template sheets per department', () => {
  it('market-regulation gets 指标, 抽查明细 and 认证明细, decided from the plan sources', async () => {
    const wb = await load(await buildTemplate({ department: 'market-regulation', plan }));
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([
      ['封面', 'visible'],
      ['指标', 'visible'],
      ['抽查明细', 'visible'],
      ['认证明细', 'visible'],
      ['填报说明', 'visible'],
    ]);
  });

  it('construction gets 抽查明细 (building materials) and 竣工验收, no 认证明细', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan }));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', '指标', '抽查明细', '竣工验收', '填报说明']);
  });

  it('finance, owning nothing, gets the sheets the registry says it sends: cover, 认证明细, 填报说明', async () => {
    const wb = await load(await buildTemplate({ department: 'finance', plan }));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', '认证明细', '填报说明']);
    expect(templateSheetKinds(plan, 'finance')).toEqual(['cover', 'certifications']);
  });

  it('the opening-ledger quarter (2025-Q4) template holds 认证明细 only, and says what it is for', async () => {
    expect(templateSheetKinds(plan, 'market-regulation', '2025-Q4')).toEqual(['cover', 'certifications']);
    const wb = await load(await buildTemplate({ department: 'market-regulation', plan, period: '2025-Q4' }));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', '认证明细', '填报说明']);
    const help = sheet(wb, '填报说明').getColumn(1).values.map(String).join('\n');
    expect(help).toContain('开局台账');
    expect(help).toContain('2025-Q4');
  });

  it('a delegated indicator brings 指标 and its detail sheet to the delegate', () => {
    const delegated: Plan = {
      ...plan,
      indicators: plan.indicators.map((i) => (i.code === 'GREEN_BUILDING_SHARE' ? { ...i, delegates: ['xinjing-town'] } : i)),
    };
    expect(templateSheetKinds(delegated, 'xinjing-town')).toEqual(['cover', 'indicators', 'certifications', 'acceptances']);
    expect(templateSheetKinds(plan, 'xinjing-town')).toEqual(['cover', 'certifications']);
  });

  it('抽查明细 offers the product categories as a dropdown: construction only building materials', async () => {
    const cons = await load(await buildTemplate({ department: 'construction', plan }));
    const dv = validation(sheet(cons, '抽查明细'), 'B3');
    expect(dv).toMatchObject({ type: 'list', errorStyle: 'warning' });
    const market = await load(await buildTemplate({ department: 'market-regulation', plan }));
    expect(validation(sheet(market, '抽查明细'), 'B3')).toMatchObject({ type: 'list', errorStyle: 'warning' });
    // the list is inline when short, else a column of the very hidden 下拉选项 sheet
    const values = (wb: typeof cons): string[] => {
      const formula = String(validation(sheet(wb, '抽查明细'), 'B3')!.formulae[0]);
      if (formula.startsWith('"')) return formula.slice(1, -1).split(',');
      const col = /\$([A-Z]+)\$1:/.exec(formula)![1]!;
      return (wb.getWorksheet('下拉选项')!.getColumn(col).values as unknown[]).filter((v): v is string => typeof v === 'string');
    };
    expect(values(cons)).toEqual(expect.arrayContaining(['建筑材料', '钢筋', '水泥', '预拌混凝土', '防水卷材']));
    expect(values(cons)).not.toContain('儿童用品');
    expect(values(market)).toEqual(expect.arrayContaining(['儿童用品', '电子电器', '建筑材料']));
  });

  it('rejects an unknown department and a malformed period', async () => {
    await expect(buildTemplate({ department: 'nowhere', plan })).rejects.toThrow(RangeError);
    await expect(buildTemplate({ department: 'finance', plan, period: '2026-Q5' })).rejects.toThrow(/not a period/);
    await expect(buildTemplate({ department: 'finance', plan, preparedDate: '2026-02-30' })).rejects.toThrow(/not a date/);
  });
});

describe('headers, title and layout', () => {
  it('writes the exact zh headers below a merged title row, frozen, with English and help in the note', async () => {
    const wb = await load(await buildTemplate({ department: 'market-regulation', plan }));
    for (const kind of ['indicators', 'inspections', 'certifications'] as const) {
      const spec = sheetSpec(kind);
      const ws = sheet(wb, spec.zh);
      expect(ws.getCell('A1').value).toBe(`长宁区质量提升指标季度报送 — ${spec.zh}`);
      expect(ws.model.merges).toContain(`A1:${ws.getColumn(spec.columns.length).letter}1`);
      expect(rowTexts(ws, HEADER_ROW)).toEqual(spec.columns.map((c) => c.zh));
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
      const first = ws.getCell(HEADER_ROW, 1);
      expect(first.font?.bold).toBe(true);
      expect(first.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
      const noteText = noteOf(first);
      expect(noteText.startsWith(`${spec.columns[0]!.en}\n`)).toBe(true);
      expect(noteText).toContain(spec.columns[0]!.help.zh);
      expect(noteText).toContain(spec.columns[0]!.help.en);
    }
    const insp = sheet(wb, '抽查明细');
    expect(insp.getColumn(3).width).toBe(30); // 受检企业
    expect(rowTexts(insp, HEADER_ROW)).toEqual([
      '批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目',
    ]);
  });

  it('a date typed into a date column shows as yyyy-mm-dd; a credit code column is text', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan }));
    const ws = sheet(wb, '竣工验收');
    expect(ws.getCell('B500').numFmt).toBe('yyyy-mm-dd');
    expect(sheet(wb, '抽查明细').getCell('D10').numFmt).toBe('@');
  });
});

describe('dropdowns and validations', () => {
  it('puts the zh options of every enum column on rows 3..1002', async () => {
    const wb = await load(await buildTemplate({ department: 'market-regulation', plan }));
    const insp = sheet(wb, '抽查明细');
    for (const addr of ['F3', `F${LAST}`]) expect(validation(insp, addr)).toMatchObject({ type: 'list', formulae: ['"国家,市,区"'] });
    for (const addr of ['G3', `G${LAST}`]) expect(validation(insp, addr)).toMatchObject({ type: 'list', formulae: ['"合格,不合格"'] });
    expect(validation(insp, `G${LAST + 1}`)).toBeUndefined();
    expect(validation(insp, 'G2')).toBeUndefined(); // not on the header
    expect(validation(insp, 'A3')).toBeUndefined(); // free text
    expect(validation(insp, 'D3')).toMatchObject({ type: 'textLength', operator: 'equal', formulae: [18] });
    expect(validation(insp, 'E3')).toMatchObject({ type: 'date', operator: 'between' });

    const cert = sheet(wb, '认证明细');
    expect(validation(cert, 'A3')).toMatchObject({
      type: 'list',
      formulae: ['"上海品牌,上海标准,质量管理体系认证,强制性产品认证,绿色产品认证,其他"'],
      showErrorMessage: true,
    });
    expect(validation(cert, 'H3')).toMatchObject({ type: 'list', formulae: ['"有效,暂停,撤销"'] });
    expect(validation(cert, 'F3')).toMatchObject({ type: 'date' });
    expect(validation(cert, 'G3')).toMatchObject({ type: 'date' });
  });

  it('offers 是/否 and a non-negative decimal on 竣工验收', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan }));
    const ws = sheet(wb, '竣工验收');
    expect(validation(ws, 'C3')).toMatchObject({ type: 'list', formulae: ['"合格,不合格"'] });
    expect(validation(ws, 'D3')).toMatchObject({ type: 'list', formulae: ['"是,否"'] });
    expect(validation(ws, `E${LAST}`)).toMatchObject({ type: 'decimal', operator: 'greaterThanOrEqual', formulae: [0] });
  });

  it('offers on 指标代码 exactly the codes the department may report', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan }));
    const ws = sheet(wb, '指标');
    expect(validation(ws, `A${LAST}`)).toMatchObject({
      type: 'list',
      formulae: ['"CONSTRUCTION_ACCEPTANCE_PASS_RATE,GREEN_BUILDING_SHARE,MAJOR_PROJECTS_LEVEL,BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE"'],
    });
    expect(validation(ws, 'D3')).toMatchObject({ type: 'decimal' }); // 分子
    // the rating row's 数值 offers the ratings; a % row allows 0..100
    const rows = ws.getRows(3, 4)!.map((r) => [r.getCell(1).value, r.number] as const);
    const ratingRow = rows.find(([c]) => c === 'MAJOR_PROJECTS_LEVEL')![1];
    const greenRow = rows.find(([c]) => c === 'GREEN_BUILDING_SHARE')![1];
    expect(validation(ws, `C${ratingRow}`)).toMatchObject({ type: 'list', formulae: ['"国内领先,国内先进,一般"'] });
    expect(validation(ws, `C${greenRow}`)).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 100] });
  });

  it('moves a list longer than Excel’s 255-character limit to the very hidden 下拉选项 sheet', async () => {
    const extra: IndicatorDef[] = Array.from({ length: 12 }, (_, i) => ({
      ...plan.indicators.find((x) => x.code === 'STANDARDS_LED_COUNT')!,
      code: `EXTRA_REPORTED_INDICATOR_NUMBER_${i + 1}`,
    }));
    const big: Plan = { ...plan, indicators: [...plan.indicators, ...extra] };
    const codes = big.indicators.filter((i) => i.owner === 'market-regulation').map((i) => i.code);
    expect(`"${codes.join(',')}"`.length).toBeGreaterThan(255);

    const wb = await load(await buildTemplate({ department: 'market-regulation', plan: big }));
    const lists = sheet(wb, LISTS_SHEET);
    expect(lists.state).toBe('veryHidden');
    expect(wb.worksheets.at(-1)!.name).toBe(LISTS_SHEET); // behind every visible sheet
    expect(lists.getColumn(1).values.slice(1)).toEqual(codes);
    expect(validation(sheet(wb, '指标'), 'A3')).toMatchObject({
      type: 'list',
      formulae: [`'下拉选项'!$A$1:$A$${codes.length}`],
    });
    // short lists stay inline
    expect(validation(sheet(wb, '抽查明细'), 'G3')).toMatchObject({ formulae: ['"合格,不合格"'] });
  });
});

describe('prefilled content', () => {
  it('prefills the cover: department name, period as 2026年第1季度, date; other values blank', async () => {
    const wb = await load(await buildTemplate({ department: 'market-regulation', plan, period: '2026Q1', preparedDate: '2026-04-08' }));
    const cover = sheet(wb, '封面');
    expect([1, 2, 3, 4, 5].map((r) => cover.getCell(r, 1).value)).toEqual(['填报单位', '统计期', '填报人', '联系电话', '填报日期']);
    expect(cover.getCell('B1').value).toBe('区市场监管局');
    expect(cover.getCell('B2').value).toBe('2026年第1季度');
    expect(validation(cover, 'B2')).toBeUndefined(); // the period cell is free
    expect(cover.getCell('B3').value).toBeNull();
    expect(cover.getCell('B4').value).toBeNull();
    expect(cover.getCell('B4').numFmt).toBe('@'); // keeps 021- and leading zeros
    expect((cover.getCell('B5').value as Date).toISOString()).toBe('2026-04-08T00:00:00.000Z');
    expect(cover.getCell('B5').numFmt).toBe('yyyy-mm-dd');
  });

  it('leaves the period blank without opts.period', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan }));
    expect(sheet(wb, '封面').getCell('B1').value).toBe('区建设管理委');
    expect(sheet(wb, '封面').getCell('B2').value).toBeNull();
  });

  it('prefills one 指标 row per reportable indicator with code, name and unit, value empty', async () => {
    const wb = await load(await buildTemplate({ department: 'market-regulation', plan }));
    const ws = sheet(wb, '指标');
    const mine = plan.indicators.filter((i) => i.owner === 'market-regulation');
    expect(mine).toHaveLength(8);
    mine.forEach((ind, k) => {
      const r = HEADER_ROW + 1 + k;
      expect([ws.getCell(r, 1).value, ws.getCell(r, 2).value, ws.getCell(r, 3).value, ws.getCell(r, 6).value]).toEqual([
        ind.code, ind.name, null, ind.unit,
      ]);
    });
    expect(ws.getCell(HEADER_ROW + 1 + mine.length, 1).value).toBeNull();
    expect(ws.getCell('A3').value).toBe('MFG_SPOT_CHECK_PASS_RATE');
    expect(ws.getCell('B3').value).toBe('制造业产品质量监督抽查合格率');
    expect(ws.getCell('F3').value).toBe('%');
  });

  it('leaves the unit of the rating indicator empty', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan }));
    const ws = sheet(wb, '指标');
    const row = ws.getRows(3, 4)!.find((r) => r.getCell(1).value === 'MAJOR_PROJECTS_LEVEL')!;
    expect(row.getCell(2).value).toBe('重大工程建设项目');
    expect(row.getCell(6).value).toBeNull();
  });

  it('writes 填报说明 with the due date, the upload key, the CSV names and every column', async () => {
    const wb = await load(await buildTemplate({ department: 'construction', plan, period: '2026-Q1' }));
    const ws = sheet(wb, '填报说明');
    const all: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => all.push(String(c.value))));
    const text = all.join('\n');
    expect(text).toContain('2026-04-10');
    expect(text).toContain('submissions/construction/2026-Q1/');
    expect(text).toContain('indicators.csv');
    expect(text).toContain('inspections.csv');
    expect(text).toContain('acceptances.csv');
    expect(text).not.toContain('certifications.csv');
    // a table row for every column of every sheet the department has
    const tableRows: string[][] = [];
    ws.eachRow((row) => tableRows.push([String(row.getCell(1).value), String(row.getCell(2).value), String(row.getCell(4).value)]));
    const spec = sheetSpec('acceptances');
    for (const col of spec.columns) {
      expect(tableRows).toContainEqual([spec.zh, col.zh, col.required ? '是 yes' : '否 no']);
    }
    expect(tableRows).toContainEqual(['封面', '统计期', '否 no']);
  });
});

describe('test helper', () => {
  it('computes the GB 32100-2015 check character of a known code', () => {
    // 91350100M000100Y43: a widely published valid code
    expect(checkChar('91350100M000100Y4')).toBe('3');
  });
});
