// What could reach outside or start a program when the office opens the copy
// is taken out of it, each case in a small hand-built workbook: formulas with
// HYPERLINK to outside, DDE, external references and the like lose their
// formula (the cached value stays); external relationships go with what
// refers to them; external links (DDE links among them), connections and
// query tables go with their references. The copy still reads as before.
import { describe, expect, it } from 'vitest';
import { nodeDeflate } from '../../../functions/adapters/zlib/deflate';
import { annotateWorkbook, reachesOutside } from '../../../functions/core/workbook/write/annotate';
import { buildZip, choppyInflate, NS, readFile } from '../workbook/helpers';
import { annotate, cellIssue, haveOpenpyxl, openpyxlCheck, parts } from './helpers';

const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument';
const rel = (id: string, type: string, target: string, external = false) =>
  `<Relationship Id="${id}" Type="${R}/${type}" Target="${target}"${external ? ' TargetMode="External"' : ''}/>`;
const rels = (...list: string[]) => `<Relationships xmlns="${PKG}">${list.join('')}</Relationships>`;

const FORMULAS: [string, string][] = [
  // [cell XML, what it proves]
  ['<c r="A1" t="str"><f>HYPERLINK("http://evil.example/x","点击")</f><v>点击</v></c>', 'HYPERLINK to outside: dropped, its text kept as an inline string'],
  ['<c r="A2" t="str"><f>HYPERLINK("#Sheet1!A5","内部")</f><v>内部</v></c>', 'HYPERLINK to a place in the workbook: kept'],
  ["<c r=\"A3\"><f>cmd|' /C calc'!A0</f><v>0</v></c>", 'DDE: dropped'],
  ['<c r="A4"><f>[1]Sheet1!A1*2</f><v>42</v></c>', 'a reference into an external workbook: dropped'],
  ['<c r="A5"><f>SUM(B1:B3)</f><v>6</v></c>', 'a plain formula: kept'],
  ['<c r="A6"><f t="shared" ref="A6:A7" si="0">[1]Sheet1!B1</f><v>1</v></c>', 'a shared formula reaching outside: dropped…'],
  ['<c r="A7"><f t="shared" si="0"/><v>2</v></c>', '…and its children with it'],
  ['<c r="A8" t="str"><f>"a|b"&amp;"c"</f><v>a|bc</v></c>', 'a | inside a string literal: kept'],
  ['<c r="A9"><f>Table1[[#This Row],[金额]]*2</f><v>8</v></c>', 'a structured reference: kept'],
  ['<c r="A10" t="str"><f>_xlfn.WEBSERVICE("http://evil.example/")</f><v>x</v></c>', 'WEBSERVICE: dropped'],
  ["<c r=\"A11\" t=\"e\"><f>'C:\\dir\\[Book.xlsx]Sheet1'!A1</f><v>#REF!</v></c>", 'a path to another workbook: dropped, the error kept'],
];

