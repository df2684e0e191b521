// The shapes of the API's answers as docs/api.md gives them (the portal's side
// of the contract), and of /config.json.
import type { Alert, Lang, RecordKind, ValidationReport } from '../../functions/core/model';

export type AuthConfig = { kind: 'local' } | { kind: 'cognito'; region: string; clientId: string; userPoolId: string };

export interface PortalConfig {
  auth: AuthConfig;
  /** where the API is, a path on the portal's own origin (the CSP allows no other); default /api */
  api?: string;
}

export interface DepartmentInfo {
  code: string;
  name: string;
  nameEn: string;
  sends: RecordKind[];
}

export interface Me {
  email: string;
  role: 'clerk' | 'office';
  department?: DepartmentInfo;
  departments: DepartmentInfo[];
  currentPeriod: string;
  periods: string[];
  maxUploadBytes: number;
}

export type PortalState = 'pending' | 'on_time' | 'late' | 'missing' | 'rejected' | 'incomplete';

export interface QuarterRow {
  period: string;
  dueDate: string;
  state: PortalState;
  currentSubmissionId?: string;
  errors: number;
  warnings: number;
  versions: number;
  rejectedVersions: number;
  complete: boolean;
  missing?: string[];
}

export interface QuartersAnswer {
  department: string;
  quarters: QuarterRow[];
}

export interface StatusRow {
  department: string;
  name: string;
  nameEn: string;
  state: PortalState;
  firstAcceptedAt?: string;
  currentSubmissionId?: string;
  versions: number;
  rejectedVersions: number;
  complete: boolean;
}

export interface StatusAnswer {
  period: string;
  dueDate: string;
  departments: StatusRow[];
}

export interface Version {
  submissionId: string;
  department: string;
  period: string;
  fileName: string;
  receivedAt: string;
  status: 'accepted' | 'rejected';
  errors: number;
  warnings: number;
  uploadedBy?: string;
  uploadId?: string;
  current: boolean;
  currentFor: RecordKind[];
  /** whether an annotated copy exists (absent in older answers: try, a 404 says none) */
  hasAnnotated?: boolean;
}

export interface VersionsAnswer {
  period: string;
  versions: Version[];
}

export interface VersionAnswer {
  version: Version;
  report: ValidationReport;
}

export interface DownloadAnswer {
  url: string;
  fileName: string;
  expiresAt: string;
}

export interface UploadGrantAnswer {
  uploadId: string;
  key: string;
  url: string;
  fields: Record<string, string>;
  maxBytes: number;
  expiresAt: string;
}

export type UploadStateAnswer = { state: 'waiting' } | { state: 'done'; version: Version };

export interface AlertsAnswer {
  alerts: Alert[];
}

export interface SummaryAnswer {
  period: string;
  files: { name: string; url: string; expiresAt: string }[];
}

export interface ApiErrorBody {
  error: { code: string; message: Lang };
}
