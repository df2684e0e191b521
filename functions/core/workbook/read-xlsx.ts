// The xlsx reader: exceljs's streaming reader, fed a zip stream that the guard
// has already checked, and corrected for exceljs 4.4.0's known misreadings
// (TOOLCHAIN.md "exceljs 4.4.0 reading pitfalls").
//
// How the pitfalls are met:
// - We hand exceljs a re-built zip stream holding only the worksheets, renamed
//   sheet1.xml … sheetN.xml in workbook order. Shared strings, styles and the
//   workbook part were parsed by the guard (tolerantly, with merges and
//   states), so exceljs never copies a sheet to a temporary file waiting for
//   sharedStrings.xml, and never sees a part it would crash on.
// - Styles: exceljs is given a style table of our own whose number formats are
//   tags ('[q1]' date, '[q2]' percent …) carrying the date/percent decision
//   made from each style's numFmtId, CJK built-ins included. exceljs never
//   turns a number into a Date, so serials stay exact.
// - A sheet using a construct exceljs misreads (namespace prefixes, rows or
//   cells without r, t="d", formula errors/booleans, CDATA, entity-looking
//   text in t="str"/inline strings, inline rich text) is rewritten on the fly
//   into plain SpreadsheetML first; the guard's scan decides which sheets need
//   it, so ordinary files pay nothing.
// Nothing here touches the file system; memory does not grow with rows.
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { RawCell, RawRow, RawSheet, RawWorkbook } from '../model';
import {
  cellRef,
  columnIndex,
  columnLetter,
  DATE1904_OFFSET,
  decodeOoxmlEscapes,
  decodeXmlEntities,
  escapeXmlText,
  isoToSerial,
} from './cells';
import { DEFAULT_LIMITS, issues, parseAttributes, scanXlsx, WorkbookError, type FileLimits, type XlsxScan, type XlsxSheetInfo } from './guard';
import { crc32Of, dataDescriptor, endRecord, localHeader, type ZipEntry } from './zip';

/** Flags carried through exceljs in a cell's style. */
const F_DATE = 1;
const F_PERCENT = 2;
const F_FORMULA = 4; // a formula whose <f> we dropped (error or boolean result)
const F_ABSOLUTE = 8; // an ISO date we converted: already 1900-system, never shifted
/** The rewrite adds flags to a cell's style index above this bit. */
const EXTRA_SHIFT = 2 ** 20;

/** Streams the workbook. Iteration may throw WorkbookError (e.g. FILE_CORRUPT, FILE_TOO_LARGE for too many rows). Call only after inspectFile said xlsx. */
export async function readXlsx(bytes: Uint8Array, limits: FileLimits = DEFAULT_LIMITS): Promise<RawWorkbook> {
  const scan = await scanXlsx(bytes, limits);
  return { format: 'xlsx', sheets: readSheets(bytes, scan, limits) };
}

// exceljs's streaming internals we rely on (pinned exceljs 4.4.0; see workbook-reader.js)
interface StreamWorkbookReader {
  sharedStrings: unknown;
  workbookRels: unknown;
  model: unknown;
  styles: { getStyleModel(id: number): { numFmt: string } | null };
  parse(): AsyncIterable<{ eventType: string; value: unknown }>;
}
interface StreamCell {
  value: unknown;
  style?: { numFmt?: string };
}
interface StreamRow {
  number: number;
  eachCell(cb: (cell: StreamCell, col: number) => void): void;
}

const MISSING_STRING = Symbol('qtrack.missingSharedString');

