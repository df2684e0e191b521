// The file guards (PRODUCT §5.6): everything an upload must pass before a
// spreadsheet parser sees its bytes. Sniffs the real type (never trusting the
// name), rejects legacy, encrypted and macro workbooks, and inflates the parts
// the reader will use under hard limits so a zip bomb costs seconds, not the
// process. The same pass collects what the reader must know before rows
// stream: sheet names and states, merges, styles, shared strings.
import type { CellRange, Issue, IssueCode, Lang } from '../model';
import { decodeXmlEntities, parseRange } from './cells';
import { findEntry, inflateEntry, inflateToBuffer, readZipDirectory, ZipFault, type ZipEntry } from './zip';

export interface FileLimits {
  maxFileBytes: number;
  maxUncompressedBytes: number;
  maxRatio: number;
  maxRowsPerSheet: number;
}

export const DEFAULT_LIMITS: FileLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  maxRowsPerSheet: 1_000_000,
};

/** A file- or sheet-level problem found while reading; carries the Issue to report. */
export class WorkbookError extends Error {
  override readonly name = 'WorkbookError';
  constructor(readonly issue: Issue, options?: { cause?: unknown }) {
    super(`${issue.code}: ${issue.message.en}`, options);
  }
}

export type FileFormat = 'xlsx' | 'csv';

type GuardResult = { ok: true; format: FileFormat } | { ok: false; issue: Issue };

// ---------------------------------------------------------------------------
// Messages: what went wrong and what to do, Chinese first.

const RESAVE = {
  zh: '请在 Excel 或 WPS 中打开并“另存为” Excel 工作簿（.xlsx）后重新上传',
  en: 'open it in Excel or WPS, save it as an Excel workbook (.xlsx) and upload again',
};

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export function fileIssue(code: IssueCode, message: Lang, sheet?: string): Issue {
  return sheet === undefined ? { severity: 'error', code, message } : { severity: 'error', code, sheet, message };
}

export const issues = {
  empty: () =>
    fileIssue('FILE_NOT_WORKBOOK', {
      zh: '文件为空（0 字节），请重新选择要上传的 .xlsx 工作簿',
      en: 'The file is empty (0 bytes); choose the .xlsx workbook to upload',
    }),
  notWorkbook: (what: Lang) =>
    fileIssue('FILE_NOT_WORKBOOK', {
      zh: `${what.zh}，不是 Excel 工作簿；请上传 .xlsx 文件（单张表也可上传 UTF-8 编码的 .csv，文件名为表类型，如 inspections.csv）`,
      en: `${what.en}, not an Excel workbook; upload an .xlsx file (a single sheet may be a UTF-8 .csv named for its kind, e.g. inspections.csv)`,
    }),
  textAsXlsx: () =>
    fileIssue('FILE_NOT_WORKBOOK', {
      zh: '文件扩展名是 .xlsx，但内容是纯文本（可能是改了扩展名的 CSV）；请在 Excel/WPS 中“另存为” .xlsx，或按表类型命名为 .csv（如 inspections.csv）上传',
      en: 'The file is named .xlsx but holds plain text (a renamed CSV?); save it as .xlsx in Excel/WPS, or upload it as a .csv named for its kind (e.g. inspections.csv)',
    }),
  legacyXls: () =>
    fileIssue('FILE_LEGACY_XLS', {
      zh: '这是旧版 Excel 97-2003 (.xls) 文件，请在 Excel/WPS 中“另存为” .xlsx 后重新上传',
      en: 'This is a legacy Excel 97-2003 .xls file; save it as .xlsx and upload again',
    }),
  encrypted: () =>
    fileIssue('FILE_ENCRYPTED', {
      zh: '工作簿设置了打开密码（已加密），系统无法读取；请在 Excel/WPS 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存为 .xlsx 重新上传',
      en: 'The workbook is password-protected (encrypted) and cannot be read; remove the password (File → Info → Protect Workbook → Encrypt with Password, clear it), save as .xlsx and upload again',
    }),
  macros: () =>
    fileIssue('FILE_MACROS', {
      zh: '工作簿包含宏（VBA 代码，.xlsm），出于安全原因不予接收；请“另存为”不含宏的 Excel 工作簿（.xlsx）后重新上传',
      en: 'The workbook holds macros (a VBA project, .xlsm) and is refused for security; save it as a macro-free Excel workbook (.xlsx) and upload again',
    }),
  tooLargeFile: (size: number, limits: FileLimits) =>
    fileIssue('FILE_TOO_LARGE', {
      zh: `文件大小 ${mb(size)}，超过上限 ${mb(limits.maxFileBytes)}；请删除无关的工作表、图片或空白格式行后重新上传，或分批报送`,
      en: `The file is ${mb(size)}, above the ${mb(limits.maxFileBytes)} limit; remove unrelated sheets, pictures or blank formatted rows, or split the submission`,
    }),
  tooLargeInside: (detail: string) =>
    fileIssue('FILE_TOO_LARGE', {
      zh: `工作簿解压后过大或压缩比异常（${detail}），疑似异常文件，已拒收；请在 Excel/WPS 中打开检查后另存为 .xlsx 重新上传`,
      en: `The workbook is too large once uncompressed or abnormally compressed (${detail}) and was refused; check it in Excel/WPS, save it as .xlsx and upload again`,
    }),
  tooManyRows: (sheet: string, limits: FileLimits) =>
    fileIssue(
      'FILE_TOO_LARGE',
      {
        zh: `工作表“${sheet}”的数据行超过 ${limits.maxRowsPerSheet} 行上限；请删除多余的行或分批报送`,
        en: `Sheet “${sheet}” has more than ${limits.maxRowsPerSheet} data rows; remove the extra rows or split the submission`,
      },
      sheet,
    ),
  corrupt: (detail: string, sheet?: string) =>
    fileIssue(
      'FILE_CORRUPT',
      {
        zh: `文件已损坏或不完整（${detail}）；${RESAVE.zh}`,
        en: `The file is damaged or incomplete (${detail}); ${RESAVE.en}`,
      },
      sheet,
    ),
};

