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
//
// This module is the public API; the rest of the folder: editor.ts (a part
// edited as it streams), package.ts (the original package), book.ts (the
// copy, workbook.xml), sheet.ts (marks, a worksheet), outside.ts (what reaches
// outside), comments.ts (comments, VML), styles.ts, list.ts (问题清单),
// markup.ts (what we write).
import type { Issue, IssueCode, Lang } from '../../../model';
import { DEFAULT_LIMITS, type FileLimits, WorkbookError } from '../../guard';
import { openWorkbook } from '../../open';
import { XmlError } from '../../xml';
import { type ByteSource, bytesSource, type Inflate, readZipDirectory, ZipFault } from '../../zip';
import { type Deflate, ZipWriteError, ZipWriter } from '../zip-writer';
import { Copy, readBook, type SheetPart } from './book';
import { listWorkbook } from './list';
import { CopyRefused, Original } from './package';
import { Styles } from './styles';

export { COMMENT_AUTHOR } from './comments';
export { ISSUE_COLUMNS, ISSUES_SHEET } from './list';
export { reachesOutside } from './outside';
export { ERROR_STYLE, WARNING_STYLE } from './styles';

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
