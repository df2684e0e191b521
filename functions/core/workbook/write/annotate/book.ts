// The copy of the clerk's workbook: Copy writes it part by part (the marked
// sheets, their comments and drawings, the list, styles, workbook.xml,
// relationships and content types, then every other part as it is), readBook
// finds its workbook, sheets and styles, and WorkbookEdit puts 问题清单 first.
import type { Issue } from '../../../model';
import { normalizeKey } from '../../../text';
import { cellRef } from '../../cells';
import { type Rel, relsNameOf, resolveTarget, sourceOf, XML_DECL } from '../../xlsx';
import type { ZipEntry } from '../../zip';
import type { ZipWriter } from '../zip-writer';
import { CommentsMerge, commentsXml, VmlAppend, vmlXml } from './comments';
import { type Hold, intAttr, mainNs, nameIds, PartEditor, type PartHandler, TextBytes } from './editor';
import { ISSUES_SHEET, listSheetXml } from './list';
import { CONTENT_TYPES, NAMESPACES, type Namespaces, relsXml, xattr } from './markup';
import { RefCleaner, reachesOutside } from './outside';
import { CopyRefused, type Original } from './package';
import { type Mark, resolveMarks, SheetEdit } from './sheet';
import { freshStyles, Styles, StylesEdit } from './styles';

interface RelsPart {
  name: string;
  list: Rel[];
  changed: boolean;
}

export interface SheetPart {
  name: string;
  sheetId: number;
  rid: string;
  /** the worksheet part; undefined for chart and dialog sheets */
  entry?: ZipEntry;
}

interface Book {
  strict: boolean;
  workbook: ZipEntry;
  /** the folder of the workbook part ('xl/') */
  dir: string;
  sheets: SheetPart[];
  styles?: ZipEntry;
  types: ZipEntry;
}

/** Parts that reach outside the workbook by design: left out of the copy with every reference to them. */
const OUTSIDE_PARTS = /\/(externalLink|connections|queryTable)$/;

export class Copy {
  private readonly rels = new Map<string, RelsPart>();
  /** part names (lower case) written already, or left out */
  private readonly done = new Set<string>();
  private readonly removed = new Set<string>();
  /** per part (lower case): ids of its relationships that were taken out */
  private readonly lostIds = new Map<string, Set<string>>();
  private readonly lostQueryTable = new Set<string>();
  private readonly newTypes: { name: string; type: string }[] = [];
  private readonly created = new Set<string>();
  /** issue → "'Sheet'!D7", the cell it marked */
  private readonly links = new Map<Issue, string>();
  private readonly ns: Namespaces;
  private formulasDropped = false;
  private listSheetRid = '';

  constructor(
    readonly pkg: Original,
    readonly book: Book,
    private readonly styleTable: Styles,
    private readonly out: ZipWriter,
  ) {
    this.ns = book.strict ? NAMESPACES.strict : NAMESPACES.transitional;
  }

  findSheet(name: string): SheetPart | undefined {
    const { sheets } = this.book;
    return sheets.find((s) => s.name === name) ?? sheets.find((s) => normalizeKey(s.name) === normalizeKey(name));
  }

  /** Which parts and relationships go: external links, connections, query tables, external targets. */
  async planRemovals(): Promise<void> {
    const relsParts = this.pkg.entries.filter((e) => /(^|\/)_rels\/[^/]*\.rels$/i.test(e.name));
    for (const e of relsParts) {
      for (const r of (await this.relsOf(e.name)).list) {
        if (r.external || !OUTSIDE_PARTS.test(r.type)) continue;
        this.removed.add(r.part.toLowerCase());
        this.removed.add(relsNameOf(r.part).toLowerCase());
      }
    }
    for (const e of relsParts) {
      if (this.removed.has(e.name.toLowerCase())) continue;
      const rels = await this.relsOf(e.name);
      const lost = rels.list.filter((r) => r.external || this.removed.has(r.part.toLowerCase()));
      if (lost.length === 0) continue;
      rels.list = rels.list.filter((r) => !lost.includes(r));
      rels.changed = true;
      const part = sourceOf(e.name).toLowerCase();
      this.lostIds.set(part, new Set(lost.map((r) => r.id)));
      if (lost.some((r) => r.type.endsWith('/queryTable'))) this.lostQueryTable.add(part);
    }
    for (const name of this.removed) this.done.add(name);
  }