/** One workbook holding every hostile construct, each as its producer writes it. */
function hostileWorkbook(): Buffer {
  const sheet =
    `<worksheet xmlns="${NS}" xmlns:r="${R}"><dimension ref="A1:B11"/><sheetData>` +
    FORMULAS.map(([c], i) => `<row r="${i + 1}">${c}${i === 0 ? '<c r="B1" t="inlineStr"><is><t>外链</t></is></c>' : ''}${i === 1 ? '<c r="B2" t="inlineStr"><is><t>内链</t></is></c>' : ''}</row>`).join('') +
    '</sheetData>' +
    '<hyperlinks><hyperlink ref="B1" r:id="rId1"/><hyperlink ref="B2" location="Sheet1!A1" display="内链"/></hyperlinks>' +
    '<drawing r:id="rId2"/>' +
    `<oleObjects><oleObject progId="Excel.Sheet.12" link="[1]!''''" oleUpdate="OLEUPDATE_ALWAYS" shapeId="1025"/></oleObjects>` +
    '<tableParts count="1"><tablePart r:id="rId3"/></tableParts></worksheet>';
  const override = (part: string, type: string) => `<Override PartName="/${part}" ContentType="${type}"/>`;
  return buildZip([
    {
      name: '[Content_Types].xml',
      data:
        `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>` +
        override('xl/workbook.xml', `${CT}.spreadsheetml.sheet.main+xml`) +
        override('xl/worksheets/sheet1.xml', `${CT}.spreadsheetml.worksheet+xml`) +
        override('xl/externalLinks/externalLink1.xml', `${CT}.spreadsheetml.externalLink+xml`) +
        override('xl/connections.xml', `${CT}.spreadsheetml.connections+xml`) +
        override('xl/tables/table1.xml', `${CT}.spreadsheetml.table+xml`) +
        override('xl/queryTables/queryTable1.xml', `${CT}.spreadsheetml.queryTable+xml`) +
        override('xl/drawings/drawing1.xml', `${CT}.drawing+xml`) +
        override('xl/calcChain.xml', `${CT}.spreadsheetml.calcChain+xml`) +
        '</Types>',
    },
    { name: '_rels/.rels', data: rels(rel('rId1', 'officeDocument', 'xl/workbook.xml')) },
    {
      name: 'xl/workbook.xml',
      data:
        `<workbook xmlns="${NS}" xmlns:r="${R}"><bookViews><workbookView activeTab="0"/></bookViews><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>` +
        '<externalReferences><externalReference r:id="rId2"/></externalReferences>' +
        `<definedNames><definedName name="外部">[1]Sheet1!$A$1</definedName><definedName name="dde">cmd|'/C calc'!A0</definedName>` +
        '<definedName name="链接">HYPERLINK("http://evil.example/")</definedName><definedName name="本地" localSheetId="0">Sheet1!$A$1</definedName></definedNames></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: rels(rel('rId1', 'worksheet', 'worksheets/sheet1.xml'), rel('rId2', 'externalLink', 'externalLinks/externalLink1.xml'), rel('rId3', 'connections', 'connections.xml'), rel('rId4', 'calcChain', 'calcChain.xml')),
    },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
    {
      name: 'xl/worksheets/_rels/sheet1.xml.rels',
      data: rels(rel('rId1', 'hyperlink', 'http://evil.example/', true), rel('rId2', 'drawing', '../drawings/drawing1.xml'), rel('rId3', 'table', '../tables/table1.xml')),
    },
    {
      name: 'xl/externalLinks/externalLink1.xml',
      data: `<externalLink xmlns="${NS}"><ddeLink ddeService="cmd" ddeTopic="/C calc"><ddeItems><ddeItem name="A0" advise="1"/></ddeItems></ddeLink></externalLink>`,
    },
    { name: 'xl/externalLinks/_rels/externalLink1.xml.rels', data: rels(rel('rId1', 'externalLinkPath', 'file:///C:/evil.xlsx', true)) },
    { name: 'xl/connections.xml', data: `<connections xmlns="${NS}"><connection id="1" name="web" type="4" refreshOnLoad="1"><webPr url="http://evil.example/data"/></connection></connections>` },
    {
      name: 'xl/tables/table1.xml',
      data: `<table xmlns="${NS}" id="1" name="Table1" displayName="Table1" ref="D1:D2" tableType="queryTable"><tableColumns count="1"><tableColumn id="1" uniqueName="1" name="金额" queryTableFieldId="1"/></tableColumns></table>`,
    },
    { name: 'xl/tables/_rels/table1.xml.rels', data: rels(rel('rId1', 'queryTable', '../queryTables/queryTable1.xml')) },
    { name: 'xl/queryTables/queryTable1.xml', data: `<queryTable xmlns="${NS}" name="web" connectionId="1" refreshOnLoad="1"/>` },
    {
      name: 'xl/drawings/drawing1.xml',
      data:
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="' + R + '">' +
        '<xdr:oneCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="100" cy="100"/>' +
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="图片 1"><a:hlinkClick r:id="rId3"/></xdr:cNvPr><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1" r:link="rId2"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>' +
        '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>',
    },
    { name: 'xl/drawings/_rels/drawing1.xml.rels', data: rels(rel('rId1', 'image', '../media/image1.png'), rel('rId2', 'image', 'http://evil.example/track.png', true), rel('rId3', 'hyperlink', 'http://evil.example/', true)) },
    { name: 'xl/media/image1.png', data: Buffer.from('89504e470d0a1a0a', 'hex'), stored: true },
    { name: 'xl/calcChain.xml', data: `<calcChain xmlns="${NS}"><c r="A1" i="1"/><c r="A3"/><c r="A4"/></calcChain>` },
  ]);
}

