// Downloads as short-lived presigned GETs (SigV4 query-string authentication),
// saved by the browser under the version's own file name, and the check S3
// makes of such a URL, for a local server in front of s3rver (which checks a
// SigV4 URL's expiry and access key but never its signature).
import { createHash, createHmac } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DownloadBucket, DownloadSigner } from '../../core/api/types';
import { QtrackError } from '../../core/errors';
import { constantTimeEqual, SIGV4_ALGORITHM, type S3Refusal, signingKey } from './post-policy';

/** The longest a SigV4 presigned URL may live: a week. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** RFC 3986 percent-encoding of everything but the unreserved characters (SigV4's URI encoding). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The name with lone surrogates replaced, control characters and path separators gone. */
function cleanName(fileName: string): string {
  const name = Buffer.from(fileName, 'utf8').toString('utf8').replace(/[\u0000-\u001f\u007f]/g, '').replace(/[/\\]/g, '_').trim();
  return name || 'download';
}

/** A plain ASCII stand-in for the name, for clients that do not read filename*: the ASCII parts kept, the extension kept. */
function asciiFallback(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && /^\.[A-Za-z0-9]{1,10}$/.test(name.slice(dot)) ? name.slice(dot) : '';
  const stem = (ext ? name.slice(0, dot) : name)
    .replace(/[^\x20-\x7e]+/g, '_')
    .replace(/["\\%;,]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_ .]+|[_ .]+$/g, '');
  return `${/[A-Za-z0-9]/.test(stem) ? stem : 'download'}${ext}`;
}

/**
 * A Content-Disposition that saves the download as fileName (RFC 6266): an
 * ASCII `filename` for old clients and the exact name as RFC 5987 `filename*`
 * (UTF-8, percent-encoded), which every current browser prefers. The value is
 * plain ASCII, as a header must be.
 */
export function contentDisposition(fileName: string, inline = false): string {
  const name = cleanName(fileName);
  return `${inline ? 'inline' : 'attachment'}; filename="${asciiFallback(name)}"; filename*=UTF-8''${rfc3986(name)}`;
}

/** Presigned GETs of the uploads and reports buckets, signed with the S3 client's own credentials. */
export class S3DownloadSigner implements DownloadSigner {
  constructor(
    private readonly s3: S3Client,
    private readonly buckets: Record<DownloadBucket, string>,
  ) {}

  async link(input: { bucket: DownloadBucket; key: string; versionId?: string; fileName: string; expiresInSeconds: number; inline?: boolean }): Promise<string> {
    const bucket = this.buckets[input.bucket];
    if (!bucket) throw new QtrackError(`no bucket for downloads from ${input.bucket}`);
    const expiresIn = input.expiresInSeconds;
    if (!Number.isSafeInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
      throw new QtrackError(`a presigned URL lives 1 s to a week, not ${expiresIn} s`);
    }
    // a URL outlives the temporary credentials that signed it by nothing: take fresh ones when they would end first
    const credentials = await this.s3.config.credentials();
    if (credentials.expiration && credentials.expiration.getTime() < Date.now() + expiresIn * 1000) {
      await this.s3.config.credentials({ forceRefresh: true });
    }
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key: input.key,
      ...(input.versionId ? { VersionId: input.versionId } : {}),
      ResponseContentDisposition: contentDisposition(input.fileName, input.inline),
    });
    return getSignedUrl(this.s3, command, { expiresIn });
  }
}

// ---------------------------------------------------------------------------
// Verifying a presigned URL, as S3 does

export interface PresignedRequest {
  method: string;
  /** the request target as received: /bucket/key?X-Amz-…, or an absolute URL */
  url: string;
  /** the request's headers, lower-case names (host at least) */
  headers: Record<string, string | string[] | undefined>;
}

export interface VerifyPresignedExpect {
  region: string;
  now: Date;
  credentials(accessKeyId: string): { secretAccessKey: string } | undefined;
}

const AGAIN = { zh: '请回到门户重新点击下载', en: 'click download again in the portal' };

function refused(status: number, code: string, zh: string, en: string): S3Refusal {
  return { ok: false, status, code, message: { zh: `${zh}，${AGAIN.zh}`, en: `${en}: ${AGAIN.en}` } };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** 20130524T000000Z as a time, or NaN. */
function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : Number.NaN;
}

/**
 * Whether a SigV4 presigned request is one S3 would serve: the signing query
 * parameters, the credential scope (s3 in the expected region), the access key,
 * the signature over the method, path, every query parameter and the signed
 * headers (recomputed, compared in constant time), and the time: from X-Amz-Date
 * (15 minutes' clock skew allowed) for X-Amz-Expires seconds.
 */
