// Browser uploads as S3 takes them: a PostObject form signed with an AWS
// Signature Version 4 POST policy, built here with node:crypto, and the checks
// S3 makes when such a form arrives, for `qtrack serve`'s own upload endpoint
// (s3rver verifies no policy at all). The format is the S3 API reference's:
// "Creating a POST policy", "Authenticating Requests: Browser-Based Uploads
// Using POST (AWS Signature Version 4)" and its worked example, which the unit
// tests replay (test/unit/adapters/post-policy.test.ts).
//
// Signing: the policy is a JSON document { expiration, conditions }, sent
// base64-encoded as the `policy` field; that base64 text is the string to sign,
// signed with the SigV4 signing key of <date>/<region>/s3/aws4_request, and the
// signature travels hex-encoded as `x-amz-signature`.
//
// Metadata values: S3 metadata is ASCII. A value that is not plain printable
// ASCII (or that could be read as an encoded word) is sent as one RFC 2047
// encoded word, `=?UTF-8?B?<base64 of the UTF-8 bytes>?=` — the form S3 itself
// uses for non-ASCII metadata — and decodeMetadataValue gives the value back.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { UploadGrant, UploadSigner } from '../../core/api/types';
import { QtrackError } from '../../core/errors';
import { S3_FILENAME } from '../../core/api/uploads';
import type { Lang } from '../../core/model';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** The status S3 answers a stored upload with: 204 No Content (nothing to redirect to, nothing to show). */
export const SUCCESS_ACTION_STATUS = '204';

const META_PREFIX = 'x-amz-meta-';

/** S3's limit on the user metadata of one object (names and values, UTF-8 bytes). */
const MAX_METADATA_BYTES = 2048;

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignPostPolicyInput {
  /** where the browser POSTs the form: the bucket's endpoint, or `qtrack serve`'s /upload */
  url: string;
  bucket: string;
  /** the one key the form may store the file under */
  key: string;
  /** the largest file accepted, in bytes (the smallest is 1) */
  maxBytes: number;
  /** x-amz-meta-<name> values, pinned exactly; names in lower case */
  metadata: Record<string, string>;
  expiresInSeconds: number;
  now: Date;
  region: string;
  credentials: SigningCredentials;
}

/** A request S3 would refuse, and why in words for the clerk. */
export interface S3Refusal {
  ok: false;
  /** the status S3 would answer (403 AccessDenied, 400 EntityTooLarge, …) */
  status: number;
  /** S3's error code */
  code: string;
  /** what is wrong and what to do, for the clerk */
  message: Lang;
}

export type PostPolicyVerdict = { ok: true; key: string; metadata: Record<string, string> } | S3Refusal;

export interface VerifyPostPolicyExpect {
  /** the bucket the form was posted to */
  bucket: string;
  /** the region signatures must be scoped to */
  region: string;
  now: Date;
  /** the secret of an access key, or undefined for a key that is not ours */
  credentials(accessKeyId: string): { secretAccessKey: string } | undefined;
}

// ---------------------------------------------------------------------------
// SigV4 pieces

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The SigV4 signing key of one day, region and service. */
export function signingKey(secretAccessKey: string, day: string, region: string, service = 's3'): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
}

/** The hex signature of a base64 POST policy: HMAC-SHA256 of the base64 text under the day's signing key. */
export function policySignature(policyBase64: string, secretAccessKey: string, day: string, region: string): string {
  return createHmac('sha256', signingKey(secretAccessKey, day, region)).update(policyBase64, 'utf8').digest('hex');
}

/** yyyyMMdd'T'HHmmss'Z', SigV4's time stamp. */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** Equal strings, compared in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // lengths are not secret (a signature is always 64 hex digits); the content is
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether a string survives UTF-8 (no lone surrogates). */
function wellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

/** JSON with every non-ASCII character escaped (\uXXXX): the policy document is plain ASCII. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---------------------------------------------------------------------------
// Metadata values

/**
 * A metadata value as sent to S3: unchanged when it is printable ASCII without
 * surrounding spaces and without `=?`; otherwise one RFC 2047 encoded word
 * `=?UTF-8?B?…?=` (so it is ASCII, and a browser's newline normalisation or a
 * header's trimming cannot change it).
 */
