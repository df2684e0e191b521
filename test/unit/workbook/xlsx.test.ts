// The .xlsx reader on real producers' files, on one small fixture per
// misreading class found in real workbooks, on broken and hostile parts, and
// as a pull stream: a slow consumer makes it wait, never skip.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import type { RawRow } from '../../../functions/core/model';
import { openWorkbook } from '../../../functions/core/workbook/open';
import { buildZip, cellsOf, fixture, minimalWorkbook, NS, readFile } from './helpers';

const s = (text: string) => ({ kind: 'string', text });
const n = (num: number, extra: object = {}) => ({ kind: 'number', num, ...extra });

async function read(name: string) {
  const r = await readFile(fixture(name), name);
  if (!r.ok) throw new Error(`${name}: ${r.issue.code} ${r.issue.message.en}`);
  return r.sheets;
}

/** The cell at an Excel address of a read sheet (undefined when empty). */
function at(sheet: { rows: RawRow[] }, ref: string) {
  const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
  const col = [...m[1]!].reduce((a, c) => a * 26 + c.charCodeAt(0) - 64, 0) - 1;
  return sheet.rows.find((r) => r.index === Number(m[2]))?.cells[col];
}

const HEADERS = ['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目'].map(s);

describe('real producers’ files', () => {
  it('LibreOffice rich text (Chinese mixed with Latin and digits) comes back as plain strings', async () => {
    const [sheet] = await read('libreoffice-richtext-mixed.xlsx');
    expect(sheet!.name).toBe('抽查明细');
    expect(at(sheet!, 'C2')).toEqual(s('上海长宁ABC电缆有限公司'));
    expect(at(sheet!, 'C4')).toEqual(s('Changning Toys 玩具有限公司'));
    expect(at(sheet!, 'E2')).toEqual(n(46034, { date: true }));
  });

  it('Gnumeric: pretty-printed inline strings keep no whitespace; empty styled rows yield nothing; a cell with no s is General', async () => {
    const [sheet] = await read('gnumeric-trailing-styled-rows.xlsx');
    expect(sheet!.rows.map((r) => r.index)).toEqual([1, 2, 3, 4]); // rows 5–400 are styled but empty
    expect(cellsOf(sheet!.rows[0]!)).toEqual(HEADERS);
    // E3 has no s attribute: style 0 whatever its <col> says (as Excel and openpyxl read it)
    expect(cellsOf(sheet!.rows[2]!)).toEqual([
      s('B2026-0002'), s('建筑材料'), s('长宁区第3建材厂'), s('913101054U1N7RBXF3'), n(46056), s('市'), s('不合格'), s('抗压强度'),
    ]);
  });

  it('built-in CJK date formats (31, 58) and 14 are dates; 9, 10 and 0.0% are percentages; General is neither', async () => {
    const [sheet] = await read('excel-cjk-date-format.xlsx');
    expect(cellsOf(sheet!.rows[1]!)).toEqual([
      n(46028, { date: true }), n(46029, { date: true }), n(46030, { date: true }), n(46031),
      n(0.965, { percent: true }), n(0.9653, { percent: true }), n(0.5, { percent: true }),
    ]);
  });

  it('1904 workbooks: date serials are shifted to the 1900 system', async () => {
    const [sheet] = await read('date1904.xlsx');
    expect(at(sheet!, 'E2')).toEqual(n(46034, { date: true })); // 2026-01-12
    expect(at(sheet!, 'E4')).toEqual(n(46111, { date: true })); // 2026-03-30
  });

  it('formulas recalculated by LibreOffice: cached number, percent number, string and boolean results', async () => {
    const [sheet] = await read('formulas-cached.xlsx');
    expect(cellsOf(sheet!.rows[1]!)).toEqual([
      s('MFG_SPOT_CHECK_PASS_RATE'), n(96.5, { formula: true }), n(193), n(200),
      { kind: 'string', text: 'MFG_SPOT_CHECK_PASS_RATE <合格率> & 说明', formula: true },
    ]);
    expect(at(sheet!, 'B3')).toEqual(n(0.95, { percent: true, formula: true }));
    expect(at(sheet!, 'E3')).toEqual({ kind: 'boolean', bool: false, formula: true });
  });

  it('formula errors keep their text (#DIV/0!, #N/A)', async () => {
    const [sheet] = await read('formula-error.xlsx');
    expect(at(sheet!, 'B2')).toEqual({ kind: 'error', text: '#DIV/0!', formula: true });
    expect(at(sheet!, 'B3')).toEqual({ kind: 'error', text: '#N/A', formula: true });
  });

  it('formulas without a cached value are nocache; a shared formula’s child gets the master moved to its cell', async () => {
    const [sheet] = await read('formula-no-cache.xlsx');
    expect(at(sheet!, 'B2')).toEqual({ kind: 'nocache', text: 'C2/D2*100' });
    expect(at(sheet!, 'B3')).toEqual(n(4, { formula: true }));
    expect(at(sheet!, 'B4')).toEqual(n(6, { formula: true }));
    expect(at(sheet!, 'B5')).toEqual({ kind: 'nocache', text: 'C5*2' });
  });

  it('sheet states and names come from workbook.xml', async () => {
    const sheets = await read('hidden-sheets.xlsx');
    expect(sheets.map((x) => [x.name, x.state])).toEqual([
      ['抽查明细', 'visible'],
      ['下拉选项', 'hidden'],
      ['校验', 'veryHidden'],
    ]);
  });

  it('merges: declared after the cells, known once the rows are read — or before them when asked for first', async () => {
    const expected = [
      { top: 1, bottom: 1, left: 1, right: 8 },
      { top: 4, bottom: 5, left: 2, right: 2 },
    ];
    for (const mergesFirst of [false, true]) {
      const opened = await openWorkbook(fixture('merged-title-and-category.xlsx'), 'a.xlsx', { inflate: nodeInflate, mergesFirst });
      if (!opened.ok) throw new Error(opened.issue.code);
      for await (const sheet of opened.workbook.sheets) {
        expect(sheet.mergesFirst).toBe(mergesFirst);
        expect(sheet.merges).toEqual(mergesFirst ? expected : []);
        const rows: RawRow[] = [];
        for await (const batch of sheet.rows) rows.push(...batch);
        expect(sheet.merges).toEqual(expected);
        expect(rows.map((r) => r.index)).toEqual([1, 3, 4, 5, 6, 8]);
        expect(cellsOf(rows[2]!)[1]).toEqual(s('电线电缆'));
        expect(cellsOf(rows[3]!)[1]).toBeNull(); // merged away: spreading is validation's business
      }
    }
  });

  it('inline strings: _xHHHH_ decoded once, entity-looking text kept, runs joined, CDATA read, t="d" as date serials', async () => {
    const [sheet] = await read('inline-strings-escapes.xlsx');
    expect(sheet!.rows.map(cellsOf)).toEqual([
      [s('第一行\r\n第二行'), s('_x0041_ 字面'), s('a &lt; b')],
      [s('上海长宁ABC有限公司'), { kind: 'string', text: 'x&amp;y', formula: true }, n(96.5)],
      [n(46086, { date: true }), n(46086.5, { date: true }), { kind: 'error', text: '#REF!' }],
    ]);
  });

  it('namespace-prefixed parts (<x:row>, <x:si>) are read, merges included', async () => {
    const [sheet] = await read('namespace-prefixed.xlsx');
    expect(sheet!.merges).toEqual([{ top: 3, bottom: 3, left: 1, right: 2 }]);
    expect(sheet!.rows.map(cellsOf)).toEqual([
      [s('批次编号'), s('产品类别')],
      [n(42), s('建筑材料')],
    ]);
  });

  it('rows and cells without r attributes are numbered by position', async () => {
    const [sheet] = await read('rows-cells-without-r.xlsx');
    expect(sheet!.rows.map((r) => [r.index, cellsOf(r)])).toEqual([
      [1, [s('批次编号'), s('产品类别')]],
      [2, [n(1), s('电线电缆')]],
      [5, [null, null, n(3), n(4)]],
    ]);
  });
});

