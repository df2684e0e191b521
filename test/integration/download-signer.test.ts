// Presigned downloads against the embedded s3rver: the exact bytes under the
// version's own (Chinese) file name. s3rver 3.7.1 checks a SigV4 URL's expiry
// and access key but never its signature (lib/middleware/authentication.js:
// "Signature version 4 calculation is unimplemented"), with or without
// allowMismatchedSignatures, and serves unsigned requests too — so an edited
// URL is served. The refusals are proven through a verifying front
// (verifyPresignedGet) in front of s3rver, the shape `qtrack serve` needs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contentDisposition, S3DownloadSigner, verifyPresignedGet } from '../../functions/adapters/s3/download-signer';
import { type Embedded, type Stores, startEmbedded } from '../support/embedded';

const S3RVER_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const OWN_KEY = 'submissions/construction/2026-Q3/建管委2026Q3.xlsx';
const OTHER_KEY = 'submissions/market/2026-Q3/市场监管局2026Q3.xlsx';
const REPORT_KEY = 'annotated/construction/2026-Q3/建管委2026Q3（标注）.xlsx';

/** The S3 client settings of a local endpoint, as localClients has them. */
function clientConfig(endpoint: string) {
  return {
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
  };
}

/** An S3 client on a local endpoint with s3rver's own access key. */
function clientFor(endpoint: string): S3Client {
  return new S3Client({ ...clientConfig(endpoint), credentials: S3RVER_KEY });
}

/** A URL signed SECONDS_AGO seconds in the past (the signer reads the clock when it signs). */
async function signedAgo(sign: () => Promise<string>, secondsAgo: number): Promise<string> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() - secondsAgo * 1000);
  try {
    return await sign();
  } finally {
    vi.useRealTimers();
  }
}

/** The same URL with its key swapped: what a clerk would try for another department's file. */
function editKey(url: string, from: string, to: string): string {
  const enc = (key: string) => key.split('/').map(encodeURIComponent).join('/');
  expect(url).toContain(enc(from));
  return url.replace(enc(from), enc(to));
}