  /** One worksheet: marked, cleaned, or copied as it is. */
  async sheet(sheet: SheetPart, issues: Issue[], position: number): Promise<void> {
    const entry = sheet.entry!;
    const lost = this.lostIds.get(entry.name.toLowerCase()) ?? NO_IDS;
    // a first pass: the merged ranges (they come after the cells), an existing legacy drawing, and
    // whether anything must be neutralised
    const survey = new SheetEdit({ marks: [], lost, relNs: this.ns.rel, styleOf: () => 0 });
    const changes = await this.pkg.changes(entry, survey);
    const marks = resolveMarks(issues, survey.merges);
    if (marks.length === 0) {
      if (changes) await this.rewrite(entry, this.sheetEdit([], lost));
      return;
    }
    const quoted = `'${sheet.name.replace(/'/g, "''")}'`;
    for (const m of marks) for (const issue of m.issues) this.links.set(issue, `${quoted}!${cellRef(m.col, m.row)}`);
    const rels = await this.relsOf(relsNameOf(entry.name));

    // comments: merged into the sheet's own, or a new part
    const ownComments = rels.list.find((r) => r.type.endsWith('/comments'));
    const commentsEntry = ownComments && this.pkg.entry(ownComments.part);
    let unshaped = marks; // marks whose comment needs a new shape in the VML drawing
    if (commentsEntry) {
      const merge = new CommentsMerge(marks);
      await this.rewrite(commentsEntry, merge);
      unshaped = marks.filter((m) => !merge.commented.has(m));
    } else {
      const name = this.newPart((n) => `${this.book.dir}comments${n}.xml`, CONTENT_TYPES.comments);
      await this.out.add(name, commentsXml(marks, this.ns.main));
      this.addRel(rels, 'comments', name);
    }

    // the legacy VML drawing that shows them: the sheet's own, or a new one
    let legacyRid: string | undefined;
    if (survey.legacyRid !== undefined) {
      const vml = rels.list.find((r) => r.id === survey.legacyRid);
      const vmlEntry = vml && this.pkg.entry(vml.part);
      if (!vmlEntry) throw new CopyRefused(`${entry.name}: its legacy drawing ${survey.legacyRid} is not in the file`);
      await this.rewrite(vmlEntry, new VmlAppend(unshaped));
    } else {
      const name = this.newPart((n) => `${this.book.dir}drawings/vmlDrawing${n}.vml`, CONTENT_TYPES.vmlDrawing);
      await this.out.add(name, vmlXml(unshaped, position));
      legacyRid = this.addRel(rels, 'vmlDrawing', name);
    }
    await this.rewrite(entry, this.sheetEdit(marks, lost, legacyRid));
  }

  private sheetEdit(marks: Mark[], lost: ReadonlySet<string>, legacyRid?: string): SheetEdit {
    const edit = new SheetEdit({
      marks,
      lost,
      legacyRid,
      relNs: this.ns.rel,
      styleOf: (m, xf) => this.styleTable.markXf(xf, m.severity),
    });
    edit.onFormulaDropped = () => (this.formulasDropped = true);
    return edit;
  }

  /** Parts other than sheets that lost a relationship (drawings with linked pictures, charts, tables). */
  async otherParts(): Promise<void> {
    for (const [part, lost] of this.lostIds) {
      const e = this.pkg.entry(part);
      if (!e || this.done.has(part) || e === this.book.workbook || !/\.(xml|vml)$/i.test(e.name)) continue;
      await this.rewrite(e, new RefCleaner(lost, this.lostQueryTable.has(part)));
    }
  }

  async listSheet(issues: Issue[]): Promise<void> {
    const name = this.newPart((n) => `${this.book.dir}worksheets/sheet${n}.xml`, CONTENT_TYPES.worksheet);
    await this.out.add(name, listSheetXml(issues, this.ns.main, this.styleTable, (i) => this.links.get(i), false));
    this.listSheetRid = this.addRel(await this.workbookRels(), 'worksheet', name);
  }

  async styles(): Promise<void> {
    const e = this.book.styles;
    const rels = await this.workbookRels();
    if (e) await this.rewrite(e, new StylesEdit(this.styleTable));
    const name = e?.name ?? this.newPart((n) => `${this.book.dir}${n === 1 ? 'styles' : `styles${n}`}.xml`, CONTENT_TYPES.styles);
    if (!e) await this.out.add(name, freshStyles(this.styleTable, this.ns.main));
    if (!rels.list.some((r) => r.type.endsWith('/styles'))) this.addRel(rels, 'styles', name);
  }

  async workbook(): Promise<void> {
    const { book } = this;
    const taken = new Set(book.sheets.map((s) => normalizeKey(s.name)));
    let listName = ISSUES_SHEET;
    for (let n = 2; taken.has(normalizeKey(listName)); n++) listName = `${ISSUES_SHEET}(${n})`;
    const sheetId = Math.max(0, ...book.sheets.map((s) => s.sheetId)) + 1;
    const lost = this.lostIds.get(book.workbook.name.toLowerCase()) ?? NO_IDS;
    await this.rewrite(book.workbook, new WorkbookEdit(listName, sheetId, this.listSheetRid, this.ns.rel, lost));
  }

