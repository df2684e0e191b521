import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../../functions/core/catalog';
import type { Issue } from '../../../functions/core/model';
import { annotateWorkbook, ISSUE_COLUMNS } from '../../../functions/core/workbook/annotate';
import { buildTemplate } from '../../../functions/core/workbook/template';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import { checkSubmission } from '../../../functions/core/submission/check';
import { creditCode, load, noteOf, sheet, utcDate, validation } from '../template/helpers';

const RED = 'FFFFC7CE';
const AMBER = 'FFFFEB9C';

/** A small submission: a title row, a header, data rows, a merged category, an existing note. */
async function sampleWorkbook(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('封面').addRows([['填报单位', '区市场监管局'], ['统计期', '2026-Q1']]);
  const ws = wb.addWorksheet('抽查明细');
  ws.mergeCells('A1:H1');
  ws.getCell('A1').value = '抽查明细';
  ws.addRow(['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目']);
  ws.addRow(['B001', '电线电缆', '甲公司', '=1+2', '2026-02-01', '区', '合格', '']);
  ws.addRow(['B002', '电线电缆', '乙公司', '91310105MA1FL00000', '2026-13-01', '市', '合格', '']);
  ws.addRow(['B003', '', '丙公司', '91310105MA1FL00001', '2026-02-03', '区', '合格', '']);
  const bold = { bold: true, size: 12 };
  for (const a of ['D3', 'D4', 'D5']) ws.getCell(a).font = bold; // one style id shared on reload
  ws.getCell('C3').note = '客户说明';
  ws.mergeCells('B6:B8');
  ws.getCell('B6').value = '家用电器';
  wb.addWorksheet('Foo').addRow(['x']);
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

const msg = (zh: string, en: string) => ({ zh, en });
const issues: Issue[] = [
  { severity: 'error', code: 'INVALID_CREDIT_CODE', sheet: '抽查明细', row: 3, column: 'D', cell: 'D3', value: '=1+2',
    message: msg('统一社会信用代码无效', 'invalid credit code') },
  { severity: 'error', code: 'INVALID_DATE', sheet: '抽查明细', row: 4, column: 'E', cell: 'E4', value: '2026-13-01',
    message: msg('日期无效', 'invalid date') },
  { severity: 'warning', code: 'UNKNOWN_COLUMN', sheet: '抽查明细', row: 4, column: 'E', cell: 'E4',
    message: msg('同一单元格的警告', 'a warning on the same cell') },
  { severity: 'warning', code: 'NAME_MISMATCH', sheet: '抽查明细', row: 4, column: 'C', cell: 'C4',
    message: msg('名称不一致', 'name differs') },
  { severity: 'error', code: 'REQUIRED', sheet: '抽查明细', row: 5, column: 'B', cell: 'B5',
    message: msg('产品类别必填', 'category is required') },
  { severity: 'error', code: 'REQUIRED', sheet: '抽查明细', row: 7, column: 'B', cell: 'B7',
    message: msg('合并单元格内的问题', 'an issue inside a merged range') },
  { severity: 'error', code: 'INVALID_ENUM', sheet: '抽查明细', row: 3, column: 'C', cell: 'C3',
    message: msg('有原批注的单元格', 'a cell with a note of its own') },
  { severity: 'error', code: 'MISSING_COLUMN', sheet: '抽查明细', message: msg('缺少必备列：检验结论', 'missing column') },
  { severity: 'warning', code: 'UNKNOWN_SHEET', sheet: 'Foo', message: msg('未知工作表', 'unknown sheet') },
  { severity: 'error', code: 'PERIOD_NOT_STARTED', message: msg('统计期尚未开始', 'the period has not started') },
  { severity: 'error', code: 'INVALID_NUMBER', sheet: 'Ghost', row: 2, column: 'A', cell: 'A2', message: msg('不存在的表', 'no such sheet') },
  { severity: 'error', code: 'INVALID_NUMBER', sheet: '抽查明细', row: 2, cell: 'ZZZZ99', message: msg('坏地址', 'bad address') },
];

function listRows(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    out.push(ISSUE_COLUMNS.map((_, i) => {
      const v = row.getCell(i + 1).value;
      return v && typeof v === 'object' && 'text' in v ? (v as { text: string }).text : v;
    }));
  }
  return out;
}

