// The annotated copy of an uploaded workbook (PRODUCT §5.6, issue 3 point 5):
// the clerk's own file with every cell that has an issue filled red (error) or
// amber (warning) and a comment explaining it (zh then en), plus a first sheet
// 问题清单 listing every issue.
//
// The copy is a zip-to-zip transform. Every part that needs no change is
// copied as its compressed bytes; the few that do (the marked sheets, their
// comments and VML drawings, styles.xml, workbook.xml, relationships and
// content types) are streamed through the reader's XML scanner and written
// back byte for byte except for the edits, then deflated. Memory holds the
// piece of a part being edited and the compressed copy, never a whole sheet.
//
// While copying, what could reach outside or start a program when the office
// opens the copy is taken out: formulas with DDE, external references,
// HYPERLINK to an outside target and the like lose their formula (the cached
// value stays); external relationships, external links, data connections and
// query tables go, with what refers to them.
//
// When no copy can be made (a CSV upload, a file that is not a readable
// workbook, a failure while copying), a workbook holding only 问题清单, and
// the reason, Chinese first.
import { QtrackError } from '../../errors';
import type { CellRange, Issue, IssueCode, Lang } from '../../model';
import { cleanText, neutralizeFormula } from '../../summary/cells';
import { normalizeKey } from '../../text';
import { cellRef, columnIndex, parseRange } from '../cells';
import { DEFAULT_LIMITS, type FileLimits, WorkbookError } from '../guard';
import { openWorkbook } from '../open';
import { CellCursor, COLUMNS, cellAt } from '../sheet-reader';
import { namingPart, PackageParts, type Rel, relsNameOf, resolveTarget, sourceOf, XML_DECL } from '../xlsx';
import { utf8 } from '../shared-strings';
import { decodeText, NS_MAIN, NS_NONE, TEXT_AMP, TEXT_CDATA, TEXT_CR, XmlError, type XmlHandler, XmlScanner } from '../xml';
import { type ByteSource, bytesSource, type Inflate, readZipDirectory, type ZipEntry, ZipFault } from '../zip';
import { type Deflate, ZipWriteError, ZipWriter } from './zip-writer';

export const ISSUES_SHEET = '问题清单';
export const ISSUE_COLUMNS = ['严重程度', '工作表', '单元格', '代码', '说明', 'Message', '值'] as const;
export const ERROR_STYLE = { fill: 'FFFFC7CE', font: 'FF9C0006' } as const;
export const WARNING_STYLE = { fill: 'FFFFEB9C', font: 'FF9C5700' } as const;
/** The author of the comments we add. */
export const COMMENT_AUTHOR = 'qtrack';

export interface AnnotateOptions {
  inflate: Inflate;
  deflate: Deflate;
  limits?: FileLimits;
}

export interface Annotated {
  bytes: Uint8Array;
  /** 'copy': the clerk's workbook, annotated; 'list': a workbook holding only 问题清单 */
  form: 'copy' | 'list';
  /** why there is no copy (form 'list'), Chinese first: e.g. a CSV upload, an unreadable file */
  reason?: { zh: string; en: string };
}

/** Issue codes that mean the file itself could not be read: no copy is tried. */
const UNOPENABLE: ReadonlySet<IssueCode> = new Set<IssueCode>([
  'FILE_NOT_WORKBOOK',
  'FILE_LEGACY_XLS',
  'FILE_ENCRYPTED',
  'FILE_MACROS',
  'FILE_TOO_LARGE',
  'FILE_CORRUPT',
]);

const REASONS = {
  noWorkbook: {
    zh: '上传的不是 Excel 工作簿（例如 CSV 文件），没有可标注的原文件，只列出问题',
    en: 'the upload is not an Excel workbook (a CSV file, for example): there is no file to mark the issues in, so they are only listed',
  },
  unreadable: (why: Lang): Lang => ({
    zh: `上传的文件无法作为工作簿打开，只列出问题（${why.zh}）`,
    en: `the uploaded file could not be opened as a workbook, so the issues are only listed (${why.en})`,
  }),
  copyFailed: (detail: string): Lang => ({
    zh: `无法复制上传的工作簿并在其中标注问题（${detail}），只列出问题`,
    en: `the uploaded workbook could not be copied with the issues marked in it (${detail}), so they are only listed`,
  }),
};

/** The copy cannot be made for a reason of the file's (its message: technical, English). */
class CopyRefused extends QtrackError {}

/**
 * The clerk's workbook with every cell that has an issue marked and 问题清单
 * as its first sheet; or, when that cannot be, a workbook holding only
 * 问题清单 and the reason. Never throws on bad input (a thrown error is a bug).
 */
export async function annotateWorkbook(original: ByteSource | Uint8Array | undefined, issues: Issue[], opts: AnnotateOptions): Promise<Annotated> {
  const list = async (reason: Lang): Promise<Annotated> => ({ bytes: await listWorkbook(issues, opts.deflate, reason), form: 'list', reason });
  if (original === undefined) return list(REASONS.noWorkbook);
  const refusal = issues.find((i) => UNOPENABLE.has(i.code));
  if (refusal) return list(REASONS.unreadable(refusal.message));
  const source = original instanceof Uint8Array ? bytesSource(original) : original;
  const limits = opts.limits ?? DEFAULT_LIMITS;
  // The reader's own checks first (not a workbook, macros, encryption, declared sizes):
  // a file it refuses is never copied.
  const opened = await openWorkbook(source, 'upload.xlsx', { inflate: opts.inflate, limits });
  if (!opened.ok) return list(REASONS.unreadable(opened.issue.message));
  try {
    return { bytes: await annotateCopy(source, issues, opts, limits), form: 'copy' };
  } catch (err) {
    if (err instanceof WorkbookError) return list(REASONS.unreadable(err.issue.message));
    if (err instanceof ZipFault || err instanceof XmlError || err instanceof ZipWriteError || err instanceof CopyRefused) return list(REASONS.copyFailed(err.message));
    throw err;
  }
}

// ---------------------------------------------------------------------------
// The copy

