import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectFile, WorkbookError } from '../../../functions/core/workbook/guard';
import { readXlsx } from '../../../functions/core/workbook/read-xlsx';
import { cellsOf, collect, fixture, minimalWorkbook, NS } from './helpers';

const s = (text: string) => ({ kind: 'string', text });
const n = (num: number, extra: object = {}) => ({ kind: 'number', num, ...extra });

async function read(name: string) {
  const bytes = fixture(name);
  expect(await inspectFile(bytes, name)).toEqual({ ok: true, format: 'xlsx' });
  return collect(await readXlsx(bytes));
}

const HEADERS = ['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目'].map(s);

describe('readXlsx on real producers’ files', () => {
  it('LibreOffice rich text (Chinese mixed with Latin and digits) comes back as plain strings', async () => {
    const [sheet] = await read('libreoffice-richtext-mixed.xlsx');
    expect(sheet.name).toBe('抽查明细');
    expect(cellsOf(sheet.rows[1])[2]).toEqual(s('上海长宁ABC电缆有限公司'));
    expect(cellsOf(sheet.rows[2])[2]).toEqual(s('长宁区第3建材厂'));
    expect(cellsOf(sheet.rows[3])[2]).toEqual(s('Changning Toys 玩具有限公司'));
    // LibreOffice recognised the ISO dates of the CSV it was given: real dates
    expect(cellsOf(sheet.rows[1])[4]).toEqual(n(46034, { date: true }));
  });

  it('Gnumeric: pretty-printed inline strings keep no trailing whitespace; empty styled rows yield nothing; column date style applies', async () => {
    const [sheet] = await read('gnumeric-trailing-styled-rows.xlsx');
    expect(sheet.rows.map((r) => r.index)).toEqual([1, 2, 3, 4]); // rows 5–400 are styled but empty
    expect(cellsOf(sheet.rows[0])).toEqual(HEADERS);
    expect(cellsOf(sheet.rows[2])).toEqual([
      s('B2026-0002'), s('建筑材料'), s('长宁区第3建材厂'), s('913101054U1N7RBXF3'),
      n(46056, { date: true }), s('市'), s('不合格'), s('抗压强度'),
    ]);
  });

  it('built-in CJK date formats (31, 58) and 14 are dates; 9, 10 and 0.0% are percentages; General is neither', async () => {
    const [sheet] = await read('excel-cjk-date-format.xlsx');
    expect(cellsOf(sheet.rows[1])).toEqual([
      n(46028, { date: true }),
      n(46029, { date: true }),
      n(46030, { date: true }),
      n(46031),
      n(0.965, { percent: true }),
      n(0.9653, { percent: true }),
      n(0.5, { percent: true }),
    ]);
  });

  it('1904 workbooks: date serials are shifted to the 1900 system', async () => {
    const [sheet] = await read('date1904.xlsx');
    expect(cellsOf(sheet.rows[1])[4]).toEqual(n(46034, { date: true })); // 2026-01-12
    expect(cellsOf(sheet.rows[3])[4]).toEqual(n(46111, { date: true })); // 2026-03-30
  });

  it('formulas recalculated by LibreOffice: cached number, percent number, string and boolean results', async () => {
    const [sheet] = await read('formulas-cached.xlsx');
    expect(cellsOf(sheet.rows[1])).toEqual([
      s('MFG_SPOT_CHECK_PASS_RATE'),
      n(96.5, { formula: true }),
      n(193),
      n(200),
      { kind: 'string', text: 'MFG_SPOT_CHECK_PASS_RATE <合格率> & 说明', formula: true },
    ]);
    expect(cellsOf(sheet.rows[2])[1]).toEqual(n(0.95, { percent: true, formula: true }));
    expect(cellsOf(sheet.rows[2])[4]).toEqual({ kind: 'boolean', bool: false, formula: true });
  });

  it('formula errors keep their text (#DIV/0!, #N/A)', async () => {
    const [sheet] = await read('formula-error.xlsx');
    expect(cellsOf(sheet.rows[1])[1]).toEqual({ kind: 'error', text: '#DIV/0!', formula: true });
    expect(cellsOf(sheet.rows[2])[1]).toEqual({ kind: 'error', text: '#N/A', formula: true });
  });

  it('formulas without a cached value are nocache; shared and array formulas give their cached values', async () => {
    const [sheet] = await read('formula-no-cache.xlsx');
    expect(cellsOf(sheet.rows[1])).toEqual([s('MFG_SPOT_CHECK_PASS_RATE'), { kind: 'nocache', text: 'C2/D2*100' }, n(193), n(200), n(202, { formula: true })]);
    expect(cellsOf(sheet.rows[2])[1]).toEqual(n(4, { formula: true }));
    expect(cellsOf(sheet.rows[3])[1]).toEqual(n(6, { formula: true }));
    expect(cellsOf(sheet.rows[4])[1]).toEqual({ kind: 'nocache', text: '' });
  });

  it('sheet states and names come from workbook.xml', async () => {
    const sheets = await read('hidden-sheets.xlsx');
    expect(sheets.map((x) => [x.name, x.state])).toEqual([
      ['抽查明细', 'visible'],
      ['下拉选项', 'hidden'],
      ['校验', 'veryHidden'],
    ]);
  });

  it('merges are known with the sheet, before its rows; merged-away cells are empty', async () => {
    const book = await readXlsx(fixture('merged-title-and-category.xlsx'));
    for await (const sheet of book.sheets) {
      // asserted before a single row is read
      expect(sheet.merges).toEqual([
        { top: 1, bottom: 1, left: 1, right: 8 },
        { top: 4, bottom: 5, left: 2, right: 2 },
      ]);
      const rows = [];
      for await (const row of sheet.rows) rows.push(row);
      expect(rows.map((r) => r.index)).toEqual([1, 3, 4, 5, 6, 8]);
      expect(cellsOf(rows[0])).toEqual([s('2026年第一季度产品质量监督抽查明细')]);
      expect(cellsOf(rows[3])[1]).toBeNull();
      expect(cellsOf(rows[2])[4]).toEqual(n(46034, { date: true })); // yyyy"年"m"月"d"日"
    }
  });

  it('inline strings: _xHHHH_ decoded once, entity-looking text kept, runs joined, CDATA read, t="d" as date serials', async () => {
    const [sheet] = await read('inline-strings-escapes.xlsx');
    expect(sheet.rows.map(cellsOf)).toEqual([
      [s('第一行\r\n第二行'), s('_x0041_ 字面'), s('a &lt; b')],
      [s('上海长宁ABC有限公司'), { kind: 'string', text: 'x&amp;y', formula: true }, n(96.5)],
      [n(46086, { date: true }), n(46086.5, { date: true }), { kind: 'error', text: '#REF!' }],
    ]);
  });

  it('namespace-prefixed parts (<x:row>, <x:si>) are read, merges included', async () => {
    const [sheet] = await read('namespace-prefixed.xlsx');
    expect(sheet.merges).toEqual([{ top: 3, bottom: 3, left: 1, right: 2 }]);
    expect(sheet.rows.map(cellsOf)).toEqual([
      [s('批次编号'), s('产品类别')],
      [n(42), s('建筑材料')],
    ]);
  });

  it('rows and cells without r attributes are numbered by position', async () => {
    const [sheet] = await read('rows-cells-without-r.xlsx');
    expect(sheet.rows.map((r) => [r.index, cellsOf(r)])).toEqual([
      [1, [s('批次编号'), s('产品类别')]],
      [2, [n(1), s('电线电缆')]],
      [5, [null, null, n(3), n(4)]],
    ]);
  });

  it('a shared-string index out of range is FILE_CORRUPT naming the sheet and cell', async () => {
    const error = await collect(await readXlsx(fixture('sst-index-out-of-range.xlsx'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    const issue = (error as WorkbookError).issue;
    expect(issue).toMatchObject({ code: 'FILE_CORRUPT', sheet: '抽查明细' });
    expect(issue.message.en).toContain('cell A2 refers to shared string 7');
  });

  it('malformed sheet XML is FILE_CORRUPT, not an unhandled exception', async () => {
    const bytes = minimalWorkbook(`<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</c></row></sheetData></worksheet>`);
    expect((await inspectFile(bytes, 'a.xlsx')).ok).toBe(true);
    const error = await collect(await readXlsx(bytes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as WorkbookError).issue).toMatchObject({ code: 'FILE_CORRUPT', sheet: '抽查明细' });
  });
});

describe('readXlsx streaming', () => {
  const tmp = createRequire(import.meta.url)('tmp') as { file: (...args: unknown[]) => void };
  afterEach(() => vi.restoreAllMocks());

  it('never copies a sheet to a temporary file, though bare exceljs does on the same workbook', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('抽查明细');
    ws.addRow(['批次编号']);
    ws.addRow(['B1']);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer()); // exceljs writes the sheet before sharedStrings.xml
    const spy = vi.spyOn(tmp, 'file');

    const bare = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(Buffer.from(bytes)), { sharedStrings: 'cache', worksheets: 'emit' });
    for await (const sheet of bare) for await (const _ of sheet as AsyncIterable<unknown>);
    expect(spy).toHaveBeenCalled();

    spy.mockClear();
    const [sheet] = await collect(await readXlsx(bytes));
    expect(sheet.rows.map(cellsOf)).toEqual([[s('批次编号')], [s('B1')]]);
    expect(spy).not.toHaveBeenCalled();
  });

  it('yields rows one at a time as they are read', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('抽查明细');
    for (let i = 1; i <= 3000; i++) ws.addRow([`B${i}`, i]);
    const book = await readXlsx(new Uint8Array(await wb.xlsx.writeBuffer()));
    let seen = 0;
    for await (const sheet of book.sheets) {
      for await (const row of sheet.rows) {
        seen++;
        expect(row.index).toBe(seen);
        expect(cellsOf(row)).toEqual([s(`B${seen}`), n(seen)]);
        if (seen === 10) break; // a consumer may stop early
      }
    }
    expect(seen).toBe(10);
  });
});