// ---------------------------------------------------------------------------
// Sniffing

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY_MAGIC = [0x50, 0x4b, 0x05, 0x06];
const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** Text if it has a UTF-16 BOM, or no NUL byte and decodes as UTF-8 or GB18030. */
export function looksLikeText(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return true;
  const sample = bytes.subarray(0, Math.min(bytes.length, 1 << 20));
  if (sample.indexOf(0) >= 0) return false;
  for (const encoding of ['utf-8', 'gb18030']) {
    try {
      // stream: true tolerates a character cut at the end of the sample
      new TextDecoder(encoding, { fatal: true }).decode(sample, { stream: true });
      return true;
    } catch {
      // not this encoding
    }
  }
  return false;
}

const DESCRIBE: { test: (b: Uint8Array) => boolean; what: Lang }[] = [
  { test: (b) => startsWith(b, [0x25, 0x50, 0x44, 0x46]), what: { zh: '这是 PDF 文件', en: 'This is a PDF file' } },
  { test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47]), what: { zh: '这是 PNG 图片', en: 'This is a PNG image' } },
  { test: (b) => startsWith(b, [0xff, 0xd8, 0xff]), what: { zh: '这是 JPEG 图片', en: 'This is a JPEG image' } },
  { test: (b) => startsWith(b, [0x52, 0x61, 0x72, 0x21]), what: { zh: '这是 RAR 压缩包', en: 'This is a RAR archive' } },
  { test: (b) => startsWith(b, [0x37, 0x7a, 0xbc, 0xaf]), what: { zh: '这是 7z 压缩包', en: 'This is a 7z archive' } },
];

/** Sniffs and checks the bytes before any parser sees them. Never throws on bad input. */
export async function inspectFile(bytes: Uint8Array, fileName: string, limits: FileLimits = DEFAULT_LIMITS): Promise<GuardResult> {
  try {
    return await inspect(bytes, fileName, limits);
  } catch (err) {
    if (err instanceof WorkbookError) return { ok: false, issue: err.issue };
    return { ok: false, issue: issues.corrupt(err instanceof Error ? err.message : String(err)) };
  }
}

