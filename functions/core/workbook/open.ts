// Opening an upload: one pass from its bytes to a streaming RawWorkbook or
// the single file-level issue that refuses it. The type is sniffed from the
// bytes (the name only tells a CSV's sheet kind and an .xlsm apart), then the
// xlsx reader or the CSV reader takes over; what the checks learn is passed
// along, never cached on the side.
import type { Issue, RawWorkbook } from '../model';
import { DEFAULT_LIMITS, extensionOf, type FileLimits, inspectCfb, issues, notWorkbookIssue, sniff, WorkbookError } from './guard';
import { csvKindFromFileName, readCsv } from './read-csv';
import { openXlsx } from './xlsx';
import { type ByteSource, bytesSource, type Inflate } from './zip';

export interface OpenOptions {
  inflate: Inflate;
  limits?: FileLimits;
  /** read each sheet's merged ranges before its rows (costs a second pass over each sheet) */
  mergesFirst?: boolean;
}

export type Opened = { ok: true; workbook: RawWorkbook } | { ok: false; issue: Issue };

const TEXT_SAMPLE = 1 << 20;

/** Never throws on bad input: a file that cannot be read is a file-level issue. */
export async function openWorkbook(input: Uint8Array | ByteSource, fileName: string, options: OpenOptions): Promise<Opened> {
  const source = input instanceof Uint8Array ? bytesSource(input) : input;
  const limits = options.limits ?? DEFAULT_LIMITS;
  try {
    if (source.size === 0) return { ok: false, issue: issues.empty() };
    if (source.size > limits.maxFileBytes) return { ok: false, issue: issues.tooLargeFile(source.size, limits) };
    const ext = extensionOf(fileName);
    const head = await source.read(0, Math.min(source.size, TEXT_SAMPLE));
    switch (sniff(head)) {
      case 'zip': {
        const workbook = await openXlsx(source, { inflate: options.inflate, limits, mergesFirst: options.mergesFirst });
        if (ext === 'xlsm') return { ok: false, issue: issues.macros() };
        return { ok: true, workbook };
      }
      case 'cfb':
        return { ok: false, issue: inspectCfb(await source.read(0, source.size)) };
      case 'text': {
        if (ext === 'xlsx' || ext === 'xls' || ext === 'xlsm') return { ok: false, issue: issues.textAsXlsx() };
        if (ext !== 'csv') return { ok: false, issue: issues.notWorkbook({ zh: '这是纯文本文件', en: 'This is a plain text file' }) };
        const kind = csvKindFromFileName(fileName);
        if (!kind) return { ok: false, issue: issues.csvName(fileName) };
        return { ok: true, workbook: readCsv(await source.read(0, source.size), kind, limits) };
      }
      default:
        return { ok: false, issue: notWorkbookIssue(head) };
    }
  } catch (err) {
    if (err instanceof WorkbookError) return { ok: false, issue: err.issue };
    throw err; // a bug, not a bad file: never reported to a clerk as "damaged"
  }
}
