// What the copy and the list write: the namespaces and content types of new
// parts, relationship parts, and text and attribute values escaped.
import { cleanText } from '../../../summary/cells';
import { XML_DECL } from '../../xlsx';

/** Namespaces of the parts we write, by the package's conformance class. */
export const NAMESPACES = {
  transitional: { main: 'http://schemas.openxmlformats.org/spreadsheetml/2006/main', rel: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships' },
  strict: { main: 'http://purl.oclc.org/ooxml/spreadsheetml/main', rel: 'http://purl.oclc.org/ooxml/officeDocument/relationships' },
};
export type Namespaces = (typeof NAMESPACES)['transitional'];

export const CONTENT_TYPES = {
  worksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
  comments: 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml',
  vmlDrawing: 'application/vnd.openxmlformats-officedocument.vmlDrawing',
  styles: 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml',
  workbook: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  rels: 'application/vnd.openxmlformats-package.relationships+xml',
};

export function relsXml(rels: { id: string; type: string; target: string }[]): string {
  const list = rels.map((r) => `<Relationship Id="${xattr(r.id)}" Type="${xattr(r.type)}" Target="${xattr(r.target)}"/>`);
  return `${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${list.join('')}</Relationships>`;
}


const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' };

/**
 * Element text in a string position (a cell, a comment): characters XML cannot
 * carry replaced, a literal _xHHHH_ escaped (readers would decode it), CR kept.
 */
export function xtext(s: string): string {
  return cleanText(s)
    .replace(/_x([0-9A-Fa-f]{4})_/g, '_x005F_x$1_')
    .replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
}

export function xattr(s: string): string {
  return cleanText(s).replace(/[&<>"\r\n\t]/g, (c) => TEXT_ESCAPES[c]!);
}
