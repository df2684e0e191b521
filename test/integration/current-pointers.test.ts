// The current pointers in the embedded DynamoDB: one item per department and
// period, a pointer per sheet kind, written with optimistic locking — racing
// uploads never leave a mix, an older upload never replaces a newer one, and
// items written before per-kind currency still read.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../functions/adapters/memory';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamodb/submission-repository';
import type { RecordKind, SubmissionVersion } from '../../functions/core/model';
import { TABLE } from '../../functions/runtime/contract';
import { type LocalPipeline, openLocalPipeline } from '../../functions/local/runtime';
import { version } from '../unit/evaluation/builders';

let pipeline: LocalPipeline;
let repo: DynamoSubmissionRepository;
beforeAll(async () => {
  pipeline = await openLocalPipeline({ dataDir: mkdtempSync(join(tmpdir(), 'qtrack-pointers-')), logger: silentLogger });
  repo = pipeline.deps.submissions as DynamoSubmissionRepository;
}, 60_000);
afterAll(() => pipeline?.stop());

const v = (id: string, at: string, replaces?: RecordKind[], period = '2026-Q1'): SubmissionVersion => ({
  ...version('market-regulation', period, { id, receivedAt: at }),
  ...(replaces ? { replaces } : {}),
});

describe('DynamoSubmissionRepository current pointers', () => {
  it('a workbook takes every kind, a later CSV its own, a delayed older workbook none it lost', async () => {
    const book = v('book', '2026-04-05T01:00:00Z');
    const csv = v('csv', '2026-04-06T01:00:00Z', ['inspections']);
    for (const x of [book, csv]) await repo.saveVersion(x);
    expect(await repo.makeCurrent(book)).toEqual(['indicators', 'inspections', 'certifications', 'acceptances']);
    expect(await repo.makeCurrent(csv)).toEqual(['inspections']);
    expect(await repo.makeCurrent(book)).toEqual(['indicators', 'certifications', 'acceptances']);
    const current = await repo.currentVersions('2026-Q1');
    expect(current.map((c) => [c.submissionId, c.currentFor])).toEqual([
      ['book', ['indicators', 'certifications', 'acceptances']],
      ['csv', ['inspections']],
    ]);
    expect((await repo.findVersion('csv'))?.receivedAt).toBe(csv.receivedAt);
  });

  it('twenty racing uploads: every kind ends on the latest, whatever order the writes land in', async () => {
    const racers = Array.from({ length: 20 }, (_, i) =>
      v(`r${String(i).padStart(2, '0')}`, `2026-07-05T01:00:${String(i).padStart(2, '0')}Z`, i % 2 ? ['indicators'] : undefined, '2026-Q2'),
    );
    for (const x of racers) await repo.saveVersion(x);
    await Promise.all([...racers].reverse().map((x) => repo.makeCurrent(x)));
    const current = await repo.currentVersions('2026-Q2');
    expect(current.map((c) => [c.submissionId, c.currentFor])).toEqual([
      ['r18', ['inspections', 'certifications', 'acceptances']],
      ['r19', ['indicators']],
    ]);
  });

  it('reads a pointer item written before per-kind currency as every kind', async () => {
    const old = v('legacy', '2026-10-05T01:00:00Z', undefined, '2026-Q3');
    await repo.saveVersion(old);
    const db = (repo as unknown as { db: import('@aws-sdk/client-dynamodb').DynamoDBClient }).db;
    await db.send(
      new PutItemCommand({
        TableName: TABLE.logicalName,
        Item: { pk: { S: 'P#2026-Q3' }, sk: { S: 'C#market-regulation' }, submissionId: { S: 'legacy' }, order: { S: `${old.receivedAt}#legacy` } },
      }),
    );
    expect((await repo.currentVersions('2026-Q3')).map((c) => c.currentFor)).toEqual([['indicators', 'inspections', 'certifications', 'acceptances']]);
    const csv = v('csv3', '2026-10-06T01:00:00Z', ['indicators'], '2026-Q3');
    await repo.saveVersion(csv);
    expect(await repo.makeCurrent(csv)).toEqual(['indicators']);
    expect((await repo.currentVersions('2026-Q3')).map((c) => [c.submissionId, c.currentFor])).toEqual([
      ['legacy', ['inspections', 'certifications', 'acceptances']],
      ['csv3', ['indicators']],
    ]);
  });
});
