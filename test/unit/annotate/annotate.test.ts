// The annotated copy of a workbook: marks, comments, 问题清单, and the fallback
// to a bare list (with its reason) when there is no copy to make. Read back
// with exceljs (a reader that shares nothing with the copy's writer) and with
// the project's own reader.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../../functions/core/catalog';
import type { Issue } from '../../../functions/core/model';
import { checkSubmission } from '../../../functions/core/submission/check';
import { annotateWorkbook, COMMENT_AUTHOR, ERROR_STYLE, ISSUE_COLUMNS, ISSUES_SHEET, WARNING_STYLE } from '../../../functions/core/workbook/write/annotate';
import { DEFAULT_LIMITS } from '../../../functions/core/workbook/guard';
import { buildTemplate } from '../../../functions/core/workbook/write/template';
import { nodeDeflate } from '../../../functions/adapters/zlib/deflate';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import type { Inflate } from '../../../functions/core/workbook/zip';
import { creditCode, load, noteOf, sheet, utcDate, validation } from '../template/helpers';
import { minimalWorkbook, readFile, xmlBombDeflated } from '../workbook/helpers';
import { annotate, cellIssue, entries, msg, parts, stored } from './helpers';

const RED = ERROR_STYLE.fill;
const AMBER = WARNING_STYLE.fill;

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