  /** The relationship parts that changed, [Content_Types].xml, then every other part as it is. */
  async finish(): Promise<Uint8Array> {
    if (this.formulasDropped) {
      // the calculation chain lists the cells with formulas: one that lost its formula would be "repaired"
      const rels = await this.workbookRels();
      const chain = rels.list.find((r) => r.type.endsWith('/calcChain'));
      if (chain) {
        rels.list = rels.list.filter((r) => r !== chain);
        rels.changed = true;
        this.removed.add(chain.part.toLowerCase());
        this.done.add(chain.part.toLowerCase());
      }
    }
    for (const rels of this.rels.values()) {
      if (!rels.changed) continue;
      this.done.add(rels.name.toLowerCase());
      if (rels.list.length) await this.out.add(rels.name, relsXml(rels.list)); // one left empty goes
    }
    await this.out.add(this.book.types.name, await this.contentTypes());
    this.done.add(this.book.types.name.toLowerCase());
    for (const e of this.pkg.entries) if (!this.done.has(e.name.toLowerCase())) await this.out.copy(this.pkg.source, e);
    return this.out.finish(this.pkg.entries.map((e) => e.name));
  }

  private async contentTypes(): Promise<string> {
    const defaults: string[] = [];
    const overrides: string[] = [];
    await this.pkg.scan(this.book.types, ['Types', 'Default', 'Override'], {
      open: (x, name) => {
        const type = x.attr('ContentType') ?? '';
        if (name === 2) defaults.push(`<Default Extension="${xattr(x.attr('Extension') ?? '')}" ContentType="${xattr(type)}"/>`);
        const part = x.attr('PartName') ?? '';
        if (name === 3 && !this.removed.has(resolveTarget('', part).toLowerCase())) overrides.push(`<Override PartName="${xattr(part)}" ContentType="${xattr(type)}"/>`);
      },
    });
    if (!defaults.some((d) => /Extension="rels"/i.test(d))) defaults.push(`<Default Extension="rels" ContentType="${CONTENT_TYPES.rels}"/>`);
    for (const t of this.newTypes) overrides.push(`<Override PartName="/${xattr(t.name)}" ContentType="${t.type}"/>`);
    return `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${defaults.join('')}${overrides.join('')}</Types>`;
  }

  private async rewrite(e: ZipEntry, handler: PartHandler): Promise<void> {
    await this.out.add(e.name, this.pkg.edited(e, new PartEditor(handler, true)));
    this.done.add(e.name.toLowerCase());
  }

  private async relsOf(name: string): Promise<RelsPart> {
    let rels = this.rels.get(name.toLowerCase());
    if (!rels) {
      const e = this.pkg.entry(name);
      rels = { name: e?.name ?? name, list: e ? await this.pkg.rels(e) : [], changed: false };
      this.rels.set(name.toLowerCase(), rels);
    }
    return rels;
  }

  private workbookRels(): Promise<RelsPart> {
    return this.relsOf(relsNameOf(this.book.workbook.name));
  }

  private addRel(rels: RelsPart, kind: string, part: string): string {
    const ids = new Set(rels.list.map((r) => r.id));
    let n = rels.list.length + 1;
    while (ids.has(`rId${n}`)) n++;
    const rel = { id: `rId${n}`, type: `${this.ns.rel}/${kind}`, target: relativeTarget(sourceOf(rels.name), part), external: false, part };
    rels.list.push(rel);
    rels.changed = true;
    return rel.id;
  }

  /** The first free name of the pattern, registered with its content type. */
  private newPart(pattern: (n: number) => string, type: string): string {
    for (let n = 1; ; n++) {
      const name = pattern(n);
      if (this.pkg.entry(name) || this.created.has(name.toLowerCase())) continue;
      this.created.add(name.toLowerCase());
      this.newTypes.push({ name, type });
      return name;
    }
  }
}

const NO_IDS: ReadonlySet<string> = new Set();

