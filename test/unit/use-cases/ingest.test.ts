// Storage that never loses or half-stores: versions, the current pointer, redelivery,
// a crash between steps, and a ledger that a corrected re-upload really corrects.
import { asPeriod } from '../../../functions/core/periods';
import { describe, expect, it } from 'vitest';
import { assessPeriod } from '../../../functions/core/use-cases/evaluate';
import { ingestSubmission, submissionOf, UNUSED_RECORDS_TTL_MS } from '../../../functions/core/use-cases/ingest';
import { memoryPipeline } from '../../support/memory-pipeline';
import { CERT_HEADERS, brandCertificate, inspectionRows, xlsx } from '../../support/workbooks';

function setup() {
  const { deps, stores, upload } = memoryPipeline(new Date('2026-04-05T02:00:00Z'));
  return { deps, submissions: stores.submissions, upload };
}

describe('ingest: versions and the current pointer', () => {
  it('a re-upload supersedes, a rejected re-upload leaves the accepted one current, every version keeps its report', async () => {
    const { deps, submissions, upload } = setup();
    const first = await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(19, 1) }), '2026-04-05T02:00:00Z')));
    const second = await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(20, 0) }), '2026-04-06T02:00:00Z')));
    const bad = await xlsx({ 抽查明细: [...inspectionRows(20, 0), ['B99', '电子电器', '企业', 'NOT-A-CODE', new Date('2026-02-10'), '区', '合格', null]] });
    const third = await ingestSubmission(deps, submissionOf(await upload(bad, '2026-04-07T02:00:00Z')));
    expect([first.report.status, second.report.status, third.report.status]).toEqual(['accepted', 'accepted', 'rejected']);
    const current = await submissions.currentVersions('2026-Q1');
    expect(current.map((v) => v.submissionId)).toEqual([second.version.submissionId]);
    expect(current[0]!.aggregates.inspections.other).toEqual({ passed: 20, total: 20 });
    expect((await submissions.allVersions('2026-Q1')).map((v) => v.status)).toEqual(['accepted', 'accepted', 'rejected']);
    for (const r of [first, second, third]) expect(await deps.reports.get(r.version.reportKey)).toBeDefined();
    const alerts = await deps.alerts.list('2026-Q1');
    expect(alerts.map((a) => a.type)).toEqual(['SUBMISSION_REJECTED']);
  });

  it('an empty workbook (a blank template sent by mistake) is rejected and does not replace the quarter', async () => {
    const { deps, submissions, upload } = setup();
    const real = await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(10, 0) }), '2026-04-05T02:00:00Z')));
    const empty = await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: [inspectionRows(0, 0)[0]!] }), '2026-04-06T02:00:00Z')));
    expect(empty.report.issues.map((i) => i.code)).toEqual(['NO_DATA']);
    expect((await submissions.currentVersions('2026-Q1')).map((v) => v.submissionId)).toEqual([real.version.submissionId]);
  });

  it('a redelivered event for the same object version changes nothing', async () => {
    const { deps, submissions, upload } = setup();
    const object = await upload(await xlsx({ 抽查明细: inspectionRows(10, 0) }), '2026-04-05T02:00:00Z');
    const once = await ingestSubmission(deps, submissionOf(object));
    const twice = await ingestSubmission(deps, submissionOf(object));
    expect(twice.repeated).toBe(true);
    expect(twice.version).toEqual(once.version);
    expect(await submissions.allVersions('2026-Q1')).toHaveLength(1);
  });

  it('an older upload delivered late does not replace a newer current version', async () => {
    const { deps, submissions, upload } = setup();
    const older = await upload(await xlsx({ 抽查明细: inspectionRows(5, 0) }), '2026-04-05T02:00:00Z', 'a.xlsx');
    const newer = await upload(await xlsx({ 抽查明细: inspectionRows(8, 0) }), '2026-04-06T02:00:00Z', 'b.xlsx');
    const n = await ingestSubmission(deps, submissionOf(newer));
    const o = await ingestSubmission(deps, submissionOf(older));
    expect(o.current).toBe(false);
    expect((await submissions.currentVersions('2026-Q1')).map((v) => v.submissionId)).toEqual([n.version.submissionId]);
    // the records of the version that never became current expire (3 days on); the current one's do not
    const expiry = (sid: string) => [...submissions.expiry].filter(([k]) => k.startsWith(`${sid}#`)).map(([, d]) => d.getTime());
    const chunks = (sid: string) => [...submissions.records.keys()].filter((k) => k.startsWith(`${sid}#`)).length;
    expect(chunks(o.version.submissionId)).toBeGreaterThan(0);
    expect(expiry(o.version.submissionId)).toHaveLength(chunks(o.version.submissionId));
    for (const t of expiry(o.version.submissionId)) expect(t - Date.now()).toBeGreaterThan(UNUSED_RECORDS_TTL_MS - 60_000);
    expect(expiry(n.version.submissionId)).toEqual([]);
    // a redelivery of the old one settles it the same way
    await ingestSubmission(deps, submissionOf(older));
    expect(expiry(o.version.submissionId)).toHaveLength(chunks(o.version.submissionId));
  });

  it('a redelivery whose stored records went missing (expired before a late redrive) ingests the file again', async () => {
    const { deps, submissions, upload } = setup();
    const object = await upload(await xlsx({ 抽查明细: inspectionRows(7, 1) }), '2026-04-05T02:00:00Z');
    const first = await ingestSubmission(deps, submissionOf(object));
    await submissions.deleteRecords(first.version.submissionId);
    const again = await ingestSubmission(deps, submissionOf(object));
    expect(again.repeated).toBe(false);
    expect(await submissions.getRecords(first.version.submissionId, 'inspections')).toHaveLength(8);
  });

  it('a crash before the version is made current leaves the old one current; the redelivery finishes the job', async () => {
    const { deps, submissions, upload } = setup();
    const first = await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(9, 1) }), '2026-04-05T02:00:00Z')));
    const object = await upload(await xlsx({ 抽查明细: inspectionRows(10, 0) }), '2026-04-06T02:00:00Z');
    const makeCurrent = submissions.makeCurrent.bind(submissions);
    submissions.makeCurrent = async () => {
      throw new Error('Lambda timed out');
    };
    await expect(ingestSubmission(deps, submissionOf(object))).rejects.toThrow('Lambda timed out');
    expect((await submissions.currentVersions('2026-Q1')).map((v) => v.submissionId)).toEqual([first.version.submissionId]);
    submissions.makeCurrent = makeCurrent;
    const retried = await ingestSubmission(deps, submissionOf(object));
    expect(retried.current).toBe(true);
    expect((await submissions.currentVersions('2026-Q1'))[0]!.aggregates.inspections.other).toEqual({ passed: 10, total: 10 });
  });

  it('a crash while records are written leaves nothing of the new version visible', async () => {
    const { deps, submissions, upload } = setup();
    const first = await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(3, 0) }), '2026-04-05T02:00:00Z')));
    const putRecords = submissions.putRecords.bind(submissions);
    submissions.putRecords = async () => {
      throw new Error('throttled');
    };
    await expect(ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(900, 0) }), '2026-04-06T02:00:00Z')))).rejects.toThrow('throttled');
    submissions.putRecords = putRecords;
    const current = await submissions.currentVersions('2026-Q1');
    expect(current.map((v) => v.submissionId)).toEqual([first.version.submissionId]);
    expect(await submissions.getRecords(first.version.submissionId, 'inspections')).toHaveLength(3);
  });

  it('the certificate ledger follows the current version: a corrected re-upload really corrects', async () => {
    const { deps, upload } = setup();
    const certs = (rows: ReturnType<typeof brandCertificate>[]) => xlsx({ 认证明细: [CERT_HEADERS, ...rows] });
    await ingestSubmission(deps, submissionOf(await upload(await certs([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((n) => brandCertificate(n))), '2026-04-05T02:00:00Z')));
    let brand = (await assessPeriod(deps, asPeriod('2026-Q1'))).indicators.find((i) => i.code === 'SHANGHAI_BRAND_TOTAL')!;
    expect(brand.value).toBe(13);
    // the clerk corrects: two of them had been withdrawn
    await ingestSubmission(
      deps,
      submissionOf(await upload(await certs([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((n) => brandCertificate(n, n > 11 ? '撤销' : '有效'))), '2026-04-06T02:00:00Z')),
    );
    brand = (await assessPeriod(deps, asPeriod('2026-Q1'))).indicators.find((i) => i.code === 'SHANGHAI_BRAND_TOTAL')!;
    expect(brand.value).toBe(11);
  });
});

