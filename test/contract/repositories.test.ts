// The repository contract (functions/core/ports.ts): one suite of behaviours,
// run against the in-memory fakes the use-case tests rely on and against the
// DynamoDB adapters on dynalite (a fresh table per case), so a fake that drifts
// from the adapter fails here rather than passing the unit tests by accident.
//
// The alert outbox's claims, leases, takeovers and delivery are in
// test/integration/alert-outbox.test.ts, which already runs the same cases on
// both; this file adds what it leaves out (list, the takeOver flag, a run's own
// claim) and the whole SubmissionRepository.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertRepository } from '../../functions/adapters/dynamodb/alert-repository';
import { DynamoSubmissionRepository, queryAll } from '../../functions/adapters/dynamodb/submission-repository';
import { MemoryAlertRepository, MemorySubmissionRepository } from '../../functions/adapters/memory';
import type { Alert, RecordKind, SubmissionVersion } from '../../functions/core/model';
import type { AlertRepository, Lease, RecordChunk, SubmissionRepository } from '../../functions/core/ports';
import { TABLE } from '../../functions/runtime/contract';
import { type Embedded, startEmbedded } from '../support/embedded';
import { version } from '../unit/evaluation/builders';

let embedded: Embedded;
beforeAll(async () => {
  embedded = await startEmbedded();
}, 60_000);
afterAll(() => embedded?.stop());

/** One implementation under test, with a way to see when its record chunks expire (not part of the port). */
interface Subject {
  repo: SubmissionRepository;
  /** per chunk of a version, in chunk order: its expiry in epoch seconds, or undefined (kept) */
  expiry(submissionId: string): Promise<(number | undefined)[]>;
}

const submissionRepositories: [string, () => Promise<Subject>][] = [
  [
    'in memory',
    async () => {
      const repo = new MemorySubmissionRepository();
      return {
        repo,
        expiry: async (sid) =>
          [...repo.records.keys()]
            .filter((k) => k.startsWith(`${sid}#`))
            .sort()
            .map((k) => {
              const at = repo.expiry.get(k);
              return at && Math.ceil(at.getTime() / 1000);
            }),
      };
    },
  ],
  [
    'DynamoDB (dynalite)',
    async () => {
      const { table } = await embedded.stores();
      const repo = new DynamoSubmissionRepository(embedded.clients.dynamodb, table);
      return {
        repo,
        expiry: async (sid) => {
          const items: Record<string, AttributeValue>[] = await queryAll(embedded.clients.dynamodb, {
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: `R#${sid}` } },
            ConsistentRead: true,
          });
          return items.map((i) => (i[TABLE.ttlAttribute]?.N === undefined ? undefined : Number(i[TABLE.ttlAttribute]!.N)));
        },
      };
    },
  ],
];

const P = '2026-Q1';
const D = 'market-regulation';
const v = (id: string, receivedAt: string, spec: { replaces?: RecordKind[]; department?: string; period?: string; status?: 'accepted' | 'rejected' } = {}): SubmissionVersion => ({
  ...version(spec.department ?? D, spec.period ?? P, { id, receivedAt, status: spec.status }),
  ...(spec.replaces ? { replaces: spec.replaces } : {}),
});
const chunk = (kind: RecordKind, index: number, records: unknown[]): RecordChunk => ({ kind, index, count: records.length, json: JSON.stringify(records) });
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ n: from + i, 企业: `上海某某有限公司${from + i}` }));
const LATER = new Date('2026-05-05T00:00:00Z');
const LATEST = new Date('2026-06-05T00:00:00Z');
const seconds = (d: Date) => d.getTime() / 1000;

