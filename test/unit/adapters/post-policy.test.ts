// The SigV4 POST policy of browser uploads: the AWS documentation's worked
// example (its published signature), sign → verify round trips, every refusal
// S3 would make of an edited form, the metadata encoding, and the adapter's
// endpoint and credentials.
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decodeMetadataValue,
  encodeMetadataValue,
  policySignature,
  type PostPolicyVerdict,
  S3UploadSigner,
  type SignPostPolicyInput,
  signPostPolicy,
  verifyPostPolicy,
} from '../../../functions/adapters/s3/post-policy';
import type { UploadGrant } from '../../../functions/core/api/types';

// "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)",
// Amazon S3 API Reference: the example credentials, the policy exactly as its
// base64 form has it (CRLF line ends, a blank line), the form and its signature.
const AWS_EXAMPLE = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  policy:
    'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9',
  signature: '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e',
};

/** The example's form, as its HTML has it (mixed-case field names), with a literal key for ${filename}. */
function awsExampleForm(): Record<string, string> {
  return {
    key: 'user/user1/MyPhoto.jpg',
    acl: 'public-read',
    success_action_redirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html',
    'Content-Type': 'image/jpeg',
    'x-amz-meta-uuid': '14365123651274',
    'x-amz-server-side-encryption': 'AES256',
    'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Date': '20151229T000000Z',
    'x-amz-meta-tag': '',
    Policy: AWS_EXAMPLE.policy,
    'X-Amz-Signature': AWS_EXAMPLE.signature,
  };
}

const awsExpect = (now: string) => ({
  bucket: 'sigv4examplebucket',
  region: 'us-east-1',
  now: new Date(now),
  credentials: (id: string) => (id === AWS_EXAMPLE.accessKeyId ? { secretAccessKey: AWS_EXAMPLE.secretAccessKey } : undefined),
});

// qtrack's own grants
const CREDENTIALS = { accessKeyId: 'AKIAQTRACKTEST00001', secretAccessKey: 'qtrack/test+secret/KEY0123456789abcdef' };
const NOW = new Date('2026-07-05T08:30:00.000Z');
const BUCKET = 'qtrack-submissions';
const REGION = 'cn-north-1';
const KEY = 'submissions/construction/2026-Q3/建管委2026Q3.xlsx';
const MAX = 50 * 1024 * 1024;
const METADATA = { uploader: 'clerk@example.gov.cn', 'upload-id': '0b7f5c1e-4a8b-4c37-9d3e-2f1a6b9c8d70' };

function sign(over: Partial<SignPostPolicyInput> = {}): UploadGrant {
  return signPostPolicy({
    url: `https://${BUCKET}.s3.${REGION}.amazonaws.com.cn/`,
    bucket: BUCKET,
    key: KEY,
    maxBytes: MAX,
    metadata: METADATA,
    expiresInSeconds: 900,
    now: NOW,
    region: REGION,
    credentials: CREDENTIALS,
    ...over,
  });
}

const EXPECT = {
  bucket: BUCKET,
  region: REGION,
  now: new Date(NOW.getTime() + 60_000),
  credentials: (id: string) => (id === CREDENTIALS.accessKeyId ? { secretAccessKey: CREDENTIALS.secretAccessKey } : undefined),
};

function verify(fields: Record<string, string>, fileSize = 123_456, over: Partial<typeof EXPECT> = {}): PostPolicyVerdict {
  return verifyPostPolicy({ fields, fileSize }, { ...EXPECT, ...over });
}

/** A refusal with S3's status and code and a message in both languages, Chinese first. */
function expectRefused(verdict: PostPolicyVerdict, status: number, code: string): { zh: string; en: string } {
  expect(verdict.ok).toBe(false);
  if (verdict.ok) throw new Error('accepted');
  expect({ status: verdict.status, code: verdict.code }).toEqual({ status, code });
  expect(verdict.message.zh).toMatch(/[\u4e00-\u9fff]/);
  expect(verdict.message.en).toMatch(/^[\x20-\x7e]+$/);
  return verdict.message;
}

function decodedPolicy(grant: UploadGrant): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(grant.fields.policy!, 'base64').toString('utf8'));
}

