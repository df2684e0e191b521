// The portal's API (docs/api.md) as the core sees it: a request with the
// caller's verified token claims, an answer. The Lambda adapter
// (functions/handlers/api.ts) and `qtrack serve` (functions/local/serve.ts)
// translate their own requests into these; authentication (verifying the
// token) is theirs, authorisation (what the claims may see) is the core's.
import type { PipelineDeps } from '../use-cases/deps';

/** The claims of a verified token that qtrack reads. */
export interface Claims {
  sub: string;
  email: string;
  /** `office`, or `dept-{code}` for a department's clerk (cognito:groups) */
  groups: string[];
}

export interface ApiRequest {
  method: string;
  /** the path with /api, without the query: /api/versions/abc */
  path: string;
  query: Record<string, string | undefined>;
  /** the parsed JSON body of a POST (undefined when none or not JSON) */
  body?: unknown;
  /** the verified claims; undefined when the request had no valid token */
  claims?: Claims;
}

export interface ApiResponse {
  status: number;
  /** extra headers (Content-Type is application/json unless set) */
  headers?: Record<string, string>;
  /** JSON-able value, or raw bytes (the template workbook) */
  body: unknown;
}

/** Where a presigned upload goes and what it must carry (an HTML form POST to S3). */
export interface UploadGrant {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/**
 * Signs browser uploads: an S3 POST policy pinned to one key, a size range and
 * exact metadata values. In AWS a SigV4 POST policy for the submissions bucket;
 * locally the same policy, checked by `qtrack serve`'s upload endpoint.
 */
export interface UploadSigner {
  grant(input: { key: string; maxBytes: number; metadata: Record<string, string>; expiresInSeconds: number }): Promise<UploadGrant>;
}

/** Which bucket a download comes from. */
export type DownloadBucket = 'uploads' | 'reports';

/** Short-lived presigned GETs of one object, saved under fileName. */
export interface DownloadSigner {
  /** inline: shown in the browser (the summary page) instead of saved (attachment, the default) */
  link(input: { bucket: DownloadBucket; key: string; versionId?: string; fileName: string; expiresInSeconds: number; inline?: boolean }): Promise<string>;
}

export interface ApiDeps extends PipelineDeps {
  uploadSigner: UploadSigner;
  downloadSigner: DownloadSigner;
}

/** Group names of the office and of a department's clerks. */
export const OFFICE_GROUP = 'office';
export const departmentGroup = (code: string): string => `dept-${code}`;

/**
 * Headers on every API answer, in AWS and locally: never cached, never framed,
 * never sniffed into HTML, and a CSP that lets nothing run should a browser
 * open a JSON answer as a page.
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};
