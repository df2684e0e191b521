// The portal's API over the in-memory pipeline: who may see and do what
// (a clerk only their department, the office all and no uploads), the upload
// grant's pins, the states of a quarter, and the uploader on the version.
// The signers are fakes that record what they were asked to sign; the real
// ones have their own tests (post-policy, download-signer).
import { describe, expect, it } from 'vitest';
import { handleApi } from '../../../functions/core/api';
import type { ApiDeps, ApiRequest, Claims, DownloadSigner, UploadSigner } from '../../../functions/core/api/types';
import { S3_FILENAME } from '../../../functions/core/api/uploads';
import { issues } from '../../../functions/core/workbook/guard';
import { ingestSubmission, submissionOf } from '../../../functions/core/use-cases/ingest';
import { writeSummary } from '../../../functions/core/use-cases/summarize';
import { asPeriod } from '../../../functions/core/periods';
import { memoryPipeline } from '../../support/memory-pipeline';
import { inspectionRows, xlsx } from '../../support/workbooks';

const NOW = new Date('2026-04-05T02:00:00Z'); // 2026-Q1 due 2026-04-10
const MR: Claims = { sub: 'u-mr', email: 'mr@example.gov.cn', groups: ['dept-market-regulation'] };
const CO: Claims = { sub: 'u-co', email: 'co@example.gov.cn', groups: ['dept-construction'] };
const OFFICE: Claims = { sub: 'u-of', email: 'office@example.gov.cn', groups: ['office'] };

function setup() {
  const { deps: pipeline } = memoryPipeline(NOW);
  const granted: Parameters<UploadSigner['grant']>[0][] = [];
  const linked: Parameters<DownloadSigner['link']>[0][] = [];
  const deps: ApiDeps = {
    ...pipeline,
    uploadSigner: { grant: async (g) => (granted.push(g), { url: 'https://uploads.example/', fields: { key: g.key }, expiresAt: 'later' }) },
    downloadSigner: { link: async (l) => (linked.push(l), `https://downloads.example/${l.bucket}/${l.key}`) },
  };
  const call = (claims: Claims | undefined, method: string, path: string, query: Record<string, string> = {}, body?: unknown) =>
    handleApi({ method, path, query, body, ...(claims ? { claims } : {}) } as ApiRequest, deps);
  /** an upload as the portal makes it: the object carries the uploader and upload id */
  const portalUpload = async (bytes: Uint8Array, at: string, uploadId: string, by = MR.email, folder = 'market-regulation/2026-Q1', name = 'q1.xlsx') => {
    const key = `submissions/${folder}/${name}`;
    await deps.uploads.put(key, bytes, 'application/octet-stream', { uploader: by, 'upload-id': uploadId });
    return ingestSubmission(deps, submissionOf({ bucket: 'uploads', key, eTag: uploadId, sequencer: uploadId, eventTime: at }));
  };
  return { deps, call, granted, linked, portalUpload };
}

const bad = async () => xlsx({ 抽查明细: [...inspectionRows(5, 0), ['B99', '电子电器', '企业', 'NOT-A-CODE', new Date('2026-02-10'), '区', '合格', null]] });

describe('the API: who is calling', () => {
  it('no claims → 401 on every route; an unknown path → 404', async () => {
    const { call } = setup();
    for (const path of ['/api/me', '/api/quarters', '/api/versions', '/api/alerts', '/api/summaries/2026-Q1', '/api/template']) {
      const r = await call(undefined, 'GET', path);
      expect(r.status, path).toBe(401);
      expect(r.body).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: { zh: expect.stringContaining('登录'), en: expect.stringContaining('sign in') } } });
    }
    expect((await call(undefined, 'POST', '/api/uploads', {}, {})).status).toBe(401);
    expect((await call(MR, 'GET', '/api/nothing')).status).toBe(404);
  });

  it('claims with no group, an unknown group or two departments → 403 NO_ROLE', async () => {
    const { call } = setup();
    for (const groups of [[], ['dept-nowhere'], ['dept-market-regulation', 'dept-construction'], ['office', 'dept-construction']]) {
      const r = await call({ ...MR, groups }, 'GET', '/api/me');
      expect(r.status, groups.join()).toBe(403);
      expect(r.body).toMatchObject({ error: { code: 'NO_ROLE' } });
    }
  });

  it('GET /api/me: a clerk with their department, the office with all', async () => {
    const { call } = setup();
    const clerk = (await call(MR, 'GET', '/api/me')).body as Record<string, unknown>;
    expect(clerk).toMatchObject({ email: MR.email, role: 'clerk', department: { code: 'market-regulation', name: '区市场监管局' }, currentPeriod: '2026-Q1', periods: ['2026-Q1', '2026-Q2'], maxUploadBytes: 50 * 1024 * 1024 });
    expect((clerk.departments as unknown[]).length).toBe(1);
    const office = (await call(OFFICE, 'GET', '/api/me')).body as Record<string, unknown>;
    expect(office.role).toBe('office');
    expect(office.department).toBeUndefined();
    expect((office.departments as unknown[]).length).toBeGreaterThan(5);
  });
});