describe('one fixture per misreading class found in real workbooks', () => {
  it('cell-r-row-differs-from-row-element: a cell is where its r says; its <row> keeps its own number, and so do the rows after it', async () => {
    const [sheet] = await read('cell-r-row-differs-from-row-element.xlsx');
    // a <row> whose cells name other rows gives each of those rows once, in order
    expect(sheet!.rows.map((r) => [r.index, cellsOf(r)])).toEqual([
      [1, [s('批次编号'), s('产品类别'), s('数量')]],
      [3, [null, s('电线电缆')]],
      [3, [null, null, null, n(5)]],
      [4, [n(7), null, n(9)]],
      [5, [null, n(8)]],
    ]);
  });

  it('a shared formula’s children are translated from the row their own r names', async () => {
    const sheet = `<worksheet xmlns="${NS}"><sheetData><row><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f><v>2</v></c></row><row><c r="B3"><f t="shared" si="0"/></c></row></sheetData></worksheet>`;
    const r = await readFile(minimalWorkbook(sheet));
    expect(r.ok && r.sheets[0]!.rows.map((row) => [row.index, cellsOf(row)])).toEqual([
      [1, [n(1), n(2, { formula: true })]],
      [3, [null, { kind: 'nocache', text: 'A3*2' }]], // not A2*2: the <row> is row 2, the cell B3
    ]);
  });

  it('formula-cached-zero-and-empty-string: a cached 0 and a cached "" are values, not "no cached value"', async () => {
    const [sheet] = await read('formula-cached-zero-and-empty-string.xlsx');
    expect(at(sheet!, 'C2')).toEqual(n(0, { formula: true }));
    expect(at(sheet!, 'C3')).toEqual(n(0, { percent: true, formula: true }));
    expect(at(sheet!, 'G2')).toEqual({ kind: 'string', text: '', formula: true });
    // the control: an empty <v></v> on a number formula is no cached value
    expect(at(sheet!, 'C4')).toEqual({ kind: 'nocache', text: 'D4/E4' });
  });

  it('column-style-vs-cell-style: a cell’s own style wins over its column’s; a cell with no s is General', async () => {
    const [sheet] = await read('column-style-vs-cell-style.xlsx');
    expect(at(sheet!, 'B2')).toEqual(n(28)); // not a date
    expect(at(sheet!, 'C2')).toEqual(n(28)); // not 2800%
    expect(at(sheet!, 'B4')).toEqual(n(46111, { date: true }));
    expect(at(sheet!, 'C4')).toEqual(n(0.95, { percent: true }));
  });

  it('colour-formats-not-dates: [Magenta]0.00, [Red] and other brackets are not date parts', async () => {
    const [sheet] = await read('colour-formats-not-dates.xlsx');
    for (let row = 2; row <= 9; row++) expect(at(sheet!, `C${row}`), `C${row}`).toMatchObject({ kind: 'number', num: 94.5 + row });
    for (let row = 2; row <= 9; row++) expect(at(sheet!, `C${row}`)!.date, `C${row}`).toBeUndefined();
    expect(at(sheet!, 'C10')).toEqual(n(46111, { date: true })); // the control: a real date format
  });

  it('sst-self-closing-si: an empty <si/> takes its index, later strings do not shift', async () => {
    const [sheet] = await read('sst-self-closing-si.xlsx');
    const texts = sheet!.rows.flatMap((r) => r.cells.filter(Boolean).map((c) => c!.text));
    expect(texts).not.toContain(undefined);
    expect(new Set(texts).size).toBe(texts.length); // each cell its own string: nothing moved onto a neighbour’s
  });

  it('sst-empty-v: <c t="s"><v/></c> is an empty cell, the file is fine', async () => {
    expect((await readFile(fixture('sst-empty-v.xlsx'))).ok).toBe(true);
  });

  it('cells-without-r-after-first and lowercase-cell-refs: columns follow on, r="a1" is A1', async () => {
    const [a] = await read('cells-without-r-after-first.xlsx');
    expect(a!.rows[0]!.cells.filter(Boolean).length).toBeGreaterThan(1);
    const [b] = await read('lowercase-cell-refs.xlsx');
    expect(at(b!, 'A1')).toBeDefined();
  });

  it('form-controls-row-col-outside-sheetdata: prefixed <xdr:row>/<xdr:col> in controls are not rows', async () => {
    const [sheet] = await read('form-controls-row-col-outside-sheetdata.xlsx');
    expect(sheet!.rows.every((r) => r.cells.some(Boolean))).toBe(true);
    expect(sheet!.rows.map((r) => r.index)).toEqual([...new Set(sheet!.rows.map((r) => r.index))]);
  });

  it('zip-backslash-entry-names, workbook-part-via-root-rels, workbook-at-zip-root: the workbook is found', async () => {
    for (const name of ['zip-backslash-entry-names.xlsx', 'workbook-part-via-root-rels.xlsx', 'workbook-at-zip-root.xlsx']) {
      const sheets = await read(name);
      expect(sheets.length, name).toBeGreaterThan(0);
      expect(sheets[0]!.rows.length, name).toBeGreaterThan(0);
    }
  });

  it('sst-literal-crlf-and-char-refs: a literal CR LF is LF (as XML reads it), &#13;&#10; stays CR LF', async () => {
    const [sheet] = await read('sst-literal-crlf-and-char-refs.xlsx');
    const texts = sheet!.rows.flatMap((r) => r.cells.filter((c) => c?.kind === 'string').map((c) => c!.text!));
    expect(texts.some((t) => t.includes('\r\n'))).toBe(true);
    expect(texts.some((t) => t.includes('\n') && !t.includes('\r'))).toBe(true);
  });

  it('pretty-printed-str-cells: no whitespace after </v> gets into the value', async () => {
    const [sheet] = await read('pretty-printed-str-cells.xlsx');
    const texts = sheet!.rows.flatMap((r) => r.cells.filter((c) => c?.kind === 'string').map((c) => c!.text!));
    expect(texts.filter((t) => t !== t.trim())).toEqual([]);
  });

  it('strict-date-cells-time-only: Strict OOXML t="d" dates, date-times and times of day are date serials', async () => {
    const [sheet] = await read('strict-date-cells-time-only.xlsx');
    const dated = sheet!.rows.flatMap((r) => r.cells.filter((c) => c?.date));
    expect(dated).toContainEqual(n(0.4375, { date: true })); // 10:30:00
    expect(sheet!.rows.flatMap((r) => r.cells).filter((c) => c?.kind === 'string' && /^\d\d:\d\d/.test(c.text!))).toEqual([]);
  });

  it('utf16-workbook-and-sheet: a UTF-16 workbook.xml and sheet are read, sheets and all', async () => {
    const sheets = await read('utf16-workbook-and-sheet.xlsx');
    expect(sheets.length).toBeGreaterThan(0);
    expect(sheets[0]!.rows.length).toBeGreaterThan(1);
  });

  it('date1904-elapsed-time: elapsed [h]:mm:ss values are durations, never shifted; dates are', async () => {
    const [sheet] = await read('date1904-elapsed-time.xlsx');
    const cells = sheet!.rows.flatMap((r) => r.cells.filter((c) => c?.kind === 'number'));
    expect(cells.some((c) => c!.date && c!.num! > 40000)).toBe(true);
    expect(cells.some((c) => !c!.date && c!.num! > 0 && c!.num! < 5)).toBe(true);
  });

  it('cjk-builtin-date-format-ids: ids 27–36 and 50–58 are dates', async () => {
    const [sheet] = await read('cjk-builtin-date-format-ids.xlsx');
    const ids = sheet!.rows.slice(1).map((r) => r.cells[0]!.num);
    expect(ids).toEqual([27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
    expect(sheet!.rows.slice(1).filter((r) => !r.cells[1]!.date).map((r) => r.cells[0]!.num)).toEqual([]);
  });

  it('xhhhh-escapes-shared-and-inline: _xHHHH_ decoded as Excel does in shared and inline strings', async () => {
    const [sheet] = await read('xhhhh-escapes-shared-and-inline.xlsx');
    const texts = sheet!.rows.flatMap((r) => r.cells.filter((c) => c?.kind === 'string').map((c) => c!.text!));
    expect(texts.some((t) => t.includes('_x0041_'))).toBe(true); // from _x005F_x0041_
    expect(texts.filter((t) => /_x[0-9A-Fa-f]{4}_/.test(t) && !t.includes('_x0041_'))).toEqual([]);
  });
});

describe('broken parts are refused at their place, never read in part', () => {
  const cases: [string, RegExp][] = [
    ['corrupt-sheet-cut-mid-part.xlsx', /ends inside a tag|before its elements are closed/],
    ['corrupt-unclosed-comment.xlsx', /comment .* never closed/],
    ['corrupt-unclosed-cdata.xlsx', /CDATA section is never closed/],
    ['corrupt-duplicate-zip-entry.xlsx', /in the zip twice/],
    ['corrupt-sheet-rel-to-workbook.xlsx', /not a worksheet/],
    ['corrupt-sst-index-exponent.xlsx', /index “1e1” is not a whole number/],
    ['corrupt-mismatched-end-tag.xlsx', /does not match its start tag/],
    ['corrupt-undefined-entity.xlsx', /unknown entity reference &nbsp;/],
    ['sst-index-out-of-range.xlsx', /cell A2: it refers to shared string 7, which does not exist/],
  ];
  for (const [name, why] of cases) {
    it(name, async () => {
      const r = await readFile(fixture(name), name);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.issue.code).toBe('FILE_CORRUPT');
      expect(r.issue.message.en).toMatch(why);
      expect(r.issue.message.zh).toMatch(/^文件已损坏或不完整/);
    });
  }

  it('only ever fails with a file-level issue, whatever is cut out of the XML', async () => {
    const base =
      `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData>` +
      `<row r="1"><c r="A1" t="inlineStr"><is><t>批次编号</t></is></c><c r="B1" t="s"><v>0</v></c></row>` +
      `<row r="2"><c r="A2" s="1"><v>46086</v></c><c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C2" t="str"><f>A1</f><v>a&amp;amp;b</v></c></row>` +
      `</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`;
    const sst = { name: 'xl/sharedStrings.xml', data: `<sst xmlns="${NS}"><si><t>x</t></si></sst>` };
    const outcomes = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const from = (i * 37) % base.length;
      const xml = base.slice(0, from) + base.slice(from + 1 + (i % 9));
      const r = await readFile(minimalWorkbook(xml, [sst]));
      outcomes.add(r.ok ? 'read' : r.issue.code);
    }
    expect([...outcomes].sort()).toEqual(['FILE_CORRUPT', 'read']);
  });

  it('a workbook with no sheets, or an empty sheet, reads as such', async () => {
    const r = await readFile(minimalWorkbook(`<worksheet xmlns="${NS}"><sheetData/></worksheet>`));
    expect(r.ok && r.sheets).toEqual([{ name: '抽查明细', state: 'visible', merges: [], csvKind: undefined, rows: [] }]);
  });
});

