// The .xlsx reader: a SpreadsheetML package read part by part, pull-based.
//
// Opening reads the zip directory, [Content_Types].xml, the package and
// workbook relationships, workbook.xml, styles.xml and the shared strings;
// then each sheet is streamed when its rows are asked for: inflated piece by
// piece (node:zlib here, behind the Inflate port), scanned at byte level
// (xml.ts) and turned into RawRow batches. The consumer's pace drives the
// reading: nothing is read ahead of what it asked for, so a slow consumer makes
// reading wait and can never make it skip. Every part counts against one
// inflate budget, and a part that does not parse is refused, never read in
// part.
//
// Why a reader of our own (measured here, 2026-12, on the 100k-row bench
// workbook): exceljs 4.4.0's streaming reader drops whole worksheets when its
// consumer awaits between rows (its issues #2790, #3064; no release since
// 2023), misreads cached 0 and "" formula results, column styles and a dozen
// other constructs, and takes 1.6–2.1 s; SheetJS on the npm registry is
// 0.18.5, with CVE-2023-30533 and CVE-2024-22363, and slower still (2.6–5 s);
// generic SAX parsers only tokenize, and even that takes saxes 6.0 0.59 s and
// sax 1.6 1.17 s on the 28 MB of sheet XML that inflate in 0.06 s, where this
// reader reads every cell in about 0.2–0.3 s.
import type { CellRange, Lang, RawRow, RawSheet, RawWorkbook } from '../model';
import { type FileLimits, issues, WorkbookError } from './guard';
import { builtinFlags, formatFlags } from './number-format';
import { SharedStrings } from './shared-strings';
import { SHEET_NAMES, type SheetInfo, SheetReader } from './sheet-reader';
import { isMainNs, NS_MAIN, NS_NONE, XmlError, type XmlHandler, XmlScanner } from './xml';
import { type ByteSource, entryBytes, findEntry, type Inflate, readZipDirectory, type ZipEntry, ZipFault } from './zip';

export interface XlsxOptions {
  inflate: Inflate;
  limits: FileLimits;
  /** read each sheet's merged ranges before its rows (a second pass over the sheet part) */
  mergesFirst?: boolean;
}

/** Rows are handed over for about this much of a sheet's XML at a time. */
const BATCH_BYTES = 1 << 14;
/** Parts below this size are not held to the ratio limit: a few KB of spaces is not a bomb. */
const RATIO_FLOOR = 1 << 16;

/** A relationship of a part. */
export interface Rel {
  id: string;
  type: string;
  /** as written */
  target: string;
  external: boolean;
  /** the part it names ('' when external) */
  part: string;
}

/** Opens the package and reads what every sheet needs; throws WorkbookError. */
export async function openXlsx(source: ByteSource, options: XlsxOptions): Promise<RawWorkbook> {
  const pkg = new Package(source, await guarded(() => readZipDirectory(source)), options);
  await guarded(() => pkg.open());
  return { format: 'xlsx', sheets: pkg.sheets() };
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toWorkbookError(err);
  }
}

function toWorkbookError(err: unknown, sheet?: string, where?: Lang): WorkbookError {
  if (err instanceof WorkbookError) return err;
  if (err instanceof ZipFault) {
    const p = err.problem;
    if (p.kind === 'encrypted') return new WorkbookError(issues.encrypted(), { cause: err });
    if (p.kind === 'too-large') return new WorkbookError(issues.tooLargeInside(p.detail), { cause: err });
    return new WorkbookError(issues.corrupt(p.detail, sheet), { cause: err });
  }
  if (err instanceof XmlError) return new WorkbookError(issues.corrupt(err.message, sheet, where), { cause: err });
  throw err; // not a problem of the file: a bug, and it must be seen as one
}

/**
 * The parts of a package, by name, as UTF-8: every part inflating against one
 * budget and held to the ratio limit. The reader reads a package through it,
 * and so does the annotated copy.
 */
export class PackageParts {
  private budget: number;

  constructor(
    readonly source: ByteSource,
    readonly entries: ZipEntry[],
    private readonly inflate: Inflate,
    private readonly limits: FileLimits,
  ) {
    this.budget = limits.maxUncompressedBytes;
  }

