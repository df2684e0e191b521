// Comments and the legacy VML drawing that shows them: a sheet's own merged
// (CommentsMerge, VmlAppend) or new parts written (commentsXml, vmlXml).
import { cellRef } from '../../cells';
import { COLUMNS, cellAt } from '../../sheet-reader';
import { XML_DECL } from '../../xlsx';
import { ENCODER, mainNs, nameIds, type PartEditor, type PartHandler, TextBytes } from './editor';
import { xtext } from './markup';
import { type Mark, noteText } from './sheet';

/** The author of the comments we add. */
export const COMMENT_AUTHOR = 'qtrack';

const COMMENT_NAMES = ['comments', 'authors', 'author', 'commentList', 'comment', 'text', 't', 'rPh', 'phoneticPr'] as const;
const K = nameIds(COMMENT_NAMES);

/** A sheet's own comments, merged: every one kept, ours added, to the clerk's own on a marked cell. */
export class CommentsMerge implements PartHandler {
  readonly names = COMMENT_NAMES;
  /** marks whose cell had a comment already: our text went into it */
  readonly commented = new Set<Mark>();
  private readonly byCell = new Map<number, Mark>();
  private p = '';
  private authors = 0;
  private ourAuthor = -1;
  private readonly author = new TextBytes(1 << 12);
  private inAuthor = false;
  /** the comment being read is on this marked cell */
  private mark: Mark | undefined;
  private added = false;

  constructor(private readonly marks: Mark[]) {
    for (const m of marks) this.byCell.set(m.row * 16384 + m.col, m);
  }

  open(ed: PartEditor, name: number, ns: number): void {
    const x = ed.x;
    const p = this.p;
    const parent = x.ancestor(1);
    if (x.depth === 1) {
      if (name !== K.comments || !mainNs(ns)) x.fail('the part is not a comments part');
      this.p = ed.prefix();
    } else if (name === K.authors && x.depth === 2 && ed.selfClosing()) {
      this.ourAuthor = 0;
      ed.replaceTag(`<${p}authors><${p}author>${COMMENT_AUTHOR}</${p}author></${p}authors>`);
    } else if (name === K.author && parent === K.authors) {
      this.inAuthor = true;
      this.author.reset();
    } else if (name === K.commentList && x.depth === 2 && ed.selfClosing()) {
      ed.replaceTag(`<${p}commentList>${this.newComments()}</${p}commentList>`);
    } else if (name === K.comment && parent === K.commentList) {
      const at = parseCellAddress(x.attr('ref') ?? '');
      const m = at && this.byCell.get(at.row * 16384 + at.col);
      this.mark = m && !this.commented.has(m) ? m : undefined;
      if (this.mark) this.commented.add(this.mark);
      this.added = false;
    } else if (this.mark && !this.added && parent === K.text && x.ancestor(2) === K.comment) {
      // a plain <t> becomes the first run, so that ours can follow it
      if (name === K.t) ed.insert(ed.start, `<${p}r>`);
      else if (name === K.rPh || name === K.phoneticPr) this.addRun(ed, ed.start);
    } else if (this.mark && name === K.text && parent === K.comment && ed.selfClosing()) {
      ed.replaceTag(`<${p}text>${this.run()}</${p}text>`);
      this.added = true;
    }
  }

  close(ed: PartEditor, name: number): void {
    const x = ed.x;
    if (name === K.author && this.inAuthor) {
      this.inAuthor = false;
      if (this.ourAuthor < 0 && this.author.text() === COMMENT_AUTHOR) this.ourAuthor = this.authors;
      this.authors++;
    } else if (name === K.authors && x.depth === 2 && ed.isEndTag() && this.ourAuthor < 0) {
      this.ourAuthor = this.authors;
      ed.insert(ed.start, `<${this.p}author>${COMMENT_AUTHOR}</${this.p}author>`);
    } else if (name === K.commentList && x.depth === 2 && ed.isEndTag()) {
      ed.insert(ed.start, this.newComments());
    } else if (this.mark && !this.added && name === K.t && x.ancestor(1) === K.text && x.ancestor(2) === K.comment) {
      ed.insert(ed.tagEnd(), `</${this.p}r>`);
    } else if (this.mark && !this.added && name === K.text && x.ancestor(1) === K.comment && ed.isEndTag()) {
      this.addRun(ed, ed.start);
    } else if (name === K.comment) this.mark = undefined;
  }

  text(ed: PartEditor, start: number, end: number, flags: number): void {
    if (this.inAuthor) this.author.add(ed.x.buf, start, end, flags);
  }