describe('ingest: keys that are no submission’s', () => {
  it.each([
    ['an extra folder level', 'submissions/market-regulation/2026-Q1/sub/q1.xlsx', false],
    ['a missing folder level', 'submissions/market-regulation/q1.xlsx', false],
    ['a .. segment', 'submissions/market-regulation/../2026-Q1/q1.xlsx', false],
    ['a broken % escape', 'submissions/market-regulation/2026-Q1/q1%ZZ.xlsx', true],
  ])('%s: a rejection report and an alert, never silence', async (_what, key, undecodable) => {
    const { deps, submissions } = setup();
    const result = await ingestSubmission(deps, submissionOf({ bucket: 'uploads', key, eTag: 'e', eventTime: '2026-04-05T02:00:00Z', ...(undecodable ? { undecodable } : {}) }));
    expect(result.report.status).toBe('rejected');
    expect(result.report.issues.map((i) => i.code)).toEqual(['BAD_KEY']);
    expect(await deps.reports.get(result.version.reportKey)).toBeDefined();
    expect(await submissions.findVersion(result.version.submissionId)).toBeDefined();
    expect((await deps.alerts.list()).map((a) => [a.type, a.source])).toEqual([['SUBMISSION_REJECTED', result.version.submissionId]]);
  });

  it('the SQS handler marks an undecodable notification key instead of failing the message', async () => {
    const { uploadsOf } = await import('../../../functions/handlers/ingest');
    const body = JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', eventTime: '2026-04-05T02:00:00Z', s3: { bucket: { name: 'b' }, object: { key: 'submissions/a/2026-Q1/x%ZZ.xlsx' } } }] });
    expect(uploadsOf(body)).toMatchObject([{ key: 'submissions/a/2026-Q1/x%ZZ.xlsx', undecodable: true }]);
  });

  it('the SQS handler fails the message when the evaluation after ingest fails, and the redelivery raises the alerts', async () => {
    const { createIngestHandler } = await import('../../../functions/handlers/ingest');
    const { deps, submissions, upload } = setup();
    const object = await upload(await xlsx({ 抽查明细: inspectionRows(50, 50) }), '2026-04-05T02:00:00Z');
    const body = JSON.stringify({ Records: [{ eventName: 'ObjectCreated:Put', eventTime: object.eventTime, s3: { bucket: { name: object.bucket }, object: { key: object.key, eTag: object.eTag, sequencer: object.sequencer } } }] });
    const event = { Records: [{ messageId: 'm1', body }] } as never;
    const currentVersions = submissions.currentVersions.bind(submissions);
    submissions.currentVersions = async () => {
      throw new Error('throttled');
    };
    expect(await createIngestHandler(() => deps)(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(await deps.alerts.list('2026-Q1')).toEqual([]);
    submissions.currentVersions = currentVersions;
    expect(await createIngestHandler(() => deps)(event)).toEqual({ batchItemFailures: [] });
    expect((await deps.alerts.list('2026-Q1')).map((a) => a.type)).toContain('TARGET_BREACHED');
  });

  it('a redelivered rejected version raises its SUBMISSION_REJECTED if the first run died before it', async () => {
    const { deps, upload } = setup();
    const object = await upload(await xlsx({ 抽查明细: [...inspectionRows(2, 0), ['B99', '电子电器', '企业', 'NOT-A-CODE', new Date('2026-02-10'), '区', '合格', null]] }), '2026-04-05T02:00:00Z');
    const claim = deps.alerts.claim.bind(deps.alerts);
    deps.alerts.claim = async () => {
      throw new Error('the run died');
    };
    await expect(ingestSubmission(deps, submissionOf(object))).rejects.toThrow('the run died');
    deps.alerts.claim = claim;
    const again = await ingestSubmission(deps, submissionOf(object));
    expect(again.repeated).toBe(true);
    expect((await deps.alerts.list('2026-Q1')).map((a) => a.type)).toEqual(['SUBMISSION_REJECTED']);
  });
});

describe('ingest: a CSV replaces its own kind only', () => {
  it('the workbook stays current for the kinds the CSV does not carry; the rejected upload leaves no records behind', async () => {
    const { deps, submissions, upload } = setup();
    const book = await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(10, 0) }), '2026-04-05T02:00:00Z')));
    const csv = new TextEncoder().encode('指标代码,数值\r\nSTANDARDS_LED_COUNT,3\r\n');
    const ind = await ingestSubmission(deps, submissionOf(await upload(csv, '2026-04-06T02:00:00Z', 'indicators.csv')));
    expect(ind.currentFor).toEqual(['indicators']);
    const current = await submissions.currentVersions('2026-Q1');
    expect(current.map((v) => [v.submissionId, v.currentFor])).toEqual([
      [book.version.submissionId, ['inspections', 'certifications', 'acceptances']],
      [ind.version.submissionId, ['indicators']],
    ]);
    // a later, delayed redelivery of the workbook changes nothing
    expect(await submissions.makeCurrent(book.version)).toEqual(['inspections', 'certifications', 'acceptances']);
    const bad = new TextEncoder().encode('指标代码,数值\r\nSTANDARDS_LED_COUNT,lots\r\n');
    const rejected = await ingestSubmission(deps, submissionOf(await upload(bad, '2026-04-07T02:00:00Z', 'indicators.csv')));
    expect(rejected.report.status).toBe('rejected');
    expect(await submissions.recordCounts(rejected.version.submissionId)).toEqual({});
  });
});