  /** A part by its name in the package; relationship targets may be percent-encoded. */
  entry(name: string): ZipEntry | undefined {
    const found = findEntry(this.entries, name);
    if (found || !name.includes('%')) return found;
    try {
      return findEntry(this.entries, decodeURIComponent(name));
    } catch {
      return undefined;
    }
  }

  /** One part's bytes as UTF-8, bounded by the ratio limit and the budget left. */
  async *pieces(e: ZipEntry): AsyncGenerator<Uint8Array> {
    const { limits } = this;
    const cap = Math.min(this.budget, Math.max(RATIO_FLOOR, Math.max(1, e.compressedSize) * limits.maxRatio));
    for await (const piece of asUtf8(entryBytes(this.source, e, this.inflate, cap))) {
      this.budget -= piece.length;
      if (this.budget < 0) {
        const mb = Math.round(limits.maxUncompressedBytes / 1048576);
        throw new WorkbookError(issues.tooLargeInside({ zh: `${e.name}：工作簿解压后超过 ${mb} MB`, en: `${e.name}: the workbook inflates past ${mb} MB` }));
      }
      yield piece;
    }
  }

  /** Reads a part with a handler of the scanner's own; a part that does not parse names itself. */
  async scan(e: ZipEntry, names: string[], h: Partial<XmlHandler>): Promise<void> {
    const handler: XmlHandler = { open() {}, close() {}, text() {}, detach() {}, ...h };
    const x = new XmlScanner(handler, names);
    try {
      for await (const piece of this.pieces(e)) x.push(piece);
      x.end();
    } catch (err) {
      throw namingPart(e, err);
    }
  }

  /** A relationships part: its relationships, each internal one with the part it names. */
  async rels(e: ZipEntry): Promise<Rel[]> {
    const base = sourceOf(e.name).replace(/[^/]*$/, '');
    const out: Rel[] = [];
    await this.scan(e, ['Relationships', 'Relationship'], {
      open: (x, name) => {
        if (name !== 2) return;
        const target = x.attr('Target') ?? '';
        const external = x.attr('TargetMode') === 'External';
        out.push({ id: x.attr('Id') ?? '', type: x.attr('Type') ?? '', target, external, part: external ? '' : resolveTarget(base, target) });
      },
    });
    return out;
  }
}

/** A part that does not parse names itself in the message. */
export function namingPart(e: ZipEntry, err: unknown): unknown {
  return err instanceof XmlError ? new XmlError(`${e.name}: ${err.message}`) : err;
}

class Package {
  private readonly parts: PackageParts;
  private date1904 = false;
  private styleFlags: Uint8Array = new Uint8Array(0);
  private strings = new SharedStrings();
  private infos: SheetInfo[] = [];

  constructor(
    source: ByteSource,
    private readonly entries: ZipEntry[],
    private readonly options: XlsxOptions,
  ) {
    this.parts = new PackageParts(source, entries, options.inflate, options.limits);
  }

