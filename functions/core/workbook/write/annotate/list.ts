// The issue list: the 问题清单 sheet (first in the copy), and listWorkbook, a
// fresh workbook holding only it when no copy can be made.
import type { Issue, Lang } from '../../../model';
import { neutralizeFormula } from '../../../summary/cells';
import { cellRef } from '../../cells';
import { XML_DECL } from '../../xlsx';
import { type Deflate, ZipWriter } from '../zip-writer';
import { ENCODER } from './editor';
import { CONTENT_TYPES, NAMESPACES, relsXml, xattr, xtext } from './markup';
import { freshStyles, Styles } from './styles';

export const ISSUES_SHEET = '问题清单';
export const ISSUE_COLUMNS = ['严重程度', '工作表', '单元格', '代码', '说明', 'Message', '值'] as const;

const WIDTHS = [14, 16, 10, 26, 60, 60, 24];

/** The 问题清单 sheet, streamed: inline strings, a frozen header, an autofilter, links to the marked cells. */
export async function* listSheetXml(issues: Issue[], main: string, s: Styles, link: (issue: Issue) => string | undefined, selected: boolean, note?: Lang): AsyncGenerator<Uint8Array> {
  const [header, error, warning, wrap, linkXf] = [0, 1, 2, 3, 4].map((k) => s.listXf(k));
  const cols = WIDTHS.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('');
  let chunk =
    `${XML_DECL}<worksheet xmlns="${main}"><sheetViews><sheetView${selected ? ' tabSelected="1"' : ''} workbookViewId="0">` +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>' +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>${listRow(1, ISSUE_COLUMNS.map((h) => [h, header]))}`;
  const links: string[] = [];
  for (const [i, issue] of issues.entries()) {
    const r = i + 2;
    const where = neutralizeFormula(issue.cell ?? (issue.row !== undefined ? `${issue.column ?? ''}${issue.row}` : (issue.column ?? '')));
    const target = link(issue);
    if (target) links.push(`<hyperlink ref="C${r}" location="${xattr(target)}" display="${xattr(where)}"/>`);
    const value = issue.value === undefined || issue.value === null ? undefined : typeof issue.value === 'string' ? neutralizeFormula(issue.value) : String(issue.value);
    chunk += listRow(r, [
      issue.severity === 'error' ? ['错误 Error', error] : ['警告 Warning', warning],
      [issue.sheet === undefined ? '（整个文件）' : neutralizeFormula(issue.sheet)],
      [where, target ? linkXf : undefined],
      [issue.code],
      [neutralizeFormula(issue.message.zh), wrap],
      [neutralizeFormula(issue.message.en), wrap],
      [value],
    ]);
    if (chunk.length > 1 << 15) {
      yield ENCODER.encode(chunk);
      chunk = '';
    }
  }
  // a note row (starts with 注：) so that a re-upload of this file is not read as data
  if (note) chunk += listRow(issues.length + 3, [[`注：${note.zh} / Note: ${note.en}`]]);
  chunk += '</sheetData>';
  if (issues.length) chunk += `<autoFilter ref="A1:G${issues.length + 1}"/>`;
  if (links.length) chunk += `<hyperlinks>${links.join('')}</hyperlinks>`;
  yield ENCODER.encode(`${chunk}</worksheet>`);
}

function listRow(r: number, cells: [string | undefined, number?][]): string {
  const out = cells.map(([text, s], i) => {
    const style = s === undefined ? '' : ` s="${s}"`;
    return text ? `<c r="${cellRef(i, r)}"${style} t="inlineStr"><is><t xml:space="preserve">${xtext(text)}</t></is></c>` : '';
  });
  return `<row r="${r}">${out.join('')}</row>`;
}

/** A fresh workbook holding only 问题清单, the reason there is no copy in a note row under the list. */
export async function listWorkbook(issues: Issue[], deflate: Deflate, reason: Lang): Promise<Uint8Array> {
  const { main, rel } = NAMESPACES.transitional;
  const styles = new Styles();
  const out = new ZipWriter(deflate);
  await out.add(
    '[Content_Types].xml',
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="${CONTENT_TYPES.rels}"/><Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="${CONTENT_TYPES.workbook}"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CONTENT_TYPES.worksheet}"/><Override PartName="/xl/styles.xml" ContentType="${CONTENT_TYPES.styles}"/></Types>`,
  );
  await out.add('_rels/.rels', relsXml([{ id: 'rId1', type: `${rel}/officeDocument`, target: 'xl/workbook.xml' }]));
  await out.add(
    'xl/workbook.xml',
    `${XML_DECL}<workbook xmlns="${main}" xmlns:r="${rel}"><bookViews><workbookView activeTab="0"/></bookViews><sheets><sheet name="${ISSUES_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  await out.add(
    'xl/_rels/workbook.xml.rels',
    relsXml([
      { id: 'rId1', type: `${rel}/worksheet`, target: 'worksheets/sheet1.xml' },
      { id: 'rId2', type: `${rel}/styles`, target: 'styles.xml' },
    ]),
  );
  await out.add('xl/styles.xml', freshStyles(styles, main));
  await out.add('xl/worksheets/sheet1.xml', listSheetXml(issues, main, styles, () => undefined, true, reason));
  return out.finish();
}