export function encodeMetadataValue(value: string): string {
  if (!wellFormed(value)) throw new QtrackError('a metadata value is not well-formed Unicode (a lone surrogate)');
  if (/^[\x20-\x7e]*$/.test(value) && !value.includes('=?') && value.trim() === value) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/**
 * A metadata value as S3 stores or returns it, decoded: one or more RFC 2047
 * encoded words in UTF-8 (B or Q encoding, separated by white space) become the
 * text they encode; anything else is returned unchanged.
 */
export function decodeMetadataValue(value: string): string {
  const word = /=\?utf-8\?([bq])\?([^?]*)\?=/gi;
  const whole = /^\s*=\?utf-8\?[bq]\?[^?]*\?=(?:\s+=\?utf-8\?[bq]\?[^?]*\?=)*\s*$/i;
  if (!whole.test(value)) return value;
  const bytes: Buffer[] = [];
  for (const [, encoding, text] of value.matchAll(word)) {
    if (encoding!.toLowerCase() === 'b') bytes.push(Buffer.from(text!, 'base64'));
    else bytes.push(Buffer.from(text!.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))), 'latin1'));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(bytes));
  } catch {
    return value; // not UTF-8 after all: leave it as it came
  }
}

// ---------------------------------------------------------------------------
// Signing

/**
 * A signed PostObject form for one key: the fields the browser sends (then the
 * file, last, as `file`) and the policy that pins each of them — the bucket, the
 * exact key, 1 to maxBytes bytes, every metadata value, success_action_status
 * 204 and the signing fields.
 */
export function signPostPolicy(input: SignPostPolicyInput): UploadGrant {
  const { bucket, key, maxBytes, expiresInSeconds, now, region, credentials } = input;
  if (!bucket) throw new QtrackError('a POST policy needs a bucket');
  if (!key || !wellFormed(key) || Buffer.byteLength(key, 'utf8') > 1024 || /[\u0000-\u001f\u007f]/.test(key)) {
    throw new QtrackError(`not an S3 key for a browser upload (empty, over 1024 bytes, or with control characters): ${JSON.stringify(key)}`);
  }
  // S3 replaces ${filename} in a posted key with the name of the browser's file
  if (key.includes(S3_FILENAME)) throw new QtrackError(`a posted key must not contain ${S3_FILENAME}: ${key}`);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new QtrackError(`maxBytes must be a whole number of bytes, at least 1: ${maxBytes}`);
  if (!Number.isFinite(expiresInSeconds) || expiresInSeconds <= 0 || expiresInSeconds > 7 * 24 * 3600) {
    throw new QtrackError(`expiresInSeconds must be more than 0 and at most a week: ${expiresInSeconds}`);
  }
  if (Number.isNaN(now.getTime())) throw new QtrackError('the signing time is not a date');
  if (!/^[a-z0-9-]+$/.test(region)) throw new QtrackError(`not a region: ${region}`);
  if (!credentials.accessKeyId || !credentials.secretAccessKey || credentials.accessKeyId.includes('/')) {
    throw new QtrackError('the signing credentials are incomplete');
  }

  const meta: [string, string][] = [];
  let metaBytes = 0;
  for (const [name, value] of Object.entries(input.metadata)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new QtrackError(`not a metadata name (lower-case letters, digits and '-'): ${name}`);
    const wire = encodeMetadataValue(value);
    metaBytes += name.length + wire.length;
    meta.push([`${META_PREFIX}${name}`, wire]);
  }
  if (metaBytes > MAX_METADATA_BYTES) throw new QtrackError(`the metadata are ${metaBytes} bytes, over S3's ${MAX_METADATA_BYTES}`);

  const date = amzDate(now);
  const credential = `${credentials.accessKeyId}/${date.slice(0, 8)}/${region}/s3/aws4_request`;
  const expiration = new Date(now.getTime() + Math.round(expiresInSeconds * 1000)).toISOString();

  const pinned: [string, string][] = [
    ...meta,
    ['success_action_status', SUCCESS_ACTION_STATUS],
    ['x-amz-algorithm', SIGV4_ALGORITHM],
    ['x-amz-credential', credential],
    ['x-amz-date', date],
    ...(credentials.sessionToken ? [['x-amz-security-token', credentials.sessionToken] as [string, string]] : []),
  ];
  const conditions: unknown[] = [
    { bucket },
    ['eq', '$key', key],
    ['content-length-range', 1, maxBytes],
    ...pinned.map(([name, value]) => ({ [name]: value })),
  ];
  const policy = Buffer.from(asciiJson({ expiration, conditions }), 'utf8').toString('base64');
  const signature = policySignature(policy, credentials.secretAccessKey, date.slice(0, 8), region);
  return {
    url: input.url,
    fields: { key, ...Object.fromEntries(pinned), policy, 'x-amz-signature': signature },
    expiresAt: expiration,
  };
}