async function* readSheets(bytes: Uint8Array, scan: XlsxScan, limits: FileLimits): AsyncGenerator<RawSheet> {
  const input = Readable.from(zipForExceljs(bytes, scan), { objectMode: false });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  }) as unknown as StreamWorkbookReader;
  // A shared-string index past the table is a broken file; return a marker we
  // can name the cell for, instead of exceljs silently making the cell empty.
  // The marker comes from the array's prototype, so in-range lookups stay a
  // plain array load (a Proxy around the array costs ~10× per lookup).
  const strings = scan.sharedStrings.slice();
  Object.setPrototypeOf(
    strings,
    new Proxy(Array.prototype, {
      get(target, key, receiver) {
        return typeof key === 'string' && /^-?\d+$|^NaN$/.test(key) ? { [MISSING_STRING]: key } : Reflect.get(target, key, receiver);
      },
    }),
  );
  reader.sharedStrings = strings;
  reader.workbookRels = [];
  reader.model = { sheets: [] };
  const models = new Map<number, { numFmt: string } | null>();
  reader.styles = {
    getStyleModel(id: number) {
      let model = models.get(id);
      if (model === undefined) {
        const flags = (scan.styleFlags[id % EXTRA_SHIFT] ?? 0) | Math.floor(id / EXTRA_SHIFT);
        model = flags ? { numFmt: `[q${flags}]` } : null;
        models.set(id, model);
      }
      return model;
    },
  };

  let k = 0;
  let current = 0;
  try {
    for await (const { eventType, value } of reader.parse()) {
      if (eventType !== 'worksheet') continue;
      const info = scan.sheets[k++];
      if (!info) break;
      const token = ++current;
      const rows = rowsOf(value as AsyncIterable<StreamRow>, info, scan, limits, () => token === current);
      yield { name: info.name, state: info.state, merges: info.merges, rows };
    }
  } catch (err) {
    if (err instanceof WorkbookError) throw err;
    throw new WorkbookError(issues.corrupt(`${(err as Error)?.message ?? err}`), { cause: err });
  }
}

async function* rowsOf(
  sheet: AsyncIterable<StreamRow>,
  info: XlsxSheetInfo,
  scan: XlsxScan,
  limits: FileLimits,
  isCurrent: () => boolean,
): AsyncGenerator<RawRow> {
  if (!isCurrent()) throw new Error(`rows of sheet “${info.name}” read after the next sheet was requested`);
  let count = 0;
  try {
    for await (const row of sheet) {
      const raw = toRawRow(row, info, scan.date1904);
      if (!raw) continue;
      if (++count > limits.maxRowsPerSheet) throw new WorkbookError(issues.tooManyRows(info.name, limits));
      yield raw;
    }
  } catch (err) {
    if (err instanceof WorkbookError) throw err;
    throw new WorkbookError(issues.corrupt(`sheet “${info.name}”: ${(err as Error)?.message ?? err}`, info.name), { cause: err });
  }
}

function toRawRow(row: StreamRow, info: XlsxSheetInfo, date1904: boolean): RawRow | undefined {
  const cells: (RawCell | undefined)[] = [];
  let any = false;
  row.eachCell((cell, col) => {
    const raw = toRawCell(cell, date1904, info, row.number, col - 1);
    if (raw) {
      cells[col - 1] = raw;
      any = true;
    }
  });
  return any ? { index: row.number, cells } : undefined;
}

function styleFlags(cell: StreamCell): number {
  const fmt = cell.style?.numFmt;
  // our tags look like '[q5]'; anything else (none) means no flags
  return fmt !== undefined && fmt.charCodeAt(1) === 113 ? Number(fmt.slice(2, -1)) : 0;
}

/** A number cell's flags: its own style, else (no style of its own) its column's. */
function numberFlags(cell: StreamCell, info: XlsxSheetInfo, col: number): number {
  const own = styleFlags(cell);
  if (own || info.columnFlags.length === 0) return own;
  for (const c of info.columnFlags) if (col + 1 >= c.min && col + 1 <= c.max) return c.flags;
  return 0;
}

function numberCell(num: number, flags: number, date1904: boolean, formula: boolean): RawCell {
  const cell: RawCell = { kind: 'number', num };
  if (flags & F_DATE) {
    cell.date = true;
    if (date1904 && !(flags & F_ABSOLUTE)) cell.num = num + DATE1904_OFFSET;
  }
  if (flags & F_PERCENT) cell.percent = true;
  if (formula) cell.formula = true;
  return cell;
}

