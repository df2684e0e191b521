// What `submit` stores is exactly what `validate` read, whatever the storage
// latency — the data loss found in the field: with DynamoDB taking 5–20 ms a
// write, exceljs's streaming reader dropped every sheet after the first one
// that spanned several record chunks, and the submission was still accepted.
// Checked through the in-memory repository and through the embedded DynamoDB
// (dynalite) and S3 (s3rver), with 5 ms, 50 ms and random latency per write,
// on a workbook of three sheets whose first spans several chunks; and the
// completeness check itself: storage that loses a chunk never becomes current.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, MemoryPublisher, MemorySubmissionRepository, memoryStores, silentLogger } from '../../functions/adapters/memory';
import { nodeInflate } from '../../functions/adapters/zlib/inflate';
import { loadPlan } from '../../functions/core/catalog';
import type { RecordSink, SheetKind } from '../../functions/core/model';
import type { RecordChunk, SubmissionRepository } from '../../functions/core/ports';
import { checkSubmission } from '../../functions/core/submission/check';
import type { PipelineDeps } from '../../functions/core/use-cases/deps';
import { IncompleteSubmissionError, ingestSubmission, submissionOf } from '../../functions/core/use-cases/ingest';
import { type LocalPipeline, openLocalPipeline } from '../../functions/local/runtime';
import { composePipeline } from '../../functions/runtime/compose';
import { brandCertificate, CERT_HEADERS, inspectionRows, xlsx } from '../support/workbooks';

type Kind = Exclude<SheetKind, 'cover'>;
const KINDS: Kind[] = ['inspections', 'indicators', 'certifications'];
const plan = loadPlan();
const NOW = new Date('2026-04-05T02:00:00Z');

/** 3,000 inspection rows (several chunks of records), then 指标 and 认证明细. */
async function threeSheetWorkbook(): Promise<Uint8Array> {
  return xlsx({
    抽查明细: inspectionRows(2940, 60),
    指标: [
      ['指标代码', '数值'],
      ['MFG_SPOT_CHECK_PASS_RATE', 98],
      ['STANDARDS_LED_COUNT', 3],
    ],
    认证明细: [CERT_HEADERS, ...Array.from({ length: 14 }, (_, i) => brandCertificate(i + 1))],
  });
}

/** What `validate` reads: every record of each kind, in order, kept by a sink. */
async function validated(bytes: Uint8Array): Promise<Record<Kind, unknown[]>> {
  const got: Record<Kind, unknown[]> = { inspections: [], indicators: [], certifications: [], acceptances: [] } as never;
  const sink: RecordSink = {
    add: (kind, r) => void got[kind].push(...r),
    restart: () => {
      for (const kind of KINDS) got[kind] = [];
    },
  };
  const outcome = await checkSubmission(bytes, { fileName: 'q1.xlsx', inflate: nodeInflate, department: 'market-regulation', period: '2026-Q1', now: NOW, plan, sink });
  expect(outcome.report.status).toBe('accepted');
  return got;
}

