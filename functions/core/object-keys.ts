// Where everything lives in the buckets (the object-key layout): uploads
// under submissions/, a version's report, annotated copy and raw copy under
// reports/, alerts under alerts/, summaries under summaries/; the archive bucket
// keeps raw submissions (archivedSubmissionKey) and summaries. The one home of
// these paths: the code, the stack's notification filter and its grants read
// them from here.
import { QtrackError } from './errors';
import type { Alert, Lang } from './model';

/** The key prefixes, each a folder. */
export const PREFIX = {
  submissions: 'submissions/',
  reports: 'reports/',
  alerts: 'alerts/',
  summaries: 'summaries/',
} as const;

/** How a submission's key is written, for messages. */
export const SUBMISSION_KEY_FORM = 'submissions/{部门代码}/{统计期}/{文件名}';

/** The key a department uploads a file to. */
export function submissionKey(department: string, period: string, fileName: string): string {
  return `${PREFIX.submissions}${department}/${period}/${fileName}`;
}

export class NotASubmissionKeyError extends QtrackError {}

export interface SubmissionKey {
  department: string;
  period: string;
  fileName: string;
  /** the key is under submissions/ but not a submission's: why (department and period are then best guesses) */
  problem?: Lang;
}

/**
 * `submissions/{department}/{period}/{file}` → its parts (department and period
 * as written). A key outside submissions/ throws NotASubmissionKeyError (it is
 * not ours); one under it with another shape — an extra folder level, an empty
 * or `.`/`..` segment — comes back with a problem: it is a submission that must
 * be refused with a report, never ignored.
 */
export function parseSubmissionKey(key: string): SubmissionKey {
  const parts = key.split('/');
  if (`${parts[0]}/` !== PREFIX.submissions || parts.length < 2) throw new NotASubmissionKeyError(`not a submission key (${SUBMISSION_KEY_FORM}): ${key}`);
  const [, department = '', period = ''] = parts;
  const fileName = parts.at(-1) ?? '';
  const guess = { department: department || 'unknown', period: period || 'unknown', fileName: fileName || 'unknown' };
  if (parts.some((p) => p === '.' || p === '..')) {
    return { ...guess, problem: { zh: `上传路径含有“.”或“..”段，不是合法的报送路径（${SUBMISSION_KEY_FORM}）`, en: `the upload path has a "." or ".." segment; a submission goes to submissions/{department}/{period}/{file}` } };
  }
  if (parts.length !== 4 || parts.some((p) => p === '')) {
    return {
      ...guess,
      problem: {
        zh: `上传路径“${key}”的层级不对：报送文件须直接放在 ${SUBMISSION_KEY_FORM} 下，不能多建或少建文件夹`,
        en: `the upload path "${key}" has the wrong number of folders: put the file directly under submissions/{department}/{period}/`,
      },
    };
  }
  return { department, period, fileName };
}

/** Where a version's files go: its report, its annotated copy, and the raw file's copy (unversioned buckets). */
export function reportKeys(department: string, period: string, submissionId: string) {
  const base = `${PREFIX.reports}${department}/${period}/${submissionId}`;
  return {
    report: `${base}.json`,
    annotated: `${base}.xlsx`,
    original: (fileName: string) => `${base}.original${extension(fileName)}`,
  };
}

function extension(fileName: string): string {
  const m = /\.[A-Za-z0-9]{1,8}$/.exec(fileName);
  return m ? m[0].toLowerCase() : '';
}

/** An alert's object: deterministic, so a second delivery overwrites the same object. */
export function alertKey(alert: Pick<Alert, 'period' | 'id'>): string {
  return `${PREFIX.alerts}${alert.period}/${alert.id}.json`;
}

/**
 * A raw submission's copy in the archive bucket (PRODUCT §10): the upload's own
 * key with the submission id as one more folder, so every version of a file sent
 * under the same name is kept apart, and writing it again (a redelivery) rewrites
 * the same object.
 */
export function archivedSubmissionKey(department: string, period: string, submissionId: string, fileName: string): string {
  return `${PREFIX.submissions}${department}/${period}/${submissionId}/${fileName}`;
}

/** The user metadata (x-amz-meta-…) an upload through the portal carries: who sent it, and the portal's upload id. */
export const UPLOAD_METADATA = { uploader: 'uploader', uploadId: 'upload-id' } as const;

/** A summary file of a period (in the reports bucket, and under the same key in the archive). */
export function summaryKey(period: string, fileName: string): string {
  return `${PREFIX.summaries}${period}/${fileName}`;
}
