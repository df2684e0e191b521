// The shapes of /config.json, and the API's answers (docs/api.md) as the core
// defines them.

/** How the portal signs in; `endpoint` is Cognito's (https://cognito-idp.{region}.{partition suffix}), else the amazonaws.com one. */
export type AuthConfig = { kind: 'local' } | { kind: 'cognito'; region: string; endpoint?: string; clientId: string; userPoolId: string };

export interface PortalConfig {
  auth: AuthConfig;
  /** where the API is, a path on the portal's own origin (the CSP allows no other); default /api */
  api?: string;
}

// the API's answers: the core's own types (functions/core/api/answers.ts)
export type {
  AlertsAnswer,
  ApiErrorBody,
  DepartmentInfo,
  DownloadAnswer,
  MeAnswer as Me,
  PortalState,
  QuarterRow,
  QuartersAnswer,
  StatusAnswer,
  StatusRow,
  SummaryAnswer,
  UploadGrantAnswer,
  UploadStateAnswer,
  VersionAnswer,
  VersionsAnswer,
  VersionView as Version,
} from '../../functions/core/api/answers';