describe('annotateWorkbook on a workbook', () => {
  it('fills error cells red and warning cells amber, with one zh-then-en note per cell', async () => {
    const wb = await load(await annotateWorkbook(await sampleWorkbook(), issues));
    const ws = sheet(wb, '抽查明细');
    const fill = (a: string) => (ws.getCell(a).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;

    expect(fill('D3')).toBe(RED);
    expect(ws.getCell('D3').font?.color?.argb).toBe('FF9C0006');
    expect(ws.getCell('D3').font?.bold).toBe(true); // the cell's own font kept
    expect(fill('E4')).toBe(RED); // an error and a warning: red wins
    expect(fill('C4')).toBe(AMBER);
    expect(ws.getCell('C4').font?.color?.argb).toBe('FF9C5700');
    expect(fill('B5')).toBe(RED); // an empty required cell is still marked
    expect(fill('D4')).toBeUndefined(); // shared the style of D3: untouched
    expect(ws.getCell('D4').font?.bold).toBe(true);
    expect(ws.getCell('D4').font?.color).toBeUndefined();
    expect(fill('A2')).toBeUndefined();

    const d3 = noteOf(ws.getCell('D3'));
    expect(d3).toBe('【错误 INVALID_CREDIT_CODE】统一社会信用代码无效\nError: invalid credit code');
    const e4 = noteOf(ws.getCell('E4'));
    expect(e4.indexOf('日期无效')).toBeLessThan(e4.indexOf('invalid date'));
    expect(e4).toContain('【警告 UNKNOWN_COLUMN】同一单元格的警告\nWarning: a warning on the same cell');
    expect(e4.split('\n\n')).toHaveLength(2);
    const c3 = noteOf(ws.getCell('C3'));
    expect(c3.startsWith('【错误 INVALID_ENUM】')).toBe(true);
    expect(c3.endsWith('——原批注 / original note——\n客户说明')).toBe(true);
  });

  it('marks the master of a merged range when the issue names a cell inside it', async () => {
    const wb = await load(await annotateWorkbook(await sampleWorkbook(), issues));
    const ws = sheet(wb, '抽查明细');
    expect((ws.getCell('B6').fill as ExcelJS.FillPattern).fgColor?.argb).toBe(RED);
    expect(noteOf(ws.getCell('B6'))).toContain('合并单元格内的问题');
    expect(ws.model.merges).toContain('B6:B8');
  });

  it('adds 问题清单 as the first, active sheet listing every issue; the rest stays as it was', async () => {
    const bytes = await annotateWorkbook(await sampleWorkbook(), issues);
    const wb = await load(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单', '封面', '抽查明细', 'Foo']);
    expect(wb.views[0]?.activeTab).toBe(0);
    const list = sheet(wb, '问题清单');
    const rows = listRows(list);
    expect(rows[0]).toEqual(['严重程度', '工作表', '单元格', '代码', '说明', 'Message', '值']);
    expect(rows).toHaveLength(issues.length + 1);
    expect(rows[1]).toEqual(['错误 Error', '抽查明细', 'D3', 'INVALID_CREDIT_CODE', '统一社会信用代码无效', 'invalid credit code', "'=1+2"]);
    expect(rows[4]).toEqual(['警告 Warning', '抽查明细', 'C4', 'NAME_MISMATCH', '名称不一致', 'name differs', null]);
    expect(rows[8]).toEqual(['错误 Error', '抽查明细', '', 'MISSING_COLUMN', '缺少必备列：检验结论', 'missing column', null]);
    expect(rows[9]).toEqual(['警告 Warning', 'Foo', '', 'UNKNOWN_SHEET', '未知工作表', 'unknown sheet', null]);
    expect(rows[10]).toEqual(['错误 Error', '（整个文件）', '', 'PERIOD_NOT_STARTED', '统计期尚未开始', 'the period has not started', null]);
    expect(rows[11]![1]).toBe('Ghost');
    expect(rows[12]![2]).toBe('ZZZZ99');
    // a jump link to the marked cell; none for a sheet that does not exist
    expect(list.getCell('C2').value).toEqual({ text: 'D3', hyperlink: "#'抽查明细'!D3" });
    expect(list.getCell('C12').value).toBe('A2');
    expect((list.getCell('A2').fill as ExcelJS.FillPattern).fgColor?.argb).toBe(RED);
    expect((list.getCell('A5').fill as ExcelJS.FillPattern).fgColor?.argb).toBe(AMBER);

    const ws = sheet(wb, '抽查明细');
    expect(ws.getCell('D3').value).toBe('=1+2'); // the original cell keeps its text
    expect(ws.getCell('E4').value).toBe('2026-13-01');
    expect(sheet(wb, '封面').getCell('B1').value).toBe('区市场监管局');
    expect(ws.getCell('A1').value).toBe('抽查明细');
    expect(ws.model.merges).toContain('A1:H1');
  });

  it('keeps the template’s dropdowns and hidden list sheet when annotating a filled template', async () => {
    const template = await buildTemplate({ department: 'market-regulation', plan: loadPlan('15th'), period: '2026-Q1' });
    const annotated = await annotateWorkbook(template, [
      { severity: 'error', code: 'REQUIRED', sheet: '抽查明细', row: 3, column: 'A', cell: 'A3', message: msg('批次编号必填', 'batch id is required') },
    ]);
    const wb = await load(annotated);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单', '封面', '指标', '抽查明细', '认证明细', '填报说明']);
    const ws = sheet(wb, '抽查明细');
    expect(validation(ws, 'G1002')).toMatchObject({ type: 'list', formulae: ['"合格,不合格"'] });
    expect((ws.getCell('A3').fill as ExcelJS.FillPattern).fgColor?.argb).toBe(RED);
    expect(noteOf(ws.getCell('A2'))).toContain('Batch ID'); // the header notes survive
  });

  it('marks the cells validation reported on a filled template', async () => {
    const plan = loadPlan('15th');
    const filled = await load(await buildTemplate({ department: 'construction', plan, period: '2026-Q1' }));
    const insp = sheet(filled, '抽查明细');
    insp.getRow(3).values = ['JC-001', '建筑材料', '上海戊建材有限公司', `${creditCode(1).slice(0, 17)}Z`, utcDate('2026-05-01'), '区', '合格'];
    const bytes = new Uint8Array((await filled.xlsx.writeBuffer()) as ArrayBuffer);
    const { report } = await checkSubmission(bytes, { inflate: nodeInflate, fileName: 'c.xlsx', department: 'construction', period: '2026-Q1', now: new Date('2026-04-08T00:00:00Z'), plan });
    const cells = report.issues.filter((i) => i.sheet === '抽查明细').map((i) => [i.code, i.cell]);
    expect(cells).toEqual(expect.arrayContaining([['INVALID_CREDIT_CODE', 'D3'], ['DATE_OUTSIDE_PERIOD', 'E3']]));

    const wb = await load(await annotateWorkbook(bytes, report.issues));
    const ws = sheet(wb, '抽查明细');
    for (const a of ['D3', 'E3']) expect((ws.getCell(a).fill as ExcelJS.FillPattern).fgColor?.argb).toBe(RED);
    expect(noteOf(ws.getCell('D3'))).toContain('INVALID_CREDIT_CODE');
    expect(ws.getCell('A3').fill?.type === 'pattern' ? (ws.getCell('A3').fill as ExcelJS.FillPattern).fgColor : undefined).toBeUndefined();
    expect(listRows(sheet(wb, '问题清单'))).toHaveLength(report.issues.length + 1);
  });

  it('names the list 问题清单(2) when the upload already has a 问题清单 (a re-uploaded report)', async () => {
    const once = await annotateWorkbook(await sampleWorkbook(), issues.slice(0, 1));
    const twice = await load(await annotateWorkbook(once, issues.slice(1, 2)));
    expect(twice.worksheets.map((w) => w.name)).toEqual(['问题清单(2)', '问题清单', '封面', '抽查明细', 'Foo']);
    expect(twice.views[0]?.activeTab).toBe(0);
  });
});

describe('annotateWorkbook fallbacks (never throws)', () => {
  const csvIssues: Issue[] = [
    { severity: 'error', code: 'INVALID_DATE', sheet: 'inspections', row: 3, column: 'E', cell: 'E3', value: '+31(0)', message: msg('日期无效', 'invalid date') },
    { severity: 'warning', code: 'UNKNOWN_COLUMN', sheet: 'inspections', row: 1, column: 'I', cell: 'I1', value: '@cmd', message: msg('未知列', 'unknown column') },
  ];

  it('gives a CSV upload (no original) a workbook holding only 问题清单', async () => {
    const wb = await load(await annotateWorkbook(undefined, csvIssues));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单']);
    expect(listRows(sheet(wb, '问题清单'))).toEqual([
      [...ISSUE_COLUMNS],
      ['错误 Error', 'inspections', 'E3', 'INVALID_DATE', '日期无效', 'invalid date', "'+31(0)"],
      ['警告 Warning', 'inspections', 'I1', 'UNKNOWN_COLUMN', '未知列', 'unknown column', "'@cmd"],
    ]);
  });

  it('falls back for a corrupt original, with a note row saying so', async () => {
    const good = await sampleWorkbook();
    for (const bad of [good.slice(0, good.length >> 1), new TextEncoder().encode('批次编号,产品类别\nB1,x\n'), new Uint8Array(0)]) {
      const wb = await load(await annotateWorkbook(bad, csvIssues));
      const ws = sheet(wb, '问题清单');
      expect(wb.worksheets).toHaveLength(1);
      expect(ws.getCell('A3').value).toBe('警告 Warning');
      expect(String(ws.getCell('A5').value)).toMatch(/^注：上传的文件无法作为工作簿打开/);
    }
  });

  it('does not open a file above maxBytes, or one whose issues say it is not a readable workbook', async () => {
    const good = await sampleWorkbook();
    const small = await load(await annotateWorkbook(good, issues, { maxBytes: good.byteLength - 1 }));
    expect(small.worksheets.map((w) => w.name)).toEqual(['问题清单']);
    const macro: Issue = { severity: 'error', code: 'FILE_MACROS', message: msg('含宏', 'macros') };
    const m = await load(await annotateWorkbook(good, [macro]));
    expect(m.worksheets.map((w) => w.name)).toEqual(['问题清单']);
    expect(m.getWorksheet('问题清单')!.getCell('D2').value).toBe('FILE_MACROS');
    // the same file within the limit is annotated
    const ok = await load(await annotateWorkbook(good, issues, { maxBytes: good.byteLength }));
    expect(ok.worksheets).toHaveLength(4);
  });

  it('does not open a small file that inflates beyond 10 × maxBytes', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('抽查明细');
    // distinct long runs of one letter: deflate packs them about 1000:1
    for (let r = 0; r < 200; r++) ws.addRow([`${'x'.repeat(30_000)}${r}`]);
    const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const maxBytes = bytes.byteLength + 1; // the file itself is within the limit
    const out = await load(await annotateWorkbook(bytes, issues.slice(0, 1), { maxBytes }));
    expect(out.worksheets.map((w) => w.name)).toEqual(['问题清单']);
    const roomy = await load(await annotateWorkbook(bytes, issues.slice(0, 1), { maxBytes: maxBytes * 1000 }));
    expect(roomy.worksheets.map((w) => w.name)).toEqual(['问题清单', '抽查明细']);
  });

  it('survives hostile issue text: control characters, a huge message, no issues at all', async () => {
    const hostile: Issue[] = [
      { severity: 'error', code: 'INVALID_NUMBER', sheet: 'inspections\u0001', cell: 'B2', row: 2, value: 'a\u0000b', message: msg('x'.repeat(40_000), '\u0007bell') },
    ];
    const wb = await load(await annotateWorkbook(undefined, hostile));
    const ws = sheet(wb, '问题清单');
    expect(ws.getCell('B2').value).toBe('inspections\ufffd');
    expect(ws.getCell('G2').value).toBe('a\ufffdb');
    expect(String(ws.getCell('E2').value).length).toBe(32_767);
    const empty = await load(await annotateWorkbook(undefined, []));
    expect(listRows(sheet(empty, '问题清单'))).toEqual([[...ISSUE_COLUMNS]]);
  });
});