describe('the API: a clerk sees only their own department', () => {
  it('quarters, versions, one version, its files, the template, upload states and alerts of another department → 403', async () => {
    const { call, portalUpload } = setup();
    const mine = await portalUpload(await bad(), '2026-04-05T02:00:00Z', 'up-1');
    const id = mine.version.submissionId;
    const denied: [string, Record<string, string>][] = [
      ['/api/quarters', { department: 'market-regulation' }],
      ['/api/versions', { period: '2026-Q1', department: 'market-regulation' }],
      [`/api/versions/${id}`, {}],
      [`/api/versions/${id}/download`, { file: 'annotated' }],
      [`/api/versions/${id}/download`, { file: 'original' }],
      ['/api/template', { department: 'market-regulation' }],
      ['/api/uploads/up-1', { period: '2026-Q1', department: 'market-regulation' }],
      ['/api/alerts', { department: 'market-regulation' }],
      ['/api/status', { period: '2026-Q1' }],
      ['/api/summaries/2026-Q1', {}],
    ];
    for (const [path, query] of denied) {
      const r = await call(CO, 'GET', path, query);
      expect(r.status, `${path} ${JSON.stringify(query)}`).toBe(403);
      expect(JSON.stringify(r.body)).not.toContain(id);
    }
    // without naming the department, a clerk gets their own (empty) data, never another's
    const versions = (await call(CO, 'GET', '/api/versions', { period: '2026-Q1' })).body as { versions: unknown[] };
    expect(versions.versions).toEqual([]);
    const alerts = (await call(CO, 'GET', '/api/alerts', { period: '2026-Q1' })).body as { alerts: unknown[] };
    expect(alerts.alerts).toEqual([]);
    expect(((await call(CO, 'GET', '/api/uploads/up-1', { period: '2026-Q1' })).body as { state: string }).state).toBe('waiting');
    // and the owner sees it all
    expect((await call(MR, 'GET', `/api/versions/${id}`)).status).toBe(200);
    expect(((await call(MR, 'GET', '/api/alerts', { period: '2026-Q1' })).body as { alerts: { type: string }[] }).alerts.map((a) => a.type)).toEqual(['SUBMISSION_REJECTED']);
  });

  it('the office reads every department and uploads nothing', async () => {
    const { call, portalUpload, granted } = setup();
    const v = await portalUpload(await xlsx({ 抽查明细: inspectionRows(10, 0) }), '2026-04-05T02:00:00Z', 'up-1');
    expect((await call(OFFICE, 'GET', `/api/versions/${v.version.submissionId}`)).status).toBe(200);
    expect((await call(OFFICE, 'GET', '/api/quarters', { department: 'market-regulation' })).status).toBe(200);
    expect((await call(OFFICE, 'GET', '/api/quarters')).status).toBe(400); // which department?
    const r = await call(OFFICE, 'POST', '/api/uploads', {}, { period: '2026-Q1', fileName: 'a.xlsx', size: 10 });
    expect(r.status).toBe(403);
    expect(granted).toEqual([]);
  });
});