  private addRun(ed: PartEditor, at: number): void {
    ed.insert(at, this.run());
    this.added = true;
  }

  /** Our text as a run after the clerk's, a blank line between. */
  private run(): string {
    const p = this.p;
    return `<${p}r><${p}t xml:space="preserve">${xtext(`\n\n${noteText(this.mark!)}`)}</${p}t></${p}r>`;
  }

  private newComments(): string {
    return this.marks
      .filter((m) => !this.commented.has(m))
      .map((m) => newComment(m, this.p, Math.max(0, this.ourAuthor)))
      .join('');
  }
}

function parseCellAddress(ref: string): { row: number; col: number } | undefined {
  const b = ENCODER.encode(ref);
  const at = cellAt(b, 0, b.length);
  return at < 0 ? undefined : { row: Math.floor(at / COLUMNS), col: at % COLUMNS };
}

function newComment(m: Mark, p: string, author: number): string {
  // as a run, as Excel writes it (some readers know no other form)
  return `<${p}comment ref="${cellRef(m.col, m.row)}" authorId="${author}"><${p}text><${p}r><${p}t xml:space="preserve">${xtext(noteText(m))}</${p}t></${p}r></${p}text></${p}comment>`;
}

export function commentsXml(marks: Mark[], main: string): string {
  return `${XML_DECL}<comments xmlns="${main}"><authors><author>${COMMENT_AUTHOR}</author></authors><commentList>${marks.map((m) => newComment(m, '', 0)).join('')}</commentList></comments>`;
}

const VML_NAMES = ['xml', 'shapetype', 'shape'] as const;
const V = nameIds(VML_NAMES);
// Declared on each shape we add, whatever prefixes the drawing itself uses (openpyxl's drawings do the same).
const VML_NS = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"';
const NOTE_TYPE = '_x0000_t202';

/** The sheet's own legacy drawing, with a note shape added for each new comment. */
export class VmlAppend implements PartHandler {
  readonly names = VML_NAMES;
  private maxId = 1024;
  private noteType: string | undefined;
  private readonly typeIds = new Set<string>();

  constructor(private readonly marks: Mark[]) {}

  open(ed: PartEditor, name: number): void {
    const x = ed.x;
    if (name === V.shapetype) {
      const id = x.attr('id') ?? '';
      this.typeIds.add(id);
      if (x.attr('spt', true) === '202') this.noteType ??= id;
    } else if (name === V.shape) {
      for (const id of [x.attr('id'), x.attr('spid', true)]) {
        const m = /^_x0000_s(\d+)$/.exec(id ?? '');
        if (m) this.maxId = Math.max(this.maxId, Number(m[1]));
      }
    }
    if (x.depth === 1 && ed.selfClosing()) ed.edit(ed.tagEnd() - 2, ed.tagEnd(), `>${this.shapes()}</${ed.prefix()}xml>`);
  }

  close(ed: PartEditor): void {
    if (ed.x.depth === 1 && ed.isEndTag()) ed.insert(ed.start, this.shapes());
  }

  private shapes(): string {
    if (this.marks.length === 0) return '';
    let type = this.noteType;
    let out = '';
    if (type === undefined) {
      type = NOTE_TYPE;
      while (this.typeIds.has(type)) type += 'q';
      out = noteShapeType(type);
    }
    return out + this.marks.map((m, i) => noteShape(m, this.maxId + 1 + i, type)).join('');
  }
}

export function vmlXml(marks: Mark[], block: number): string {
  return `<xml ${VML_NS}><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${block}"/></o:shapelayout>${noteShapeType(NOTE_TYPE)}${marks.map((m, i) => noteShape(m, block * 1024 + 1 + i, NOTE_TYPE)).join('')}</xml>`;
}

function noteShapeType(id: string): string {
  return `<v:shapetype ${VML_NS} id="${id}" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>`;
}

/** A hidden note box four columns wide, as tall as its text needs (within reason). */
function noteShape(m: Mark, id: number, type: string): string {
  const lines = noteText(m).split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 24)), 0);
  const rows = Math.min(20, Math.max(4, lines + 1));
  const top = Math.max(0, m.row - 2);
  return (
    `<v:shape ${VML_NS} id="_x0000_s${id}" type="#${type}" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:${rows * 15}pt;z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">` +
    '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>' +
    `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${m.col + 1}, 15, ${top}, 10, ${m.col + 5}, 15, ${top + rows}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${m.row - 1}</x:Row><x:Column>${m.col}</x:Column></x:ClientData></v:shape>`
  );
}
