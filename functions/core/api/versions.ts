// Versions as the portal lists them, one version with its stored report, and
// short-lived links to its files.
import { replacedKinds } from '../currency';
import type { RecordKind, SubmissionVersion, ValidationReport } from '../model';
import { reportKeys } from '../object-keys';
import type { Period } from '../periods';
import type { ApiDeps, DownloadBucket } from './types';

/** How long a download link works. */
export const DOWNLOAD_SECONDS = 5 * 60;

export interface VersionView {
  submissionId: string;
  department: string;
  period: string;
  fileName: string;
  receivedAt: string;
  status: SubmissionVersion['status'];
  errors: number;
  warnings: number;
  uploadedBy?: string;
  uploadId?: string;
  replaces: RecordKind[];
  current: boolean;
  currentFor: RecordKind[];
  hasAnnotated: boolean;
}

function versionView(v: SubmissionVersion, currentFor: RecordKind[]): VersionView {
  return {
    submissionId: v.submissionId,
    department: v.department,
    period: v.period,
    fileName: v.fileName,
    receivedAt: v.receivedAt,
    status: v.status,
    errors: v.errors,
    warnings: v.warnings,
    ...(v.uploadedBy ? { uploadedBy: v.uploadedBy } : {}),
    ...(v.uploadId ? { uploadId: v.uploadId } : {}),
    replaces: [...replacedKinds(v)],
    current: currentFor.length > 0,
    currentFor,
    hasAnnotated: v.annotatedKey !== undefined,
  };
}

/** The versions of a quarter (of one department, or all), oldest first. */
export async function listVersions(deps: ApiDeps, period: Period, department?: string): Promise<VersionView[]> {
  const [all, current] = await Promise.all([deps.submissions.allVersions(period), deps.submissions.currentVersions(period)]);
  const currentFor = new Map(current.map((v) => [v.submissionId, v.currentFor]));
  return all.filter((v) => !department || v.department === department).map((v) => versionView(v, currentFor.get(v.submissionId) ?? []));
}

export async function viewOf(deps: ApiDeps, v: SubmissionVersion): Promise<VersionView> {
  const current = await deps.submissions.currentVersions(v.period);
  return versionView(v, current.find((c) => c.submissionId === v.submissionId)?.currentFor ?? []);
}

export async function storedReport(deps: ApiDeps, v: SubmissionVersion): Promise<ValidationReport | undefined> {
  const bytes = await deps.reports.get(v.reportKey);
  return bytes && (JSON.parse(new TextDecoder().decode(bytes)) as ValidationReport);
}

export type DownloadFile = 'annotated' | 'original';

/** Where a version's file is: the annotated copy beside its report; the raw file in the versioned uploads bucket, or its copy beside the report. */
export function fileOf(v: SubmissionVersion, file: DownloadFile): { bucket: DownloadBucket; key: string; versionId?: string; fileName: string } | undefined {
  const stem = v.fileName.replace(/\.[^.]*$/, '');
  if (file === 'annotated') return v.annotatedKey ? { bucket: 'reports', key: v.annotatedKey, fileName: `${stem}.annotated.xlsx` } : undefined;
  if (v.objectVersion) return { bucket: 'uploads', key: v.objectKey, versionId: v.objectVersion, fileName: v.fileName };
  return { bucket: 'reports', key: reportKeys(v.department, v.period, v.submissionId).original(v.fileName), fileName: v.fileName };
}