describe('hostile files: linear time, bounded memory', () => {
  /** Time and result of reading bytes; the bound is far above a linear reading and far below a quadratic one. */
  async function timed(bytes: Uint8Array) {
    const t0 = performance.now();
    const r = await readFile(bytes);
    return { r, ms: performance.now() - t0 };
  }

  it('a number format of 200,000 “[” (14 KB zipped) is read in well under a second', async () => {
    const styles = `<styleSheet xmlns="${NS}"><numFmts><numFmt numFmtId="164" formatCode="${'['.repeat(200_000)}"/></numFmts><cellXfs><xf numFmtId="164"/></cellXfs></styleSheet>`;
    // stored, not deflated: the ratio limit would refuse it before the scanner saw it
    const bytes = minimalWorkbook(`<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1" s="0"><v>1</v></c></row></sheetData></worksheet>`, [
      { name: 'xl/styles.xml', data: styles, stored: true },
    ]);
    const { r, ms } = await timed(bytes);
    expect(r.ok).toBe(true);
    expect(ms).toBeLessThan(3000);
  });

  it('a 239 KB run of letters inside a <sheet> tag is refused in well under a second', async () => {
    const workbook = `<workbook xmlns="${NS}"><sheets><sheet name="抽查明细" ${'a'.repeat(239_000)}/></sheets></workbook>`;
    const bytes = buildZip([
      { name: 'xl/workbook.xml', data: workbook, stored: true },
      { name: 'xl/worksheets/sheet1.xml', data: `<worksheet xmlns="${NS}"/>` },
    ]);
    const { r, ms } = await timed(bytes);
    expect(r.ok ? '' : r.issue.code).toBe('FILE_CORRUPT');
    expect(ms).toBeLessThan(3000);
  });

  it('a megabyte-long comment, CDATA and attribute value: linear, never rescanned', async () => {
    const big = 'x'.repeat(1 << 20);
    for (const inner of [`<!--${big}-->`, `<row r="1"><c r="A1" t="str"><v><![CDATA[${big.slice(0, 1 << 19)}]]></v></c></row>`, `<row r="1" spans="${big.slice(0, 1 << 19)}"/>`]) {
      const { r, ms } = await timed(minimalWorkbook(`<worksheet xmlns="${NS}"><sheetData>${inner}</sheetData></worksheet>`));
      expect(typeof r.ok).toBe('boolean');
      expect(ms).toBeLessThan(3000);
    }
  });

  it('mutated workbooks: each one read or refused as a file-level issue, never a crash or a hang', async () => {
    const seeds = ['merged-title-and-category.xlsx', 'excel365-cjk-builtin-dates-shared-formulas.xlsx', 'wps-inspections-accounting-text-formats.xlsx'].map(fixture);
    let x = 12345;
    const rand = (k: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % k;
    };
    const t0 = performance.now();
    for (let i = 0; i < 150; i++) {
      const bytes = Buffer.from(seeds[i % seeds.length]!);
      for (let k = 0; k < 1 + rand(6); k++) bytes[rand(bytes.length)] = rand(256);
      const r = await readFile(bytes);
      expect(typeof r.ok).toBe('boolean'); // a bug would throw instead
    }
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});

describe('a pull stream: the consumer’s pace drives the reading', () => {
  async function threeSheets(): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    const big = wb.addWorksheet('抽查明细');
    for (let i = 1; i <= 3000; i++) big.addRow([`B${i}`, i, `企业${i % 37}`]);
    wb.addWorksheet('指标').addRow(['指标代码', '数值']).commit();
    wb.getWorksheet('指标')!.addRow(['MFG_SPOT_CHECK_PASS_RATE', 96.5]);
    wb.addWorksheet('认证明细').addRow(['认证类型']);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('a consumer that waits 5 ms a batch still gets every sheet and every row (exceljs’s reader lost the later sheets)', async () => {
    const opened = await openWorkbook(await threeSheets(), 'a.xlsx', { inflate: nodeInflate });
    if (!opened.ok) throw new Error(opened.issue.code);
    const seen: [string, number][] = [];
    for await (const sheet of opened.workbook.sheets) {
      let rows = 0;
      for await (const batch of sheet.rows) {
        rows += batch.length;
        await new Promise((r) => setTimeout(r, 5));
      }
      seen.push([sheet.name, rows]);
    }
    expect(seen).toEqual([
      ['抽查明细', 3000],
      ['指标', 2],
      ['认证明细', 1],
    ]);
  });

  it('a consumer may stop early, and skip a sheet’s rows altogether', async () => {
    const opened = await openWorkbook(await threeSheets(), 'a.xlsx', { inflate: nodeInflate });
    if (!opened.ok) throw new Error(opened.issue.code);
    const names: string[] = [];
    for await (const sheet of opened.workbook.sheets) {
      names.push(sheet.name);
      if (sheet.name !== '抽查明细') continue;
      for await (const batch of sheet.rows) {
        expect(batch[0]!.index).toBe(1);
        break;
      }
    }
    expect(names).toEqual(['抽查明细', '指标', '认证明细']);
  });
});