for (const [name, make] of submissionRepositories) {
  describe(`SubmissionRepository contract, ${name}`, () => {
    it('getVersion and findVersion: undefined when unknown; a saved version as saved, under its period and department only', async () => {
      const { repo } = await make();
      expect(await repo.getVersion(P, D, 'nope')).toBeUndefined();
      expect(await repo.findVersion('nope')).toBeUndefined();
      const a = v('a', '2026-04-05T01:00:00.000Z');
      await repo.saveVersion(a);
      expect(await repo.getVersion(P, D, 'a')).toEqual(a);
      expect(await repo.findVersion('a')).toEqual(a);
      expect(await repo.getVersion('2026-Q2', D, 'a')).toBeUndefined();
      expect(await repo.getVersion(P, 'housing', 'a')).toBeUndefined();
    });

    it('saveVersion is idempotent, overwrites, and keeps no reference to what it was given', async () => {
      const { repo } = await make();
      const a = v('a', '2026-04-05T01:00:00.000Z', { status: 'rejected' });
      await repo.saveVersion(a);
      await repo.saveVersion(a);
      expect(await repo.allVersions(P)).toEqual([a]);
      const annotated = { ...a, annotatedKey: 'reports/x.xlsx', errors: 3 };
      await repo.saveVersion(annotated);
      a.errors = 99; // a caller's later change is not stored
      expect(await repo.getVersion(P, D, 'a')).toEqual(annotated);
      const read = (await repo.findVersion('a'))!;
      read.errors = 42; // nor is a change to what was read
      expect((await repo.findVersion('a'))!.errors).toBe(3);
    });

    it('putRecords/getRecords: chunks read back in index order whatever the write order, per version and kind; a rewritten chunk replaces', async () => {
      const { repo } = await make();
      const expires = LATER;
      // index 10 sorts before 2 as text: the order must be numeric
      for (const i of [10, 2, 0, 1, 3, 4, 5, 6, 7, 8, 9]) await repo.putRecords('a', chunk('inspections', i, rows(i * 3, 3)), expires);
      await repo.putRecords('a', chunk('certifications', 0, rows(100, 2)), expires);
      await repo.putRecords('b', chunk('inspections', 0, rows(200, 1)), expires);
      expect(await repo.getRecords('a', 'inspections')).toEqual(rows(0, 33));
      expect(await repo.getRecords('a', 'certifications')).toEqual(rows(100, 2));
      expect(await repo.getRecords('a', 'acceptances')).toEqual([]);
      expect(await repo.getRecords('nope', 'inspections')).toEqual([]);
      await repo.putRecords('a', chunk('certifications', 0, rows(300, 1)), expires);
      expect(await repo.getRecords('a', 'certifications')).toEqual(rows(300, 1));
    });

    it('recordCounts: read back per kind from what is stored; empty for an unknown version', async () => {
      const { repo } = await make();
      await repo.putRecords('a', chunk('inspections', 0, rows(0, 4)), LATER);
      await repo.putRecords('a', chunk('inspections', 1, rows(4, 3)), LATER);
      await repo.putRecords('a', chunk('indicators', 0, rows(0, 2)), LATER);
      await repo.putRecords('ab', chunk('indicators', 0, rows(0, 5)), LATER); // an id that starts with the other's
      expect(await repo.recordCounts('a')).toEqual({ inspections: 7, indicators: 2 });
      expect(await repo.recordCounts('nope')).toEqual({});
    });

    it('deleteRecords removes every chunk of that version only', async () => {
      const { repo } = await make();
      // more chunks than one DynamoDB batch write takes (25)
      for (let i = 0; i < 30; i++) await repo.putRecords('a', chunk('inspections', i, rows(i, 1)), LATER);
      await repo.putRecords('a', chunk('acceptances', 0, rows(0, 1)), LATER);
      await repo.putRecords('b', chunk('inspections', 0, rows(0, 2)), LATER);
      await repo.deleteRecords('a');
      expect(await repo.getRecords('a', 'inspections')).toEqual([]);
      expect(await repo.recordCounts('a')).toEqual({});
      expect(await repo.recordCounts('b')).toEqual({ inspections: 2 });
      await repo.deleteRecords('nope'); // nothing to delete: no error
    });

    it('setRecordsExpiry: chunks expire when written, never once lifted, later when set again; a deleted chunk is not brought back', async () => {
      const { repo, expiry } = await make();
      await repo.putRecords('a', chunk('inspections', 0, rows(0, 1)), LATER);
      await repo.putRecords('a', chunk('inspections', 1, rows(1, 1)), LATER);
      await repo.putRecords('b', chunk('inspections', 0, rows(0, 1)), LATER);
      expect(await expiry('a')).toEqual([seconds(LATER), seconds(LATER)]);
      await repo.setRecordsExpiry('a', undefined);
      expect(await expiry('a')).toEqual([undefined, undefined]);
      expect(await expiry('b')).toEqual([seconds(LATER)]);
      await repo.setRecordsExpiry('a', LATEST);
      expect(await expiry('a')).toEqual([seconds(LATEST), seconds(LATEST)]);
      expect(await repo.getRecords('a', 'inspections')).toEqual(rows(0, 2));
      await repo.deleteRecords('a');
      await repo.setRecordsExpiry('a', undefined);
      expect(await expiry('a')).toEqual([]);
      expect(await repo.recordCounts('a')).toEqual({});
    });

    it('makeCurrent: a workbook takes every kind, a later CSV its own, a delayed older workbook only what no later one holds; repeating changes nothing', async () => {
      const { repo } = await make();
      const book = v('book', '2026-04-05T01:00:00.000Z');
      const csv = v('csv', '2026-04-06T01:00:00.000Z', { replaces: ['inspections'] });
      const older = v('older', '2026-04-04T01:00:00.000Z');
      for (const x of [book, csv, older]) await repo.saveVersion(x);
      expect(await repo.makeCurrent(book)).toEqual(['indicators', 'inspections', 'certifications', 'acceptances']);
      expect(await repo.makeCurrent(csv)).toEqual(['inspections']);
      expect(await repo.makeCurrent(older)).toEqual([]);
      expect(await repo.makeCurrent(book)).toEqual(['indicators', 'certifications', 'acceptances']);
      expect(await repo.makeCurrent(csv)).toEqual(['inspections']);
      expect((await repo.currentVersions(P)).map((c) => [c.submissionId, c.currentFor])).toEqual([
        ['book', ['indicators', 'certifications', 'acceptances']],
        ['csv', ['inspections']],
      ]);
      // a later workbook takes everything back
      const newer = v('newer', '2026-04-07T01:00:00.000Z');
      await repo.saveVersion(newer);
      expect(await repo.makeCurrent(newer)).toEqual(['indicators', 'inspections', 'certifications', 'acceptances']);
      expect((await repo.currentVersions(P)).map((c) => [c.submissionId, c.currentFor])).toEqual([['newer', ['indicators', 'inspections', 'certifications', 'acceptances']]]);
    });

    it('makeCurrent refuses a rejected version', async () => {
      const { repo } = await make();
      const bad = v('bad', '2026-04-05T01:00:00.000Z', { status: 'rejected' });
      await repo.saveVersion(bad);
      await expect(repo.makeCurrent(bad)).rejects.toThrow(/only an accepted version/);
      expect(await repo.currentVersions(P)).toEqual([]);
    });

    it('makeCurrent of racing versions: every kind ends on the latest that replaces it', async () => {
      const { repo } = await make();
      const racers = Array.from({ length: 6 }, (_, i) => v(`r${i}`, `2026-04-05T01:00:0${i}.000Z`, i % 2 ? { replaces: ['indicators'] } : {}));
      for (const x of racers) await repo.saveVersion(x);
      await Promise.all([...racers].reverse().map((x) => repo.makeCurrent(x)));
      expect((await repo.currentVersions(P)).map((c) => [c.submissionId, c.currentFor])).toEqual([
        ['r4', ['inspections', 'certifications', 'acceptances']],
        ['r5', ['indicators']],
      ]);
    });

    it('currentVersions: per period, every department, oldest first, each with the kinds it is current for', async () => {
      const { repo } = await make();
      const a = v('z-housing', '2026-04-03T01:00:00.000Z', { department: 'housing' });
      const b = v('a-market', '2026-04-05T01:00:00.000Z');
      const c = v('m-other-period', '2026-07-05T01:00:00.000Z', { period: '2026-Q2' });
      const rejected = v('rejected', '2026-04-06T01:00:00.000Z', { status: 'rejected' });
      for (const x of [b, c, a, rejected]) await repo.saveVersion(x);
      for (const x of [b, c, a]) await repo.makeCurrent(x);
      const all = ['indicators', 'inspections', 'certifications', 'acceptances'];
      expect(await repo.currentVersions(P)).toEqual([
        { ...a, currentFor: all },
        { ...b, currentFor: all },
      ]);
      expect((await repo.currentVersions('2026-Q2')).map((x) => x.submissionId)).toEqual(['m-other-period']);
      expect(await repo.currentVersions('2026-Q3')).toEqual([]);
    });

    it('allVersions: every version of a period, accepted or rejected, of every department, oldest first', async () => {
      const { repo } = await make();
      // saved in neither time nor key order: ids and departments sort against their receipt times
      const saved = [
        v('c', '2026-04-02T01:00:00.000Z', { department: 'housing' }),
        v('a', '2026-04-09T01:00:00.000Z'),
        v('b', '2026-04-01T01:00:00.000Z', { department: 'transport', status: 'rejected' }),
        v('d', '2026-04-05T01:00:00.000Z', { department: 'agriculture' }),
        v('e', '2026-07-01T01:00:00.000Z', { period: '2026-Q2' }),
      ];
      for (const x of saved) await repo.saveVersion(x);
      expect((await repo.allVersions(P)).map((x) => x.submissionId)).toEqual(['b', 'c', 'd', 'a']);
      expect(await repo.allVersions('2026-Q2')).toEqual([saved[4]]);
      expect(await repo.allVersions('2026-Q3')).toEqual([]);
    });
  });
}