function withPolicy(fields: Record<string, string>, edit: (policy: { expiration: string; conditions: unknown[] }) => void): Record<string, string> {
  const policy = JSON.parse(Buffer.from(fields.policy!, 'base64').toString('utf8'));
  edit(policy);
  return { ...fields, policy: Buffer.from(JSON.stringify(policy)).toString('base64') };
}

describe('the AWS documentation example', () => {
  it('gives the published signature', () => {
    expect(policySignature(AWS_EXAMPLE.policy, AWS_EXAMPLE.secretAccessKey, '20151229', 'us-east-1')).toBe(AWS_EXAMPLE.signature);
    // the policy is the documented one, line ends and all
    const text = Buffer.from(AWS_EXAMPLE.policy, 'base64').toString('utf8');
    expect(text.startsWith('{ "expiration": "2015-12-30T12:00:00.000Z",\r\n  "conditions": [\r\n')).toBe(true);
    expect(policySignature(AWS_EXAMPLE.policy, AWS_EXAMPLE.secretAccessKey, '20151230', 'us-east-1')).not.toBe(AWS_EXAMPLE.signature);
  });

  it('accepts its form (starts-with, eq, mixed-case names, an empty value) and refuses it edited or late', () => {
    expect(verifyPostPolicy({ fields: awsExampleForm(), fileSize: 1000 }, awsExpect('2015-12-29T00:00:01Z'))).toEqual({
      ok: true,
      key: 'user/user1/MyPhoto.jpg',
      metadata: { uuid: '14365123651274', tag: '' },
    });
    const at = awsExpect('2015-12-29T10:00:00Z');
    const form = awsExampleForm();
    expectRefused(verifyPostPolicy({ fields: { ...form, key: 'user/user2/MyPhoto.jpg' }, fileSize: 1000 }, at), 403, 'AccessDenied');
    expectRefused(verifyPostPolicy({ fields: { ...form, 'Content-Type': 'text/html' }, fileSize: 1000 }, at), 403, 'AccessDenied');
    expectRefused(verifyPostPolicy({ fields: { ...form, acl: 'public-read-write' }, fileSize: 1000 }, at), 403, 'AccessDenied');
    expectRefused(verifyPostPolicy({ fields: { ...form, 'X-Amz-Date': '20151229T000001Z' }, fileSize: 1000 }, at), 403, 'AccessDenied');
    expectRefused(verifyPostPolicy({ fields: { ...form, 'X-Amz-Signature': AWS_EXAMPLE.signature.replace(/^8/, '9') }, fileSize: 1000 }, at), 403, 'SignatureDoesNotMatch');
    expectRefused(verifyPostPolicy({ fields: form, fileSize: 1000 }, { ...at, bucket: 'another-bucket' }), 403, 'AccessDenied');
    expectRefused(verifyPostPolicy({ fields: form, fileSize: 1000 }, awsExpect('2015-12-30T12:00:00Z')), 403, 'AccessDenied');
  });
});