export function verifyPresignedGet(request: PresignedRequest, expect: VerifyPresignedExpect): { ok: true } | S3Refusal {
  // the raw target, not a parsed URL: parsing would resolve dot segments and re-encode, and the signature is over what was sent
  let raw = request.url;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(raw);
  if (authority) raw = raw.slice(authority[0].length);
  if (raw.includes('#')) raw = raw.slice(0, raw.indexOf('#'));
  const mark = raw.indexOf('?');
  const rawPath = (mark < 0 ? raw : raw.slice(0, mark)) || '/';
  const rawQuery = mark < 0 ? '' : raw.slice(mark + 1);
  const params: [string, string][] = [];
  try {
    for (const pair of rawQuery.split('&').filter(Boolean)) {
      const at = pair.indexOf('=');
      const [name, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      params.push([decodeURIComponent(name.replace(/\+/g, ' ')), decodeURIComponent(value.replace(/\+/g, ' '))]);
    }
  } catch {
    return refused(400, 'InvalidArgument', '下载链接格式不对', 'the download link is malformed');
  }
  const one = (name: string): string | undefined => {
    const found = params.filter(([n]) => n === name);
    return found.length === 1 ? found[0]![1] : undefined;
  };
  const algorithm = one('X-Amz-Algorithm');
  const credential = one('X-Amz-Credential');
  const date = one('X-Amz-Date');
  const expires = one('X-Amz-Expires');
  const signedHeaders = one('X-Amz-SignedHeaders');
  const signature = one('X-Amz-Signature');
  if (algorithm === undefined && signature === undefined) {
    return refused(403, 'AccessDenied', '下载链接没有签名', 'the download link is not signed');
  }
  if (algorithm !== SIGV4_ALGORITHM || !credential || !date || !expires || !signedHeaders || !signature) {
    return refused(400, 'AuthorizationQueryParametersError', '下载链接的签名参数不全或不对', "the download link's signing parameters are incomplete or wrong");
  }
  const signedAt = parseAmzDate(date);
  const lifetime = /^\d{1,7}$/.test(expires) ? Number(expires) : Number.NaN;
  const scope = credential.split('/');
  if (Number.isNaN(signedAt) || !(lifetime >= 1 && lifetime <= MAX_PRESIGN_SECONDS) || scope.length !== 5 || !scope[0] || scope[1] !== date.slice(0, 8) || scope[3] !== 's3' || scope[4] !== 'aws4_request') {
    return refused(400, 'AuthorizationQueryParametersError', '下载链接的签名参数不全或不对', "the download link's signing parameters are incomplete or wrong");
  }
  const [accessKeyId, day, region] = scope as [string, string, string];
  if (region !== expect.region) {
    return refused(400, 'AuthorizationQueryParametersError', `下载链接签发给地区 ${region}，而存储桶在 ${expect.region}`, `the download link is signed for region ${region}, the bucket is in ${expect.region}`);
  }
  const secret = expect.credentials(accessKeyId)?.secretAccessKey;
  if (secret === undefined) {
    return refused(403, 'InvalidAccessKeyId', '下载链接不是本系统签发的（访问密钥未知）', 'the download link was not issued here (its access key is unknown)');
  }

  // the canonical request
  let path: string;
  try {
    path = rawPath.split('/').map((segment) => rfc3986(decodeURIComponent(segment))).join('/');
  } catch {
    return refused(400, 'InvalidArgument', '下载链接格式不对', 'the download link is malformed');
  }
  const query = params
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = signedHeaders.split(';');
  if (!names.includes('host') || names.some((n) => n !== n.toLowerCase() || !n)) {
    return refused(400, 'AuthorizationQueryParametersError', '下载链接的签名参数不全或不对', "the download link's signing parameters are incomplete or wrong");
  }
  const headerLines: string[] = [];
  for (const name of names) {
    const raw = request.headers[name];
    if (raw === undefined) return refused(403, 'SignatureDoesNotMatch', '下载链接的签名不符（请求缺少签名所含的信息）', "the download link's signature does not match (the request lacks a signed header)");
    const value = (Array.isArray(raw) ? raw.join(',') : raw).trim().replace(/\s+/g, ' ');
    headerLines.push(`${name}:${value}\n`);
  }
  const canonical = [request.method.toUpperCase(), path, query, headerLines.join(''), signedHeaders, one('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = [SIGV4_ALGORITHM, date, `${day}/${region}/s3/aws4_request`, sha256(canonical)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, day, region)).update(stringToSign, 'utf8').digest('hex');
  if (!constantTimeEqual(signature, expected)) {
    return refused(403, 'SignatureDoesNotMatch', '下载链接的签名不符（链接被改动过）', "the download link's signature does not match (the link was changed)");
  }

  const now = expect.now.getTime();
  if (now > signedAt + lifetime * 1000) return refused(403, 'AccessDenied', '下载链接已过期', 'the download link has expired');
  if (signedAt > now + 15 * 60 * 1000) return refused(403, 'AccessDenied', '下载链接尚未生效（签发时间在未来，请检查电脑时钟）', "the download link is not valid yet (it is dated in the future: check the computer's clock)");
  return { ok: true };
}