const numberOrText = (c: unknown) => {
  const cell = c as { kind: string; text?: string; num?: number } | undefined;
  return cell && (cell.kind === 'number' ? cell.num : cell.text);
};

describe('a copy neutralises what reaches outside', () => {
  for (const marked of [false, true]) {
    describe(marked ? 'in a sheet with marked cells' : 'in a sheet without marks (found by the first pass)', () => {
      const made = (async () => {
        const original = hostileWorkbook();
        const out = await annotate(original, marked ? [cellIssue('Sheet1', 'A5'), cellIssue('Sheet1', 'C3', 'warning')] : []);
        return { original, out, parts: await parts(out.bytes) };
      })();

      it('drops formulas that reach outside, keeping their cached values; keeps the others', async () => {
        const { original, out, parts: p } = await made;
        expect(out.form).toBe('copy');
        const sheet = p.get('xl/worksheets/sheet1.xml')!;
        for (const kept of ['HYPERLINK("#Sheet1!A5","内部")', 'SUM(B1:B3)', '"a|b"&amp;"c"', 'Table1[[#This Row],[金额]]*2']) expect(sheet).toContain(`<f>${kept}</f>`);
        for (const gone of ['evil.example', 'cmd|', '[1]', 'WEBSERVICE', 't="shared"', 'Book.xlsx']) expect(sheet).not.toContain(gone);
        expect(sheet).toMatch(/<c r="A1"( s="\d+")? t="inlineStr"><is><t xml:space="preserve">点击<\/t><\/is><\/c>/);
        expect(sheet).toContain('<c r="A8" t="str"><f>');
        const before = await readFile(original);
        const after = await readFile(out.bytes);
        expect(before.ok && after.ok).toBe(true);
        if (!before.ok || !after.ok) return;
        const cells = (s: typeof before.sheets) => s.find((x) => x.name === 'Sheet1')!.rows.map((r) => numberOrText(r.cells[0]));
        expect(cells(after.sheets)).toEqual(cells(before.sheets)); // every cached value, as it was
        const formulas = after.sheets[1]!.rows.map((r) => (r.cells[0] as { formula?: boolean }).formula === true);
        expect(formulas).toEqual([false, true, false, false, true, false, false, true, true, false, false]);
        // the calculation chain listed cells that have no formula now: it goes (Excel rebuilds it)
        expect(p.has('xl/calcChain.xml')).toBe(false);
      });

      it('removes external links (a DDE link among them), connections and query tables with every reference to them', async () => {
        const { parts: p } = await made;
        for (const gone of ['xl/externalLinks/externalLink1.xml', 'xl/externalLinks/_rels/externalLink1.xml.rels', 'xl/connections.xml', 'xl/queryTables/queryTable1.xml', 'xl/tables/_rels/table1.xml.rels']) {
          expect(p.has(gone), gone).toBe(false);
        }
        const book = p.get('xl/workbook.xml')!;
        expect(book).not.toContain('externalReference');
        expect(book).not.toContain('外部');
        expect(book).not.toContain('name="dde"');
        expect(book).not.toContain('链接');
        expect(book).toContain('<definedName name="本地" localSheetId="1">Sheet1!$A$1</definedName>');
        const bookRels = p.get('xl/_rels/workbook.xml.rels')!;
        expect(bookRels).not.toMatch(/externalLink|connections|calcChain/);
        expect(p.get('xl/tables/table1.xml')).toBe(
          `<table xmlns="${NS}" id="1" name="Table1" displayName="Table1" ref="D1:D2"><tableColumns count="1"><tableColumn id="1" uniqueName="1" name="金额"/></tableColumns></table>`,
        );
        const types = p.get('[Content_Types].xml')!;
        for (const gone of ['externalLink', 'connections', 'queryTable', 'calcChain']) expect(types).not.toContain(gone);
        expect(types).toContain('/xl/tables/table1.xml');
      });

      it('removes external relationships and what refers to them: outside hyperlinks, linked pictures, OLE links', async () => {
        const { parts: p } = await made;
        for (const [name, text] of p) if (name.endsWith('.rels')) expect(text, name).not.toContain('External');
        const sheet = p.get('xl/worksheets/sheet1.xml')!;
        expect(sheet).toContain('<hyperlinks><hyperlink ref="B2" location="Sheet1!A1" display="内链"/></hyperlinks>');
        expect(sheet).not.toContain('oleObject');
        expect(sheet).toContain('<drawing r:id="rId2"/>');
        const drawing = p.get('xl/drawings/drawing1.xml')!;
        expect(drawing).toContain('<a:blip r:embed="rId1"/>'); // the embedded picture stays, the link to outside goes
        expect(drawing).not.toContain('hlinkClick');
        expect(p.get('xl/drawings/_rels/drawing1.xml.rels')).toBe(
          `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG}">${rel('rId1', 'image', '../media/image1.png')}</Relationships>`,
        );
        expect(p.get('xl/media/image1.png')).toBeDefined();
      });

      it('comes out the same whatever pieces the parts are inflated in (holds across pieces)', async () => {
        const { original, parts: p } = await made;
        const issues = marked ? [cellIssue('Sheet1', 'A5'), cellIssue('Sheet1', 'C3', 'warning')] : [];
        for (const seed of [1, 7, 99]) {
          const choppy = await annotateWorkbook(original, issues, { inflate: choppyInflate(seed, 7), deflate: nodeDeflate });
          expect(await parts(choppy.bytes)).toEqual(p);
        }
      });

      it.skipIf(!haveOpenpyxl)('opens in openpyxl with the same values', async () => {
        const { original, out } = await made;
        const [was, now] = openpyxlCheck(original, out.bytes);
        expect(now!.status, now!.error).toBe('ok');
        const cells = (c: typeof was) => Object.fromEntries(Object.entries(c!.sheets!.find((s) => s.name === 'Sheet1')!.cells).map(([k, v]) => [k, v[0]]));
        expect(cells(now)).toEqual(cells(was));
      });
    });
  }

  it('drops a hyperlinks element whose every hyperlink went outside', async () => {
    const bytes = buildZip([
      { name: '[Content_Types].xml', data: `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="${CT}.spreadsheetml.sheet.main+xml"/></Types>` },
      { name: '_rels/.rels', data: rels(rel('rId1', 'officeDocument', 'xl/workbook.xml')) },
      { name: 'xl/workbook.xml', data: `<workbook xmlns="${NS}" xmlns:r="${R}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>` },
      { name: 'xl/_rels/workbook.xml.rels', data: rels(rel('rId1', 'worksheet', 'worksheets/sheet1.xml')) },
      { name: 'xl/worksheets/sheet1.xml', data: `<worksheet xmlns="${NS}" xmlns:r="${R}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData><hyperlinks><hyperlink ref="A1" r:id="rId9"/></hyperlinks><pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/></worksheet>` },
      { name: 'xl/worksheets/_rels/sheet1.xml.rels', data: rels(rel('rId9', 'hyperlink', 'https://evil.example/', true)) },
    ]);
    const out = await annotate(bytes, [cellIssue('S', 'A1')]);
    const sheet = (await parts(out.bytes)).get('xl/worksheets/sheet1.xml')!;
    expect(sheet).toMatch(/<\/sheetData><pageMargins [^>]*\/><legacyDrawing xmlns:r="[^"]+" r:id="rId\d+"\/><\/worksheet>$/);
  });
});

describe('reachesOutside', () => {
  it.each([
    ['HYPERLINK("https://evil.example")', true],
    ['hyperlink( A1 )', true],
    ['HYPERLINK("#\'封面\'!A1","回到封面")', false],
    ["cmd|' /C calc'!A0", true],
    ['=MSEXCEL|\'\\..\\..\\Windows\\System32\\cmd.exe /c calc\'!A1', true],
    ['"|"&A1', false],
    ['[1]Sheet1!A1', true],
    ["'[2]My Sheet'!$B$2", true],
    ["SUM('C:\\temp\\[b.xlsx]S'!A1:A2)", true],
    ['Table1[金额]', false],
    ['SUM(Table1[[#Headers],[#Data],[金额]])', false],
    ['_xlfn.WEBSERVICE("http://x")', true],
    ['RTD("srv",,"topic")', true],
    ['_xlfn.IMAGE("https://x/y.png")', true],
    ['SUM(A1:A3)/COUNT(B:B)', false],
    ['"[1]"&"x"', false],
  ])('%s → %s', (formula, outside) => {
    expect(reachesOutside(formula)).toBe(outside);
  });
});