/** RFC 5987 filename* of a Content-Disposition, decoded. */
function extendedFileName(header: string | null): string | undefined {
  const m = /filename\*=UTF-8''([^;]+)/.exec(header ?? '');
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function s3Code(body: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
}

describe('contentDisposition', () => {
  it('gives the exact name as filename* and an ASCII fallback, all in ASCII', () => {
    expect(contentDisposition('建管委2026Q3.xlsx')).toBe(
      `attachment; filename="2026Q3.xlsx"; filename*=UTF-8''${encodeURIComponent('建管委2026Q3.xlsx')}`,
    );
    expect(contentDisposition('区建设管理委.xlsx')).toBe(`attachment; filename="download.xlsx"; filename*=UTF-8''${encodeURIComponent('区建设管理委.xlsx')}`);
    expect(contentDisposition('summary.html')).toBe(`attachment; filename="summary.html"; filename*=UTF-8''summary.html`);
    // the summary page opens in the browser instead
    expect(contentDisposition('summary.html', true)).toBe(`inline; filename="summary.html"; filename*=UTF-8''summary.html`);
    // characters RFC 5987 does not allow bare are escaped; quotes, backslashes and paths cannot break out
    const tricky = contentDisposition('a "quoted" (copy) it\'s*\\..\\x/y%20.csv');
    expect(tricky).toMatch(/^[\x20-\x7e]+$/);
    expect(tricky).toContain('filename="a _quoted_ (copy) it\'s*_.._x_y_20.csv"');
    expect(extendedFileName(tricky)).toBe('a "quoted" (copy) it\'s*_.._x_y%20.csv');
    expect(tricky).not.toMatch(/filename\*=UTF-8''[^;]*['()*]/);
    expect(extendedFileName(contentDisposition('control\u0000\r\nchars.xlsx'))).toBe('controlchars.xlsx');
  });
});

describe('verifyPresignedGet', () => {
  // "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", Amazon S3 API Reference
  const example = {
    method: 'GET',
    url: '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    headers: { host: 'examplebucket.s3.amazonaws.com' },
  };
  const expectAt = (now: string) => ({
    region: 'us-east-1',
    now: new Date(now),
    credentials: (id: string) => (id === 'AKIAIOSFODNN7EXAMPLE' ? { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } : undefined),
  });

  it("accepts the AWS documentation's presigned URL and refuses it edited, elsewhere or late", () => {
    expect(verifyPresignedGet(example, expectAt('2013-05-24T12:00:00Z'))).toEqual({ ok: true });
    expect(verifyPresignedGet({ ...example, url: `https://examplebucket.s3.amazonaws.com${example.url}` }, expectAt('2013-05-24T12:00:00Z'))).toEqual({ ok: true });
    const refused = (request: typeof example, now = '2013-05-24T12:00:00Z') => {
      const verdict = verifyPresignedGet(request, expectAt(now));
      return verdict.ok ? 'ok' : `${verdict.status} ${verdict.code}`;
    };
    expect(refused({ ...example, url: example.url.replace('/test.txt', '/test2.txt') })).toBe('403 SignatureDoesNotMatch');
    expect(refused({ ...example, url: `${example.url}&response-content-type=text%2Fhtml` })).toBe('403 SignatureDoesNotMatch');
    expect(refused({ ...example, headers: { host: 'otherbucket.s3.amazonaws.com' } })).toBe('403 SignatureDoesNotMatch');
    expect(refused({ ...example, method: 'DELETE' })).toBe('403 SignatureDoesNotMatch');
    expect(refused({ ...example, url: example.url.replace('X-Amz-Expires=86400', 'X-Amz-Expires=604800') })).toBe('403 SignatureDoesNotMatch');
    expect(refused(example, '2013-05-25T00:00:01Z')).toBe('403 AccessDenied');
    expect(refused(example, '2013-05-23T23:00:00Z')).toBe('403 AccessDenied'); // dated in the future
    expect(refused({ ...example, url: '/test.txt' })).toBe('403 AccessDenied');
    expect(refused({ ...example, url: example.url.replace('AKIAIOSFODNN7EXAMPLE', 'AKIAOTHER') })).toBe('403 InvalidAccessKeyId');
    expect(refused({ ...example, url: example.url.replace('us-east-1', 'cn-north-1') })).toBe('400 AuthorizationQueryParametersError');
    const verdict = verifyPresignedGet(example, expectAt('2013-05-26T00:00:00Z'));
    expect(verdict.ok ? undefined : verdict.message).toEqual({ zh: '下载链接已过期，请回到门户重新点击下载', en: 'the download link has expired: click download again in the portal' });
  });
});

describe('S3DownloadSigner against the embedded s3rver', () => {
  let embedded: Embedded;
  let stores: Stores;
  let signer: S3DownloadSigner;
  const own = randomBytes(200_000);
  const other = randomBytes(1000);
  const report = randomBytes(5000);

  beforeAll(async () => {
    embedded = await startEmbedded();
    stores = await embedded.stores();
    const s3 = embedded.clients.s3;
    await s3.send(new PutObjectCommand({ Bucket: stores.uploads, Key: OWN_KEY, Body: own, ContentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
    await s3.send(new PutObjectCommand({ Bucket: stores.uploads, Key: OTHER_KEY, Body: other }));
    await s3.send(new PutObjectCommand({ Bucket: stores.reports, Key: REPORT_KEY, Body: report }));
    signer = new S3DownloadSigner(s3, { uploads: stores.uploads, reports: stores.reports });
  });

  afterAll(async () => {
    await embedded?.stop();
  });

  it('a presigned GET fetches the exact bytes, saved under the Chinese file name', async () => {
    const url = await signer.link({ bucket: 'uploads', key: OWN_KEY, fileName: '建管委2026Q3.xlsx', expiresInSeconds: 300 });
    expect(url.startsWith(`${embedded.endpoints.s3}/${stores.uploads}/`)).toBe(true);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(own)).toBe(true);
    expect(res.headers.get('content-disposition')).toBe(contentDisposition('建管委2026Q3.xlsx'));
    expect(extendedFileName(res.headers.get('content-disposition'))).toBe('建管委2026Q3.xlsx');

    const annotated = await signer.link({ bucket: 'reports', key: REPORT_KEY, fileName: '建管委2026Q3（标注）.xlsx', expiresInSeconds: 60 });
    const got = await fetch(annotated);
    expect(Buffer.from(await got.arrayBuffer()).equals(report)).toBe(true);
    expect(extendedFileName(got.headers.get('content-disposition'))).toBe('建管委2026Q3（标注）.xlsx');
  });

  it('signs the version id into the URL (s3rver keeps no versions and ignores it)', async () => {
    const url = await signer.link({ bucket: 'uploads', key: OWN_KEY, versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY', fileName: 'a.xlsx', expiresInSeconds: 60 });
    expect(new URL(url).searchParams.get('versionId')).toBe('3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY');
    expect((await fetch(url)).status).toBe(200);
    await expect(signer.link({ bucket: 'uploads', key: OWN_KEY, fileName: 'a.xlsx', expiresInSeconds: 0 })).rejects.toThrow(/1 s to a week/);
    await expect(signer.link({ bucket: 'uploads', key: OWN_KEY, fileName: 'a.xlsx', expiresInSeconds: 604_801 })).rejects.toThrow(/1 s to a week/);
  });

  it('s3rver refuses an expired URL and an unknown access key (403), whatever allowMismatchedSignatures says', async () => {
    const expired = await signedAgo(() => signer.link({ bucket: 'uploads', key: OWN_KEY, fileName: 'a.xlsx', expiresInSeconds: 300 }), 600);
    const res = await fetch(expired);
    expect(res.status).toBe(403);
    expect(s3Code(await res.text())).toBe('AccessDenied');
    const stranger = new S3Client({ ...clientConfig(embedded.endpoints.s3), credentials: { accessKeyId: 'STRANGER', secretAccessKey: 'x' } });
    const foreign = await new S3DownloadSigner(stranger, { uploads: stores.uploads, reports: stores.reports }).link({ bucket: 'uploads', key: OWN_KEY, fileName: 'a.xlsx', expiresInSeconds: 300 });
    const denied = await fetch(foreign);
    expect(denied.status).toBe(403);
    expect(s3Code(await denied.text())).toBe('InvalidAccessKeyId');
    stranger.destroy();
  });

  it('s3rver serves an edited URL, a forged signature and no signature at all: it never checks SigV4 signatures', async () => {
    const url = await signer.link({ bucket: 'uploads', key: OWN_KEY, fileName: '建管委2026Q3.xlsx', expiresInSeconds: 300 });
    const edited = await fetch(editKey(url, OWN_KEY, OTHER_KEY));
    expect(edited.status).toBe(200); // another department's file
    expect(Buffer.from(await edited.arrayBuffer()).equals(other)).toBe(true);
    const forged = new URL(url);
    forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    expect((await fetch(forged)).status).toBe(200);
    expect((await fetch(`${embedded.endpoints.s3}/${stores.uploads}/${OTHER_KEY.split('/').map(encodeURIComponent).join('/')}`)).status).toBe(200);
  });

  it('nor does an s3rver started with allowMismatchedSignatures: false (it checks V2 signatures only)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtrack-s3rver-strict-'));
    const strict = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, allowMismatchedSignatures: false });
    const { port } = (await strict.run()) as AddressInfo;
    const s3 = clientFor(`http://127.0.0.1:${port}`);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
      await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: OWN_KEY, Body: own }));
      await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: OTHER_KEY, Body: other }));
      const url = await new S3DownloadSigner(s3, { uploads: 'uploads', reports: 'uploads' }).link({ bucket: 'uploads', key: OWN_KEY, fileName: 'a.xlsx', expiresInSeconds: 300 });
      expect((await fetch(url)).status).toBe(200);
      const edited = await fetch(editKey(url, OWN_KEY, OTHER_KEY));
      expect(edited.status).toBe(200);
      expect(Buffer.from(await edited.arrayBuffer()).equals(other)).toBe(true);
    } finally {
      s3.destroy();
      await strict.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('through a verifying front (what `qtrack serve` needs in front of s3rver)', () => {
    let front: Server;
    let frontUrl: string;
    let frontSigner: S3DownloadSigner;
    let frontClient: S3Client;

    beforeAll(async () => {
      const target = new URL(embedded.endpoints.s3);
      front = createServer((req, res) => {
        const verdict = verifyPresignedGet(
          { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers },
          { region: 'us-east-1', now: new Date(), credentials: (id) => (id === S3RVER_KEY.accessKeyId ? { secretAccessKey: S3RVER_KEY.secretAccessKey } : undefined) },
        );
        if (!verdict.ok) {
          res.writeHead(verdict.status, { 'Content-Type': 'application/xml; charset=utf-8' });
          res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${verdict.code}</Code><Message>${verdict.message.zh} / ${verdict.message.en}</Message></Error>`);
          return;
        }
        const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
      frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
      frontClient = clientFor(frontUrl);
      frontSigner = new S3DownloadSigner(frontClient, { uploads: stores.uploads, reports: stores.reports });
    });

    afterAll(async () => {
      frontClient?.destroy();
      await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
    });

    const link = (over: { key?: string; expiresInSeconds?: number } = {}) =>
      frontSigner.link({ bucket: 'uploads', key: over.key ?? OWN_KEY, fileName: '建管委2026Q3.xlsx', expiresInSeconds: over.expiresInSeconds ?? 300 });

    it('serves the signed URL: the exact bytes, with the Content-Disposition', async () => {
      const res = await fetch(await link());
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(own)).toBe(true);
      expect(extendedFileName(res.headers.get('content-disposition'))).toBe('建管委2026Q3.xlsx');
      // the same URL written differently (the query re-encoded as a form: '+' for spaces) is the same request
      const rewritten = new URL(await link());
      rewritten.searchParams.sort();
      expect(rewritten.search).toContain('+');
      expect((await fetch(rewritten)).status).toBe(200);
    });

    it('refuses a URL with its key edited (403 SignatureDoesNotMatch)', async () => {
      const res = await fetch(editKey(await link(), OWN_KEY, OTHER_KEY));
      expect(res.status).toBe(403);
      const body = await res.text();
      expect(s3Code(body)).toBe('SignatureDoesNotMatch');
      expect(body).toContain('the link was changed');
      const disposition = new URL(await link());
      disposition.searchParams.set('response-content-disposition', 'inline');
      expect((await fetch(disposition)).status).toBe(403);
      const forged = new URL(await link());
      forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
      expect((await fetch(forged)).status).toBe(403);
    });

    it('refuses an expired URL (403 AccessDenied) and an unsigned one', async () => {
      const expired = await signedAgo(() => link({ expiresInSeconds: 300 }), 600);
      const res = await fetch(expired);
      expect(res.status).toBe(403);
      const body = await res.text();
      expect(s3Code(body)).toBe('AccessDenied');
      expect(body).toContain('下载链接已过期');
      const unsigned = await fetch(`${frontUrl}/${stores.uploads}/${OTHER_KEY.split('/').map(encodeURIComponent).join('/')}`);
      expect(unsigned.status).toBe(403);
    });
  });
});