describe('readXlsx on hostile sheet XML', () => {
  const base =
    `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData>` +
    `<row r="1"><c r="A1" t="inlineStr"><is><t>批次编号</t></is></c><c r="B1" t="s"><v>0</v></c></row>` +
    `<row r="2"><c r="A2" s="1"><v>46086</v></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C2" t="str"><f>A1</f><v>a&amp;amp;b</v></c></row>` +
    `</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`;

  it('only ever fails with a WorkbookError, whatever is cut out of the XML', async () => {
    const outcomes = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const at = (i * 37) % base.length;
      const len = 1 + (i % 9);
      const xml = base.slice(0, at) + base.slice(at + len);
      const bytes = minimalWorkbook(xml);
      const guard = await inspectFile(bytes, 'a.xlsx');
      if (!guard.ok) {
        outcomes.add(guard.issue.code);
        continue;
      }
      try {
        await collect(await readXlsx(bytes));
        outcomes.add('read');
      } catch (err) {
        expect(err).toBeInstanceOf(WorkbookError);
        outcomes.add((err as WorkbookError).issue.code);
      }
    }
    expect([...outcomes].sort()).toEqual(['FILE_CORRUPT', 'read']);
  });

  it('a workbook with no sheets, or an empty sheet, reads as such', async () => {
    expect(await collect(await readXlsx(minimalWorkbook(`<worksheet xmlns="${NS}"><sheetData/></worksheet>`)))).toEqual([
      { name: '抽查明细', state: 'visible', merges: [], csvKind: undefined, rows: [] },
    ]);
  });
});