  async open(): Promise<void> {
    const { limits } = this.options;
    const entry = (name: string) => findEntry(this.entries, name);
    if (this.entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name))) throw new WorkbookError(issues.macros());
    // Declared sizes first: an honest bomb is refused before a byte is inflated.
    let declared = 0;
    for (const e of this.entries) {
      declared += e.uncompressedSize;
      if (e.uncompressedSize > RATIO_FLOOR && e.uncompressedSize > Math.max(1, e.compressedSize) * limits.maxRatio) {
        const ratio = Math.round(e.uncompressedSize / Math.max(1, e.compressedSize));
        throw new WorkbookError(issues.tooLargeInside({ zh: `${e.name}：压缩比 ${ratio}:1`, en: `${e.name}: compressed ${ratio}:1` }));
      }
    }
    if (declared > limits.maxUncompressedBytes) throw new WorkbookError(issues.tooLargeInside({ zh: `声明解压后共 ${Math.round(declared / 1048576)} MB`, en: `${Math.round(declared / 1048576)} MB declared uncompressed` }));

    // part name (lower case) → content type, from the Override elements
    const contentTypes = new Map<string, string>();
    const types = entry('[Content_Types].xml');
    if (types) {
      await this.parts.scan(types, ['Types', 'Default', 'Override'], {
        open: (x, name) => {
          const type = x.attr('ContentType') ?? '';
          if (/macroEnabled/i.test(type) && !/binary/i.test(type)) throw new WorkbookError(issues.macros());
          if (name === 3) contentTypes.set(resolveTarget('', x.attr('PartName') ?? '').toLowerCase(), type);
        },
      });
    }

    // The workbook part: where the package relationships say, else the usual place.
    const rootRels = entry('_rels/.rels');
    const office = rootRels ? (await this.rels(rootRels)).find((r) => /\/officeDocument$/.test(r.type)) : undefined;
    const workbook = (office && this.parts.entry(office.part)) ?? entry('xl/workbook.xml');
    const type = workbook && contentTypes.get(workbook.name.toLowerCase());
    if (!workbook || (type && !/spreadsheetml/i.test(type))) throw new WorkbookError(notAWorkbook(this.entries));
    if (/\.bin$/i.test(workbook.name)) throw new WorkbookError(issues.notWorkbook(XLSB));
    const dir = workbook.name.slice(0, workbook.name.lastIndexOf('/') + 1);
    const relsEntry = entry(relsNameOf(workbook.name));
    const rels = relsEntry ? await this.rels(relsEntry) : [];
    if (rels.some((r) => /\/(macrosheet|vbaProject)$/i.test(r.type))) throw new WorkbookError(issues.macros());

    const sheets: { name: string; state: RawSheet['state']; rid: string }[] = [];
    await this.parts.scan(workbook, ['workbook', 'workbookPr', 'sheets', 'sheet'], {
      open: (x, name, ns) => {
        if (x.depth === 1 && (name !== 1 || !isMainNs(ns))) x.fail(`${workbook.name} is not a workbook part`);
        if (name === 2) this.date1904 = /^(1|true)$/.test(x.attr('date1904') ?? '');
        else if (name === 4 && x.ancestor(1) === 3) {
          const state = x.attr('state');
          sheets.push({
            name: x.attr('name') ?? '',
            state: state === 'hidden' || state === 'veryHidden' ? state : 'visible',
            rid: x.attr('id', true) ?? '',
          });
        }
      },
    });

    const related = (kind: string, fallback: string) => {
      const rel = rels.find((r) => r.type.endsWith(`/${kind}`));
      return rel ? this.parts.entry(rel.part) : entry(`${dir}${fallback}`);
    };
    const styles = related('styles', 'styles.xml');
    if (styles) this.styleFlags = await this.readStyles(styles);
    const sst = related('sharedStrings', 'sharedStrings.xml');
    if (sst) await this.readSharedStrings(sst);

    for (const [i, s] of sheets.entries()) {
      const rel = rels.find((r) => r.id === s.rid);
      // chart sheets and dialog sheets hold no cells: not part of the data
      if (rel && !/\/worksheet$/.test(rel.type)) continue;
      const target = rel?.part ?? (relsEntry ? undefined : `${dir}worksheets/sheet${i + 1}.xml`);
      const part = target === undefined ? undefined : this.parts.entry(target);
      if (!part) throw new WorkbookError(issues.corrupt(`sheet “${s.name}” points at a part that is not in the file (${target ?? s.rid})`));
      this.infos.push({ name: s.name, state: s.state, entry: part });
    }
  }

  /** The internal relationships of a relationships part (external ones name nothing in the package). */
  private async rels(e: ZipEntry): Promise<Rel[]> {
    return (await this.parts.rels(e)).filter((r) => !r.external);
  }

  private async readStyles(e: ZipEntry): Promise<Uint8Array> {
    const custom = new Map<number, string>();
    const xfs: number[] = [];
    await this.parts.scan(e, ['styleSheet', 'numFmts', 'numFmt', 'cellXfs', 'xf'], {
      open: (x, name) => {
        if (name === 3 && x.ancestor(1) === 2) custom.set(Number(x.attr('numFmtId')), x.attr('formatCode') ?? '');
        else if (name === 5 && x.ancestor(1) === 4) xfs.push(Number(x.attr('numFmtId') ?? 0));
      },
    });
    return Uint8Array.from(xfs, (id) => {
      const code = custom.get(id);
      return code !== undefined ? formatFlags(code) : builtinFlags(id);
    });
  }

  private async readSharedStrings(e: ZipEntry): Promise<void> {
    const table = this.strings;
    // <si> holds <t>, or rich-text runs <r><t>; phonetic runs (<rPh>) are not text
    let inText = false;
    await this.parts.scan(e, ['sst', 'si', 't', 'r', 'rPh'], {
      open: (x, name, ns) => {
        if (x.depth === 1) {
          if (name !== 1 || !isMainNs(ns)) x.fail(`${e.name} is not a shared-string table`);
          x.fastDepth = 1;
          table.expect(Number(x.attr('uniqueCount') ?? x.attr('count')), e.uncompressedSize);
        }
        if (name === 2 && x.ancestor(1) === 1) table.begin();
        else if (name === 3) {
          const parent = x.ancestor(1);
          inText = parent === 2 || (parent === 4 && x.ancestor(2) === 2);
        }
      },
      close: (_x, name) => {
        if (name === 2) table.end();
        else if (name === 3) inText = false;
      },
      text: (x, s, t, flags) => {
        if (inText) table.add(x.buf, s, t, flags);
      },
      fast: (x, p) => fastSharedString(x, p, table),
    });
    table.seal();
  }

  async *sheets(): AsyncGenerator<RawSheet> {
    for (const info of this.infos) {
      const merges: CellRange[] = [];
      const prescan = this.options.mergesFirst === true && info.state === 'visible';
      if (prescan) {
        const pass = this.readSheet(info, false);
        let r = await pass.next();
        while (!r.done) r = await pass.next();
        merges.push(...r.value);
      }
      const sheet = { name: info.name, state: info.state, merges, mergesFirst: prescan } as RawSheet;
      const pass = this.readSheet(info, true, sheet);
      sheet.rows = (async function* () {
        const found = yield* pass;
        if (!prescan) merges.push(...found);
      })();
      yield sheet;
    }
  }

  /** Streams one sheet part as row batches (none when `keepRows` is false); returns its merged ranges. */
  private async *readSheet(info: SheetInfo, keepRows: boolean, sheet?: RawSheet): AsyncGenerator<RawRow[], CellRange[]> {
    const reader = new SheetReader(info, this.strings, this.styleFlags, this.date1904, this.options.limits.maxRowsPerSheet);
    const x = new XmlScanner(reader, SHEET_NAMES);
    try {
      let read = 0;
      for await (const piece of this.parts.pieces(info.entry)) {
        // a piece is scanned a quarter at a time: batches stay small, and so does what is
        // alive when the garbage collector runs (it sizes the young generation by that)
        for (let at = 0; at < piece.length; at += BATCH_BYTES) {
          const part = piece.subarray(at, Math.min(at + BATCH_BYTES, piece.length));
          x.push(part);
          read += part.length;
          if (reader.rows.length === 0) continue;
          const out = reader.rows;
          reader.rows = [];
          if (sheet) sheet.rowsHint = reader.rowsHint(read);
          if (keepRows) yield out;
        }
      }
      x.end();
    } catch (err) {
      throw toWorkbookError(err, info.name, reader.where());
    }
    if (keepRows && reader.rows.length > 0) yield reader.rows;
    return reader.merges;
  }
}

