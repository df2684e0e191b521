// The bodies of the API's answers (docs/api.md): the handlers build them, the
// portal reads them (portal/src/types.ts re-exports these), so the two sides of
// the contract are checked by the compiler.
import type { Alert, Lang, RecordKind, ValidationReport } from '../model';
import type { QuarterState } from './quarters';
import type { VersionView } from './versions';

export type { PortalState } from './quarters';
export type { VersionView } from './versions';

export interface DepartmentInfo {
  code: string;
  name: string;
  nameEn: string;
  sends: RecordKind[];
}

export interface MeAnswer {
  email: string;
  role: 'clerk' | 'office';
  /** a clerk's own department */
  department?: DepartmentInfo;
  /** the clerk's own, or every department for the office */
  departments: DepartmentInfo[];
  /** the quarter whose submissions are due now */
  currentPeriod: string;
  /** the plan's quarters up to the running one, oldest first */
  periods: string[];
  maxUploadBytes: number;
}

export type QuarterRow = Omit<QuarterState, 'department'>;

export interface QuartersAnswer {
  department: string;
  quarters: QuarterRow[];
}

export type StatusRow = Omit<QuarterState, 'period' | 'dueDate'> & { name: string; nameEn: string };

export interface StatusAnswer {
  period: string;
  dueDate: string;
  departments: StatusRow[];
}

export interface VersionsAnswer {
  period: string;
  versions: VersionView[];
}

export interface VersionAnswer {
  version: VersionView;
  /** null when the report could not be read */
  report: ValidationReport | null;
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

export type UploadStateAnswer = { state: 'waiting' } | { state: 'done'; version: VersionView };

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
