// How a marked sheet is edited, on the XML itself: only the s of a marked cell
// changes; a marked cell or row that is not in the part goes in where it
// belongs, rows and cells without r counted as the reader counts them; an
// inserted cell keeps the style its row or column gave it; prefixes, Strict
// OOXML and UTF-16 parts are written back in kind.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_STYLE } from '../../../functions/core/workbook/write/annotate';
import { minimalWorkbook, NS, readFile } from '../workbook/helpers';
import { annotate, cellIssue, parts } from './helpers';

const FILES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/files');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FILES, name)));
const sheetXml = (rows: string, after = '') => `<worksheet xmlns="${NS}">${rows.startsWith('<cols') ? rows : `<sheetData>${rows}</sheetData>`}${after}</worksheet>`;

async function sheetAfter(bytes: Uint8Array, cells: string[], sheet = '抽查明细', part = 'xl/worksheets/sheet1.xml'): Promise<string> {
  const out = await annotate(bytes, cells.map((c) => cellIssue(sheet, c)));
  expect(out.reason).toBeUndefined();
  return (await parts(out.bytes)).get(part)!.replace(/<legacyDrawing [^>]*\/>/, '');
}

describe('marking cells in the sheet XML', () => {
  it('counts rows and cells without r as the reader does', async () => {
    const bytes = minimalWorkbook(sheetXml('<row><c><v>1</v></c><c><v>2</v></c></row><row><c r="C2"><v>3</v></c></row><row><c><v>4</v></c></row>'));
    const xml = await sheetAfter(bytes, ['B1', 'D2', 'A3', 'B5']);
    expect(xml).toMatch(
      /<sheetData><row><c><v>1<\/v><\/c><c s="(\d+)"><v>2<\/v><\/c><\/row><row><c r="C2"><v>3<\/v><\/c><c r="D2" s="\1"\/><\/row><row><c s="\1"><v>4<\/v><\/c><\/row><row r="5"><c r="B5" s="\1"\/><\/row><\/sheetData>/,
    );
  });

  it('counts a row without r after the row before it, whatever its cells’ r say, and marks a cell whose r names a later row in place', async () => {
    const bytes = minimalWorkbook(sheetXml('<row r="1"><c r="A1"><v>1</v></c></row><row><c r="A5"><v>5</v></c></row>'));
    const xml = await sheetAfter(bytes, ['A5', 'B3']);
    // the <row> is row 2; A5 is marked where it is written (no second A5), B3 gets a new row after it
    expect(xml).toMatch(/<row><c r="A5" s="\d+"><v>5<\/v><\/c><\/row><row r="3"><c r="B3" s="\d+"\/><\/row><\/sheetData>/);
    expect(xml.match(/r="A5"/g)).toHaveLength(1);
    const read = await readFile(new Uint8Array((await annotate(bytes, [cellIssue('抽查明细', 'A5')])).bytes));
    expect(read.ok && read.sheets[1]!.rows.map((r) => [r.index, r.cells.length])).toEqual([[1, 1], [5, 1]]);
  });

  it('fills an empty row element and an empty sheetData', async () => {
    expect(await sheetAfter(minimalWorkbook(sheetXml('<row r="4"/>')), ['C4'])).toMatch(/<row r="4"><c r="C4" s="\d+"\/><\/row>/);
    expect(await sheetAfter(minimalWorkbook(`<worksheet xmlns="${NS}"><sheetData/></worksheet>`), ['A1', 'B2'])).toMatch(
      /<sheetData><row r="1"><c r="A1" s="\d+"\/><\/row><row r="2"><c r="B2" s="\d+"\/><\/row><\/sheetData>/,
    );
  });

  it('gives an inserted cell the style its row or column showed, with the mark’s fill', async () => {
    const styles = {
      name: 'xl/styles.xml',
      data:
        `<styleSheet xmlns="${NS}"><fonts count="1"><font/></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
        '<borders count="1"><border/></borders><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="10" applyNumberFormat="1"><alignment horizontal="center"/></xf></cellXfs></styleSheet>',
    };
    const bytes = minimalWorkbook(sheetXml('<cols><col min="2" max="2" width="12" style="1" customWidth="1"/></cols><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="3" s="2" customFormat="1"><c r="A3"><v>1</v></c></row></sheetData>'), [styles]);
    const out = await annotate(bytes, [cellIssue('抽查明细', 'B1'), cellIssue('抽查明细', 'C3')]);
    const p = await parts(out.bytes);
    const sheet = p.get('xl/worksheets/sheet1.xml')!;
    const s = (cell: string) => Number(new RegExp(`<c r="${cell}" s="(\\d+)"/>`).exec(sheet)![1]);
    const xfs = [...p.get('xl/styles.xml')!.matchAll(/<xf [^>]*?(?:\/>|>.*?<\/xf>)/g)].map((m) => m[0]);
    expect(xfs[s('B1')]).toBe('<xf numFmtId="14" applyNumberFormat="1" fillId="2" applyFill="1"/>'); // the column's date format
    expect(xfs[s('C3')]).toBe('<xf numFmtId="10" applyNumberFormat="1" fillId="2" applyFill="1"><alignment horizontal="center"/></xf>'); // the row's
    expect(p.get('xl/styles.xml')).toContain(`<fill><patternFill patternType="solid"><fgColor rgb="${ERROR_STYLE.fill}"/>`);
    expect(p.get('xl/styles.xml')).toMatch(/<cellXfs count="10">/);
  });

  it('writes what it inserts with the part’s own prefix', async () => {
    const xml = await sheetAfter(fixture('namespace-prefixed.xlsx'), ['B2', 'F9']);
    expect(xml).toMatch(/<x:c r="B2" t="s" s="\d+"><x:v>2<\/x:v><\/x:c>/);
    expect(xml).toMatch(/<x:row r="9"><x:c r="F9" s="\d+"\/><\/x:row><\/x:sheetData>/);
  });

  it('writes Strict OOXML parts in Strict namespaces and relationship types', async () => {
    const out = await annotate(fixture('excel-strict-ooxml-iso-dates.xlsx'), [cellIssue('抽查明细', 'B2')]);
    expect(out.form).toBe('copy');
    const p = await parts(out.bytes);
    const list = [...p.values()].find((t) => t.includes('严重程度'))!;
    expect(list).toContain('xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"');
    expect(p.get('xl/_rels/workbook.xml.rels')).toMatch(/Type="http:\/\/purl\.oclc\.org\/ooxml\/officeDocument\/relationships\/worksheet" Target="worksheets\/sheet\d\.xml"/);
    expect(p.get('xl/worksheets/_rels/sheet1.xml.rels')).toContain('http://purl.oclc.org/ooxml/officeDocument/relationships/comments');
    const read = await readFile(out.bytes);
    expect(read.ok && read.sheets.map((s) => s.name)[0]).toBe('问题清单');
  });

  it('writes a UTF-16 part it changes back in UTF-8, saying so', async () => {
    const original = fixture('utf16-workbook-and-sheet.xlsx');
    const out = await annotate(original, [cellIssue('指标', 'B2')]);
    expect(out.form).toBe('copy');
    const book = (await parts(out.bytes)).get('xl/workbook.xml')!;
    expect(book.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<')).toBe(true);
    const [before, after] = [await readFile(original), await readFile(out.bytes)];
    expect(before.ok && after.ok && after.sheets.slice(1)).toEqual(before.ok && before.sheets);
  });

  it('leaves a formula that stays in place, held t="str" cells included', async () => {
    const cells = '<row r="1"><c r="A1" t="str"><f>B1&amp;"x"</f><v>yx</v></c><c r="B1" t="inlineStr"><is><t>y</t></is></c></row>';
    const xml = await sheetAfter(minimalWorkbook(sheetXml(cells)), ['B1']);
    expect(xml).toContain('<c r="A1" t="str"><f>B1&amp;"x"</f><v>yx</v></c><c r="B1" t="inlineStr" s=');
  });

  it('puts the new legacy drawing where the schema wants it: after drawing, before tableParts', async () => {
    const bytes = withRelsPrefix(sheetXml('<row r="1"><c r="A1"><v>1</v></c></row>', '<pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/><drawing r:id="rId7"/><tableParts count="0"/>'));
    const out = await annotate(bytes, [cellIssue('抽查明细', 'A1')]);
    const xml = (await parts(out.bytes)).get('xl/worksheets/sheet1.xml')!;
    expect(xml).toMatch(/<drawing r:id="rId7"\/><legacyDrawing xmlns:r="[^"]+" r:id="rId\d+"\/><tableParts count="0"\/><\/worksheet>$/);
  });
});

/** A one-sheet workbook whose sheet declares the r prefix (for a <drawing r:id>). */
function withRelsPrefix(sheet: string): Uint8Array {
  return minimalWorkbook(sheet.replace(`<worksheet xmlns="${NS}">`, `<worksheet xmlns="${NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`));
}