async function annotateCopy(source: ByteSource, issues: Issue[], opts: AnnotateOptions, limits: FileLimits): Promise<Uint8Array> {
  const pkg = new Original(source, await readZipDirectory(source), opts.inflate, limits);
  const book = await readBook(pkg);
  const copy = new Copy(pkg, book, await Styles.survey(pkg, book.styles), new ZipWriter(opts.deflate));
  await copy.planRemovals();
  const bySheet = new Map<SheetPart, Issue[]>();
  for (const issue of issues) {
    const sheet = issue.sheet === undefined ? undefined : copy.findSheet(issue.sheet);
    if (sheet) bySheet.set(sheet, [...(bySheet.get(sheet) ?? []), issue]);
  }
  for (const [i, sheet] of copy.book.sheets.entries()) if (sheet.entry) await copy.sheet(sheet, bySheet.get(sheet) ?? [], i + 1);
  await copy.otherParts();
  await copy.listSheet(issues);
  await copy.styles();
  await copy.workbook();
  return copy.finish();
}

interface RelsPart {
  name: string;
  list: Rel[];
  changed: boolean;
}

interface SheetPart {
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

/** Namespaces of the parts we write, by the package's conformance class. */
const NAMESPACES = {
  transitional: { main: 'http://schemas.openxmlformats.org/spreadsheetml/2006/main', rel: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships' },
  strict: { main: 'http://purl.oclc.org/ooxml/spreadsheetml/main', rel: 'http://purl.oclc.org/ooxml/officeDocument/relationships' },
};
type Namespaces = (typeof NAMESPACES)['transitional'];

const CONTENT_TYPES = {
  worksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
  comments: 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml',
  vmlDrawing: 'application/vnd.openxmlformats-officedocument.vmlDrawing',
  styles: 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml',
  workbook: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  rels: 'application/vnd.openxmlformats-package.relationships+xml',
};

/** Parts that reach outside the workbook by design: left out of the copy with every reference to them. */
const OUTSIDE_PARTS = /\/(externalLink|connections|queryTable)$/;

class Copy {
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

// ---------------------------------------------------------------------------
// The original package: its parts as UTF-8, every one inflating against one budget

/** The original package, read as the reader reads it, and its parts edited as they stream. */
class Original extends PackageParts {
  /** The part as the handler edits it; a part that does not parse names itself. */
  async *edited(e: ZipEntry, editor: PartEditor): AsyncGenerator<Uint8Array> {
    try {
      yield* editor.run(this.pieces(e));
    } catch (err) {
      throw namingPart(e, err);
    }
  }

  /** Whether the handler would change the part (a pass without output). */
  async changes(e: ZipEntry, handler: PartHandler): Promise<boolean> {
    const editor = new PartEditor(handler, false);
    for await (const _ of this.edited(e, editor)) {
      // no output in a dry run
    }
    return editor.changed;
  }
}

async function readBook(pkg: Original): Promise<Book> {
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

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Editing a part as it streams
//
// The scanner hands each complete token to the handler while the token is in
// its buffer; x.offset is then where the token starts in the part (a tag's
// '<'). Handlers name edits by those offsets: replace a range, insert, hold an
// element (its bytes wait until it ends, and the handler may still drop it or
// edit inside it), drop an element. After each piece, every byte the scanner
// has consumed and no hold covers goes out with its edits applied.

interface Hold {
  start: number;
  depth: number;
  keep: boolean;
}

/** An element whose items may all be dropped (hyperlinks, defined names): then it goes too. */
interface Wrapper {
  hold: Hold;
  item: number;
  items: number;
  kept: number;
}

interface Edit {
  at: number;
  to: number;
  put: Uint8Array;
}

interface PartHandler {
  readonly names: readonly string[];
  open(ed: PartEditor, name: number, ns: number): void;
  close?(ed: PartEditor, name: number, ns: number): void;
  text?(ed: PartEditor, start: number, end: number, flags: number): void;
}

const GT = 0x3e;
const SLASH = 0x2f;
const FEED = 1 << 16;
const EMPTY = new Uint8Array(0);
const ENCODER = new TextEncoder();
const NAME_BYTE = new Uint8Array(256).map((_, c) => (c >= 0x80 || /[A-Za-z0-9._:-]/.test(String.fromCharCode(c)) ? 1 : 0));

class PartEditor implements XmlHandler {
  readonly x: XmlScanner;
  /** whether any edit was made (in a dry run too) */
  changed = false;
  /** the part's offset of x.buf[0] during the current piece */
  private base = 0;
  /** consumed bytes not yet sent: the part's bytes from pendingAt on */
  private pending = new Uint8Array(FEED);
  private pendingAt = 0;
  private pendingLen = 0;
  private readonly edits: Edit[] = [];
  private readonly holds: Hold[] = [];
  private readonly wrappers: Wrapper[] = [];

  constructor(
    private readonly h: PartHandler,
    /** false: a dry run, nothing is sent */
    private readonly emit: boolean,
  ) {
    this.x = new XmlScanner(this, h.names);
  }

  // -- the scanner's handler

  open(_x: XmlScanner, name: number, ns: number): void {
    this.h.open(this, name, ns);
  }

  close(x: XmlScanner, name: number, ns: number): void {
    this.h.close?.(this, name, ns);
    const w = this.wrappers.at(-1);
    if (w && w.hold.depth === x.depth) {
      this.wrappers.pop();
      w.hold.keep = w.kept > 0 || w.items === 0;
    }
    let kept = true;
    const hold = this.holds.at(-1);
    if (hold && hold.depth === x.depth) {
      this.holds.pop();
      kept = hold.keep;
      if (!kept) this.edit(hold.start, this.tagEnd(), EMPTY);
    }
    const outer = this.wrappers.at(-1);
    if (outer && name === outer.item) {
      outer.items++;
      if (kept) outer.kept++;
    }
  }

  text(_x: XmlScanner, start: number, end: number, flags: number): void {
    this.h.text?.(this, start, end, flags);
  }

  detach(): void {}

  // -- the current tag

  /** Where the current tag starts in the part. */
  get start(): number {
    return this.x.offset;
  }

  /** Where it ends (after its '>'). */
  tagEnd(): number {
    const x = this.x;
    const from = x.attrCount > 0 ? x.valueEnd(x.attrCount - 1) + 1 : x.offset - this.base + 1;
    return this.base + x.buf.indexOf(GT, from) + 1;
  }

  selfClosing(): boolean {
    return this.x.buf[this.tagEnd() - this.base - 2] === SLASH;
  }

  isEndTag(): boolean {
    return this.x.buf[this.x.offset - this.base + 1] === SLASH;
  }

  /** 'x:' when the current element is written with a prefix, else ''. */
  prefix(): string {
    const b = this.x.buf;
    let i = this.x.offset - this.base + 1;
    if (b[i] === SLASH) i++;
    const from = i;
    while (NAME_BYTE[b[i]!]) i++;
    const qname = utf8(b, from, i);
    return qname.slice(0, qname.indexOf(':') + 1);
  }

  /** The part's offset of an index into x.buf. */
  abs(i: number): number {
    return this.base + i;
  }

  /** The current tag as written. */
  rawTag(): string {
    return utf8(this.x.buf, this.x.offset - this.base, this.tagEnd() - this.base);
  }

  /** An attribute as written: name="value". */
  rawAttr(i: number): string {
    return utf8(this.x.buf, this.x.attrNameStart(i), this.x.valueEnd(i) + 1);
  }

  /** The positions of attributes in the r: namespace (r:id, r:embed, …) whose value is one of the ids. */
  refsTo(ids: ReadonlySet<string>): number[] {
    const x = this.x;
    const out: number[] = [];
    if (ids.size === 0) return out;
    for (let i = 0; i < x.attrCount; i++) {
      const name = utf8(x.buf, x.attrNameStart(i), x.attrNameStart(i) + x.attrNameLength(i));
      if (name.includes(':') && !name.startsWith('xmlns') && ids.has(x.attrString(i))) out.push(i);
    }
    return out;
  }

  // -- edits

  edit(at: number, to: number, put: string | Uint8Array): void {
    this.changed = true;
    if (!this.emit) return;
    if (at < this.pendingAt) throw new Error(`annotate: an edit at ${at} after the bytes were sent`); // a bug
    const e = { at, to, put: typeof put === 'string' ? ENCODER.encode(put) : put };
    let i = this.edits.length;
    while (i > 0 && this.edits[i - 1]!.at > at) i--;
    this.edits.splice(i, 0, e);
  }

  insert(at: number, text: string): void {
    if (text) this.edit(at, at, text);
  }

  replaceTag(text: string): void {
    this.edit(this.start, this.tagEnd(), text);
  }

  setAttr(name: string, value: string): void {
    const i = this.x.attrIndex(name);
    if (i >= 0) this.edit(this.base + this.x.valueStart(i), this.base + this.x.valueEnd(i), value);
    else this.insert(this.tagEnd() - (this.selfClosing() ? 2 : 1), ` ${name}="${value}"`);
  }

  removeAttr(i: number): void {
    // with the white space before it (there is always some)
    this.edit(this.base + this.x.attrNameStart(i) - 1, this.base + this.x.valueEnd(i) + 1, EMPTY);
  }

  /** Holds the current element until it ends; the handler may set keep = false meanwhile. */
  hold(keep = true): Hold {
    const h = { start: this.start, depth: this.x.depth, keep };
    this.holds.push(h);
    return h;
  }

  drop(): void {
    this.hold(false);
  }

  /** The current element goes if every one of its `item` elements is dropped. */
  wrap(item: number): void {
    this.wrappers.push({ hold: this.hold(), item, items: 0, kept: 0 });
  }

  // -- streaming

  async *run(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const piece of pieces) {
      for (let at = 0; at < piece.length; at += FEED) {
        this.base = this.x.offset;
        this.x.push(piece.subarray(at, Math.min(at + FEED, piece.length)));
        const out = this.consumed();
        if (out) yield out;
      }
    }
    this.x.end();
    const out = this.consumed();
    if (out) yield out;
  }

  /** Takes what the scanner consumed of its buffer and returns what may go out. */
  private consumed(): Uint8Array | undefined {
    if (!this.emit) return undefined;
    const upTo = this.x.offset;
    const n = upTo - this.base;
    if (this.pendingLen + n > this.pending.length) {
      const grown = new Uint8Array(Math.max(this.pendingLen + n, this.pending.length * 2));
      grown.set(this.pending.subarray(0, this.pendingLen));
      this.pending = grown;
    }
    this.pending.set(this.x.buf.subarray(0, n), this.pendingLen);
    this.pendingLen += n;
    const safe = this.holds.length ? Math.min(this.holds[0]!.start, upTo) : upTo;
    return this.send(safe);
  }

  /** The pending bytes before `safe`, with their edits applied. */
  private send(safe: number): Uint8Array | undefined {
    const at = this.pendingAt;
    if (safe <= at) return undefined;
    const out: Uint8Array[] = [];
    let p = at;
    let k = 0;
    for (; k < this.edits.length && this.edits[k]!.at < safe; k++) {
      const e = this.edits[k]!;
      if (e.at < p) continue; // inside a range already replaced
      if (e.at > p) out.push(this.pending.subarray(p - at, e.at - at));
      if (e.put.length) out.push(e.put);
      p = e.to;
    }
    this.edits.splice(0, k);
    if (safe > p) out.push(this.pending.subarray(p - at, safe - at));
    p = Math.max(p, safe);
    const bytes = concat(out.length === 1 ? [out[0]!.slice()] : out);
    this.pending.copyWithin(0, p - at, this.pendingLen);
    this.pendingLen -= p - at;
    this.pendingAt = p;
    return bytes.length ? bytes : undefined;
  }
}

/** Character data of one element as raw bytes, decoded when it ends (a piece may cut a character). */
class TextBytes {
  private bytes = new Uint8Array(256);
  private len = 0;
  private flags = 0;
  /** more than `max` bytes: the text is not kept */
  overflow = false;

  constructor(private readonly max = 1 << 16) {}

  reset(): void {
    this.len = 0;
    this.flags = 0;
    this.overflow = false;
  }

  add(b: Uint8Array, from: number, to: number, flags: number): void {
    if (this.overflow) return;
    const cdata = (flags & TEXT_CDATA) !== 0;
    if (this.len + (to - from) * 5 > this.max) {
      this.overflow = true;
      return;
    }
    if (this.len + (to - from) * 5 > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.len + (to - from) * 5));
      grown.set(this.bytes.subarray(0, this.len));
      this.bytes = grown;
    }
    for (let i = from; i < to; i++) {
      // CDATA is literal: its '&' escaped, so that the whole text decodes in one go
      if (cdata && b[i] === 0x26) {
        this.bytes.set(AMP_ESCAPED, this.len);
        this.len += AMP_ESCAPED.length;
      } else this.bytes[this.len++] = b[i]!;
    }
    this.flags |= (flags & TEXT_CR) | (cdata ? TEXT_AMP : flags & TEXT_AMP);
  }

  text(): string {
    return this.len === 0 ? '' : decodeText(this.bytes, 0, this.len, this.flags);
  }
}
const AMP_ESCAPED = ENCODER.encode('&amp;');

function nameIds<const T extends readonly string[]>(names: T): { [K in T[number]]: number } {
  return Object.fromEntries(names.map((n, i) => [n, i + 1])) as { [K in T[number]]: number };
}

const mainNs = (ns: number) => ns === NS_MAIN || ns === NS_NONE;

/** The attribute's value as a whole number, -1 when absent or not one (no string made). */
function intAttr(x: XmlScanner, name: string): number {
  const i = x.attrIndex(name);
  if (i < 0) return -1;
  const b = x.buf;
  const vs = x.valueStart(i);
  const ve = x.valueEnd(i);
  if (ve === vs || ve - vs > 9) return -1;
  let n = 0;
  for (let k = vs; k < ve; k++) {
    const d = b[k]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

// ---------------------------------------------------------------------------
// Marks: the cells issues point at

interface Mark {
  /** 1-based row, 0-based column of the cell that carries the mark (a merged range's master) */
  row: number;
  col: number;
  issues: Issue[];
  severity: 'error' | 'warning';
}

const CELL_RE = /^([A-Z]{1,3})([1-9]\d{0,6})$/;

/** The cell an issue points at, or undefined for file-, sheet- and column-level issues. */
function issueCell(issue: Issue): { row: number; col: number } | undefined {
  const address = (issue.cell ?? (issue.column && issue.row !== undefined ? `${issue.column}${issue.row}` : '')).toUpperCase();
  const m = CELL_RE.exec(address);
  if (!m) return undefined;
  const col = columnIndex(m[1]!);
  const row = Number(m[2]);
  return col < 16384 && row <= 1_048_576 ? { row, col } : undefined;
}

/** One mark per cell, in row then column order; an issue inside a merged range lands on its master. */
function resolveMarks(issues: Issue[], merges: CellRange[]): Mark[] {
  const byCell = new Map<number, Mark>();
  for (const issue of issues) {
    const at = issueCell(issue);
    if (!at) continue;
    const merge = merges.find((r) => at.row >= r.top && at.row <= r.bottom && at.col + 1 >= r.left && at.col + 1 <= r.right);
    const row = merge ? merge.top : at.row;
    const col = merge ? merge.left - 1 : at.col;
    let mark = byCell.get(row * 16384 + col);
    if (!mark) byCell.set(row * 16384 + col, (mark = { row, col, issues: [], severity: 'warning' }));
    mark.issues.push(issue);
    if (issue.severity === 'error') mark.severity = 'error';
  }
  return [...byCell.values()].sort((a, b) => a.row - b.row || a.col - b.col);
}

/** A comment's text: each issue zh then en, a blank line between issues. */
function noteText(mark: Mark): string {
  const text = mark.issues
    .map((i) => (i.severity === 'error' ? `【错误 ${i.code}】${i.message.zh}\nError: ${i.message.en}` : `【警告 ${i.code}】${i.message.zh}\nWarning: ${i.message.en}`))
    .join('\n\n');
  return text.length > 30_000 ? `${text.slice(0, 29_999)}…` : text;
}

// ---------------------------------------------------------------------------
// A worksheet: marked cells restyled (missing ones inserted), a legacy drawing
// added, and what reaches outside neutralised. Only what changes is touched.

const SHEET_NAMES = [
  'worksheet', 'dimension', 'cols', 'col', 'sheetData', 'row', 'c', 'f', 'v', 'is', 'mergeCells', 'mergeCell',
  'hyperlinks', 'hyperlink', 'oleObjects', 'oleObject', 'controls', 'control', 'legacyDrawing',
  'legacyDrawingHF', 'drawingHF', 'picture', 'webPublishItems', 'tableParts', 'extLst', 'AlternateContent',
] as const;
const S = nameIds(SHEET_NAMES);
/** Children of a worksheet that come after legacyDrawing (ECMA-376 CT_Worksheet); mc:AlternateContent there wraps oleObjects or controls. */
const AFTER_LEGACY = new Set([S.legacyDrawingHF, S.drawingHF, S.picture, S.oleObjects, S.controls, S.webPublishItems, S.tableParts, S.extLst, S.AlternateContent]);
const WRAPPED: ReadonlyMap<number, number> = new Map([
  [S.hyperlinks, S.hyperlink],
  [S.oleObjects, S.oleObject],
  [S.controls, S.control],
]);

interface SheetJob {
  marks: Mark[];
  /** relationship ids taken out of the sheet's relationships */
  lost: ReadonlySet<string>;
  /** the relationship of a new VML drawing: a <legacyDrawing> goes in */
  legacyRid?: string;
  relNs: string;
  /** the style of a marked cell whose own style is xf */
  styleOf(mark: Mark, xf: number): number;
}

class SheetEdit implements PartHandler {
  readonly names = SHEET_NAMES;
  readonly merges: CellRange[] = [];
  /** the r:id of the sheet's own legacy drawing */
  legacyRid: string | undefined;
  onFormulaDropped = () => {};
  private p = '';
  private readonly rows: Map<number, Mark[]>;
  private readonly rowNumbers: number[];
  private nextRow = 0;
  private inSheetData = false;
  private afterSheetData = false;
  private legacyDone = false;
  private readonly colStyles: { min: number; max: number; style: number }[] = [];
  /** where the <row> and the <c> being read are (the reader's rule) */
  private readonly at = new CellCursor();
  /** marks styled on a cell whose r names another row than its <row>'s: they get no new cell */
  private readonly placed = new Set<Mark>();
  private readonly byCell = new Map<number, Mark>();
  // the row being read
  private rowStyle = -1;
  private rowMarks: Mark[] | undefined;
  private rowAt = 0;
  // the cell being read
  private strType: [number, number] | undefined; // where its t="str" value is, when it has one
  private convert = false; // its formula went: its cached string becomes an inline string
  private formula: { hold: Hold; si: number; master: boolean } | undefined;
  private readonly chars = new TextBytes();
  private readonly droppedShared = new Set<number>();

  constructor(private readonly job: SheetJob) {
    this.rows = new Map();
    for (const m of job.marks) {
      this.rows.set(m.row, [...(this.rows.get(m.row) ?? []), m]);
      this.byCell.set(m.row * COLUMNS + m.col, m);
    }
    this.rowNumbers = [...this.rows.keys()];
  }

  open(ed: PartEditor, name: number, ns: number): void {
    const x = ed.x;
    const d = x.depth;
    if (d === 1) {
      if (name !== S.worksheet || !mainNs(ns)) x.fail('the part is not a worksheet');
      this.p = ed.prefix();
      return;
    }
    if (this.inSheetData) {
      if (d === 3 && name === S.row) this.openRow(ed);
      else if (d === 4 && name === S.c && x.ancestor(1) === S.row) this.openCell(ed);
      else if (d === 5 && x.ancestor(1) === S.c) {
        if (name === S.f) this.openFormula(ed);
        else if (name === S.v || name === S.is) {
          const p = this.p;
          if (name === S.v && this.convert) ed.replaceTag(ed.selfClosing() ? `<${p}is><${p}t/></${p}is>` : `<${p}is><${p}t xml:space="preserve">`);
        }
      }
      return;
    }
    if (d === 2) {
      if (name === S.sheetData) return this.openSheetData(ed);
      if (this.afterSheetData && AFTER_LEGACY.has(name)) this.insertLegacy(ed, ed.start);
      if (name === S.legacyDrawing) this.legacyRid = x.attr('id', true);
      else if (name === S.dimension && this.rowNumbers.length) this.widenDimension(ed);
      const item = WRAPPED.get(name);
      if (item) ed.wrap(item);
    } else if (d === 3 && name === S.col && x.ancestor(1) === S.cols) {
      this.colStyles.push({ min: intAttr(x, 'min'), max: intAttr(x, 'max'), style: intAttr(x, 'style') });
    } else if (d === 3 && name === S.mergeCell && x.ancestor(1) === S.mergeCells) {
      const range = parseRange(x.attr('ref') ?? '');
      if (range) this.merges.push(range);
    }
    // what refers to a relationship that went (an outside hyperlink, a linked object) goes too;
    // an OLE object with a link names an external link, and those went
    if (ed.refsTo(this.job.lost).length || (name === S.oleObject && x.attrIndex('link') >= 0)) ed.drop();
  }

  close(ed: PartEditor, name: number): void {
    const d = ed.x.depth;
    if (this.inSheetData) {
      if (d === 5 && name === S.f && this.formula) this.closeFormula(ed);
      else if (d === 5 && name === S.v && this.convert && ed.isEndTag()) ed.replaceTag(`</${this.p}t></${this.p}is>`);
      else if (d === 4 && name === S.c) {
        this.strType = undefined;
        this.convert = false;
      } else if (d === 3 && name === S.row) this.closeRow(ed);
      else if (d === 2 && name === S.sheetData) {
        ed.insert(ed.start, this.rowsBefore(Infinity));
        this.inSheetData = false;
        this.afterSheetData = true;
      }
      return;
    }
    if (d === 1 && ed.isEndTag()) this.insertLegacy(ed, ed.start);
  }

  text(ed: PartEditor, start: number, end: number, flags: number): void {
    if (this.formula) this.chars.add(ed.x.buf, start, end, flags);
  }

  private openSheetData(ed: PartEditor): void {
    if (!ed.selfClosing()) {
      this.inSheetData = true;
      return;
    }
    this.afterSheetData = true;
    const rows = this.rowsBefore(Infinity);
    if (rows) ed.edit(ed.tagEnd() - 2, ed.tagEnd(), `>${rows}</${this.p}sheetData>`);
  }

  private openRow(ed: PartEditor): void {
    const x = ed.x;
    this.at.placeRow(x);
    const n = this.at.row;
    this.rowMarks = undefined;
    const custom = x.attr('customFormat');
    this.rowStyle = custom === '1' || custom === 'true' ? Math.max(0, intAttr(x, 's')) : -1;
    ed.insert(ed.start, this.rowsBefore(n));
    if (this.rowNumbers[this.nextRow] !== n) return;
    this.nextRow++;
    this.rowMarks = this.rows.get(n)!;
    this.rowAt = 0;
    // <row r="5"/>: the marked cells go inside
    if (ed.selfClosing()) ed.edit(ed.tagEnd() - 2, ed.tagEnd(), `>${this.cellsBefore(Infinity)}</${this.p}row>`);
  }

  private closeRow(ed: PartEditor): void {
    if (this.rowMarks && ed.isEndTag()) ed.insert(ed.start, this.cellsBefore(Infinity));
    this.rowMarks = undefined;
  }

  private openCell(ed: PartEditor): void {
    const x = ed.x;
    const at = this.at;
    at.placeCell(x);
    if (at.cellRow !== at.row) {
      // its r names another row: a mark there not yet placed is styled here, and gets no new cell
      const m = this.byCell.get(at.cellRow * COLUMNS + at.col);
      if (m && at.cellRow > at.row) {
        this.placed.add(m);
        ed.setAttr('s', String(this.job.styleOf(m, Math.max(0, intAttr(x, 's')))));
      }
    } else if (this.rowMarks) {
      ed.insert(ed.start, this.cellsBefore(at.col));
      const m = this.rowMarks[this.rowAt];
      if (m && m.col === at.col) {
        this.rowAt++;
        ed.setAttr('s', String(this.job.styleOf(m, Math.max(0, intAttr(x, 's')))));
      }
    }
    const ti = x.attrIndex('t');
    this.strType = ti >= 0 && x.valueEnd(ti) - x.valueStart(ti) === 3 && x.attrString(ti) === 'str' ? [x.valueStart(ti), x.valueEnd(ti)] : undefined;
    if (this.strType) {
      // its formula may still go, and then its type changes: the cell is held
      this.strType = [ed.abs(this.strType[0]), ed.abs(this.strType[1])];
      ed.hold();
    }
  }

  private openFormula(ed: PartEditor): void {
    const x = ed.x;
    const shared = x.attr('t') === 'shared';
    this.formula = { hold: ed.hold(), si: shared ? Number(x.attr('si')) : -1, master: shared && x.attrIndex('ref') >= 0 };
    this.chars.reset();
  }

  private closeFormula(ed: PartEditor): void {
    const f = this.formula!;
    this.formula = undefined;
    const reaches = this.chars.overflow || reachesOutside(this.chars.text());
    if (!reaches && !(f.si >= 0 && !f.master && this.droppedShared.has(f.si))) return;
    f.hold.keep = false;
    this.onFormulaDropped();
    if (f.master) this.droppedShared.add(f.si);
    if (this.strType) {
      this.convert = true;
      ed.edit(this.strType[0], this.strType[1], 'inlineStr');
    }
  }

  /** New rows for the marked rows before row n not yet placed. */
  private rowsBefore(n: number): string {
    let out = '';
    while (this.nextRow < this.rowNumbers.length && this.rowNumbers[this.nextRow]! < n) {
      const r = this.rowNumbers[this.nextRow++]!;
      const cells = this.rows.get(r)!.filter((m) => !this.placed.has(m));
      if (cells.length) out += `<${this.p}row r="${r}">${cells.map((m) => this.emptyCell(m, -1)).join('')}</${this.p}row>`;
    }
    return out;
  }

  /** Empty marked cells for the current row's marks before column col not yet placed. */
  private cellsBefore(col: number): string {
    const marks = this.rowMarks!;
    let out = '';
    while (this.rowAt < marks.length && marks[this.rowAt]!.col < col) {
      const m = marks[this.rowAt++]!;
      if (!this.placed.has(m)) out += this.emptyCell(m, this.rowStyle);
    }
    return out;
  }

  /** A marked cell that is not in the part, styled as the empty cell shows now: by its row, else its column. */
  private emptyCell(m: Mark, rowStyle: number): string {
    const own = rowStyle >= 0 ? rowStyle : (this.colStyles.find((c) => m.col + 1 >= c.min && m.col + 1 <= c.max)?.style ?? 0);
    return `<${this.p}c r="${cellRef(m.col, m.row)}" s="${this.job.styleOf(m, Math.max(0, own))}"/>`;
  }

  private insertLegacy(ed: PartEditor, at: number): void {
    if (this.job.legacyRid === undefined || this.legacyDone) return;
    this.legacyDone = true;
    ed.insert(at, `<${this.p}legacyDrawing xmlns:r="${this.job.relNs}" r:id="${this.job.legacyRid}"/>`);
  }

  /** The dimension covers the marked cells (an empty required cell past the last column, say). */
  private widenDimension(ed: PartEditor): void {
    const range = parseRange(ed.x.attr('ref') ?? '');
    if (!range) return;
    const { marks } = this.job;
    const top = Math.min(range.top, marks[0]!.row);
    const bottom = Math.max(range.bottom, marks[marks.length - 1]!.row);
    const left = Math.min(range.left, ...marks.map((m) => m.col + 1));
    const right = Math.max(range.right, ...marks.map((m) => m.col + 1));
    if (top !== range.top || bottom !== range.bottom || left !== range.left || right !== range.right) {
      ed.setAttr('ref', `${cellRef(left - 1, top)}:${cellRef(right - 1, bottom)}`);
    }
  }
}

// ---------------------------------------------------------------------------
// What could reach outside the workbook, or start a program, once the office opens it

const OUTSIDE_FUNCTIONS = /(?:^|[^\w.])(?:_xlfn\.)?(?:WEBSERVICE|RTD|CALL|REGISTER\.ID|IMAGE)\s*\(/i;
/** HYPERLINK whose target is not a literal "#place" inside the workbook */
const HYPERLINK_OUT = /(?:^|[^\w.])HYPERLINK\s*\(\s*(?!"#)/i;
const NAME_CHAR = /[\p{L}\p{N}_.]/u;

/**
 * Whether a formula (of a cell or a defined name) could reach outside: DDE
 * (`cmd|' /C calc'!A0`: a `|` outside string literals), a reference into
 * another workbook (`[1]Sheet1!A1`, `'C:\dir\[Book.xlsx]Sheet1'!A1`), a
 * HYPERLINK to an outside target, WEBSERVICE, RTD, CALL, IMAGE.
 */
export function reachesOutside(formula: string): boolean {
  // string literals emptied, so that only the formula's own syntax is looked at (an internal "#…" target keeps its '#')
  const bare = formula.replace(/"(?:[^"]|"")*"?/g, (s) => (s.startsWith('"#') ? '"#"' : '""'));
  return bare.includes('|') || HYPERLINK_OUT.test(bare) || OUTSIDE_FUNCTIONS.test(bare) || bookReference(bare);
}

/** A '[' that opens a workbook reference, not a table's structured reference (Table1[[#This Row],[Amount]]). */
function bookReference(bare: string): boolean {
  for (let i = 0; i < bare.length; i++) {
    if (bare[i] !== '[') continue;
    if (i === 0 || !NAME_CHAR.test(bare[i - 1]!)) return true;
    for (let depth = 0; i < bare.length; i++) {
      if (bare[i] === '[') depth++;
      else if (bare[i] === ']' && --depth === 0) break;
    }
  }
  return false;
}

/** Any other part that lost relationships: what refers to them goes; a linked picture keeps its place without the link. */
const CLEAN_NAMES = ['blip', 'table', 'tableColumn'] as const;
const R = nameIds(CLEAN_NAMES);

class RefCleaner implements PartHandler {
  readonly names = CLEAN_NAMES;

  constructor(
    private readonly lost: ReadonlySet<string>,
    /** a table whose query table went is a plain table */
    private readonly queryTableGone: boolean,
  ) {}

  open(ed: PartEditor, name: number): void {
    const refs = ed.refsTo(this.lost);
    if (refs.length && name === R.blip) for (const i of refs) ed.removeAttr(i);
    else if (refs.length) ed.drop();
    else if (this.queryTableGone) {
      const attr = name === R.table && ed.x.depth === 1 ? 'tableType' : name === R.tableColumn ? 'queryTableFieldId' : undefined;
      const i = attr ? ed.x.attrIndex(attr) : -1;
      if (i >= 0) ed.removeAttr(i);
    }
  }
}

// ---------------------------------------------------------------------------
// Comments and the legacy VML drawing that shows them

const COMMENT_NAMES = ['comments', 'authors', 'author', 'commentList', 'comment', 'text', 't', 'rPh', 'phoneticPr'] as const;
const K = nameIds(COMMENT_NAMES);

/** A sheet's own comments, merged: every one kept, ours added, to the clerk's own on a marked cell. */
class CommentsMerge implements PartHandler {
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

function commentsXml(marks: Mark[], main: string): string {
  return `${XML_DECL}<comments xmlns="${main}"><authors><author>${COMMENT_AUTHOR}</author></authors><commentList>${marks.map((m) => newComment(m, '', 0)).join('')}</commentList></comments>`;
}

const VML_NAMES = ['xml', 'shapetype', 'shape'] as const;
const V = nameIds(VML_NAMES);
// Declared on each shape we add, whatever prefixes the drawing itself uses (openpyxl's drawings do the same).
const VML_NS = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"';
const NOTE_TYPE = '_x0000_t202';

/** The sheet's own legacy drawing, with a note shape added for each new comment. */
class VmlAppend implements PartHandler {
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

function vmlXml(marks: Mark[], block: number): string {
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

// ---------------------------------------------------------------------------
// Styles: what the marks and the list need, appended to the clerk's tables

const STYLE_NAMES = ['styleSheet', 'fonts', 'font', 'fills', 'fill', 'cellXfs', 'xf'] as const;
const T = nameIds(STYLE_NAMES);
const HEADER_FILL = 'FFDDEBF7';
/** fonts we add: bold (the list's header), link, error, warning */
const OUR_FONTS = ['<b/><sz val="11"/>', '<u/><sz val="11"/><color rgb="FF0563C1"/>', `<sz val="11"/><color rgb="${ERROR_STYLE.font}"/>`, `<sz val="11"/><color rgb="${WARNING_STYLE.font}"/>`];
/** fills we add: error, warning, the list's header */
const OUR_FILLS = [ERROR_STYLE.fill, WARNING_STYLE.fill, HEADER_FILL];
const LIST_XFS = 5; // header, error, warning, wrapped text, link

/** An xf of the clerk's as written, less its fill: clones differ from it in their fill alone. */
interface XfTemplate {
  head: string;
  /** its children and end tag; undefined for an empty element */
  body?: string;
}

const DEFAULT_XF: XfTemplate = { head: '<xf numFmtId="0" fontId="0" borderId="0" xfId="0"' };

class Styles {
  /** what the clerk's tables hold (a fresh style sheet: its one font and xf) */
  fonts = 1;
  fills = 0;
  xfs = 1;
  /** the clones of the clerk's xfs that marked cells get, in order: index xfs + LIST_XFS + i */
  readonly clones: { xf: number; severity: Mark['severity'] }[] = [];
  private readonly cloneIds = new Map<string, number>();

  static async survey(pkg: Original, e: ZipEntry | undefined): Promise<Styles> {
    const s = new Styles();
    if (!e) return s;
    const count = { fonts: 0, fills: 0, xfs: 0 };
    const seen = new Set<number>();
    await pkg.scan(e, [...STYLE_NAMES], {
      open: (x, name) => {
        if (x.depth === 2) seen.add(name);
        if (x.depth !== 3) return;
        const parent = x.ancestor(1);
        if (name === T.font && parent === T.fonts) count.fonts++;
        else if (name === T.fill && parent === T.fills) count.fills++;
        else if (name === T.xf && parent === T.cellXfs) count.xfs++;
      },
    });
    if (![T.fonts, T.fills, T.cellXfs].every((n) => seen.has(n)) || count.fonts === 0 || count.xfs === 0) throw new CopyRefused(`${e.name} lacks fonts, fills or cell formats`);
    Object.assign(s, count);
    return s;
  }

  get fillBase(): number {
    return Math.max(2, this.fills);
  }

  /** 0 header, 1 error, 2 warning, 3 wrapped text, 4 link */
  listXf(k: number): number {
    return this.xfs + k;
  }

  /** The style of a marked cell whose own is xf: a clone of it with the severity's fill. */
  markXf(xf: number, severity: Mark['severity']): number {
    const source = xf < this.xfs ? xf : 0;
    const key = `${source}:${severity}`;
    let id = this.cloneIds.get(key);
    if (id === undefined) {
      id = this.xfs + LIST_XFS + this.clones.length;
      this.clones.push({ xf: source, severity });
      this.cloneIds.set(key, id);
    }
    return id;
  }

  fontsXml(p: string): string {
    return OUR_FONTS.map((f) => `<${p}font>${f.replace(/<(\/?)(\w)/g, `<$1${p}$2`)}</${p}font>`).join('');
  }

  fillsXml(p: string): string {
    const pad = ['none', 'gray125'].slice(this.fills).map((t) => `<${p}fill><${p}patternFill patternType="${t}"/></${p}fill>`);
    const ours = OUR_FILLS.map((rgb) => `<${p}fill><${p}patternFill patternType="solid"><${p}fgColor rgb="${rgb}"/><${p}bgColor indexed="64"/></${p}patternFill></${p}fill>`);
    return [...pad, ...ours].join('');
  }

  xfsXml(p: string, templates: ReadonlyMap<number, XfTemplate>): string {
    const font = (k: number) => this.fonts + k;
    const fill = (k: number) => this.fillBase + k;
    const xf = (attrs: string, body = '') => `<${p}xf numFmtId="0" borderId="0" xfId="0" ${attrs}${body ? `>${body}</${p}xf>` : '/>'}`;
    const list = [
      xf(`fontId="${font(0)}" fillId="${fill(2)}" applyFont="1" applyFill="1"`),
      xf(`fontId="${font(2)}" fillId="${fill(0)}" applyFont="1" applyFill="1"`),
      xf(`fontId="${font(3)}" fillId="${fill(1)}" applyFont="1" applyFill="1"`),
      xf('fontId="0" fillId="0" applyAlignment="1"', `<${p}alignment vertical="top" wrapText="1"/>`),
      xf(`fontId="${font(1)}" fillId="0" applyFont="1"`),
    ];
    const clones = this.clones.map(({ xf: source, severity }) => {
      const t = templates.get(source) ?? DEFAULT_XF;
      const attrs = ` fillId="${fill(severity === 'error' ? 0 : 1)}" applyFill="1"`;
      return `${t.head}${attrs}${t.body === undefined ? '/>' : `>${t.body}`}`;
    });
    return [...list, ...clones].join('');
  }

  get counts(): { fonts: number; fills: number; xfs: number } {
    return { fonts: this.fonts + OUR_FONTS.length, fills: this.fillBase + OUR_FILLS.length, xfs: this.xfs + LIST_XFS + this.clones.length };
  }
}

/** styles.xml with our fonts, fills and xfs appended (their counts updated) and the clones of the marked cells' xfs. */
class StylesEdit implements PartHandler {
  readonly names = STYLE_NAMES;
  private p = '';
  private xf = -1;
  private readonly wanted: Set<number>;
  private readonly templates = new Map<number, XfTemplate>();
  private capture: { index: number; head: string; empty: boolean; body: string[] } | undefined;

  constructor(private readonly s: Styles) {
    this.wanted = new Set(s.clones.map((c) => c.xf));
  }

  open(ed: PartEditor, name: number, ns: number): void {
    const x = ed.x;
    const d = x.depth;
    if (this.capture) {
      if (d > 3) this.capture.body.push(ed.rawTag());
      return;
    }
    if (d === 1) {
      if (name !== T.styleSheet || !mainNs(ns)) x.fail('the part is not a style sheet');
      this.p = ed.prefix();
    } else if (d === 2 && (name === T.fonts || name === T.fills || name === T.cellXfs)) {
      const counts = this.s.counts;
      if (x.attrIndex('count') >= 0) ed.setAttr('count', String(name === T.fonts ? counts.fonts : name === T.fills ? counts.fills : counts.xfs));
      if (ed.selfClosing()) ed.edit(ed.tagEnd() - 2, ed.tagEnd(), `>${this.additions(name)}</${ed.prefix()}${STYLE_NAMES[name - 1]}>`);
    } else if (d === 3 && name === T.xf && x.ancestor(1) === T.cellXfs && this.wanted.has(++this.xf)) {
      let head = `<${ed.prefix()}xf`;
      for (let i = 0; i < x.attrCount; i++) {
        const attr = ed.rawAttr(i);
        if (!/^(?:fillId|applyFill)\s*=/.test(attr)) head += ` ${attr}`;
      }
      this.capture = { index: this.xf, head, empty: ed.selfClosing(), body: [] };
    }
  }

  close(ed: PartEditor, name: number): void {
    const d = ed.x.depth;
    const c = this.capture;
    if (c) {
      if (d > 3 && ed.isEndTag()) c.body.push(ed.rawTag());
      if (d === 3) {
        this.templates.set(c.index, { head: c.head, body: c.empty ? undefined : c.body.join('') + ed.rawTag() });
        this.capture = undefined;
      }
    } else if (d === 2 && ed.isEndTag() && (name === T.fonts || name === T.fills || name === T.cellXfs)) {
      ed.insert(ed.start, this.additions(name));
    }
  }

  private additions(name: number): string {
    if (name === T.fonts) return this.s.fontsXml(this.p);
    if (name === T.fills) return this.s.fillsXml(this.p);
    return this.s.xfsXml(this.p, this.templates);
  }
}

function freshStyles(s: Styles, main: string): string {
  const c = s.counts;
  return (
    `${XML_DECL}<styleSheet xmlns="${main}">` +
    `<fonts count="${c.fonts}"><font><sz val="11"/><name val="等线"/><charset val="134"/></font>${s.fontsXml('')}</fonts>` +
    `<fills count="${c.fills}">${s.fillsXml('')}</fills>` +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${c.xfs}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>${s.xfsXml('', new Map())}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
  );
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

// ---------------------------------------------------------------------------
// The issue list

const WIDTHS = [14, 16, 10, 26, 60, 60, 24];

/** The 问题清单 sheet, streamed: inline strings, a frozen header, an autofilter, links to the marked cells. */
async function* listSheetXml(issues: Issue[], main: string, s: Styles, link: (issue: Issue) => string | undefined, selected: boolean, note?: Lang): AsyncGenerator<Uint8Array> {
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
async function listWorkbook(issues: Issue[], deflate: Deflate, reason: Lang): Promise<Uint8Array> {
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

function relsXml(rels: { id: string; type: string; target: string }[]): string {
  const list = rels.map((r) => `<Relationship Id="${xattr(r.id)}" Type="${xattr(r.type)}" Target="${xattr(r.target)}"/>`);
  return `${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${list.join('')}</Relationships>`;
}

// ---------------------------------------------------------------------------
// Text we write

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' };

/**
 * Element text in a string position (a cell, a comment): characters XML cannot
 * carry replaced, a literal _xHHHH_ escaped (readers would decode it), CR kept.
 */
function xtext(s: string): string {
  return cleanText(s)
    .replace(/_x([0-9A-Fa-f]{4})_/g, '_x005F_x$1_')
    .replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
}

function xattr(s: string): string {
  return cleanText(s).replace(/[&<>"\r\n\t]/g, (c) => TEXT_ESCAPES[c]!);
}