// ---------------------------------------------------------------------------
// Verifying

const AGAIN = { zh: '请在门户重新上传', en: 'upload again from the portal' };

function refusal(status: number, code: string, zh: string, en: string): S3Refusal {
  return { ok: false, status, code, message: { zh, en } };
}

/** "the form is not as signed" — the answer to anything a clerk cannot fix but by starting over. */
function tampered(code: string, zh: string, en: string, status = 403): S3Refusal {
  return refusal(status, code, `${zh}，${AGAIN.zh}`, `${en}: ${AGAIN.en}`);
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}

type Condition =
  | { kind: 'eq' | 'starts-with'; field: string; value: string }
  | { kind: 'content-length-range'; min: number; max: number };

/** The conditions of a decoded policy, or undefined when one is not a condition S3 knows. */
function conditionsOf(list: unknown[]): Condition[] | undefined {
  const out: Condition[] = [];
  for (const c of list) {
    if (Array.isArray(c)) {
      const op = typeof c[0] === 'string' ? c[0].toLowerCase() : '';
      if (op === 'content-length-range') {
        const [, min, max] = c as unknown[];
        if (c.length !== 3 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max) || (min as number) < 0 || (min as number) > (max as number)) return undefined;
        out.push({ kind: 'content-length-range', min: min as number, max: max as number });
      } else if (op === 'eq' || op === 'starts-with') {
        const [, field, value] = c as unknown[];
        if (c.length !== 3 || typeof field !== 'string' || !field.startsWith('$') || field.length < 2 || typeof value !== 'string') return undefined;
        out.push({ kind: op, field: field.slice(1).toLowerCase(), value });
      } else {
        return undefined;
      }
    } else if (typeof c === 'object' && c !== null) {
      const entries = Object.entries(c);
      if (entries.length !== 1 || typeof entries[0]![1] !== 'string') return undefined;
      const [field, value] = entries[0] as [string, string];
      out.push({ kind: 'eq', field: field.toLowerCase(), value });
    } else {
      return undefined;
    }
  }
  return out;
}

/** What a failed condition means for the clerk, by the field it is about. */
function conditionRefusal(field: string, missing: boolean): S3Refusal {
  if (field === 'key') {
    return tampered('AccessDenied', '上传位置与上传许可不符（许可只允许存到指定位置）', "the upload's key is not the one its grant allows");
  }
  if (field === 'bucket') {
    return tampered('AccessDenied', '上传许可不是为这个存储桶签发的', 'the upload grant was issued for another bucket');
  }
  if (field.startsWith(META_PREFIX)) {
    const name = field.slice(META_PREFIX.length);
    return missing
      ? tampered('AccessDenied', `上传表单缺少上传信息 ${name}`, `the upload form lacks its ${name}`)
      : tampered('AccessDenied', `上传信息 ${name} 与上传许可不符（表单被改动过）`, `the upload's ${name} does not match its grant (the form was changed)`);
  }
  return missing
    ? tampered('AccessDenied', `上传表单缺少字段 ${field}`, `the upload form lacks the field ${field}`)
    : tampered('AccessDenied', `上传表单的字段 ${field} 与上传许可不符`, `the upload form's field ${field} does not match its grant`);
}

/**
 * What S3 checks when a PostObject form arrives: the signing fields, the
 * credential scope, the signature (recomputed, compared in constant time), the
 * policy's expiration, every condition (eq, starts-with, content-length-range
 * against fileSize), and that every form field but file, policy,
 * x-amz-signature and x-ignore-* is covered by a condition. Field names are
 * compared without regard to case, values exactly. A condition on a field the
 * form lacks fails. The key is taken literally (no ${filename} substitution).
 *
 * On success, the key and the x-amz-meta-* values as the form carried them
 * (still RFC 2047-encoded where they were: the object metadata to store,
 * as S3 would store them; decodeMetadataValue reads them).
 */