describe('signPostPolicy', () => {
  it('gives the form fields, each pinned by the policy, expiring when asked', () => {
    const grant = sign({ credentials: { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzE//token+with/slashes==' } });
    const credential = `${CREDENTIALS.accessKeyId}/20260705/cn-north-1/s3/aws4_request`;
    expect(grant.url).toBe(`https://${BUCKET}.s3.${REGION}.amazonaws.com.cn/`);
    expect(grant.expiresAt).toBe('2026-07-05T08:45:00.000Z');
    expect(Object.keys(grant.fields)).toEqual([
      'key',
      'x-amz-meta-uploader',
      'x-amz-meta-upload-id',
      'success_action_status',
      'x-amz-algorithm',
      'x-amz-credential',
      'x-amz-date',
      'x-amz-security-token',
      'policy',
      'x-amz-signature',
    ]);
    expect(grant.fields).toMatchObject({
      key: KEY,
      'x-amz-meta-uploader': METADATA.uploader,
      'x-amz-meta-upload-id': METADATA['upload-id'],
      success_action_status: '204',
      'x-amz-algorithm': 'AWS4-HMAC-SHA256',
      'x-amz-credential': credential,
      'x-amz-date': '20260705T083000Z',
      'x-amz-security-token': 'FwoGZXIvYXdzE//token+with/slashes==',
    });
    expect(grant.fields['x-amz-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(decodedPolicy(grant)).toEqual({
      expiration: '2026-07-05T08:45:00.000Z',
      conditions: [
        { bucket: BUCKET },
        ['eq', '$key', KEY],
        ['content-length-range', 1, MAX],
        { 'x-amz-meta-uploader': METADATA.uploader },
        { 'x-amz-meta-upload-id': METADATA['upload-id'] },
        { success_action_status: '204' },
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-credential': credential },
        { 'x-amz-date': '20260705T083000Z' },
        { 'x-amz-security-token': 'FwoGZXIvYXdzE//token+with/slashes==' },
      ],
    });
    // the policy document is plain ASCII: the Chinese key travels as \u escapes
    expect(Buffer.from(grant.fields.policy!, 'base64').toString('latin1')).toMatch(/^[\x20-\x7e]+$/);
    expect(grant.fields['x-amz-signature']).toBe(policySignature(grant.fields.policy!, CREDENTIALS.secretAccessKey, '20260705', REGION));
    expect(sign().fields).not.toHaveProperty('x-amz-security-token');
  });

  it('refuses what S3 or a browser form would not carry as signed', () => {
    expect(() => sign({ maxBytes: 0 })).toThrow(/maxBytes/);
    expect(() => sign({ maxBytes: 1.5 })).toThrow(/maxBytes/);
    expect(() => sign({ expiresInSeconds: 0 })).toThrow(/expiresInSeconds/);
    expect(() => sign({ key: '' })).toThrow(/key/);
    expect(() => sign({ key: 'submissions/a/2026-Q3/line\nbreak.xlsx' })).toThrow(/control/);
    // S3 would put the browser's file name in place of this variable
    expect(() => sign({ key: `submissions/a/2026-Q3/$${'{filename}'}` })).toThrow(/filename/);
    expect(() => sign({ key: 'x'.repeat(1025) })).toThrow(/1024/);
    expect(() => sign({ metadata: { Uploader: 'a' } })).toThrow(/metadata name/);
    expect(() => sign({ metadata: { uploader: 'x'.repeat(2100) } })).toThrow(/2048/);
    expect(() => sign({ metadata: { uploader: 'broken \ud800 surrogate' } })).toThrow(/surrogate/);
  });
});

describe('verifyPostPolicy', () => {
  it('accepts the form as signed, at any size from 1 byte to the limit, until it expires', () => {
    const { fields } = sign();
    expect(verify(fields)).toEqual({ ok: true, key: KEY, metadata: METADATA });
    expect(verify(fields, 1).ok).toBe(true);
    expect(verify(fields, MAX).ok).toBe(true);
    expect(verify(fields, 123, { now: new Date(NOW.getTime() + 900_000 - 1) }).ok).toBe(true);
    // field names in any case, the file among them, and x-ignore-* fields are fine
    const shouted = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.replace(/^x-amz-/, 'X-Amz-'), v]));
    expect(verify({ ...shouted, file: '(the file)', 'x-ignore-submit': 'Upload' }).ok).toBe(true);
    // with a session token
    const temporary = sign({ credentials: { ...CREDENTIALS, sessionToken: 'session-token' } }).fields;
    expect(verify(temporary).ok).toBe(true);
    expectRefused(verify({ ...temporary, 'x-amz-security-token': 'another-token' }), 403, 'AccessDenied');
  });

  it("refuses a key edited to another department's prefix, or any key but the signed one", () => {
    const { fields } = sign();
    const message = expectRefused(verify({ ...fields, key: 'submissions/market/2026-Q3/建管委2026Q3.xlsx' }), 403, 'AccessDenied');
    expect(message).toEqual({
      zh: '上传位置与上传许可不符（许可只允许存到指定位置），请在门户重新上传',
      en: "the upload's key is not the one its grant allows: upload again from the portal",
    });
    expectRefused(verify({ ...fields, key: 'submissions/construction/2026-Q3/another.xlsx' }), 403, 'AccessDenied');
    expectRefused(verify({ ...fields, key: `${KEY}.bak` }), 403, 'AccessDenied');
    expectRefused(verify({ ...fields, key: 'submissions/construction/2026-Q3/建管委2026Q3.XLSX' }), 403, 'AccessDenied');
    const { key: _key, ...keyless } = fields;
    expectRefused(verify(keyless), 403, 'AccessDenied');
  });

  it('refuses a file over maxBytes and an empty one, saying what to do', () => {
    const { fields } = sign();
    const large = expectRefused(verify(fields, MAX + 1), 400, 'EntityTooLarge');
    expect(large.zh).toContain('50 MB');
    expect(large.en).toContain('over the limit of 50 MB');
    expectRefused(verify(fields, Number.NaN), 400, 'IncompleteBody');
    expectRefused(verify(fields, -1), 400, 'IncompleteBody');
    const empty = expectRefused(verify(fields, 0), 400, 'EntityTooSmall');
    expect(empty).toEqual({ zh: '文件是空的（0 字节），请选择填好的文件重新上传', en: 'the file is empty (0 bytes): choose the filled-in file and upload again' });
  });

  it('refuses an expired grant', () => {
    const { fields } = sign();
    const message = expectRefused(verify(fields, 100, { now: new Date(NOW.getTime() + 900_000) }), 403, 'AccessDenied');
    expect(message).toEqual({ zh: '上传许可已过期，请在门户重新上传', en: 'the upload grant has expired: upload again from the portal' });
    expectRefused(verify(fields, 100, { now: new Date('2026-07-06T00:00:00Z') }), 403, 'AccessDenied');
  });

  it('refuses a changed or missing metadata value', () => {
    const { fields } = sign();
    const changed = expectRefused(verify({ ...fields, 'x-amz-meta-uploader': 'office@example.gov.cn' }), 403, 'AccessDenied');
    expect(changed.en).toBe("the upload's uploader does not match its grant (the form was changed): upload again from the portal");
    expectRefused(verify({ ...fields, 'x-amz-meta-upload-id': 'another-upload' }), 403, 'AccessDenied');
    const { 'x-amz-meta-upload-id': _id, ...without } = fields;
    expect(expectRefused(verify(without), 403, 'AccessDenied').en).toContain('lacks its upload-id');
  });

  it('refuses a forged or altered signature', () => {
    const { fields } = sign();
    const signature = fields['x-amz-signature']!;
    const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    for (const forged of [flipped, 'f'.repeat(64), signature.toUpperCase(), signature.slice(0, 63), `${signature}0`, '']) {
      expectRefused(verify({ ...fields, 'x-amz-signature': forged }), 403, 'SignatureDoesNotMatch');
    }
    // signed with another secret under the same key id
    const other = sign({ credentials: { ...CREDENTIALS, secretAccessKey: 'not-the-secret' } }).fields;
    expectRefused(verify(other), 403, 'SignatureDoesNotMatch');
    const { 'x-amz-signature': _s, ...unsigned } = fields;
    expectRefused(verify(unsigned), 403, 'AccessDenied');
  });

  it('refuses an altered policy (its signature no longer matches)', () => {
    const { fields } = sign();
    const bigger = withPolicy(fields, (p) => {
      p.conditions[2] = ['content-length-range', 1, 10 * MAX];
    });
    expectRefused(verify(bigger, MAX + 1), 403, 'SignatureDoesNotMatch');
    const anyKey = withPolicy(fields, (p) => {
      p.conditions[1] = ['starts-with', '$key', 'submissions/'];
    });
    expectRefused(verify({ ...anyKey, key: 'submissions/market/2026-Q3/x.xlsx' }), 403, 'SignatureDoesNotMatch');
    const later = withPolicy(fields, (p) => {
      p.expiration = '2027-01-01T00:00:00.000Z';
    });
    expectRefused(verify(later, 100, { now: new Date('2026-08-01T00:00:00Z') }), 403, 'SignatureDoesNotMatch');
    // a re-signed policy that is not JSON, or not a policy, is malformed
    const resign = (text: string) => {
      const policy = Buffer.from(text).toString('base64');
      return { ...fields, policy, 'x-amz-signature': policySignature(policy, CREDENTIALS.secretAccessKey, '20260705', REGION) };
    };
    expectRefused(verify(resign('{not json')), 400, 'InvalidPolicyDocument');
    expectRefused(verify(resign('{"conditions":[]}')), 400, 'InvalidPolicyDocument');
    expectRefused(verify(resign('{"expiration":"2026-07-05T09:00:00Z","conditions":[["between","$key",1]]}')), 400, 'InvalidPolicyDocument');
  });

  it('refuses an extra form field the policy does not cover', () => {
    const { fields } = sign();
    const acl = expectRefused(verify({ ...fields, acl: 'public-read' }), 403, 'AccessDenied');
    expect(acl.en).toBe('the upload form has fields its grant does not list (acl); do not change the form: upload again from the portal');
    expectRefused(verify({ ...fields, 'x-amz-meta-department': 'market' }), 403, 'AccessDenied');
    expectRefused(verify({ ...fields, 'Content-Type': 'text/html' }), 403, 'AccessDenied');
    expectRefused(verify({ ...fields, success_action_redirect: 'https://evil.example/' }), 403, 'AccessDenied');
    // the same field twice, in two cases
    expectRefused(verify({ ...fields, KEY: 'submissions/market/2026-Q3/x.xlsx' }), 400, 'InvalidArgument');
  });

  it('refuses an unknown access key, another region and another bucket', () => {
    const { fields } = sign();
    const unknown = expectRefused(verify(fields, 100, { credentials: () => undefined }), 403, 'InvalidAccessKeyId');
    expect(unknown.en).toContain('upload again from the portal');
    const stranger = sign({ credentials: { accessKeyId: 'AKIASTRANGER0000001', secretAccessKey: 'whatever' } }).fields;
    expectRefused(verify(stranger), 403, 'InvalidAccessKeyId');
    expectRefused(verify(fields, 100, { region: 'cn-northwest-1' }), 400, 'AuthorizationHeaderMalformed');
    expectRefused(verify(fields, 100, { bucket: 'qtrack-reports' }), 403, 'AccessDenied');
    expectRefused(verify({ ...fields, 'x-amz-algorithm': 'AWS4-HMAC-SHA1' }), 400, 'InvalidArgument');
    expectRefused(verify({ ...fields, 'x-amz-credential': fields['x-amz-credential']!.replace('/s3/', '/sqs/') }), 400, 'InvalidArgument');
  });
});

