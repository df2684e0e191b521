// The API of docs/api.md: every call carries the token as `Authorization:
// Bearer` (and nowhere else); a 401 clears the session and sends the user back
// to sign-in; an error answer becomes an ApiError with the API's bilingual message.
import type { Lang, ValidationReport } from '../../functions/core/model';
import { apiPath } from './api-base';
import { clearSession, liveSession } from './auth';
import { T } from './text';
import type {
  AlertsAnswer,
  ApiErrorBody,
  DownloadAnswer,
  Me,
  QuartersAnswer,
  StatusAnswer,
  SummaryAnswer,
  UploadGrantAnswer,
  UploadStateAnswer,
  VersionAnswer,
  VersionsAnswer,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: Lang,
  ) {
    super(`${status} ${code}: ${text.en}`);
  }
}

let onUnauthenticated: (reason: Lang) => void = () => undefined;


/** What to do when the API says the token is not (or no longer) good: main.ts shows the sign-in. */
export function whenUnauthenticated(handler: (reason: Lang) => void): void {
  onUnauthenticated = handler;
}

type Query = Record<string, string | undefined>;

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, v);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

async function send(method: 'GET' | 'POST', path: string, query?: Query, body?: unknown, accept = 'application/json'): Promise<Response> {
  const s = await liveSession();
  if (!s) {
    onUnauthenticated(T.expired);
    throw new ApiError(401, 'UNAUTHENTICATED', T.expired);
  }
  const headers: Record<string, string> = { Accept: accept, Authorization: `Bearer ${s.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url(apiPath(path), query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', T.network);
  }
  if (res.ok) return res;
  const answer = (await res.json().catch(() => undefined)) as ApiErrorBody | undefined;
  const text = answer?.error?.message ?? (res.status >= 500 ? T.serverError : { zh: `请求失败（${res.status}）`, en: `The request failed (${res.status})` });
  if (res.status === 401) {
    clearSession();
    onUnauthenticated(answer?.error?.message ?? T.expired);
  }
  throw new ApiError(res.status, answer?.error?.code ?? 'HTTP', text);
}

async function json<T>(method: 'GET' | 'POST', path: string, query?: Query, body?: unknown): Promise<T> {
  const res = await send(method, path, query, body);
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, 'BAD_ANSWER', T.serverError);
  }
}

const seg = encodeURIComponent;

export const api = {
  me: () => json<Me>('GET', '/api/me'),
  quarters: (department?: string) => json<QuartersAnswer>('GET', '/api/quarters', { department }),
  status: (period: string) => json<StatusAnswer>('GET', '/api/status', { period }),
  versions: (period: string, department?: string) => json<VersionsAnswer>('GET', '/api/versions', { period, department }),
  /** A version with its stored report; a report that could not be read is an error here, once for every view. */
  async version(submissionId: string): Promise<VersionAnswer & { report: ValidationReport }> {
    const answer = await json<VersionAnswer>('GET', `/api/versions/${seg(submissionId)}`);
    if (!answer.report) throw new ApiError(200, 'NO_REPORT', T.reportUnreadable);
    return { ...answer, report: answer.report };
  },
  download: (submissionId: string, file: 'annotated' | 'original') => json<DownloadAnswer>('GET', `/api/versions/${seg(submissionId)}/download`, { file }),
  grant: (period: string, fileName: string, size: number) => json<UploadGrantAnswer>('POST', '/api/uploads', undefined, { period, fileName, size }),
  upload: (uploadId: string, period: string) => json<UploadStateAnswer>('GET', `/api/uploads/${seg(uploadId)}`, { period }),
  alerts: (filter: { period: string; department?: string; type?: string; severity?: string }) => json<AlertsAnswer>('GET', '/api/alerts', filter),
  summary: (period: string) => json<SummaryAnswer>('GET', `/api/summaries/${seg(period)}`),
  /** The blank template workbook, its cover prefilled for the quarter, and the name the server gives it. */
  async template(department?: string, period?: string): Promise<{ blob: Blob; fileName: string }> {
    const res = await send('GET', '/api/template', { department, period }, undefined, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, */*');
    return { blob: await res.blob(), fileName: attachmentName(res.headers.get('Content-Disposition')) ?? `template${department ? `-${department}` : ''}.xlsx` };
  },
};

/** The file name of a Content-Disposition header: filename*=UTF-8''… first, then filename="…". */
export function attachmentName(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/.exec(header);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name ? name.replace(/[\\/]/g, '_') : undefined;
}