describe('the API: upload grants', () => {
  it('pins the key under the clerk’s own department and quarter, the size limit and the uploader', async () => {
    const { call, granted } = setup();
    const r = await call(MR, 'POST', '/api/uploads', {}, { period: '2026q1', fileName: '市场监管局2026Q1.xlsx', size: 1234 });
    expect(r.status).toBe(200);
    const body = r.body as { uploadId: string; key: string; url: string; maxBytes: number };
    expect(body.key).toBe('submissions/market-regulation/2026-Q1/市场监管局2026Q1.xlsx');
    expect(granted).toEqual([{ key: body.key, maxBytes: 50 * 1024 * 1024, metadata: { uploader: MR.email, 'upload-id': body.uploadId }, expiresInSeconds: 900 }]);
    expect(body.uploadId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a file name with a folder in it cannot reach another prefix', async () => {
    const { call, granted } = setup();
    // and nothing that shows on screen as another name: direction overrides, controls, broken UTF-16
    for (const fileName of ['../construction/2026-Q1/x.xlsx', 'a/b.xlsx', 'a\\b.xlsx', '..', `${S3_FILENAME}.xlsx`, 'report\u202egpj.xlsx', 'a\u0085b.xlsx', 'a\u0000.xlsx', '\ud800.xlsx', 'x\u2066y.xlsx']) {
      expect((await call(MR, 'POST', '/api/uploads', {}, { period: '2026-Q1', fileName, size: 10 })).status, fileName).toBe(400);
    }
    expect(granted).toEqual([]);
  });

  it('too large, a wrong type, an empty file, a bad quarter: refused with the CLI’s own messages', async () => {
    const { call } = setup();
    const big = 50 * 1024 * 1024 + 1;
    const tooBig = await call(MR, 'POST', '/api/uploads', {}, { period: '2026-Q1', fileName: 'a.xlsx', size: big });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({ error: { code: 'FILE_TOO_LARGE', message: issues.tooLargeFile(big, { maxFileBytes: 50 * 1024 * 1024 } as never).message } });
    // one byte over is said in bytes, never "50 MB, over the 50 MB limit"
    expect((tooBig.body as { error: { message: { zh: string; en: string } } }).error.message).toMatchObject({ zh: expect.stringContaining('52,428,801 字节'), en: expect.stringContaining('52,428,801 bytes') });
    const pdf = await call(MR, 'POST', '/api/uploads', {}, { period: '2026-Q1', fileName: 'a.pdf', size: 10 });
    expect(pdf.status).toBe(415);
    expect((pdf.body as { error: { message: { zh: string } } }).error.message.zh).toContain('.pdf');
    const csv = await call(MR, 'POST', '/api/uploads', {}, { period: '2026-Q1', fileName: 'data.csv', size: 10 });
    expect(csv.status).toBe(415);
    expect((await call(MR, 'POST', '/api/uploads', {}, { period: '2026-Q1', fileName: 'inspections.csv', size: 10 })).status).toBe(200);
    expect((await call(MR, 'POST', '/api/uploads', {}, { period: '2026-Q1', fileName: 'a.xlsx', size: 0 })).status).toBe(400);
    expect((await call(MR, 'POST', '/api/uploads', {}, { period: '2031-Q1', fileName: 'a.xlsx', size: 10 })).status).toBe(400);
    // a quarter of the plan that has not begun (it would only be refused at ingest, PERIOD_NOT_STARTED)
    const early = await call(MR, 'POST', '/api/uploads', {}, { period: '2026-Q4', fileName: 'a.xlsx', size: 10 });
    expect(early.status).toBe(400);
    expect((early.body as { error: { message: { zh: string } } }).error.message.zh).toContain('尚未开始');
    expect((await call(MR, 'POST', '/api/uploads', {}, { period: '2026-Q2', fileName: '报送（第二季度）.xlsx', size: 10 })).status).toBe(200);
    expect((await call(MR, 'POST', '/api/uploads', {}, { period: 'soon', fileName: 'a.xlsx', size: 10 })).status).toBe(400);
    expect((await call(MR, 'POST', '/api/uploads', {}, 'not json')).status).toBe(400);
  });
});

describe('the API: what a department’s quarter looks like', () => {
  it('a rejected upload is 被退回 with the uploader and its annotated copy; the corrected one is current and on time', async () => {
    const { call, portalUpload, linked } = setup();
    const rejected = await portalUpload(await bad(), '2026-04-05T01:00:00Z', 'up-1');
    type Q = { period: string; state: string; errors: number; currentSubmissionId?: string };
    let q = ((await call(MR, 'GET', '/api/quarters')).body as { quarters: Q[] }).quarters;
    expect(q.find((x) => x.period === '2026-Q1')).toMatchObject({ state: 'rejected', errors: 1 });
    const done = (await call(MR, 'GET', '/api/uploads/up-1', { period: '2026-Q1' })).body as { state: string; version: Record<string, unknown> };
    expect(done).toMatchObject({ state: 'done', version: { status: 'rejected', uploadedBy: MR.email, uploadId: 'up-1', hasAnnotated: true, current: false } });
    const one = (await call(MR, 'GET', `/api/versions/${rejected.version.submissionId}`)).body as { report: { issues: { code: string; cell?: string }[] } };
    expect(one.report.issues.map((i) => i.code)).toContain('INVALID_CREDIT_CODE');
    const link = (await call(MR, 'GET', `/api/versions/${rejected.version.submissionId}/download`, { file: 'annotated' })).body as { url: string; fileName: string };
    expect(link.fileName).toBe('q1.annotated.xlsx');
    expect(linked.at(-1)).toMatchObject({ bucket: 'reports', key: rejected.version.annotatedKey, expiresInSeconds: 300 });

    const fixed = await portalUpload(await xlsx({ 抽查明细: inspectionRows(10, 0) }), '2026-04-05T01:30:00Z', 'up-2');
    expect(fixed.report.status).toBe('accepted');
    q = ((await call(MR, 'GET', '/api/quarters')).body as { quarters: Q[] }).quarters;
    // market regulation owns indicators an inspections-only workbook leaves out: accepted but incomplete
    expect(q.find((x) => x.period === '2026-Q1')).toMatchObject({ currentSubmissionId: fixed.version.submissionId, state: 'incomplete', complete: false });
    const status = (await call(OFFICE, 'GET', '/api/status', { period: '2026-Q1' })).body as { departments: { department: string; state: string; versions: number }[] };
    expect(status.departments.find((d) => d.department === 'market-regulation')).toMatchObject({ versions: 2 });
    expect(status.departments.find((d) => d.department === 'construction')).toMatchObject({ state: 'pending', versions: 0 });
    const log = (await call(OFFICE, 'GET', '/api/versions', { period: '2026-Q1' })).body as { versions: { uploadedBy: string; status: string }[] };
    expect(log.versions.map((v) => [v.uploadedBy, v.status])).toEqual([
      [MR.email, 'rejected'],
      [MR.email, 'accepted'],
    ]);
    expect((await call(MR, 'GET', '/api/versions/20260101T000000Z-0000000000')).status).toBe(404);
    // an id no version could have (too long for a table key, odd characters) is 404 without asking the table
    expect((await call(MR, 'GET', `/api/versions/${'9'.repeat(5000)}`)).status).toBe(404);
    expect((await call(MR, 'GET', '/api/versions/a%2Fb')).status).toBe(404);
    expect((await call(MR, 'GET', `/api/versions/${fixed.version.submissionId}/download`, { file: 'everything' })).status).toBe(400);
  });

  it('metadata that is not the portal’s (odd characters, too long) is not taken as the uploader', async () => {
    const { portalUpload } = setup();
    const r = await portalUpload(await xlsx({ 抽查明细: inspectionRows(3, 0) }), '2026-04-05T02:00:00Z', 'up-1', '张三 <x@y>');
    expect(r.version.uploadedBy).toBeUndefined();
    expect(r.version.uploadId).toBe('up-1');
  });

  it('the template comes as workbook bytes; summaries only for the office, 404 until written', async () => {
    const { call, deps, linked } = setup();
    const t = await call(MR, 'GET', '/api/template');
    expect(t.status).toBe(200);
    expect(t.body).toBeInstanceOf(Uint8Array);
    expect([...(t.body as Uint8Array).subarray(0, 2)]).toEqual([0x50, 0x4b]);
    expect(t.headers?.['Content-Disposition']).toContain('attachment');
    expect(t.headers?.['Content-Disposition']).toContain('2026-Q1'); // the quarter due now
    const q2 = await call(MR, 'GET', '/api/template', { period: '2026-Q2' });
    expect(q2.headers?.['Content-Disposition']).toContain('qtrack-template-market-regulation-2026-Q2.xlsx');
    expect((await call(MR, 'GET', '/api/template', { period: '2040-Q1' })).status).toBe(400);
    expect((await call(OFFICE, 'GET', '/api/summaries/2026-Q1')).status).toBe(404);
    await writeSummary(deps, asPeriod('2026-Q1'));
    const s = (await call(OFFICE, 'GET', '/api/summaries/2026-Q1')).body as { files: { name: string; url: string }[] };
    expect(s.files.map((f) => f.name)).toEqual(['summary.json', 'summary.csv', 'summary.xlsx', 'summary.html']);
    expect(linked.map((l) => l.key)).toContain('summaries/2026-Q1/summary.html');
  });
});
