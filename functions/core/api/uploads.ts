// Upload grants: the browser sends the file straight to the submissions bucket
// with a presigned POST whose policy pins the exact key under the clerk's own
// submissions/{department}/{period}/, the size and the uploader. The same
// refusals as the CLI's for a file too large or of the wrong type, before
// anything is sent.
import type { Lang } from '../model';
import { DEFAULT_LIMITS, type FileLimits, issues } from '../workbook/guard';
import { csvKindFromFileName } from '../workbook/read-csv';
import { submissionKey, UPLOAD_METADATA } from '../object-keys';
import type { Period } from '../periods';
import type { UploadGrantAnswer } from './answers';
import { type ErrorCode, fail, ok, refuse } from './http';
import type { Caller } from './caller';
import type { ApiDeps, ApiResponse } from './types';

/** How long a grant may be used: long enough for 50 MB on a slow office line. */
export const GRANT_SECONDS = 15 * 60;

export interface GrantRequest {
  period: Period;
  fileName: string;
  size: number;
}

export function maxUploadBytes(deps: Pick<ApiDeps, 'limits'>): number {
  return (deps.limits ?? DEFAULT_LIMITS).maxFileBytes;
}

/** S3's placeholder for the browser's own file name in a POST key: never in ours. */
export const S3_FILENAME = ['$', '{filename}'].join('');

/**
 * What a file name may not hold: control characters (C0, DEL, C1), the marks and
 * overrides that reorder text on screen (a name could then show as "….jpg"),
 * and broken UTF-16 (a lone surrogate S3 cannot store).
 */
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a grant is refused before anything is sent: status, code and the CLI's own message. */
export interface UploadRefusal {
  status: 400 | 413 | 415;
  code: Extract<ErrorCode, 'BAD_REQUEST' | 'FILE_TOO_LARGE' | 'UNSUPPORTED_TYPE'>;
  message: Lang;
}

/**
 * The file-name and size checks of a grant, in the words the CLI uses for the
 * same files. The portal asks the same before it offers an upload.
 */
export function uploadRefusal(fileName: string, size: number, limits: FileLimits = DEFAULT_LIMITS): UploadRefusal | undefined {
  if (!/^[^/\\]{1,200}$/.test(fileName) || fileName === '.' || fileName === '..' || fileName.includes(S3_FILENAME) || UNSAFE_IN_NAME.test(fileName)) {
    return {
      status: 400,
      code: 'BAD_REQUEST',
      message: {
        zh: `文件名为空、过长或含有“/”“\\”“${S3_FILENAME}”、控制字符或文字方向控制符，请改名后重新上传`,
        en: `the file name is empty, too long or holds "/", "\\", "${S3_FILENAME}", control or text-direction characters: rename the file and upload again`,
      },
    };
  }
  if (!Number.isSafeInteger(size) || size < 0) return { status: 400, code: 'BAD_REQUEST', message: { zh: '缺少文件大小（size，字节数）', en: 'the file size (size, in bytes) is missing' } };
  if (size > limits.maxFileBytes) return { status: 413, code: 'FILE_TOO_LARGE', message: issues.tooLargeFile(size, limits).message };
  if (size === 0) return { status: 400, code: 'BAD_REQUEST', message: issues.empty().message };
  if (/\.csv$/i.test(fileName)) return csvKindFromFileName(fileName) ? undefined : { status: 415, code: 'UNSUPPORTED_TYPE', message: issues.csvName(fileName).message };
  if (!/\.xlsx$/i.test(fileName)) {
    const ext = /\.[^.]*$/.exec(fileName)?.[0] ?? '';
    const what = { zh: ext ? `文件扩展名是 ${ext}` : '文件没有扩展名', en: ext ? `The file's extension is ${ext}` : 'The file has no extension' };
    return { status: 415, code: 'UNSUPPORTED_TYPE', message: issues.notWorkbook(what).message };
  }
  return undefined;
}

export async function grantUpload(deps: ApiDeps, caller: Caller, request: GrantRequest): Promise<ApiResponse> {
  if (caller.role !== 'clerk') {
    return fail(403, 'FORBIDDEN', {
      zh: '质量办账号只能查看，不能代部门上传；请由部门填报人登录后上传',
      en: 'office accounts read only and upload nothing: the department’s clerk uploads',
    });
  }
  const refused = uploadRefusal(request.fileName, request.size, deps.limits);
  if (refused) return fail(refused.status, refused.code, refused.message);
  const department = caller.department.code;
  const key = submissionKey(department, request.period, request.fileName);
  const uploadId = crypto.randomUUID();
  const maxBytes = maxUploadBytes(deps);
  const grant = await deps.uploadSigner.grant({
    key,
    maxBytes,
    metadata: { [UPLOAD_METADATA.uploader]: caller.email, [UPLOAD_METADATA.uploadId]: uploadId },
    expiresInSeconds: GRANT_SECONDS,
  });
  deps.logger.info('upload granted', { department, period: request.period, uploadId, uploader: caller.email, size: request.size });
  return ok<UploadGrantAnswer>({ uploadId, key, ...grant, maxBytes });
}

/** The body of POST /api/uploads, checked field by field. */
export function grantRequestOf(body: unknown, period: (text: string | undefined) => Period): GrantRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const fileName = typeof b.fileName === 'string' ? b.fileName.normalize('NFC') : '';
  if (!fileName) refuse(400, 'BAD_REQUEST', { zh: '缺少文件名（fileName）', en: 'the file name (fileName) is missing' });
  return { period: period(typeof b.period === 'string' ? b.period : undefined), fileName, size: typeof b.size === 'number' ? b.size : Number.NaN };
}