const SI_T = new TextEncoder().encode('<si><t>');
const SI_T_PRESERVE = new TextEncoder().encode('<si><t xml:space="preserve">');
const T_SI = new TextEncoder().encode('</t></si>');

/** The usual shared string in one go: `<si><t>plain text</t></si>`; anything else goes to the general path. */
function fastSharedString(x: XmlScanner, p: number, table: SharedStrings): number {
  const b = x.buf;
  const n = x.limit;
  const ns = x.defaultNamespace;
  if (ns !== NS_MAIN && ns !== NS_NONE) return -1;
  let q = at(b, p, n, SI_T) ? p + SI_T.length : at(b, p, n, SI_T_PRESERVE) ? p + SI_T_PRESERVE.length : -1;
  if (q < 0) return -1;
  const s = q;
  while (q < n) {
    const c = b[q]!;
    if (c === 0x3c) break;
    if (c === 0x26 || c === 0x0d) return -1;
    q++;
  }
  if (!at(b, q, n, T_SI)) return -1;
  table.begin();
  table.add(b, s, q, 0);
  table.end();
  return q + T_SI.length;
}

function at(b: Uint8Array, p: number, n: number, what: Uint8Array): boolean {
  if (p + what.length > n) return false;
  for (let i = 0; i < what.length; i++) if (b[p + i] !== what[i]) return false;
  return true;
}