async function inspect(bytes: Uint8Array, fileName: string, limits: FileLimits): Promise<GuardResult> {
  if (bytes.length === 0) return { ok: false, issue: issues.empty() };
  if (bytes.length > limits.maxFileBytes) return { ok: false, issue: issues.tooLargeFile(bytes.length, limits) };
  const ext = extensionOf(fileName);
  if (startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, ZIP_EMPTY_MAGIC)) {
    await scanXlsx(bytes, limits);
    if (ext === 'xlsm') return { ok: false, issue: issues.macros() };
    return { ok: true, format: 'xlsx' };
  }
  if (startsWith(bytes, CFB_MAGIC)) return { ok: false, issue: inspectCfb(bytes) };
  if (looksLikeText(bytes)) {
    if (ext === 'csv') return { ok: true, format: 'csv' };
    if (ext === 'xlsx' || ext === 'xls' || ext === 'xlsm') return { ok: false, issue: issues.textAsXlsx() };
    return { ok: false, issue: issues.notWorkbook({ zh: '这是纯文本文件', en: 'This is a plain text file' }) };
  }
  const known = DESCRIBE.find((d) => d.test(bytes));
  return { ok: false, issue: issues.notWorkbook(known?.what ?? { zh: '无法识别的文件类型', en: 'The file type is not recognised' }) };
}

// ---------------------------------------------------------------------------
// Compound File Binary (OLE2): legacy .xls, and Excel's encrypted .xlsx

/** The stream names in a CFB file's directory; undefined when the structure is broken. */
export function cfbStreamNames(bytes: Uint8Array): string[] | undefined {
  try {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const shift = dv.getUint16(0x1e, true);
    if (shift !== 9 && shift !== 12) return undefined;
    const size = 1 << shift;
    const sectorOffset = (id: number) => (id + 1) * size;
    const fatIds: number[] = [];
    for (let i = 0; i < 109; i++) {
      const id = dv.getInt32(0x4c + i * 4, true);
      if (id >= 0) fatIds.push(id);
    }
    let difat = dv.getInt32(0x44, true);
    for (let guard = 0; difat >= 0 && guard < 10_000; guard++) {
      const off = sectorOffset(difat);
      if (off + size > bytes.length) return undefined;
      for (let i = 0; i < size / 4 - 1; i++) {
        const id = dv.getInt32(off + i * 4, true);
        if (id >= 0) fatIds.push(id);
      }
      difat = dv.getInt32(off + size - 4, true);
    }
    const fat: number[] = [];
    for (const id of fatIds) {
      const off = sectorOffset(id);
      if (off + size > bytes.length) return undefined;
      for (let i = 0; i < size / 4; i++) fat.push(dv.getInt32(off + i * 4, true));
    }
    const names: string[] = [];
    const seen = new Set<number>();
    for (let sector = dv.getInt32(0x30, true); sector >= 0; sector = fat[sector] ?? -1) {
      if (seen.has(sector)) return undefined; // a loop in the chain
      seen.add(sector);
      const off = sectorOffset(sector);
      if (off + size > bytes.length) return undefined;
      for (let e = off; e < off + size; e += 128) {
        const nameLen = dv.getUint16(e + 0x40, true);
        const type = dv.getUint8(e + 0x42);
        if (type === 0 || nameLen < 2 || nameLen > 64) continue;
        let name = '';
        for (let i = 0; i < nameLen / 2 - 1; i++) name += String.fromCharCode(dv.getUint16(e + i * 2, true));
        names.push(name);
      }
    }
    return names;
  } catch {
    return undefined;
  }
}

function inspectCfb(bytes: Uint8Array): Issue {
  const names = cfbStreamNames(bytes);
  if (!names) {
    // Broken directory: fall back to looking for the stream name's UTF-16 bytes.
    const needle = Buffer.from('EncryptedPackage', 'utf16le');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle) >= 0
      ? issues.encrypted()
      : issues.legacyXls();
  }
  if (names.includes('EncryptedPackage') || names.includes('EncryptionInfo')) return issues.encrypted();
  if (names.includes('Workbook') || names.includes('Book')) return issues.legacyXls();
  if (names.includes('WordDocument')) return issues.notWorkbook({ zh: '这是 Word 文档（.doc）', en: 'This is a Word document (.doc)' });
  return issues.notWorkbook({ zh: '这是旧版 Office 文件（非 Excel 工作簿）', en: 'This is a legacy Office file that is not an Excel workbook' });
}