/** Every write of the repository waits first: `delay()` ms each time. */
function slowed<T extends SubmissionRepository>(repo: T, delay: () => number): T {
  const wait = () => new Promise((r) => setTimeout(r, delay()));
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'putRecords' && prop !== 'saveVersion' && prop !== 'makeCurrent') return value.bind(target);
      return async (...args: unknown[]) => {
        await wait();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const LATENCIES: [string, () => number][] = [
  ['5 ms', () => 5],
  ['50 ms', () => 50],
  ['random 0–20 ms', () => Math.random() * 20],
];

describe('submit stores what validate read, whatever the storage latency', () => {
  let bytes: Uint8Array;
  let expected: Record<Kind, unknown[]>;

  beforeAll(async () => {
    bytes = await threeSheetWorkbook();
    expected = await validated(bytes);
    expect(expected.inspections).toHaveLength(3000);
    expect(expected.indicators).toHaveLength(2);
    expect(expected.certifications).toHaveLength(14);
  });

  function memoryDeps(submissions: SubmissionRepository): PipelineDeps {
    return composePipeline({ ...memoryStores(), submissions, publisher: new MemoryPublisher(), clock: new FixedClock(NOW), logger: silentLogger });
  }

  for (const [label, delay] of LATENCIES) {
    it(`through the in-memory repository, ${label} a write`, async () => {
      const deps = memoryDeps(slowed(new MemorySubmissionRepository(), delay));
      const key = 'submissions/market-regulation/2026-Q1/q1.xlsx';
      await deps.uploads.put(key, bytes, 'application/octet-stream');
      const { version, report, current } = await ingestSubmission(deps, submissionOf({ bucket: 'b', key, eventTime: NOW.toISOString() }));
      expect(report.status).toBe('accepted');
      expect(current).toBe(true);
      expect(report.sheets.map((s) => [s.name, s.rows, s.storedRows])).toEqual([
        ['抽查明细', 3000, 3000],
        ['指标', 2, 2],
        ['认证明细', 14, 14],
      ]);
      for (const kind of KINDS) expect(await deps.submissions.getRecords(version.submissionId, kind), kind).toEqual(expected[kind]);
    });
  }

  describe('through the embedded DynamoDB and S3', () => {
    let pipeline: LocalPipeline;
    beforeAll(async () => {
      pipeline = await openLocalPipeline({ dataDir: mkdtempSync(join(tmpdir(), 'qtrack-slow-')), now: NOW, logger: silentLogger });
    });
    afterAll(() => pipeline?.stop());

    for (const [label, delay] of LATENCIES) {
      it(`${label} a write on top of dynalite’s own`, async () => {
        const real = pipeline.deps.submissions;
        pipeline.deps.submissions = slowed(real, delay);
        try {
          const { version, report, current } = await pipeline.upload(`submissions/market-regulation/2026-Q1/q1-${label.replace(/\W+/g, '')}.xlsx`, bytes);
          expect(report.status).toBe('accepted');
          expect(current).toBe(true);
          expect(report.sheets.map((s) => s.storedRows)).toEqual([3000, 2, 14]);
          for (const kind of KINDS) expect(await real.getRecords(version.submissionId, kind), kind).toEqual(expected[kind]);
        } finally {
          pipeline.deps.submissions = real;
        }
      });
    }
  });

  it('storage that silently loses a chunk: ingest fails loudly and nothing becomes current; a redelivery completes it', async () => {
    const memory = new MemorySubmissionRepository();
    let lose = true;
    const leaky = new Proxy(memory, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'putRecords') {
          return async (sid: string, chunk: RecordChunk, expiresAt: Date) => {
            if (lose && chunk.kind === 'inspections' && chunk.index === 1) return; // acknowledged, never stored
            return memory.putRecords(sid, chunk, expiresAt);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const deps = memoryDeps(leaky);
    const key = 'submissions/market-regulation/2026-Q1/q1.xlsx';
    await deps.uploads.put(key, bytes, 'application/octet-stream');
    const event = { bucket: 'b', key, eventTime: NOW.toISOString() };
    await expect(ingestSubmission(deps, submissionOf(event))).rejects.toThrow(IncompleteSubmissionError);
    await expect(ingestSubmission(deps, submissionOf(event))).rejects.toThrow(/inspections: 3000 rows accepted, 3000 written, ([1-9]\d{0,2}|[12]\d{3}) stored/);
    expect(await memory.currentVersions('2026-Q1')).toEqual([]);
    lose = false; // the message is retried, storage is healthy again
    const { current, report } = await ingestSubmission(deps, submissionOf(event));
    expect(current).toBe(true);
    expect(report.sheets[0]!.storedRows).toBe(3000);
    expect(await memory.getRecords((await memory.currentVersions('2026-Q1'))[0]!.submissionId, 'inspections')).toEqual(expected.inspections);
  });
});