const fill = (ws: ExcelJS.Worksheet, a: string) => (ws.getCell(a).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;

async function copyOf(original: Uint8Array, list: Issue[]): Promise<Uint8Array> {
  const r = await annotate(original, list);
  expect(r.reason).toBeUndefined();
  expect(r.form).toBe('copy');
  return r.bytes;
}

describe('annotateWorkbook on a workbook', () => {
  it('fills error cells red and warning cells amber, with one zh-then-en comment per cell', async () => {
    const wb = await load(await copyOf(await sampleWorkbook(), issues));
    const ws = sheet(wb, '抽查明细');

    expect(fill(ws, 'D3')).toBe(RED);
    expect(ws.getCell('D3').font?.bold).toBe(true); // the cell's own style kept, but for its fill
    expect(ws.getCell('D3').font?.size).toBe(12);
    expect(fill(ws, 'E4')).toBe(RED); // an error and a warning: red wins
    expect(fill(ws, 'C4')).toBe(AMBER);
    expect(fill(ws, 'B5')).toBe(RED); // an empty required cell is still marked
    expect(fill(ws, 'D4')).toBeUndefined(); // shared the style of D3: untouched
    expect(ws.getCell('D4').font?.bold).toBe(true);
    expect(fill(ws, 'A2')).toBeUndefined();

    expect(noteOf(ws.getCell('D3'))).toBe('【错误 INVALID_CREDIT_CODE】统一社会信用代码无效\nError: invalid credit code');
    const e4 = noteOf(ws.getCell('E4'));
    expect(e4.indexOf('日期无效')).toBeLessThan(e4.indexOf('invalid date'));
    expect(e4).toContain('【警告 UNKNOWN_COLUMN】同一单元格的警告\nWarning: a warning on the same cell');
    expect(e4.split('\n\n')).toHaveLength(2);
    // the clerk's own note is kept, ours follows it
    expect(noteOf(ws.getCell('C3'))).toBe('客户说明\n\n【错误 INVALID_ENUM】有原批注的单元格\nError: a cell with a note of its own');
  });

  it('marks the master of a merged range when the issue names a cell inside it', async () => {
    const wb = await load(await copyOf(await sampleWorkbook(), issues));
    const ws = sheet(wb, '抽查明细');
    expect(fill(ws, 'B6')).toBe(RED);
    expect(noteOf(ws.getCell('B6'))).toContain('合并单元格内的问题');
    expect(fill(ws, 'B7')).toBeUndefined();
    expect(ws.model.merges).toContain('B6:B8');
  });

  it('adds 问题清单 as the first sheet listing every issue, linked to the marked cells; the rest reads as it did', async () => {
    const original = await sampleWorkbook();
    const bytes = await copyOf(original, issues);
    const wb = await load(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单', '封面', '抽查明细', 'Foo']);
    expect(wb.views[0]?.activeTab).toBe(1); // the tab that was active still is
    const list = sheet(wb, ISSUES_SHEET);
    const rows = listRows(list);
    expect(rows[0]).toEqual(['严重程度', '工作表', '单元格', '代码', '说明', 'Message', '值']);
    expect(rows).toHaveLength(issues.length + 1);
    expect(rows[1]).toEqual(['错误 Error', '抽查明细', 'D3', 'INVALID_CREDIT_CODE', '统一社会信用代码无效', 'invalid credit code', "'=1+2"]);
    expect(rows[4]).toEqual(['警告 Warning', '抽查明细', 'C4', 'NAME_MISMATCH', '名称不一致', 'name differs', null]);
    expect(rows[8]).toEqual(['错误 Error', '抽查明细', null, 'MISSING_COLUMN', '缺少必备列：检验结论', 'missing column', null]);
    expect(rows[9]).toEqual(['警告 Warning', 'Foo', null, 'UNKNOWN_SHEET', '未知工作表', 'unknown sheet', null]);
    expect(rows[10]).toEqual(['错误 Error', '（整个文件）', null, 'PERIOD_NOT_STARTED', '统计期尚未开始', 'the period has not started', null]);
    expect(rows[11]![1]).toBe('Ghost');
    expect(rows[12]![2]).toBe('ZZZZ99');
    // a jump link to the marked cell (the master of a merged range); none for a sheet that does not exist
    // (exceljs 4.4 reads no location-only hyperlinks: the part is read instead)
    const listXml = (await parts(bytes)).get('xl/worksheets/sheet4.xml')!;
    expect(listXml).toContain(`<hyperlink ref="C2" location="'抽查明细'!D3" display="D3"/>`);
    expect(listXml).toContain(`<hyperlink ref="C7" location="'抽查明细'!B6" display="B7"/>`);
    expect(listXml).not.toContain('ref="C12"');
    expect(list.getCell('C12').value).toBe('A2');
    expect(fill(list, 'A2')).toBe(RED);
    expect(fill(list, 'A5')).toBe(AMBER);
    expect(list.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(list.autoFilter).toBe('A1:G13');

    // every value of the clerk's sheets reads as it did, with the project's reader
    const before = await readFile(original);
    const after = await readFile(bytes);
    expect(after.ok && before.ok).toBe(true);
    if (!after.ok || !before.ok) return;
    expect(after.sheets[0]!.name).toBe(ISSUES_SHEET);
    expect(after.sheets.slice(1)).toEqual(before.sheets);
  });

  it('copies the parts it does not change as they are, byte for byte', async () => {
    const original = await sampleWorkbook();
    const bytes = await copyOf(original, issues.slice(0, 1));
    const was = new Map((await entries(original)).map((e) => [e.name, e]));
    const now = await entries(bytes);
    const changed = now.filter((e) => was.has(e.name) && !stored(bytes, e).equals(stored(original, was.get(e.name)!)));
    // the marked sheet, its comments and drawing, styles, the workbook and its rels, content types; nothing else
    expect(changed.map((e) => e.name).sort()).toEqual([
      '[Content_Types].xml', 'xl/_rels/workbook.xml.rels', 'xl/comments2.xml', 'xl/drawings/vmlDrawing2.vml', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet2.xml',
    ]);
    expect(now.filter((e) => !was.has(e.name)).map((e) => e.name)).toEqual(['xl/worksheets/sheet4.xml']);
    expect(now.length).toBe(was.size + 1);
    // and in the order of the original, [Content_Types].xml first
    expect(now[0]!.name).toBe('[Content_Types].xml');
  });

  it('changes only the style of a marked cell, and puts a missing one in column order', async () => {
    const at = (cell: string) => ({ ...issues[4]!, cell, row: Number(cell.slice(1)), column: cell[0] });
    const bytes = await copyOf(await sampleWorkbook(), [issues[0]!, at('A6'), at('D6'), at('J5'), at('C12')]);
    const xml = (await parts(bytes)).get('xl/worksheets/sheet2.xml')!;
    expect(xml).toMatch(/<c r="D3" s="\d+" t="s"><v>16<\/v><\/c>/); // as it was, but for s
    expect(xml).toMatch(/<row r="6" [^>]*><c r="A6" s="\d+"\/><c r="B6" t="s"><v>30<\/v><\/c><c r="D6" s="\d+"\/><\/row>/);
    expect(xml).toMatch(/<c r="H5" t="s"><v>20<\/v><\/c><c r="J5" s="\d+"\/><\/row>/);
    expect(xml).toMatch(/<row r="8" [^>]*><c r="B8"\/><\/row><row r="12"><c r="C12" s="\d+"\/><\/row><\/sheetData>/);
    expect(xml).toMatch(/<dimension ref="A1:J12"\/>/);
  });

  it('merges into the template’s own comments and keeps its dropdowns', async () => {
    const template = await buildTemplate({ department: 'market-regulation', plan: loadPlan('15th'), period: '2026-Q1' });
    const annotated = await copyOf(template, [
      { severity: 'error', code: 'REQUIRED', sheet: '抽查明细', row: 3, column: 'A', cell: 'A3', message: msg('批次编号必填', 'batch id is required') },
      { severity: 'warning', code: 'UNKNOWN_COLUMN', sheet: '抽查明细', row: 2, column: 'B', cell: 'B2', message: msg('表头有误', 'a header is off') },
    ]);
    const wb = await load(annotated);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单', '封面', '指标', '抽查明细', '认证明细', '填报说明']);
    const ws = sheet(wb, '抽查明细');
    expect(validation(ws, 'G1002')).toMatchObject({ type: 'list', formulae: ['"合格,不合格"'] });
    expect(fill(ws, 'A3')).toBe(RED);
    expect(noteOf(ws.getCell('A2'))).toContain('Batch ID'); // the header notes survive
    expect(noteOf(ws.getCell('B2'))).toMatch(/^Category[^]*\n\n【警告 UNKNOWN_COLUMN】表头有误\nWarning: a header is off$/);
    expect(noteOf(ws.getCell('A3'))).toBe('【错误 REQUIRED】批次编号必填\nError: batch id is required');
    const comments = (await parts(annotated)).get('xl/comments3.xml')!;
    expect(comments).toContain(`<author>${COMMENT_AUTHOR}</author>`);
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

    const copy = await copyOf(bytes, report.issues);
    const wb = await load(copy);
    const ws = sheet(wb, '抽查明细');
    for (const a of ['D3', 'E3']) expect(fill(ws, a)).toBe(RED);
    expect(noteOf(ws.getCell('D3'))).toContain('INVALID_CREDIT_CODE');
    expect(fill(ws, 'A3')).toBeUndefined();
    expect(ws.getCell('E3').numFmt).toBe(insp.getCell('E3').numFmt); // the date stays a date
    expect(listRows(sheet(wb, ISSUES_SHEET))).toHaveLength(report.issues.length + 1);
    // the copy checks as the original did
    const again = await checkSubmission(copy, { inflate: nodeInflate, fileName: 'c.xlsx', department: 'construction', period: '2026-Q1', now: new Date('2026-04-08T00:00:00Z'), plan });
    expect(again.report.issues.filter((i) => i.code !== 'UNKNOWN_SHEET')).toEqual(report.issues);
  });

  it('names the list 问题清单(2) when the upload already has a 问题清单 (a re-uploaded report)', async () => {
    const once = await copyOf(await sampleWorkbook(), issues.slice(0, 1));
    const twice = await copyOf(once, issues.slice(1, 2));
    const wb = await load(twice);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['问题清单(2)', '问题清单', '封面', '抽查明细', 'Foo']);
    expect(wb.views[0]?.activeTab).toBe(2);
    const ws = sheet(wb, '抽查明细');
    expect(fill(ws, 'D3')).toBe(RED); // the first round's mark is still there
    expect(fill(ws, 'E4')).toBe(RED);
    const comments = (await parts(twice)).get('xl/comments2.xml')!;
    expect(comments.match(new RegExp(`<author>${COMMENT_AUTHOR}</author>`, 'g'))).toHaveLength(1);
  });

  it('shifts sheet-local defined names and the active tab, so that they name the same sheets', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('封面').getCell('A1').value = 'x';
    const ws = wb.addWorksheet('抽查明细');
    ws.getCell('A1').value = 1;
    ws.pageSetup.printArea = 'A1:B2';
    wb.definedNames.add("'抽查明细'!$A$1", '区域');
    wb.views = [{ x: 0, y: 0, width: 10000, height: 10000, firstSheet: 0, activeTab: 1, visibility: 'visible' }];
    const original = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const copy = await copyOf(original, [cellIssue('抽查明细', 'A1')]);
    const xml = (await parts(copy)).get('xl/workbook.xml')!;
    expect(xml).toContain('activeTab="2"');
    expect(xml).toMatch(/<definedName name="_xlnm.Print_Area" localSheetId="2">/);
    const back = await load(copy);
    expect(back.getWorksheet('抽查明细')!.pageSetup.printArea).toBe('A1:B2');
  });
});

describe('annotateWorkbook when there is no copy to make (never throws)', () => {
  const csvIssues: Issue[] = [
    { severity: 'error', code: 'INVALID_DATE', sheet: 'inspections', row: 3, column: 'E', cell: 'E3', value: '+31(0)', message: msg('日期无效', 'invalid date') },
    { severity: 'warning', code: 'UNKNOWN_COLUMN', sheet: 'inspections', row: 1, column: 'I', cell: 'I1', value: '@cmd', message: msg('未知列', 'unknown column') },
  ];

  async function listOnly(original: Uint8Array | undefined, list: Issue[], limits = DEFAULT_LIMITS) {
    const r = await annotate(original, list, limits);
    expect(r.form).toBe('list');
    expect(r.reason?.zh).toBeTruthy();
    expect(r.reason?.en).toBeTruthy();
    const wb = await load(r.bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual([ISSUES_SHEET]);
    const ws = sheet(wb, ISSUES_SHEET);
    // the reason, as a note row under the list
    expect(ws.getCell(`A${list.length + 3}`).value).toBe(`注：${r.reason!.zh} / Note: ${r.reason!.en}`);
    return { r, ws };
  }

  it('gives a CSV upload (no original) a workbook holding only 问题清单, saying why', async () => {
    const { r, ws } = await listOnly(undefined, csvIssues);
    expect(r.reason!.zh).toMatch(/^上传的不是 Excel 工作簿（例如 CSV 文件）/);
    expect(listRows(ws).slice(0, 3)).toEqual([
      [...ISSUE_COLUMNS],
      ['错误 Error', 'inspections', 'E3', 'INVALID_DATE', '日期无效', 'invalid date', "'+31(0)"],
      ['警告 Warning', 'inspections', 'I1', 'UNKNOWN_COLUMN', '未知列', 'unknown column', "'@cmd"],
    ]);
    // the project's reader reads it too (the note row is a note, not data)
    const back = await readFile(r.bytes);
    expect(back.ok && back.sheets.map((s) => s.name)).toEqual([ISSUES_SHEET]);
  });

  it('falls back for a corrupt original, naming what is wrong', async () => {
    const good = await sampleWorkbook();
    for (const bad of [good.slice(0, good.length >> 1), new TextEncoder().encode('批次编号,产品类别\nB1,x\n'), new Uint8Array(0)]) {
      const { r, ws } = await listOnly(bad, csvIssues);
      expect(r.reason!.zh).toMatch(/^上传的文件无法作为工作簿打开/);
      expect(ws.getCell('A3').value).toBe('警告 Warning');
    }
  });

  it('falls back when the original breaks while being copied (a sheet that is not XML)', async () => {
    const bytes = minimalWorkbook('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>');
    const { r } = await listOnly(bytes, [cellIssue('抽查明细', 'A1')]);
    expect(r.reason!.en).toMatch(/could not be opened as a workbook|could not be copied/);
    expect(r.reason!.en).toContain('xl/worksheets/sheet1.xml');
  });

  it('does not open a file above the size limit, or one whose issues say it is not a readable workbook', async () => {
    const good = await sampleWorkbook();
    const { r: big } = await listOnly(good, issues, { ...DEFAULT_LIMITS, maxFileBytes: good.byteLength - 1 });
    expect(big.reason!.en).toContain('above the');
    const macro: Issue = { severity: 'error', code: 'FILE_MACROS', message: msg('含宏', 'macros') };
    const { r: m, ws } = await listOnly(good, [macro]);
    expect(m.reason).toEqual({ zh: '上传的文件无法作为工作簿打开，只列出问题（含宏）', en: 'the uploaded file could not be opened as a workbook, so the issues are only listed (macros)' });
    expect(ws.getCell('D2').value).toBe('FILE_MACROS');
    // the same file within the limit is annotated
    expect((await annotate(good, issues, { ...DEFAULT_LIMITS, maxFileBytes: good.byteLength })).form).toBe('copy');
  });

  it('never inflates past the limits: sizes that lie are stopped while inflating, honest ones before', async () => {
    let inflated = 0;
    const inflate: Inflate = {
      raw: async function* (compressed) {
        for await (const p of nodeInflate.raw(compressed)) {
          inflated += p.length;
          yield p;
        }
      },
      crc32: nodeInflate.crc32,
    };
    const limits = { ...DEFAULT_LIMITS, maxUncompressedBytes: 64 << 20 };
    const run = (bytes: Uint8Array) => annotateWorkbook(bytes, [cellIssue('抽查明细', 'A1')], { inflate, deflate: nodeDeflate, limits });
    // well-formed XML that inflates to 300 MB while its header says 2 KB: the reader's gate does not read
    // sheets, so it is the copy that meets it, and stops
    const lying = await run(minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', deflated: xmlBombDeflated(300), declaredSize: 2048, crc: 0 }));
    expect(lying.form).toBe('list');
    expect(lying.reason!.en).toMatch(/too large once uncompressed|inflates past/);
    expect(inflated).toBeLessThan(limits.maxUncompressedBytes + (4 << 20));
    inflated = 0;
    const honest = await run(minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', deflated: xmlBombDeflated(300), declaredSize: 300 << 20, crc: 0 }));
    expect(honest.form).toBe('list');
    expect(honest.reason!.en).toContain('too large once uncompressed');
    expect(inflated).toBe(0);
  });

  it('survives hostile issue text: control characters, a huge message, no issues at all', async () => {
    const hostile: Issue[] = [
      { severity: 'error', code: 'INVALID_NUMBER', sheet: 'inspections\u0001', cell: 'B2', row: 2, value: 'a\u0000b', message: msg('x'.repeat(40_000), '\u0007bell _x0041_') },
    ];
    const { r, ws } = await listOnly(undefined, hostile);
    expect(ws.getCell('B2').value).toBe('inspections\ufffd');
    expect(ws.getCell('G2').value).toBe('a\ufffdb');
    expect(String(ws.getCell('E2').value).length).toBe(32_767);
    // a literal _xHHHH_ is written escaped, so that readers that decode the escapes (Excel, ours) read it as typed
    const read = await readFile(r.bytes);
    expect(read.ok && read.sheets[0]!.rows[1]!.cells[5]).toEqual({ kind: 'string', text: '\ufffdbell _x0041_' });
    const { ws: empty } = await listOnly(undefined, []);
    expect(listRows(empty)[0]).toEqual([...ISSUE_COLUMNS]);
    expect(empty.rowCount).toBe(3);
  });
});