// ---------------------------------------------------------------------------
// The xlsx scan: directory checks, bounded inflate, and what the reader needs

export interface XlsxSheetInfo {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  part: ZipEntry;
  merges: CellRange[];
  /**
   * Date/percent flags of column styles (<col style>), for cells written
   * without an s attribute: Gnumeric formats a date column only on <col>.
   */
  columnFlags: { min: number; max: number; flags: number }[];
  /** the part trips an exceljs pitfall and must be rewritten before exceljs reads it */
  normalise: boolean;
}

export const STYLE_DATE = 1;
export const STYLE_PERCENT = 2;

export interface XlsxScan {
  entries: ZipEntry[];
  sheets: XlsxSheetInfo[];
  date1904: boolean;
  /** per cellXfs index: STYLE_DATE | STYLE_PERCENT */
  styleFlags: Uint8Array;
  sharedStrings: string[];
}

const cache = new WeakMap<Uint8Array, { limits: FileLimits; scan: Promise<XlsxScan> }>();

const sameLimits = (a: FileLimits, b: FileLimits) =>
  a.maxFileBytes === b.maxFileBytes &&
  a.maxUncompressedBytes === b.maxUncompressedBytes &&
  a.maxRatio === b.maxRatio &&
  a.maxRowsPerSheet === b.maxRowsPerSheet;

/**
 * Checks a zip workbook and collects what the reader needs. Throws
 * WorkbookError. The result is cached per byte array so inspectFile and
 * readXlsx inflate the parts once between them.
 */
export function scanXlsx(bytes: Uint8Array, limits: FileLimits = DEFAULT_LIMITS): Promise<XlsxScan> {
  const hit = cache.get(bytes);
  if (hit && sameLimits(hit.limits, limits)) return hit.scan;
  const scan = doScan(bytes, limits);
  cache.set(bytes, { limits, scan });
  return scan;
}

/** Parts below this size are not held to the ratio limit: a few KB of spaces is not a bomb. */
const RATIO_FLOOR = 1 << 16;