const XLSB = { zh: '这是 Excel 二进制工作簿（.xlsb）', en: 'This is an Excel binary workbook (.xlsb)' };

function notAWorkbook(entries: ZipEntry[]) {
  const has = (name: string) => findEntry(entries, name) !== undefined;
  if (has('xl/workbook.bin')) return issues.notWorkbook(XLSB);
  if (has('word/document.xml')) return issues.notWorkbook({ zh: '这是 Word 文档（.docx）', en: 'This is a Word document (.docx)' });
  if (has('ppt/presentation.xml')) return issues.notWorkbook({ zh: '这是 PowerPoint 文件（.pptx）', en: 'This is a PowerPoint file (.pptx)' });
  if (has('content.xml') && has('mimetype')) return issues.notWorkbook({ zh: '这是 OpenDocument 文件（.ods）', en: 'This is an OpenDocument file (.ods)' });
  return issues.notWorkbook({ zh: '这是普通 zip 压缩包', en: 'This is a plain zip archive' });
}

/** A relationship's target resolved against a folder ('xl/'): the part name it points at. */
export function resolveTarget(base: string, target: string): string {
  const parts = (target.startsWith('/') ? target : base + target).replace(/\\/g, '/').split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

/** 'xl/worksheets/sheet1.xml' → 'xl/worksheets/_rels/sheet1.xml.rels' */
export function relsNameOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/** 'xl/worksheets/_rels/sheet1.xml.rels' → 'xl/worksheets/sheet1.xml' ('' for the package's own) */
export function sourceOf(relsName: string): string {
  const m = /^(.*?)_rels\/([^/]*)\.rels$/i.exec(relsName);
  return m ? `${m[1]}${m[2]}` : '';
}

/** The XML declaration of the parts we write, and of every part transcoded to UTF-8. */
export const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/**
 * The part's bytes as UTF-8: parts in UTF-16 (with or without a BOM) or in an
 * encoding named by the XML declaration are transcoded as they stream, and
 * their declaration rewritten to say UTF-8 (a copy writes them back so).
 */
export async function* asUtf8(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = pieces[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  let done = false;
  while (head.length < 256) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    head = concat(head, r.value);
  }
  const label = encodingOf(head);
  const rest = async function* () {
    if (head.length) yield head;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  };
  if (label === 'utf-8') {
    yield* rest();
    return;
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new XmlError(`the part is in an encoding that cannot be read (${label})`);
  }
  const encoder = new TextEncoder();
  let first = true;
  try {
    for await (const piece of rest()) {
      let text = decoder.decode(piece, { stream: true });
      if (first && text) {
        text = XML_DECL + text.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
        first = false;
      }
      yield encoder.encode(text);
    }
    yield encoder.encode(decoder.decode());
  } catch (err) {
    if (err instanceof TypeError) throw new XmlError(`the part is not valid ${label}`);
    throw err;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function encodingOf(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0x3c && head[1] === 0x00) return 'utf-16le';
  if (head[0] === 0x00 && head[1] === 0x3c) return 'utf-16be';
  if (head[0] !== 0x3c || head[1] !== 0x3f) return 'utf-8';
  const decl = String.fromCharCode(...head.subarray(0, Math.min(head.length, 200)));
  const m = /^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(decl);
  return !m || /^utf-?8$/i.test(m[1]!) ? 'utf-8' : m[1]!.toLowerCase();
}