export async function readBook(pkg: Original): Promise<Book> {
  const types = pkg.entry('[Content_Types].xml');
  if (!types) throw new CopyRefused('the package has no [Content_Types].xml');
  const rootRels = pkg.entry('_rels/.rels');
  const office = rootRels ? (await pkg.rels(rootRels)).find((r) => /\/officeDocument$/.test(r.type)) : undefined;
  const workbook = (office && pkg.entry(office.part)) ?? pkg.entry('xl/workbook.xml');
  if (!workbook) throw new CopyRefused('no workbook part');
  const dir = workbook.name.slice(0, workbook.name.lastIndexOf('/') + 1);
  const relsEntry = pkg.entry(relsNameOf(workbook.name));
  // the reader finds sheets without relationships by their usual names; a copy with a new sheet could not
  if (!relsEntry) throw new CopyRefused(`${workbook.name} has no relationships part`);
  const rels = await pkg.rels(relsEntry);
  const sheets: SheetPart[] = [];
  await pkg.scan(workbook, ['workbook', 'sheets', 'sheet'], {
    open: (x, name) => {
      if (name !== 3 || x.ancestor(1) !== 2) return;
      const rid = x.attr('id', true) ?? '';
      const rel = rels.find((r) => r.id === rid);
      const entry = rel && /\/worksheet$/.test(rel.type) ? pkg.entry(rel.part) : undefined;
      sheets.push({ name: x.attr('name') ?? '', sheetId: Number(x.attr('sheetId')) || 0, rid, entry });
    },
  });
  const stylesRel = rels.find((r) => r.type.endsWith('/styles'));
  const styles = stylesRel ? pkg.entry(stylesRel.part) : pkg.entry(`${dir}styles.xml`);
  return { strict: office?.type.startsWith('http://purl.oclc.org/') ?? false, workbook, dir, sheets, styles, types };
}

/** The target of a relationship from one part to another, relative as Excel writes it (exceljs reads no other). */
function relativeTarget(from: string, to: string): string {
  const here = from.split('/').slice(0, -1);
  const there = to.split('/');
  let same = 0;
  while (same < here.length && same < there.length - 1 && here[same] === there[same]) same++;
  return [...here.slice(same).map(() => '..'), ...there.slice(same)].join('/');
}

// ---------------------------------------------------------------------------
// workbook.xml: 问题清单 as the first sheet, and every sheet index shifted by one
// so that nothing of the clerk's workbook changes meaning

const BOOK_NAMES = ['workbook', 'bookViews', 'workbookView', 'sheets', 'sheet', 'externalReferences', 'externalReference', 'definedNames', 'definedName'] as const;
const W = nameIds(BOOK_NAMES);

class WorkbookEdit implements PartHandler {
  readonly names = BOOK_NAMES;
  private p = '';
  private views = false;
  private definedName: Hold | undefined;
  private readonly chars = new TextBytes();

  constructor(
    private readonly listName: string,
    private readonly sheetId: number,
    private readonly rid: string,
    private readonly relNs: string,
    private readonly lost: ReadonlySet<string>,
  ) {}

  open(ed: PartEditor, name: number, ns: number): void {
    const x = ed.x;
    const d = x.depth;
    const p = this.p;
    if (d === 1) {
      if (name !== W.workbook || !mainNs(ns)) x.fail('the part is not a workbook');
      this.p = ed.prefix();
    } else if (d === 2 && name === W.bookViews) this.views = true;
    else if (d === 3 && name === W.workbookView) {
      // the tab that was active stays active (its sheet view says it is selected)
      ed.setAttr('activeTab', String(Math.max(0, intAttr(x, 'activeTab')) + 1));
      const first = intAttr(x, 'firstSheet');
      if (first > 0) ed.setAttr('firstSheet', String(first + 1)); // 0: the tab bar starts at 问题清单
    } else if (d === 2 && name === W.sheets) {
      if (!this.views) ed.insert(ed.start, `<${p}bookViews><${p}workbookView activeTab="1"/></${p}bookViews>`);
      const ours = `<${p}sheet xmlns:r="${this.relNs}" name="${xattr(this.listName)}" sheetId="${this.sheetId}" r:id="${this.rid}"/>`;
      if (ed.selfClosing()) ed.edit(ed.tagEnd() - 2, ed.tagEnd(), `>${ours}</${p}sheets>`);
      else ed.insert(ed.tagEnd(), ours);
    } else if (d === 2 && name === W.externalReferences) ed.wrap(W.externalReference);
    else if (d === 3 && name === W.externalReference && ed.refsTo(this.lost).length) ed.drop();
    else if (d === 2 && name === W.definedNames) ed.wrap(W.definedName);
    else if (d === 3 && name === W.definedName) {
      const local = intAttr(x, 'localSheetId');
      if (local >= 0) ed.setAttr('localSheetId', String(local + 1));
      this.definedName = ed.hold();
      this.chars.reset();
    }
  }

  close(_ed: PartEditor, name: number): void {
    if (name !== W.definedName || !this.definedName) return;
    // a name that reaches outside (or into an external link, which went) goes
    if (this.chars.overflow || reachesOutside(this.chars.text())) this.definedName.keep = false;
    this.definedName = undefined;
  }

  text(ed: PartEditor, start: number, end: number, flags: number): void {
    if (this.definedName) this.chars.add(ed.x.buf, start, end, flags);
  }
}