async function doScan(bytes: Uint8Array, limits: FileLimits): Promise<XlsxScan> {
  if (bytes.length > limits.maxFileBytes) throw new WorkbookError(issues.tooLargeFile(bytes.length, limits));
  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(bytes);
  } catch (err) {
    throw toWorkbookError(err);
  }
  const has = (name: string) => findEntry(entries, name) !== undefined;
  if (!has('xl/workbook.xml')) {
    if (has('xl/workbook.bin')) {
      throw new WorkbookError(
        issues.notWorkbook({ zh: '这是 Excel 二进制工作簿（.xlsb）', en: 'This is an Excel binary workbook (.xlsb)' }),
      );
    }
    if (has('word/document.xml')) throw new WorkbookError(issues.notWorkbook({ zh: '这是 Word 文档（.docx）', en: 'This is a Word document (.docx)' }));
    if (has('ppt/presentation.xml')) throw new WorkbookError(issues.notWorkbook({ zh: '这是 PowerPoint 文件（.pptx）', en: 'This is a PowerPoint file (.pptx)' }));
    if (has('content.xml') && has('mimetype')) {
      throw new WorkbookError(issues.notWorkbook({ zh: '这是 OpenDocument 文件（.ods）', en: 'This is an OpenDocument file (.ods)' }));
    }
    throw new WorkbookError(issues.notWorkbook({ zh: '这是普通 zip 压缩包', en: 'This is a plain zip archive' }));
  }
  if (entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name))) throw new WorkbookError(issues.macros());

  // Declared sizes first: honest bombs are refused before a byte is inflated.
  let declared = 0;
  for (const e of entries) {
    declared += e.uncompressedSize;
    if (e.uncompressedSize > RATIO_FLOOR && e.uncompressedSize > Math.max(1, e.compressedSize) * limits.maxRatio) {
      throw new WorkbookError(issues.tooLargeInside(`${e.name}: ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1`));
    }
  }
  if (declared > limits.maxUncompressedBytes) throw new WorkbookError(issues.tooLargeInside(`${mb(declared)}`));

  // Then inflate what the reader will use, counting for real.
  let budget = limits.maxUncompressedBytes;
  const cap = (e: ZipEntry) => Math.min(budget, Math.max(RATIO_FLOOR, Math.max(1, e.compressedSize) * limits.maxRatio));
  const spend = (n: number) => {
    budget -= n;
  };
  const small = async (e: ZipEntry): Promise<string> => {
    try {
      const buf = await inflateToBuffer(bytes, e, cap(e));
      spend(buf.length);
      return buf.toString('utf8');
    } catch (err) {
      throw toWorkbookError(err);
    }
  };
  const stream = async (e: ZipEntry, onChunk: (c: Buffer) => void): Promise<void> => {
    try {
      spend(await inflateEntry(bytes, e, cap(e), onChunk));
    } catch (err) {
      throw toWorkbookError(err);
    }
  };

  const contentTypes = findEntry(entries, '[Content_Types].xml');
  if (contentTypes && /macroEnabled/i.test(await small(contentTypes))) throw new WorkbookError(issues.macros());

  const workbookXml = await small(findEntry(entries, 'xl/workbook.xml')!);
  const relsEntry = findEntry(entries, 'xl/_rels/workbook.xml.rels');
  const rels = relsEntry ? parseRels(await small(relsEntry), 'xl/') : [];
  const book = parseWorkbookXml(workbookXml);

  const stylesTarget = rels.find((r) => r.type.endsWith('/styles'))?.target ?? 'xl/styles.xml';
  const stylesEntry = findEntry(entries, stylesTarget);
  const styleFlags = stylesEntry ? parseStyleFlags(await small(stylesEntry)) : new Uint8Array(0);

  const sstTarget = rels.find((r) => r.type.endsWith('/sharedStrings'))?.target ?? 'xl/sharedStrings.xml';
  const sstEntry = findEntry(entries, sstTarget);
  const sharedStrings: string[] = [];
  if (sstEntry) {
    const parser = new SharedStringsParser(sharedStrings);
    await stream(sstEntry, (c) => parser.push(c));
    parser.end();
  }

  const sheets: XlsxSheetInfo[] = [];
  for (const s of book.sheets) {
    const rel = rels.find((r) => r.id === s.rid);
    // Chart sheets and dialog sheets hold no cells: not part of the data.
    if (rel && !/\/worksheet$/.test(rel.type)) continue;
    const target = rel?.target ?? `xl/worksheets/sheet${sheets.length + 1}.xml`;
    const part = findEntry(entries, target);
    if (!part) throw new WorkbookError(issues.corrupt(`sheet “${s.name}” points at a missing part ${target}`));
    const scanner = new SheetScanner(styleFlags);
    await stream(part, (c) => scanner.push(c));
    sheets.push({
      name: s.name,
      state: s.state,
      part,
      merges: scanner.merges,
      columnFlags: scanner.columnFlags,
      normalise: scanner.needsNormalising(),
    });
  }
  return { entries, sheets, date1904: book.date1904, styleFlags, sharedStrings };
}

function toWorkbookError(err: unknown): WorkbookError {
  if (err instanceof WorkbookError) return err;
  if (err instanceof ZipFault) {
    const p = err.problem;
    if (p.kind === 'encrypted') return new WorkbookError(issues.encrypted(), { cause: err });
    if (p.kind === 'too-large') return new WorkbookError(issues.tooLargeInside(p.detail), { cause: err });
    return new WorkbookError(issues.corrupt(p.detail), { cause: err });
  }
  return new WorkbookError(issues.corrupt(err instanceof Error ? err.message : String(err)), { cause: err });
}

// ---------------------------------------------------------------------------
// Small XML parts, parsed tolerantly: any namespace prefix, either quote style

const ATTR = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(ATTR)) {
    const key = m[1];
    const local = key.includes(':') ? key.slice(key.indexOf(':') + 1) : key;
    const value = decodeXmlEntities(m[2] ?? m[3] ?? '');
    out[key] = value;
    // r:id is found by its local name whatever the prefix ('r', 'ns1' …); xmlns:* is not an attribute of interest
    if (local !== key && !key.startsWith('xmlns') && !(local in out)) out[local] = value;
  }
  return out;
}