describe('metadata values', () => {
  it('keep plain ASCII as it is and send anything else as one RFC 2047 encoded word', () => {
    expect(encodeMetadataValue('clerk@example.gov.cn')).toBe('clerk@example.gov.cn');
    expect(encodeMetadataValue('')).toBe('');
    for (const value of ['张三@例子.中国', 'café', ' padded', 'trailing ', 'line\nbreak', 'tab\there', 'looks =?like?= a word']) {
      const wire = encodeMetadataValue(value);
      expect(wire).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(decodeMetadataValue(wire)).toBe(value);
    }
    expect(encodeMetadataValue('张三@例子.中国')).toBe(`=?UTF-8?B?${Buffer.from('张三@例子.中国').toString('base64')}?=`);
  });

  it('decode as S3 may return them (B or Q, several words), and leave anything else alone', () => {
    expect(decodeMetadataValue('=?utf-8?Q?caf=C3=A9_au_lait?=')).toBe('café au lait');
    expect(decodeMetadataValue(`=?UTF-8?B?${Buffer.from('张').toString('base64')}?= =?UTF-8?B?${Buffer.from('三').toString('base64')}?=`)).toBe('张三');
    expect(decodeMetadataValue('plain=?text')).toBe('plain=?text');
    expect(decodeMetadataValue('=?ISO-8859-1?Q?caf=E9?=')).toBe('=?ISO-8859-1?Q?caf=E9?=');
    expect(decodeMetadataValue('=?UTF-8?B?/w==?=')).toBe('=?UTF-8?B?/w==?='); // not UTF-8
  });

  it('travel signed: the form carries the encoded word, the policy pins it, verify returns it for storing', () => {
    const grant = sign({ metadata: { uploader: '张三@例子.中国', 'upload-id': 'u-1' } });
    const wire = grant.fields['x-amz-meta-uploader']!;
    expect(wire).toMatch(/^[\x21-\x7e]+$/);
    expect(decodedPolicy(grant).conditions).toContainEqual({ 'x-amz-meta-uploader': wire });
    const verdict = verify(grant.fields);
    expect(verdict).toEqual({ ok: true, key: KEY, metadata: { uploader: wire, 'upload-id': 'u-1' } });
    if (verdict.ok) expect(decodeMetadataValue(verdict.metadata.uploader!)).toBe('张三@例子.中国');
    // the decoded value in the form is not the signed one
    expectRefused(verify({ ...grant.fields, 'x-amz-meta-uploader': '张三@例子.中国' }), 403, 'AccessDenied');
  });
});

