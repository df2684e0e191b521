import { describe, expect, it } from 'vitest';
import {
  cellRef,
  columnIndex,
  columnLetter,
  decodeOoxmlEscapes,
  decodeXmlEntities,
  isoToSerial,
  parseCellRef,
  parseRange,
} from '../../../functions/core/workbook/cells';
import { formatFlags, parseStyleFlags, siText, STYLE_DATE, STYLE_PERCENT } from '../../../functions/core/workbook/guard';
import { SheetRewriter } from '../../../functions/core/workbook/read-xlsx';

describe('cell addresses', () => {
  it('column letters both ways at the boundaries', () => {
    expect([0, 25, 26, 701, 702, 16383].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA', 'XFD']);
    expect(['A', 'z', 'AA', 'XFD', '', 'A1'].map(columnIndex)).toEqual([0, 25, 26, 16383, -1, -1]);
    expect(cellRef(3, 12)).toBe('D12');
  });

  it('parses refs and ranges, absolute or reversed', () => {
    expect(parseCellRef('$B$12')).toEqual({ column: 1, row: 12 });
    expect(parseCellRef('B0')).toBeUndefined();
    expect(parseRange('C3:A1')).toEqual({ top: 1, bottom: 3, left: 1, right: 3 });
    expect(parseRange('B2')).toEqual({ top: 2, bottom: 2, left: 2, right: 2 });
    expect(parseRange('nonsense')).toBeUndefined();
  });
});

describe('text decoding', () => {
  it('_xHHHH_ decoded in one pass (an escaped underscore stays literal)', () => {
    expect(decodeOoxmlEscapes('a_x000D__x000A_b')).toBe('a\r\nb');
    expect(decodeOoxmlEscapes('_x005F_x0041_')).toBe('_x0041_');
    expect(decodeOoxmlEscapes('_x12_')).toBe('_x12_');
  });

  it('XML entities, numeric ones included', () => {
    expect(decodeXmlEntities('a &amp;lt; &#x4E2D;&#25991; &quot;')).toBe('a &lt; 中文 "');
  });

  it('ISO dates to 1900-system serials, rejecting impossible dates', () => {
    expect(isoToSerial('2026-03-05')).toBe(46086);
    expect(isoToSerial('2026-03-05T18:00:00')).toBe(46086.75);
    expect(isoToSerial('1900-03-01')).toBe(61);
    expect(isoToSerial('1900-02-28')).toBe(59);
    expect(isoToSerial('2026-02-30')).toBeUndefined();
    expect(isoToSerial('yesterday')).toBeUndefined();
  });
});

describe('number formats', () => {
  it('decides date and percent from the format code, ignoring quoted text and locale tags', () => {
    expect(formatFlags('yyyy"年"m"月"d"日"')).toBe(STYLE_DATE);
    expect(formatFlags('[$-F800]dddd, mmmm dd, yyyy')).toBe(STYLE_DATE);
    expect(formatFlags('0.0%')).toBe(STYLE_PERCENT);
    expect(formatFlags('"100%"0')).toBe(0);
    expect(formatFlags('[Red]#,##0.00')).toBe(0);
    expect(formatFlags('General')).toBe(0);
    expect(formatFlags('0.00_);[Red](0.00)')).toBe(0);
  });

  it('maps cellXfs to flags, built-in CJK ids included, custom ids overriding', () => {
    const styles = `<styleSheet><numFmts><numFmt numFmtId="164" formatCode="0.00%"/><numFmt numFmtId="165" formatCode="yyyy/m/d"/></numFmts>
      <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
      <cellXfs><xf numFmtId="0"/><xf numFmtId="31"/><xf numFmtId="57"/><xf numFmtId="9"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="49"/></cellXfs></styleSheet>`;
    expect([...parseStyleFlags(styles)]).toEqual([0, STYLE_DATE, STYLE_DATE, STYLE_PERCENT, STYLE_PERCENT, STYLE_DATE, 0]);
  });

  it('shared string items: runs joined, phonetic runs dropped, CDATA kept', () => {
    expect(siText('<si><r><t>上海</t></r><r><rPr/><t xml:space="preserve"> ABC</t></r></si>')).toBe('上海 ABC');
    expect(siText('<si><t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh></si>')).toBe('漢字');
    expect(siText('<x:si><x:t><![CDATA[a<b]]> &amp; c</x:t></x:si>')).toBe('a<b & c');
  });
});

describe('SheetRewriter', () => {
  const input = `<?xml version="1.0"?><x:worksheet xmlns:x="main"><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:r><x:t>上海</x:t></x:r><x:r><x:t>A&amp;B</x:t></x:r></x:is></x:c><x:c t="d"><x:v>2026-03-05</x:v></x:c><x:c t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c></x:row><x:row r="4"><x:c r="C4"><x:v><![CDATA[7]]></x:v></x:c><x:c s="3" t="b"><x:f>TRUE()</x:f><x:v>1</x:v></x:c></x:row></x:sheetData><!-- note --></x:worksheet>`;
  const expected =
    '<?xml version="1.0"?><worksheet xmlns:x="main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>上海A&amp;amp;B</t></is></c>' +
    '<c r="B1" s="9437184"><v>46086</v></c><c r="C1" s="4194304" t="e"><v>#DIV/0!</v></c></row>' +
    '<row r="4"><c r="C4"><v>7</v></c><c r="D4" s="4194307" t="b"><v>1</v></c></row></sheetData></worksheet>';

  it('rewrites prefixes, missing r, inline runs, t="d", formula errors/booleans and CDATA', () => {
    const rw = new SheetRewriter();
    expect(rw.push(input) + rw.end()).toBe(expected);
  });

  it('gives the same output however the input is split into chunks', () => {
    for (let cut = 1; cut < input.length; cut += 3) {
      const rw = new SheetRewriter();
      const out = rw.push(input.slice(0, cut)) + rw.push(input.slice(cut)) + rw.end();
      expect(out, `cut at ${cut}`).toBe(expected);
    }
  });
});