function tags(xml: string, localName: string): Record<string, string>[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}(?=[\\s/>])([^>]*)>`, 'g');
  return [...xml.matchAll(re)].map((m) => parseAttributes(m[1]));
}

interface Rel {
  id: string;
  type: string;
  target: string;
}

function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = (base + target).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

function parseRels(xml: string, base: string): Rel[] {
  return tags(xml, 'Relationship')
    .filter((a) => a.TargetMode !== 'External')
    .map((a) => ({ id: a.Id ?? '', type: a.Type ?? '', target: resolveTarget(base, a.Target ?? '') }));
}

function parseWorkbookXml(xml: string): {
  sheets: { name: string; rid: string; state: XlsxSheetInfo['state'] }[];
  date1904: boolean;
} {
  const pr = tags(xml, 'workbookPr')[0] ?? {};
  const date1904 = pr.date1904 === '1' || pr.date1904 === 'true';
  const sheets = tags(xml, 'sheet').map((a) => ({
    name: a.name ?? '',
    rid: a['r:id'] ?? a.id ?? '',
    state: (a.state === 'hidden' || a.state === 'veryHidden' ? a.state : 'visible') as XlsxSheetInfo['state'],
  }));
  return { sheets, date1904 };
}

/** Built-in date and time formats, CJK ones (27–36, 50–58) included: Excel writes no <numFmt> for them. */
const BUILTIN_DATE = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
const BUILTIN_PERCENT = new Set([9, 10]);

/** Date-ness and percent-ness of a format code, ignoring quoted text, escapes and [colour]/[$-locale] parts. */
export function formatFlags(code: string): number {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/_./g, '')
    .replace(/\[(?!h|m|s)[^\]]*\]/gi, '');
  // Only the first section (positive numbers) decides.
  const first = bare.split(';')[0];
  let flags = 0;
  if (/%/.test(first)) flags |= STYLE_PERCENT;
  if (/[ymdhs年月日]/i.test(first) && !/^general$/i.test(first.trim())) flags |= STYLE_DATE;
  return flags;
}

export function parseStyleFlags(xml: string): Uint8Array {
  const custom = new Map<number, string>();
  for (const a of tags(xml, 'numFmt')) custom.set(Number(a.numFmtId), a.formatCode ?? '');
  const section = /<(?:[\w.-]+:)?cellXfs\b[\s\S]*?<\/(?:[\w.-]+:)?cellXfs>/.exec(xml)?.[0] ?? '';
  const xfs = tags(section, 'xf');
  const flags = new Uint8Array(xfs.length);
  xfs.forEach((a, i) => {
    const id = Number(a.numFmtId ?? 0);
    const code = custom.get(id);
    if (code !== undefined) flags[i] = formatFlags(code);
    else if (BUILTIN_DATE.has(id)) flags[i] = STYLE_DATE;
    else if (BUILTIN_PERCENT.has(id)) flags[i] = STYLE_PERCENT;
  });
  return flags;
}

/**
 * Shared strings, parsed as the part streams in. Rich text runs are joined;
 * phonetic runs (<rPh>) are not text; CDATA is kept; `_xHHHH_` is left for the
 * reader to decode once with every other string.
 */
class SharedStringsParser {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8');
  constructor(private readonly out: string[]) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    this.drain(false);
  }

  end(): void {
    this.pending += this.decoder.decode();
    this.drain(true);
  }

  private scanned = 0; // chars of pending already searched for a closing tag
  private prefixed: boolean | undefined;

  private drain(final: boolean): void {
    if (this.prefixed === undefined) {
      if (!final && this.pending.length < 512) return;
      this.prefixed = /<[\w.-]+:sst[\s>]/.test(this.pending);
    }
    let consumed = 0;
    if (!this.prefixed) {
      // the common case, searched with indexOf; simple items skip the general parser
      let end: number;
      let from = Math.max(0, this.scanned - 8);
      while ((end = this.pending.indexOf('</si>', from)) >= 0) {
        const segment = this.pending.slice(consumed, end + 5);
        const simple = SIMPLE_SI.exec(segment);
        this.out.push(simple ? decodeXmlEntities(simple[1]) : siText(segment));
        consumed = from = end + 5;
      }
    } else {
      const close = /<\/(?:[\w.-]+:)?si\s*>|<(?:[\w.-]+:)?si\s*\/>/g;
      // resume the search near where the last one stopped: never rescan a long pending text
      close.lastIndex = Math.max(0, this.scanned - 64);
      let m: RegExpExecArray | null;
      while ((m = close.exec(this.pending))) {
        const segment = this.pending.slice(consumed, m.index + m[0].length);
        consumed = m.index + m[0].length;
        this.out.push(m[0].endsWith('/>') && !/<(?:[\w.-]+:)?t[\s>]/.test(segment) ? '' : siText(segment));
      }
    }
    if (consumed > 0) this.pending = this.pending.slice(consumed);
    this.scanned = this.pending.length;
    // Excel caps a cell at 32,767 characters; megabytes without </si> is not a string table
    if (this.pending.length > SST_ITEM_MAX) {
      throw new WorkbookError(issues.tooLargeInside('sharedStrings.xml: one string runs past 4 MB'));
    }
  }
}

const SIMPLE_SI = /^[^<]*(?:<sst[^>]*>\s*|<\?xml[^>]*>\s*<sst[^>]*>\s*)?<si>\s*<t(?:\s+xml:space="preserve")?>([^<]*)<\/t>\s*<\/si>$/;

const SST_ITEM_MAX = 4 * 1024 * 1024;

const PHONETIC = /<(?:[\w.-]+:)?rPh\b[\s\S]*?<\/(?:[\w.-]+:)?rPh\s*>/g;
const T_ELEMENT = /<(?:[\w.-]+:)?t(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?t\s*>)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/g;

export function siText(segment: string): string {
  const body = segment.indexOf('rPh') >= 0 ? segment.replace(PHONETIC, '') : segment;
  let text = '';
  for (const m of body.matchAll(T_ELEMENT)) {
    const raw = m[1] ?? '';
    text += raw.indexOf('<![CDATA[') >= 0
      ? raw.split(CDATA).map((part, i) => (i % 2 === 1 ? part : decodeXmlEntities(part))).join('')
      : decodeXmlEntities(raw);
  }
  return text;
}

/**
 * Scans a sheet part's bytes as they inflate: collects <mergeCell> ranges
 * (they follow <sheetData>, but validation needs them before the rows) and
 * notes the constructs exceljs 4.4.0 misreads, so only such sheets pay for a
 * rewrite.
 */
class SheetScanner {
  readonly merges: CellRange[] = [];
  readonly columnFlags: { min: number; max: number; flags: number }[] = [];
  private head: string | undefined = '';
  private carry: Buffer = Buffer.alloc(0);
  private base = 0; // absolute offset of carry[0]
  private mergeDoneUntil = 0; // absolute offset up to which merges were collected
  private first = true;
  private prefix = '';
  private flags = new Set<string>();
  private rowChecked = false;
  private cellChecked = false;

  // Searched in every chunk until found; ordinary files contain none of them.
  private static readonly PATTERNS: [string, Buffer][] = [
    ['d', Buffer.from('t="d"')],
    ['e', Buffer.from('t="e"')],
    ['b', Buffer.from('t="b"')],
    ['single-quote', Buffer.from("t='")], // attributes in single quotes: let the rewriter handle them
    ['cdata', Buffer.from('<![')],
    ['str', Buffer.from('t="str"')],
    ['inline', Buffer.from('inlineStr')],
  ];
  // Only matter in a sheet with formula strings or inline strings.
  private static readonly TEXT_PATTERNS: [string, Buffer][] = [
    ['amp', Buffer.from('&amp;')],
    ['run', Buffer.from('<r>')],
    ['run', Buffer.from(':r>')],
    // whitespace after an inline string's </t> (pretty-printed, as Gnumeric writes): exceljs appends it to the text
    ['t-space', Buffer.from('t>\n')],
    ['t-space', Buffer.from('t>\r')],
    ['t-space', Buffer.from('t>\t')],
    ['t-space', Buffer.from('t> ')],
  ];
  private static readonly MERGE = Buffer.from('mergeCell');

  constructor(private readonly styleFlags: Uint8Array) {}

  push(chunk: Buffer): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (this.first) this.readRoot(buf);
    if (this.head !== undefined) this.readColumns(chunk);
    for (const [flag, pattern] of SheetScanner.PATTERNS) {
      if (!this.flags.has(flag) && buf.indexOf(pattern) >= 0) this.flags.add(flag);
    }
    if (this.flags.has('str') || this.flags.has('inline')) {
      for (const [flag, pattern] of SheetScanner.TEXT_PATTERNS) {
        if (!this.flags.has(flag) && buf.indexOf(pattern) >= 0) this.flags.add(flag);
      }
    }
    if (!this.rowChecked) this.rowChecked = this.checkR(buf, 'row');
    if (!this.cellChecked) this.cellChecked = this.checkR(buf, 'c');
    let keepFrom = Math.max(0, buf.length - 64);
    let i = Math.max(0, this.mergeDoneUntil - this.base);
    while ((i = buf.indexOf(SheetScanner.MERGE, i)) >= 0) {
      const after = buf[i + 9];
      const before = buf[i - 1];
      if (after === undefined) {
        keepFrom = Math.min(keepFrom, i - 1 - this.prefix.length);
        break;
      }
      if ((before === 0x3c || before === 0x3a) && (after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d || after === 0x2f || after === 0x3e)) {
        const end = buf.indexOf(0x3e, i);
        if (end < 0) {
          keepFrom = Math.min(keepFrom, i - 1 - this.prefix.length);
          break;
        }
        const ref = parseAttributes(buf.toString('latin1', i + 9, end)).ref;
        const range = ref ? parseRange(ref) : undefined;
        if (range) this.merges.push(range);
        i = end;
        this.mergeDoneUntil = this.base + end;
      } else {
        i += 9;
      }
    }
    keepFrom = Math.max(0, keepFrom);
    this.carry = Buffer.from(buf.subarray(keepFrom));
    this.base += keepFrom;
  }

  private readRoot(buf: Buffer): void {
    const text = buf.toString('latin1', 0, Math.min(buf.length, 4096));
    const m = /<([\w.-]+:)?worksheet[\s>]/.exec(text);
    if (!m && buf.length < 4096) return; // wait for more
    this.first = false;
    if (m?.[1]) {
      this.prefix = m[1];
      this.flags.add('prefix');
    }
  }

  /** <cols> comes before <sheetData>: read the column styles from the part's head. */
  private readColumns(chunk: Buffer): void {
    this.head += chunk.toString('latin1');
    const end = this.head!.indexOf('sheetData');
    if (end < 0 && this.head!.length < 1 << 21) return;
    for (const a of tags(end < 0 ? this.head! : this.head!.slice(0, end), 'col')) {
      const flags = this.styleFlags[Number(a.style ?? 0)] ?? 0;
      const min = Number(a.min);
      const max = Number(a.max);
      if (flags && min >= 1 && max >= min) this.columnFlags.push({ min, max, flags });
    }
    this.head = undefined;
  }

  /** True once the first <row>/<c> tag was seen; flags it when it has no r attribute. */
  private checkR(buf: Buffer, name: string): boolean {
    const open = Buffer.from(`<${this.prefix}${name}`);
    let i = 0;
    while ((i = buf.indexOf(open, i)) >= 0) {
      const next = buf[i + open.length];
      if (next === undefined) return false;
      if (next === 0x20 || next === 0x3e || next === 0x2f || next === 0x09 || next === 0x0a || next === 0x0d) {
        const end = buf.indexOf(0x3e, i);
        if (end < 0) return false;
        const attrs = parseAttributes(buf.toString('latin1', i + open.length, end));
        if (attrs.r === undefined) this.flags.add('no-r');
        return true;
      }
      i += open.length;
    }
    return false;
  }

  needsNormalising(): boolean {
    const f = this.flags;
    return (
      f.has('prefix') ||
      f.has('no-r') ||
      f.has('d') ||
      f.has('e') ||
      f.has('b') ||
      f.has('single-quote') ||
      f.has('cdata') ||
      ((f.has('str') || f.has('inline')) && f.has('amp')) ||
      (f.has('inline') && (f.has('run') || f.has('t-space')))
    );
  }
}