const alertRepositories: [string, () => Promise<AlertRepository>][] = [
  ['in memory', async () => new MemoryAlertRepository()],
  ['DynamoDB (dynalite)', async () => new DynamoAlertRepository(embedded.clients.dynamodb, (await embedded.stores()).table)],
];

const T = Date.parse('2026-04-05T02:00:00Z');
const lease = (owner: string, now = T, ms = 60_000): Lease => ({ owner, now, until: now + ms });
const alert = (period: string, second: number, id = `X${second}`): Alert => ({
  id: `TARGET_BREACHED.${period}.market-regulation.${id}`,
  type: 'TARGET_BREACHED',
  severity: 'critical',
  period,
  department: 'market-regulation',
  message: { zh: '未达标', en: 'breached' },
  createdAt: `2026-04-05T02:00:${String(second).padStart(2, '0')}Z`,
});

for (const [name, make] of alertRepositories) {
  describe(`AlertRepository contract, ${name} (claims and leases: test/integration/alert-outbox.test.ts)`, () => {
    it('list: the alerts of a period, or of all periods, by period, time and id, delivered or not', async () => {
      const repo = await make();
      const q2 = alert('2026-Q2', 1);
      const q1late = alert('2026-Q1', 9);
      const q1b = alert('2026-Q1', 3, 'B');
      const q1a = alert('2026-Q1', 3, 'A');
      for (const a of [q2, q1late, q1b, q1a]) await repo.claim(a, lease('run'));
      await repo.markDelivered(q1b, 'run');
      expect(await repo.list('2026-Q1')).toEqual([q1a, q1b, q1late]);
      expect(await repo.list()).toEqual([q1a, q1b, q1late, q2]);
      expect(await repo.list('2026-Q3')).toEqual([]);
      expect(await repo.undelivered()).toEqual([q1a, q1late, q2]);
    });

    it('a run does not claim again what it holds; takeOver takes a live claim of another run, never a delivered one', async () => {
      const repo = await make();
      const a = alert('2026-Q1', 1);
      expect(await repo.claim(a, lease('first'))).toEqual(a);
      expect(await repo.claim(a, lease('first', T + 120_000))).toBeUndefined();
      expect(await repo.claim(a, lease('second', T + 1))).toBeUndefined();
      expect(await repo.claim({ ...a, createdAt: 'changed' }, lease('second', T + 1), true)).toEqual(a);
      expect(await repo.markDelivered(a, 'second')).toBe(true);
      expect(await repo.claim(a, lease('third', T + 2), true)).toBeUndefined();
      expect(await repo.list()).toEqual([a]);
    });

    it('marking an alert never claimed changes nothing and says so', async () => {
      const repo = await make();
      expect(await repo.markDelivered(alert('2026-Q1', 9), 'run')).toBe(false);
      expect(await repo.list()).toEqual([]);
    });
  });
}
