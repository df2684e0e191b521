// The portal's API (docs/api.md): one router over the use cases. Authentication
// happened before (API Gateway's JWT authorizer in AWS, `qtrack serve`
// locally); here the claims decide what the caller may see and do.
import { DEPARTMENTS, department as departmentOf } from '../catalog';
import type { Alert, Department } from '../model';
import { summaryKey } from '../object-keys';
import { SUMMARY_FORMATS } from '../summary';
import { buildTemplate } from '../workbook/write/template';
import { dueDate, localDate } from '../periods';
import type { AlertsAnswer, DownloadAnswer, MeAnswer, QuartersAnswer, StatusAnswer, SummaryAnswer, UploadStateAnswer, VersionAnswer, VersionsAnswer } from './answers';
import { type Caller, callerOf, mayRead } from './caller';
import { ApiFailure, badRequest, fail, forbidden, notFound, ok, refuse, unauthenticated } from './http';
import { periodParam, portalPeriods, quarterStates } from './quarters';
import type { ApiDeps, ApiRequest, ApiResponse } from './types';
import { grantRequestOf, grantUpload, maxUploadBytes } from './uploads';
import { DOWNLOAD_SECONDS, type DownloadFile, fileOf, listVersions, storedReport, viewOf } from './versions';

export type { ApiDeps, ApiRequest, ApiResponse, Claims } from './types';

type Handler = (deps: ApiDeps, caller: Caller, request: ApiRequest, params: string[]) => Promise<ApiResponse>;

const ROUTES: { method: string; path: RegExp; handler: Handler }[] = [
  { method: 'GET', path: /^\/api\/me$/, handler: me },
  { method: 'GET', path: /^\/api\/quarters$/, handler: quarters },
  { method: 'GET', path: /^\/api\/status$/, handler: status },
  { method: 'GET', path: /^\/api\/versions$/, handler: versions },
  { method: 'GET', path: /^\/api\/versions\/([^/]+)$/, handler: version },
  { method: 'GET', path: /^\/api\/versions\/([^/]+)\/download$/, handler: download },
  { method: 'GET', path: /^\/api\/template$/, handler: template },
  { method: 'POST', path: /^\/api\/uploads$/, handler: (deps, caller, r) => grantUpload(deps, caller, grantRequestOf(r.body, (p) => uploadPeriod(deps, p))) },
  { method: 'GET', path: /^\/api\/uploads\/([^/]+)$/, handler: upload },
  { method: 'GET', path: /^\/api\/alerts$/, handler: alerts },
  { method: 'GET', path: /^\/api\/summaries\/([^/]+)$/, handler: summaries },
];

export async function handleApi(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const matches = ROUTES.map((r) => ({ r, m: r.path.exec(request.path) })).filter((x) => x.m);
  if (matches.length === 0) return notFound({ zh: `接口 ${request.path}`, en: `the API path ${request.path}` });
  const route = matches.find((x) => x.r.method === request.method);
  if (!request.claims) return unauthenticated();
  const caller = callerOf(request.claims);
  if (!('role' in caller)) return caller;
  if (!route) {
    return { ...fail(405, 'BAD_REQUEST', { zh: `接口 ${request.path} 不支持 ${request.method}`, en: `${request.path} does not take ${request.method}` }), headers: { Allow: matches.map((x) => x.r.method).join(', ') } };
  }
  try {
    const params = [...route.m!].slice(1).map((p) => decodeURIComponent(p));
    return await route.r.handler(deps, caller, request, params);
  } catch (err) {
    if (err instanceof ApiFailure) return err.response;
    if (err instanceof URIError) return badRequest({ zh: '路径中含有无法解码的 % 转义', en: 'the path has a broken % escape' });
    deps.logger.error('api request failed', { method: request.method, path: request.path, error: err instanceof Error ? err.message : String(err) });
    return fail(500, 'INTERNAL', {
      zh: '系统暂时无法完成请求，请稍后重试；如仍不行，请联系质量办',
      en: 'qtrack could not answer just now: try again in a moment, and tell the office if it keeps failing',
    });
  }
}

/** When a link made now stops working: by the wall clock, as the signer's (never a replayed business clock). */
const linkExpiry = (deps: ApiDeps) => new Date((deps.wallClock?.now() ?? new Date()).getTime() + DOWNLOAD_SECONDS * 1000).toISOString();

