// PRODUCT §10: the archive bucket keeps every raw submission (accepted or
// rejected) under its upload key plus the submission id, written before the
// version is saved so a crash is redone by the redelivery, and every published
// summary under its own key. Without an archive in the composition nothing is archived.
import { describe, expect, it } from 'vitest';
import { MemoryObjectStore } from '../../../functions/adapters/memory';
import { archivedSubmissionKey, summaryKey } from '../../../functions/core/object-keys';
import { asPeriod } from '../../../functions/core/periods';
import { ingestSubmission, submissionOf } from '../../../functions/core/use-cases/ingest';
import { writeSummary } from '../../../functions/core/use-cases/summarize';
import { SUMMARY_FORMATS } from '../../../functions/core/summary';
import { memoryPipeline } from '../../support/memory-pipeline';
import { inspectionRows, xlsx } from '../../support/workbooks';

function setup(withArchive = true) {
  const archive = new MemoryObjectStore();
  return { ...memoryPipeline(new Date('2026-04-20T02:00:00Z'), withArchive ? { archive } : {}), archive };
}

describe('the archive', () => {
  it('keeps the raw bytes of every submission, accepted or rejected, under its key plus the submission id', async () => {
    const { deps, archive, upload } = setup();
    const good = await xlsx({ 抽查明细: inspectionRows(10, 0) });
    const bad = await xlsx({ 抽查明细: [...inspectionRows(3, 0), ['B99', '电子电器', '企业', 'NOT-A-CODE', new Date('2026-02-10'), '区', '合格', null]] });
    const accepted = await ingestSubmission(deps, submissionOf(await upload(good, '2026-04-05T02:00:00Z')));
    const rejected = await ingestSubmission(deps, submissionOf(await upload(bad, '2026-04-06T02:00:00Z')));
    expect([accepted.report.status, rejected.report.status]).toEqual(['accepted', 'rejected']);
    const key = (id: string) => archivedSubmissionKey('market-regulation', '2026-Q1', id, 'q1.xlsx');
    expect(key(accepted.version.submissionId)).toBe(`submissions/market-regulation/2026-Q1/${accepted.version.submissionId}/q1.xlsx`);
    expect(archive.keys()).toEqual([key(accepted.version.submissionId), key(rejected.version.submissionId)].sort());
    expect(archive.objects.get(key(accepted.version.submissionId))!.body).toEqual(good);
    expect(archive.objects.get(key(rejected.version.submissionId))!.body).toEqual(bad);
  });

  it('is written before the version is saved: a crash at saving is redone by the redelivery, to the same key', async () => {
    const { deps, stores, archive, upload } = setup();
    const object = await upload(await xlsx({ 抽查明细: inspectionRows(5, 0) }), '2026-04-05T02:00:00Z');
    const save = stores.submissions.saveVersion.bind(stores.submissions);
    let archivedWhenSaving: string[] = [];
    stores.submissions.saveVersion = async () => {
      archivedWhenSaving = archive.keys();
      throw new Error('crash');
    };
    await expect(ingestSubmission(deps, submissionOf(object))).rejects.toThrow('crash');
    expect(archivedWhenSaving).toHaveLength(1);
    stores.submissions.saveVersion = save;
    const redelivered = await ingestSubmission(deps, submissionOf(object));
    expect(redelivered.repeated).toBe(false);
    expect(archive.keys()).toEqual(archivedWhenSaving);
    // a further redelivery of a saved version reads nothing and archives nothing new
    const again = await ingestSubmission(deps, submissionOf(object));
    expect(again.repeated).toBe(true);
    expect(archive.keys()).toEqual(archivedWhenSaving);
  });

  it('archives nothing for an upload refused by its key (its bytes are never read)', async () => {
    const { deps, archive } = setup();
    const key = 'submissions/market-regulation/2026-Q1/extra/q1.xlsx';
    await deps.uploads.put(key, new Uint8Array([1, 2, 3]), 'application/octet-stream');
    const r = await ingestSubmission(deps, submissionOf({ bucket: 'uploads', key, eventTime: '2026-04-05T02:00:00Z' }));
    expect(r.report.status).toBe('rejected');
    expect(archive.keys()).toEqual([]);
  });

  it('keeps every summary file published, under the same keys as the reports bucket', async () => {
    const { deps, stores, archive, upload } = setup();
    await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(10, 0) }), '2026-04-05T02:00:00Z')));
    const { files } = await writeSummary(deps, asPeriod('2026-Q1'));
    expect(files.map((f) => f.name).sort()).toEqual(SUMMARY_FORMATS.map((f) => f.name).sort());
    expect(archive.keys('summaries/')).toEqual(files.map((f) => summaryKey('2026-Q1', f.name)).sort());
    for (const f of files) {
      expect(archive.objects.get(f.key)).toEqual(stores.reports.objects.get(f.key));
    }
  });

  it('is optional: a composition without one (locally) archives nothing and ingests and summarises as before', async () => {
    const { deps, archive, upload } = setup(false);
    expect(deps.archive).toBeUndefined();
    const r = await ingestSubmission(deps, submissionOf(await upload(await xlsx({ 抽查明细: inspectionRows(4, 0) }), '2026-04-05T02:00:00Z')));
    expect(r.report.status).toBe('accepted');
    await writeSummary(deps, asPeriod('2026-Q1'));
    expect(archive.keys()).toEqual([]);
  });
});
