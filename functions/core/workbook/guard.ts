// The file guards (PRODUCT §5.6): the limits, the messages of every file-level
// problem (what went wrong and what to do, Chinese first), and sniffing of the
// real type of an upload, never trusting its name: zip, the Compound File of
// legacy .xls and of encrypted workbooks, text, or something else.
import { QtrackError } from '../errors';
import type { Issue, IssueCode, Lang } from '../model';

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
export class WorkbookError extends QtrackError {
  constructor(readonly issue: Issue, options?: { cause?: unknown }) {
    super(`${issue.code}: ${issue.message.en}`, options);
  }
}

// ---------------------------------------------------------------------------
// Messages: what went wrong and what to do, Chinese first.

const RESAVE = {
  zh: '请在 Excel 或 WPS 中打开并“另存为” Excel 工作簿（.xlsx）后重新上传',
  en: 'open it in Excel or WPS, save it as an Excel workbook (.xlsx) and upload again',
};

/** Megabytes to one decimal; a size that would round onto the limit (50.0 over 50) is shown in bytes. */
const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
function sizeOver(size: number, limit: number): Lang {
  if (mb(size) !== mb(limit)) return { zh: mb(size), en: mb(size) };
  const bytes = size.toLocaleString('en-US');
  return { zh: `${bytes} 字节`, en: `${bytes} bytes` };
}

export function fileIssue(code: IssueCode, message: Lang, sheet?: string): Issue {
  return sheet === undefined ? { severity: 'error', code, message } : { severity: 'error', code, sheet, message };
}

export const issues = {
  empty: () =>
    fileIssue('FILE_NOT_WORKBOOK', {
      zh: '文件为空（0 字节），请重新选择要上传的 .xlsx 工作簿或 CSV 文件',
      en: 'The file is empty (0 bytes); choose the .xlsx workbook or CSV file to upload',
    }),
  notWorkbook: (what: Lang) =>
    fileIssue('FILE_NOT_WORKBOOK', {
      zh: `${what.zh}，不是 Excel 工作簿；请上传 .xlsx 文件（单张表也可上传 UTF-8 编码的 .csv，文件名为表类型，如 inspections.csv）`,
      en: `${what.en}, not an Excel workbook; upload an .xlsx file (a single sheet may be a UTF-8 .csv named for its kind, e.g. inspections.csv)`,
    }),
  csvName: (fileName: string) =>
    fileIssue('FILE_NOT_WORKBOOK', {
      zh: `无法从文件名“${fileName}”判断 CSV 的内容：CSV 文件须命名为 indicators.csv、inspections.csv、certifications.csv 或 acceptances.csv`,
      en: `cannot tell what the CSV "${fileName}" holds: name it indicators.csv, inspections.csv, certifications.csv or acceptances.csv`,
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
      zh: `文件大小 ${sizeOver(size, limits.maxFileBytes).zh}，超过上限 ${mb(limits.maxFileBytes)}；请删除无关的工作表、图片或空白格式行后重新上传，或分批报送`,
      en: `The file is ${sizeOver(size, limits.maxFileBytes).en}, above the ${mb(limits.maxFileBytes)} limit; remove unrelated sheets, pictures or blank formatted rows, or split the submission`,
    }),
  tooLargeInside: (detail: Lang) =>
    fileIssue('FILE_TOO_LARGE', {
      zh: `工作簿解压后过大或压缩比异常（${detail.zh}），疑似异常文件，已拒收；请在 Excel/WPS 中打开检查后另存为 .xlsx 重新上传`,
      en: `The workbook is too large once uncompressed or abnormally compressed (${detail.en}) and was refused; check it in Excel/WPS, save it as .xlsx and upload again`,
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
  /** `detail` says what is broken (technical, English); `place` where, when known. */
  corrupt: (detail: string, sheet?: string, place?: Lang) =>
    fileIssue(
      'FILE_CORRUPT',
      {
        zh: `文件已损坏或不完整（${sheet === undefined ? '' : `工作表“${sheet}”`}${place ? `${place.zh}` : ''}${sheet || place ? '：' : ''}${detail}）；${RESAVE.zh}`,
        en: `The file is damaged or incomplete (${sheet === undefined ? '' : `sheet “${sheet}”`}${place ? `${sheet ? ', ' : ''}${place.en}` : ''}${sheet || place ? ': ' : ''}${detail}); ${RESAVE.en}`,
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

export function extensionOf(fileName: string): string {
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

export type Sniffed = 'zip' | 'cfb' | 'text' | 'other';

/** What the first bytes (and, for text, up to 1 MB) say the file is. */
export function sniff(head: Uint8Array): Sniffed {
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, ZIP_EMPTY_MAGIC)) return 'zip';
  if (startsWith(head, CFB_MAGIC)) return 'cfb';
  return looksLikeText(head) ? 'text' : 'other';
}

/** The issue for a file that is neither a zip nor text: what it is, if we can tell. */
export function notWorkbookIssue(head: Uint8Array): Issue {
  const known = DESCRIBE.find((d) => d.test(head));
  return issues.notWorkbook(known?.what ?? { zh: '无法识别的文件类型', en: 'The file type is not recognised' });
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

export function inspectCfb(bytes: Uint8Array): Issue {
  const names = cfbStreamNames(bytes);
  if (!names) {
    // Broken directory: fall back to looking for the stream name's UTF-16 bytes.
    return indexOfBytes(bytes, ENCRYPTED_PACKAGE_UTF16LE) >= 0 ? issues.encrypted() : issues.legacyXls();
  }
  if (names.includes('EncryptedPackage') || names.includes('EncryptionInfo')) return issues.encrypted();
  if (names.includes('Workbook') || names.includes('Book')) return issues.legacyXls();
  if (names.includes('WordDocument')) return issues.notWorkbook({ zh: '这是 Word 文档（.doc）', en: 'This is a Word document (.doc)' });
  return issues.notWorkbook({ zh: '这是旧版 Office 文件（非 Excel 工作簿）', en: 'This is a legacy Office file that is not an Excel workbook' });
}

/** "EncryptedPackage" as UTF-16LE bytes: the stream name of an encrypted workbook's Compound File. */
const ENCRYPTED_PACKAGE_UTF16LE = Uint8Array.from([...'EncryptedPackage'].flatMap((c) => [c.charCodeAt(0), 0]));

/** Where a byte sequence first occurs in bytes (-1: nowhere); plain Uint8Array, so the browser bundle needs no Buffer. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}