const departmentJson = (d: Department) => ({ code: d.code, name: d.name, nameEn: d.nameEn, sends: d.sends });

/** The department a request is about: a clerk's own (another is refused), an office user's choice (required unless optional). */
function departmentParam(caller: Caller, text: string | undefined, optional = false): string | undefined {
  if (caller.role === 'clerk') {
    if (text !== undefined && text !== caller.department.code) {
      refuse(403, 'FORBIDDEN', { zh: '您只能查看本部门的报送', en: 'you may see only your own department’s submissions' });
    }
    return caller.department.code;
  }
  if (text === undefined || text === '') {
    if (optional) return undefined;
    return refuse(400, 'BAD_REQUEST', { zh: '缺少参数 department（部门代码）', en: 'the department parameter (a department code) is missing' });
  }
  if (!DEPARTMENTS.some((d) => d.code === text)) return refuse(400, 'BAD_REQUEST', { zh: `未知部门代码“${text}”`, en: `unknown department code "${text}"` });
  return text;
}

const officeOnly = (caller: Caller, what: { zh: string; en: string }) => {
  if (caller.role !== 'office') throw new ApiFailure(forbidden(what));
};

async function me(deps: ApiDeps, caller: Caller): Promise<ApiResponse> {
  const { periods, currentPeriod } = portalPeriods(deps);
  return ok<MeAnswer>({
    email: caller.email,
    role: caller.role,
    ...(caller.role === 'clerk' ? { department: departmentJson(caller.department) } : {}),
    departments: (caller.role === 'clerk' ? [caller.department] : deps.departments).map(departmentJson),
    currentPeriod,
    periods,
    maxUploadBytes: maxUploadBytes(deps),
  });
}

async function quarters(deps: ApiDeps, caller: Caller, r: ApiRequest): Promise<ApiResponse> {
  const department = departmentParam(caller, r.query.department)!;
  const { periods } = portalPeriods(deps);
  // the quarters are independent reads: at once, in order
  const rows = (await Promise.all(periods.map((period) => quarterStates(deps, period, department)))).flat();
  return ok<QuartersAnswer>({ department, quarters: rows.map(({ department: _, ...q }) => q) });
}

async function status(deps: ApiDeps, caller: Caller, r: ApiRequest): Promise<ApiResponse> {
  officeOnly(caller, { zh: '查看全部部门的报送情况（仅质量办）', en: 'see every department’s state (office only)' });
  const period = periodParam(deps, r.query.period);
  const rows = await quarterStates(deps, period);
  return ok<StatusAnswer>({
    period,
    dueDate: dueDate(period, deps.offsets),
    departments: rows.map(({ period: _, dueDate: __, ...s }) => ({ ...s, name: departmentOf(s.department).name, nameEn: departmentOf(s.department).nameEn })),
  });
}

async function versions(deps: ApiDeps, caller: Caller, r: ApiRequest): Promise<ApiResponse> {
  const period = periodParam(deps, r.query.period);
  const department = departmentParam(caller, r.query.department, true);
  return ok<VersionsAnswer>({ period, versions: await listVersions(deps, period, department) });
}

const ID = /^[0-9A-Za-z-]{1,80}$/;

/** The quarter of an upload grant: in the plan and begun (a later one would only be refused at ingest, PERIOD_NOT_STARTED). */
function uploadPeriod(deps: ApiDeps, text: string | undefined) {
  const period = periodParam(deps, text);
  if (!portalPeriods(deps).periods.includes(period)) {
    refuse(400, 'BAD_REQUEST', { zh: `统计期 ${period} 尚未开始，不能报送`, en: `the quarter ${period} has not begun: nothing can be sent for it yet` });
  }
  return period;
}

/** A version the caller may read, or the 404/403 that says why not. */
async function readableVersion(deps: ApiDeps, caller: Caller, submissionId: string) {
  // an id is a receipt stamp and a hash (submissionIdOf): anything else is no version's, and never reaches the table
  const v = ID.test(submissionId) ? await deps.submissions.findVersion(submissionId) : undefined;
  if (!v) throw new ApiFailure(notFound({ zh: `报送版本 ${submissionId}`, en: `the version ${submissionId}` }));
  if (!mayRead(caller, v.department)) throw new ApiFailure(forbidden({ zh: '查看其他部门的报送版本', en: 'see another department’s versions' }));
  return v;
}