describe('S3UploadSigner', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const staticCredentials = { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.secretAccessKey };
  const request = { key: KEY, maxBytes: MAX, metadata: METADATA, expiresInSeconds: 900 };
  const now = () => ({ ...EXPECT, now: new Date() });

  it("posts to the bucket's virtual-hosted regional endpoint, signed with the client's credentials and region", async () => {
    const s3 = new S3Client({ region: REGION, credentials: staticCredentials });
    const grant = await new S3UploadSigner(s3, BUCKET).grant(request);
    expect(grant.url).toBe(`https://${BUCKET}.s3.cn-north-1.amazonaws.com.cn/`);
    expect(grant.fields['x-amz-credential']).toMatch(new RegExp(`^${CREDENTIALS.accessKeyId}/\\d{8}/cn-north-1/s3/aws4_request$`));
    expect(Date.parse(grant.expiresAt) - Date.now()).toBeGreaterThan(890_000);
    expect(verifyPostPolicy({ fields: grant.fields, fileSize: 10 }, now())).toEqual({ ok: true, key: KEY, metadata: METADATA });
    const east = new S3Client({ region: 'us-east-1', credentials: staticCredentials });
    expect((await new S3UploadSigner(east, BUCKET).grant(request)).url).toBe(`https://${BUCKET}.s3.us-east-1.amazonaws.com/`);
    s3.destroy();
    east.destroy();
  });

  it('posts path style under an endpoint override (the local servers, AWS_ENDPOINT_URL_S3), and to an explicit url', async () => {
    const local = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4569', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    expect((await new S3UploadSigner(local, 'uploads').grant(request)).url).toBe('http://127.0.0.1:4569/uploads');
    const served = await new S3UploadSigner(local, 'uploads', 'http://127.0.0.1:8080/upload').grant(request);
    expect(served.url).toBe('http://127.0.0.1:8080/upload');
    expect(served.fields['x-amz-credential']).toMatch(/^S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    vi.stubEnv('AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:9000');
    const env = new S3Client({ region: 'us-east-1', credentials: staticCredentials });
    expect((await new S3UploadSigner(env, BUCKET).grant(request)).url).toBe(`http://127.0.0.1:9000/${BUCKET}`);
    local.destroy();
    env.destroy();
  });

  it('carries a session token, and takes fresh credentials when the cached ones would end before the grant', async () => {
    let calls = 0;
    const s3 = new S3Client({
      region: REGION,
      credentials: async () => {
        calls++;
        return calls === 1
          ? { ...staticCredentials, accessKeyId: 'ASIAOLD', sessionToken: 'old', expiration: new Date(Date.now() + 10 * 60_000) }
          : { ...staticCredentials, sessionToken: 'fresh', expiration: new Date(Date.now() + 60 * 60_000) };
      },
    });
    const grant = await new S3UploadSigner(s3, BUCKET).grant(request);
    expect(grant.fields['x-amz-security-token']).toBe('fresh');
    expect(grant.fields['x-amz-credential']!.startsWith(`${CREDENTIALS.accessKeyId}/`)).toBe(true);
    expect(verifyPostPolicy({ fields: grant.fields, fileSize: 10 }, now()).ok).toBe(true);
    s3.destroy();
  });
});