export function verifyPostPolicy(form: { fields: Record<string, string>; fileSize: number }, expect: VerifyPostPolicyExpect): PostPolicyVerdict {
  const fields = new Map<string, string>();
  for (const [name, value] of Object.entries(form.fields)) {
    const lower = name.toLowerCase();
    if (lower === 'file') continue;
    if (fields.has(lower)) return tampered('InvalidArgument', `上传表单的字段 ${lower} 出现了两次`, `the upload form has the field ${lower} twice`, 400);
    fields.set(lower, value);
  }

  // the signing fields
  const policy = fields.get('policy');
  const signature = fields.get('x-amz-signature');
  const algorithm = fields.get('x-amz-algorithm');
  const credential = fields.get('x-amz-credential');
  const date = fields.get('x-amz-date');
  if (policy === undefined || signature === undefined || algorithm === undefined || credential === undefined || date === undefined) {
    const lacking = ['policy', 'x-amz-signature', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date'].filter((f) => !fields.has(f));
    return tampered('AccessDenied', `上传表单没有签名（缺少 ${lacking.join('、')}）`, `the upload form is not signed (it lacks ${lacking.join(', ')})`);
  }
  if (algorithm !== SIGV4_ALGORITHM) {
    return tampered('InvalidArgument', `上传表单的签名算法 ${algorithm} 不受支持`, `the upload form's signing algorithm ${algorithm} is not supported`, 400);
  }
  if (!/^\d{8}T\d{6}Z$/.test(date) || Number.isNaN(Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`))) {
    return tampered('InvalidArgument', '上传表单的签名时间（x-amz-date）格式不对', "the upload form's signing time (x-amz-date) is malformed", 400);
  }
  const scope = credential.split('/');
  if (scope.length !== 5 || !scope[0] || scope[3] !== 's3' || scope[4] !== 'aws4_request' || scope[1] !== date.slice(0, 8)) {
    return tampered('InvalidArgument', '上传表单的签名范围（x-amz-credential）格式不对', "the upload form's credential scope (x-amz-credential) is malformed", 400);
  }
  const [accessKeyId, day, region] = scope as [string, string, string];
  if (region !== expect.region) {
    return tampered('AuthorizationHeaderMalformed', `上传许可签发给地区 ${region}，而存储桶在 ${expect.region}`, `the upload grant is signed for region ${region}, the bucket is in ${expect.region}`, 400);
  }
  const secret = expect.credentials(accessKeyId)?.secretAccessKey;
  if (secret === undefined) {
    return tampered('InvalidAccessKeyId', '上传许可不是本系统签发的（访问密钥未知）', 'the upload grant was not issued here (its access key is unknown)');
  }
  if (!constantTimeEqual(signature, policySignature(policy, secret, day, region))) {
    return tampered('SignatureDoesNotMatch', '上传许可的签名不符（表单或策略被改动过）', "the upload grant's signature does not match (the form or its policy was changed)");
  }

  // the policy: signed, so ours — but still read with care
  let document: unknown;
  try {
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(policy)) throw new Error('not base64');
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(policy, 'base64')));
  } catch {
    return tampered('InvalidPolicyDocument', '上传许可的策略无法读取', "the upload grant's policy cannot be read", 400);
  }
  const doc = (typeof document === 'object' && document !== null ? document : {}) as { expiration?: unknown; conditions?: unknown };
  const expiration = typeof doc.expiration === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/.test(doc.expiration) ? Date.parse(doc.expiration) : Number.NaN;
  const conditions = Array.isArray(doc.conditions) ? conditionsOf(doc.conditions) : undefined;
  if (Number.isNaN(expiration) || !conditions) {
    return tampered('InvalidPolicyDocument', '上传许可的策略格式不对', "the upload grant's policy is malformed", 400);
  }
  if (expect.now.getTime() >= expiration) {
    return refusal(403, 'AccessDenied', `上传许可已过期，${AGAIN.zh}`, `the upload grant has expired: ${AGAIN.en}`);
  }

  // every condition
  const covered = new Set<string>();
  for (const c of conditions) {
    if (c.kind === 'content-length-range') continue;
    covered.add(c.field);
    const value = c.field === 'bucket' ? expect.bucket : fields.get(c.field);
    if (c.field === 'bucket' && fields.has('bucket') && fields.get('bucket') !== expect.bucket) return conditionRefusal('bucket', false);
    if (value === undefined) return conditionRefusal(c.field, true);
    if (c.kind === 'eq' ? value !== c.value : !value.startsWith(c.value)) return conditionRefusal(c.field, false);
  }

  // every form field covered
  const extra = [...fields.keys()].filter((f) => f !== 'policy' && f !== 'x-amz-signature' && !f.startsWith('x-ignore-') && !covered.has(f));
  if (extra.length > 0) {
    return tampered('AccessDenied', `上传表单含有上传许可未列出的字段（${extra.join('、')}），请不要改动表单`, `the upload form has fields its grant does not list (${extra.join(', ')}); do not change the form`);
  }

  // the size
  if (!Number.isSafeInteger(form.fileSize) || form.fileSize < 0) {
    return tampered('IncompleteBody', '没有收到完整的文件', 'the file did not arrive whole', 400);
  }
  for (const c of conditions) {
    if (c.kind !== 'content-length-range') continue;
    if (form.fileSize > c.max) {
      return refusal(
        400,
        'EntityTooLarge',
        `文件有 ${form.fileSize} 字节，超过上限 ${megabytes(c.max)} MB（${c.max} 字节）；请删去多余的工作表或拆成几个文件后重新上传`,
        `the file is ${form.fileSize} bytes, over the limit of ${megabytes(c.max)} MB (${c.max} bytes): remove unneeded sheets or split it into several files, then upload again`,
      );
    }
    if (form.fileSize < c.min) {
      return form.fileSize === 0
        ? refusal(400, 'EntityTooSmall', '文件是空的（0 字节），请选择填好的文件重新上传', 'the file is empty (0 bytes): choose the filled-in file and upload again')
        : refusal(400, 'EntityTooSmall', `文件只有 ${form.fileSize} 字节，少于下限 ${c.min} 字节，请选择填好的文件重新上传`, `the file is ${form.fileSize} bytes, under the minimum of ${c.min}: choose the filled-in file and upload again`);
    }
  }

  const key = fields.get('key');
  if (!key) return tampered('InvalidArgument', '上传表单缺少存放位置（key）', 'the upload form lacks its key', 400);
  const metadata: Record<string, string> = {};
  for (const [name, value] of fields) if (name.startsWith(META_PREFIX) && name.length > META_PREFIX.length) metadata[name.slice(META_PREFIX.length)] = value;
  return { ok: true, key, metadata };
}

// ---------------------------------------------------------------------------
// The adapter

/** The value of one of the client's config providers. */
function provided<T>(provider: () => Promise<T>): Promise<T> {
  return provider();
}

/**
 * Upload grants for one bucket, signed with the S3 client's own credentials and
 * region. The form goes to `url` when given (`qtrack serve` passes its /upload
 * endpoint), else to the bucket's endpoint as the client resolves it: the
 * virtual-hosted regional one (https://{bucket}.s3.{region}.amazonaws.com/, or
 * .amazonaws.com.cn in China), or path style {endpoint}/{bucket} under an
 * endpoint override (the local servers, AWS_ENDPOINT_URL_S3).
 */
export class S3UploadSigner implements UploadSigner {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly url?: string,
  ) {}

  async grant(input: { key: string; maxBytes: number; metadata: Record<string, string>; expiresInSeconds: number }): Promise<UploadGrant> {
    const config = this.s3.config;
    // the SDK's correction for a skewed clock, learnt from S3's answers
    const now = new Date(Date.now() + (config.systemClockOffset ?? 0));
    let credentials = await config.credentials();
    // temporary credentials that end before the grant would make it fail part way: take fresh ones
    if (credentials.expiration && credentials.expiration.getTime() < now.getTime() + input.expiresInSeconds * 1000) {
      credentials = await config.credentials({ forceRefresh: true });
    }
    const region = await provided(config.region);
    if (!region) throw new QtrackError('the S3 client has no region to sign uploads for');
    return signPostPolicy({
      ...input,
      url: this.url ?? (await this.bucketUrl(region)),
      bucket: this.bucket,
      now,
      region,
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    });
  }

  /** The bucket's endpoint by the client's own endpoint rules. */
  private async bucketUrl(region: string): Promise<string> {
    const config = this.s3.config;
    let override: string | undefined;
    if (config.isCustomEndpoint && config.endpoint) {
      const e = await provided(config.endpoint);
      override = `${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path ?? ''}`;
    } else if (!config.ignoreConfiguredEndpointUrls && config.serviceConfiguredEndpoint) {
      override = await provided(config.serviceConfiguredEndpoint); // AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL
    }
    const endpoint = config.endpointProvider({
      Bucket: this.bucket,
      Region: region,
      UseFIPS: await provided(config.useFipsEndpoint),
      UseDualStack: await provided(config.useDualstackEndpoint),
      ForcePathStyle: override ? true : config.forcePathStyle,
      ...(override ? { Endpoint: override } : {}),
    });
    return endpoint.url.href;
  }
}