async function version(deps: ApiDeps, caller: Caller, _r: ApiRequest, [id]: string[]): Promise<ApiResponse> {
  const v = await readableVersion(deps, caller, id!);
  const [view, report] = await Promise.all([viewOf(deps, v), storedReport(deps, v)]);
  return ok<VersionAnswer>({ version: view, report: report ?? null });
}

async function download(deps: ApiDeps, caller: Caller, r: ApiRequest, [id]: string[]): Promise<ApiResponse> {
  const file = r.query.file;
  if (file !== 'annotated' && file !== 'original') return badRequest({ zh: '参数 file 须为 annotated 或 original', en: 'the file parameter must be annotated or original' });
  const v = await readableVersion(deps, caller, id!);
  const where = fileOf(v, file as DownloadFile);
  if (!where) return notFound({ zh: '该版本的批注副本（没有问题的版本不生成批注副本）', en: 'an annotated copy of this version (a version without issues has none)' });
  const url = await deps.downloadSigner.link({ ...where, expiresInSeconds: DOWNLOAD_SECONDS });
  return ok<DownloadAnswer>({ url, fileName: where.fileName, expiresAt: linkExpiry(deps) });
}

async function template(deps: ApiDeps, caller: Caller, r: ApiRequest): Promise<ApiResponse> {
  const department = departmentParam(caller, r.query.department)!;
  const period = r.query.period ? periodParam(deps, r.query.period) : portalPeriods(deps).currentPeriod;
  const bytes = await buildTemplate({ department, plan: deps.plan, period, preparedDate: localDate(deps.clock.now()) });
  const fileName = `qtrack-template-${department}-${period}.xlsx`;
  return {
    status: 200,
    headers: {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="${fileName}"`,
    },
    body: bytes,
  };
}

async function upload(deps: ApiDeps, caller: Caller, r: ApiRequest, [uploadId]: string[]): Promise<ApiResponse> {
  const period = periodParam(deps, r.query.period);
  const department = departmentParam(caller, r.query.department, true);
  // a clerk's department is their own (departmentParam): nothing of another department is looked at
  const found = ID.test(uploadId!) ? (await deps.submissions.allVersions(period)).find((v) => v.uploadId === uploadId && (!department || v.department === department)) : undefined;
  return ok<UploadStateAnswer>(found ? { state: 'done', version: await viewOf(deps, found) } : { state: 'waiting' });
}

async function alerts(deps: ApiDeps, caller: Caller, r: ApiRequest): Promise<ApiResponse> {
  const period = r.query.period ? periodParam(deps, r.query.period) : undefined;
  const department = departmentParam(caller, r.query.department, true);
  const { type, severity } = r.query;
  const keep = (a: Alert) => (!department || a.department === department) && (!type || a.type === type) && (!severity || a.severity === severity);
  return ok<AlertsAnswer>({ alerts: (await deps.alerts.list(period)).filter(keep) });
}

async function summaries(deps: ApiDeps, caller: Caller, _r: ApiRequest, [text]: string[]): Promise<ApiResponse> {
  officeOnly(caller, { zh: '查看季度汇总（仅质量办）', en: 'see the quarterly summaries (office only)' });
  const period = periodParam(deps, text);
  if (!(await deps.reports.get(summaryKey(period, 'summary.json')))) {
    return notFound({ zh: `${period} 的季度汇总（汇总在截止日后生成，也可运行 qtrack summary）`, en: `a summary of ${period} (it is written after the due date, or by qtrack summary)` });
  }
  const expiresAt = linkExpiry(deps);
  const files = [];
  for (const f of SUMMARY_FORMATS) {
    const url = await deps.downloadSigner.link({ bucket: 'reports', key: summaryKey(period, f.name), fileName: `${period}-${f.name}`, expiresInSeconds: DOWNLOAD_SECONDS, inline: f.name.endsWith('.html') });
    files.push({ name: f.name, url, expiresAt });
  }
  return ok<SummaryAnswer>({ period, files });
}