function toRawCell(cell: StreamCell, date1904: boolean, info: XlsxSheetInfo, row: number, col: number): RawCell | undefined {
  const v = cell.value;
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? undefined : numberCell(v, numberFlags(cell, info, col), date1904, false);
    case 'string': {
      const text = decodeOoxmlEscapes(v);
      return text === '' ? undefined : { kind: 'string', text };
    }
    case 'boolean': {
      const flags = styleFlags(cell);
      return flags & F_FORMULA ? { kind: 'boolean', bool: v, formula: true } : { kind: 'boolean', bool: v };
    }
    case 'object': {
      if (v === null) return undefined;
      if (v instanceof Date) {
        return { kind: 'number', num: v.getTime() / 86_400_000 + 25_569, date: true };
      }
      const o = v as Record<string | symbol, unknown>;
      if (MISSING_STRING in o) {
        throw new WorkbookError(
          issues.corrupt(`cell ${cellRef(col, row)} refers to shared string ${String(o[MISSING_STRING])}, which does not exist`, info.name),
        );
      }
      if ('error' in o) {
        const text = String(o.error);
        return styleFlags(cell) & F_FORMULA ? { kind: 'error', text, formula: true } : { kind: 'error', text };
      }
      if ('formula' in o || 'sharedFormula' in o) {
        const result = o.result;
        if (typeof result === 'number' && !Number.isNaN(result)) return numberCell(result, numberFlags(cell, info, col), date1904, true);
        if (typeof result === 'string') {
          const text = decodeOoxmlEscapes(result);
          return text === '' ? undefined : { kind: 'string', text, formula: true };
        }
        if (typeof result === 'boolean') return { kind: 'boolean', bool: result, formula: true };
        if (result instanceof Date) return { kind: 'number', num: result.getTime() / 86_400_000 + 25_569, date: true, formula: true };
        if (result && typeof result === 'object' && 'error' in result) {
          return { kind: 'error', text: String((result as { error: unknown }).error), formula: true };
        }
        return { kind: 'nocache', text: String(o.formula ?? o.sharedFormula ?? '') };
      }
      if ('richText' in o && Array.isArray(o.richText)) {
        const text = decodeOoxmlEscapes(o.richText.map((r: { text?: string }) => r.text ?? '').join(''));
        return text === '' ? undefined : { kind: 'string', text };
      }
      if ('text' in o) {
        const text = decodeOoxmlEscapes(String(o.text ?? ''));
        return text === '' ? undefined : { kind: 'string', text };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// The zip stream exceljs reads

const SLICE = 1 << 16;

async function* zipForExceljs(bytes: Uint8Array, scan: XlsxScan): AsyncGenerator<Buffer> {
  for (let k = 0; k < scan.sheets.length; k++) {
    const info = scan.sheets[k];
    const name = `xl/worksheets/sheet${k + 1}.xml`;
    const e = info.part;
    if (!info.normalise) {
      // The verified compressed bytes as they are, behind a header with the
      // directory's sizes (so exceljs inflates exactly what the guard counted).
      yield localHeader(name, e.method, e.crc, e.compressedSize, e.uncompressedSize);
      for (let i = 0; i < e.compressedSize; i += SLICE) {
        yield Buffer.from(bytes.buffer, bytes.byteOffset + e.dataOffset + i, Math.min(SLICE, e.compressedSize - i));
      }
    } else {
      // Rewritten XML has no size known in advance: stored, with a data
      // descriptor after it. XML text never holds the descriptor's 0x07 byte.
      yield localHeader(name, 0, 0, 0, 0, true);
      let crc = 0;
      let size = 0;
      for await (const out of normalisedSheet(bytes, e)) {
        crc = crc32Of(out, crc);
        size += out.length;
        yield out;
      }
      yield dataDescriptor(crc, size, size);
    }
  }
  yield endRecord();
}

async function* inflated(bytes: Uint8Array, e: ZipEntry): AsyncGenerator<Buffer> {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset + e.dataOffset, e.compressedSize);
  if (e.method === 0) {
    for (let i = 0; i < data.length; i += SLICE) yield data.subarray(i, i + SLICE);
    return;
  }
  const inflater = createInflateRaw({ chunkSize: SLICE });
  Readable.from([data]).pipe(inflater);
  for await (const chunk of inflater) yield chunk as Buffer;
}

async function* normalisedSheet(bytes: Uint8Array, e: ZipEntry): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder('utf-8');
  const rewriter = new SheetRewriter();
  for await (const chunk of inflated(bytes, e)) {
    const out = rewriter.push(decoder.decode(chunk, { stream: true }));
    if (out) yield Buffer.from(out, 'utf8');
  }
  const out = rewriter.push(decoder.decode()) + rewriter.end();
  if (out) yield Buffer.from(out, 'utf8');
}

// Characters XML 1.0 forbids: they would stop the SAX parser (and 0x07 could fake a zip descriptor).
const FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;
const esc = (text: string) => escapeXmlText(text.replace(FORBIDDEN, ''));

interface PendingCell {
  ref: string;
  t?: string;
  s: number;
  f?: string; // raw (escaped) formula text
  v?: string; // raw (escaped) value text
  is?: string; // raw (escaped) inline string text
}

/**
 * Rewrites a worksheet part, as it streams, into the plain SpreadsheetML
 * exceljs reads correctly: no namespace prefixes, every row and cell with an
 * r, CDATA as text, t="d" as a date serial, formula errors and booleans
 * without their <f> (flagged through the style), text in t="str" and inline
 * strings escaped once more because exceljs decodes it twice, inline rich
 * text joined into one run.
 */
export class SheetRewriter {
  private pending = '';
  private out: string[] = [];
  private row = 0;
  private col = -1;
  private cell: PendingCell | undefined;
  private capture: 'f' | 'v' | 'is' | undefined;
  private inIs = false;
  private inPhonetic = false;

  push(text: string): string {
    this.pending += text;
    this.run(false);
    return this.flush();
  }

  end(): string {
    this.run(true);
    if (this.pending && !this.cell) this.out.push(this.pending);
    this.pending = '';
    return this.flush();
  }

  private flush(): string {
    const s = this.out.join('');
    this.out = [];
    return s;
  }

  private run(final: boolean): void {
    const s = this.pending;
    let pos = 0;
    while (pos < s.length) {
      const lt = s.indexOf('<', pos);
      if (lt < 0) {
        // Text up to the end; keep a possibly cut entity for the next chunk.
        const amp = s.lastIndexOf('&');
        const cut = !final && amp >= pos && s.indexOf(';', amp) < 0 ? amp : s.length;
        this.text(s.slice(pos, cut));
        pos = cut;
        break;
      }
      if (lt > pos) this.text(s.slice(pos, lt));
      pos = lt;
      if (s.startsWith('<![CDATA[', lt) || (!final && s.length - lt < 9 && '<![CDATA['.startsWith(s.slice(lt)))) {
        const end = s.indexOf(']]>', lt);
        if (end < 0) break;
        this.cdata(s.slice(lt + 9, end));
        pos = end + 3;
        continue;
      }
      if (s.startsWith('<!--', lt)) {
        const end = s.indexOf('-->', lt);
        if (end < 0) break;
        pos = end + 3;
        continue;
      }
      const gt = s.indexOf('>', lt);
      if (gt < 0) break;
      if (s[lt + 1] === '?' || s[lt + 1] === '!') this.out.push(s.slice(lt, gt + 1));
      else this.tag(s.slice(lt + 1, gt));
      pos = gt + 1;
    }
    this.pending = s.slice(pos);
  }

  private text(t: string): void {
    if (!t) return;
    if (this.cell) {
      if (this.capture === 'f') this.cell.f += t;
      else if (this.capture === 'v') this.cell.v += t;
      else if (this.capture === 'is' && !this.inPhonetic) this.cell.is += t;
      return;
    }
    this.out.push(t);
  }

  private cdata(t: string): void {
    this.text(escapeXmlText(t));
  }

  private tag(inner: string): void {
    const closing = inner.charCodeAt(0) === 47; // '/'
    const selfClosing = !closing && inner.charCodeAt(inner.length - 1) === 47;
    const body = closing ? inner.slice(1) : selfClosing ? inner.slice(0, -1) : inner;
    const m = /^\s*([\w.:-]+)/.exec(body);
    if (!m) return;
    const qname = m[1];
    const local = qname.includes(':') ? qname.slice(qname.indexOf(':') + 1) : qname;
    const attrsText = body.slice(m[0].length);

    if (closing) {
      switch (local) {
        case 'f':
        case 'v':
          this.capture = undefined;
          return;
        case 't':
          if (this.inIs) this.capture = undefined;
          return;
        case 'rPh':
          this.inPhonetic = false;
          return;
        case 'is':
          this.inIs = false;
          this.capture = undefined;
          return;
        case 'c':
          if (this.cell) this.emitCell(this.cell);
          this.cell = undefined;
          return;
        default:
          if (!this.cell) this.out.push(`</${local}>`);
          return;
      }
    }

    switch (local) {
      case 'row': {
        const attrs = parseAttributes(attrsText);
        const r = attrs.r !== undefined && /^\d+$/.test(attrs.r) ? Number(attrs.r) : this.row + 1;
        this.row = r;
        this.col = -1;
        const rest = attrsText.replace(/(^|\s)r\s*=\s*("[^"]*"|'[^']*')/, '');
        this.out.push(`<row r="${r}"${rest}${selfClosing ? '/' : ''}>`);
        return;
      }
      case 'c': {
        const attrs = parseAttributes(attrsText);
        let ref = attrs.r;
        const parsed = ref ? /^([A-Za-z]{1,3})(\d+)$/.exec(ref) : null;
        if (parsed) {
          this.col = columnIndex(parsed[1]);
          ref = parsed[1].toUpperCase() + parsed[2];
        } else {
          this.col += 1;
          ref = `${columnLetter(this.col)}${this.row}`;
        }
        const cell: PendingCell = { ref, t: attrs.t, s: attrs.s && /^\d+$/.test(attrs.s) ? Number(attrs.s) : 0 };
        if (selfClosing) this.emitCell(cell);
        else this.cell = cell;
        return;
      }
      case 'f':
        if (this.cell) {
          this.cell.f = '';
          this.capture = selfClosing ? undefined : 'f';
        }
        return;
      case 'v':
        if (this.cell) {
          this.cell.v = '';
          this.capture = selfClosing ? undefined : 'v';
        }
        return;
      case 'is':
        if (this.cell) {
          this.cell.is = '';
          this.inIs = !selfClosing;
        }
        return;
      case 'rPh':
        if (!selfClosing) this.inPhonetic = true;
        return;
      case 't':
        if (this.cell && this.inIs && !selfClosing) this.capture = 'is';
        return;
      default:
        if (!this.cell) this.out.push(`<${local}${attrsText}${selfClosing ? '/' : ''}>`);
    }
  }

  private emitCell(c: PendingCell): void {
    const style = (extra: number) => {
      const s = c.s + extra * EXTRA_SHIFT;
      return s ? ` s="${s}"` : '';
    };
    const f = c.f !== undefined ? `<f>${esc(decodeXmlEntities(c.f))}</f>` : '';
    const v = c.v !== undefined ? decodeXmlEntities(c.v) : undefined;
    const head = (extra: number, t?: string) => `<c r="${c.ref}"${style(extra)}${t ? ` t="${t}"` : ''}>`;
    switch (c.t) {
      case 'd': {
        const serial = v !== undefined ? isoToSerial(v) : undefined;
        if (serial !== undefined) this.out.push(`${head(F_DATE | F_ABSOLUTE)}${f}<v>${serial}</v></c>`);
        else if (v !== undefined) this.out.push(`${head(0, 'str')}${f}<v>${esc(esc(v))}</v></c>`);
        else this.out.push(`${head(0)}${f}</c>`);
        return;
      }
      case 'e':
        if (v !== undefined) this.out.push(`${head(c.f !== undefined ? F_FORMULA : 0, 'e')}<v>${esc(v)}</v></c>`);
        else this.out.push(`${head(0)}${f}</c>`);
        return;
      case 'b':
        if (v !== undefined) this.out.push(`${head(c.f !== undefined ? F_FORMULA : 0, 'b')}<v>${esc(v)}</v></c>`);
        else this.out.push(`${head(0)}${f}</c>`);
        return;
      case 'str':
        this.out.push(`${head(0, 'str')}${f}${v !== undefined ? `<v>${esc(esc(v))}</v>` : ''}</c>`);
        return;
      case 'inlineStr': {
        const text = c.is !== undefined ? decodeXmlEntities(c.is) : v;
        this.out.push(`${head(0, 'inlineStr')}${f}${text !== undefined ? `<is><t>${esc(esc(text))}</t></is>` : ''}</c>`);
        return;
      }
      default:
        this.out.push(`${head(0, c.t)}${f}${v !== undefined ? `<v>${esc(v)}</v>` : ''}</c>`);
    }
  }
}
