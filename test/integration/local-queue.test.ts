// The local runner's durable queue (functions/local/queue.ts), through the real
// embedded dynalite and s3rver: a message is kept in the data directory from
// before the upload until ingest finished, every start of a command replays what
// an earlier one left, and `kill -9` of `qtrack submit` at any moment leaves
// either nothing or a submission that the next command completes, alerts once.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../functions/adapters/memory';
import { sampleCreditCode } from '../../functions/local/demo';
import { openDataDir } from '../../functions/local/data-dir';
import { LocalQueue, type QueueEntry } from '../../functions/local/queue';
import { s3Notification } from '../../functions/local/bridge';
import { openLocalPipeline } from '../../functions/local/runtime';
import { startLocalServers } from '../../functions/local/servers';
import { BUCKETS } from '../../functions/runtime/contract';

const ROOT = resolve(__dirname, '../..');
const NOW = new Date('2026-04-05T00:00:00+08:00');
const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `qtrack-queue-${tag}-`));
const csv = (n: number) => new TextEncoder().encode(`指标代码,数值\r\nSTANDARDS_LED_COUNT,${n}\r\n`);
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** The messages in <dataDir>/queue (pending) and queue/dead. */
function onDisk(dataDir: string): { pending: QueueEntry[]; dead: QueueEntry[]; files: string[] } {
  const dir = join(dataDir, 'queue');
  if (!existsSync(dir)) return { pending: [], dead: [], files: [] };
  const read = (d: string) => readdirSync(d).filter((n) => n.endsWith('.json')).sort().map((n) => JSON.parse(readFileSync(join(d, n), 'utf8')) as QueueEntry);
  return { pending: read(dir), dead: read(join(dir, 'dead')), files: readdirSync(dir) };
}

/** What a crashed earlier process leaves: an object stored (or not) and a queue entry, written with no pipeline delivering it. */
async function leaveBehind(dataDir: string, items: { key: string; body: Uint8Array; stored?: Uint8Array; state: 'intent' | 'sent'; receiveCount?: number }[]) {
  const servers = await startLocalServers(openDataDir(dataDir));
  try {
    const queue = new LocalQueue(openDataDir(dataDir).root);
    const entries: QueueEntry[] = [];
    for (const [i, item] of items.entries()) {
      const entry: QueueEntry = {
        messageId: randomUUID(),
        sequencer: queue.nextSequencer(),
        bucket: BUCKETS.submissions,
        key: item.key,
        eventTime: new Date(NOW.getTime() + i * 60_000).toISOString(),
        eTag: md5(item.body),
        size: item.body.byteLength,
        state: item.state,
        receiveCount: item.receiveCount ?? 0,
      };
      if (item.state === 'sent') entry.body = s3Notification(entry);
      queue.put(entry);
      const stored = item.stored ?? (item.state === 'sent' ? item.body : undefined);
      if (stored) await servers.clients.s3.send(new PutObjectCommand({ Bucket: BUCKETS.submissions, Key: item.key, Body: stored, ContentLength: stored.byteLength }));
      entries.push(entry);
    }
    return entries;
  } finally {
    await servers.stop();
  }
}

describe('the durable local queue', () => {
  it('(a) an upload is queued before it is stored, delivered as an S3 notification, ingested, then acked', async () => {
    const dataDir = tmp('a');
    const seen: { event: SQSEvent; onDisk: QueueEntry[] }[] = [];
    const p = await openLocalPipeline({
      dataDir,
      now: NOW,
      logger: silentLogger,
      deliveryHook: (event, ingest) => {
        seen.push({ event, onDisk: onDisk(dataDir).pending });
        return ingest(event);
      },
    });
    try {
      const key = 'submissions/market-regulation/2026年第1季度/indicators.csv';
      const body = csv(3);
      const { report, version } = await p.upload(key, body);
      expect(report.status).toBe('accepted');
      expect(version.objectKey).toBe(key);
      // while the handler ran the message was on disk, sent, its receive counted
      expect(seen).toHaveLength(1);
      expect(seen[0]!.onDisk).toMatchObject([{ key, state: 'sent', receiveCount: 1, eTag: md5(body), size: body.byteLength, sequencer: '0000000000000001' }]);
      const record = seen[0]!.event.Records[0]!;
      expect(record.attributes.ApproximateReceiveCount).toBe('1');
      const s3 = JSON.parse(record.body).Records[0];
      expect(s3).toMatchObject({ eventName: 'ObjectCreated:Put', eventTime: version.receivedAt, s3: { bucket: { name: BUCKETS.submissions }, object: { eTag: md5(body), size: body.byteLength } } });
      expect(s3.s3.object.key).toBe(`submissions/market-regulation/${encodeURIComponent('2026年第1季度')}/indicators.csv`);
      // acked: nothing left, no temp files; the counter moved on
      const after = onDisk(dataDir);
      expect(after.pending).toEqual([]);
      expect(after.dead).toEqual([]);
      expect(after.files.sort()).toEqual(['dead', 'sequencer']);
      // a second upload under the same --now still supersedes the first (receipt-time ordering kept)
      const second = await p.upload(key, csv(4));
      expect(second.report.status).toBe('accepted');
      expect(second.version.receivedAt > version.receivedAt).toBe(true);
      expect(second.current).toBe(true);
      expect(onDisk(dataDir).pending).toEqual([]);
    } finally {
      await p.stop();
    }
  });

  it('(b) messages left sent, or as an intent whose object is stored whole, are ingested by the next start, in order', async () => {
    const dataDir = tmp('b');
    const first = csv(3);
    const second = csv(5);
    const left = await leaveBehind(dataDir, [
      { key: 'submissions/market-regulation/2026-Q2/indicators.csv', body: first, state: 'sent' },
      { key: 'submissions/market-regulation/2026-Q1/indicators.csv', body: second, stored: second, state: 'intent' },
    ]);
    const notices: string[] = [];
    const order: string[] = [];
    const p = await openLocalPipeline({
      dataDir,
      now: NOW,
      logger: silentLogger,
      create: false,
      onNotice: (l) => notices.push(l),
      deliveryHook: (event, ingest) => {
        order.push(JSON.parse(event.Records[0]!.body).Records[0].s3.object.key);
        return ingest(event);
      },
    });
    try {
      // delivered once each, in the order they were queued (sequencer), with the receipt time of the intent
      expect(order).toEqual(['submissions/market-regulation/2026-Q2/indicators.csv', 'submissions/market-regulation/2026-Q1/indicators.csv']);
      for (const [period, entry] of [['2026-Q2', left[0]!], ['2026-Q1', left[1]!]] as const) {
        const versions = await p.deps.submissions.allVersions(period);
        expect(versions.map((v) => [v.status, v.receivedAt])).toEqual([['accepted', entry.eventTime]]);
        expect((await p.deps.submissions.currentVersions(period)).map((v) => v.submissionId)).toEqual([versions[0]!.submissionId]);
      }
      expect(onDisk(dataDir).pending).toEqual([]);
      expect(notices).toHaveLength(2);
      expect(notices[0]).toMatch(/继续处理上次中断的上传.*replaying an unacknowledged upload of submissions\/market-regulation\/2026-Q2\/indicators\.csv/);
    } finally {
      await p.stop();
    }
  });

  it('(c) an intent whose object is absent, or stored with another ETag, is dropped without ingest', async () => {
    const dataDir = tmp('c');
    await leaveBehind(dataDir, [
      { key: 'submissions/market-regulation/2026-Q1/never.csv', body: csv(3), state: 'intent' },
      { key: 'submissions/market-regulation/2026-Q1/other.csv', body: csv(3), stored: csv(7), state: 'intent' },
    ]);
    const notices: string[] = [];
    let delivered = 0;
    const p = await openLocalPipeline({
      dataDir,
      logger: silentLogger,
      create: false,
      onNotice: (l) => notices.push(l),
      deliveryHook: (event, ingest) => {
        delivered++;
        return ingest(event);
      },
    });
    try {
      expect(delivered).toBe(0);
      expect(await p.deps.submissions.allVersions('2026-Q1')).toEqual([]);
      expect(onDisk(dataDir)).toMatchObject({ pending: [], dead: [] });
      expect(notices).toEqual([expect.stringMatching(/未完成的上传已放弃.*dropped an unfinished upload of .*never\.csv/), expect.stringMatching(/other\.csv/)]);
    } finally {
      await p.stop();
    }
    // and the sequencer never goes back: a later upload gets the next one
    const q = new LocalQueue(dataDir);
    expect(q.nextSequencer()).toBe('0000000000000003');
  });

  it('(d) a handler that fails three times dead-letters the message and rejects the upload, as the redrive policy does', async () => {
    const dataDir = tmp('d');
    const counts: string[] = [];
    const failing = {
      dataDir,
      now: NOW,
      logger: silentLogger,
      deliveryHook: async (event: SQSEvent) => {
        counts.push(event.Records[0]!.attributes.ApproximateReceiveCount);
        // the persisted count is the one handed over
        expect(onDisk(dataDir).pending[0]!.receiveCount).toBe(Number(event.Records[0]!.attributes.ApproximateReceiveCount));
        return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] };
      },
    };
    const p = await openLocalPipeline(failing);
    try {
      await expect(p.upload('submissions/market-regulation/2026-Q1/bad.csv', csv(3))).rejects.toThrow(/处理失败，已重试 3 次 \/ ingest failed after 3 attempts: submissions\/market-regulation\/2026-Q1\/bad\.csv/);
      expect(counts).toEqual(['1', '2', '3']);
      const { pending, dead } = onDisk(dataDir);
      expect(pending).toEqual([]);
      expect(dead).toMatchObject([{ key: 'submissions/market-regulation/2026-Q1/bad.csv', state: 'sent', receiveCount: 3 }]);
      expect(await p.deps.submissions.allVersions('2026-Q1')).toEqual([]);
    } finally {
      await p.stop();
    }

    // a message left with two receives gets one more at the next start, then goes to the dead-letter queue
    counts.length = 0;
    await leaveBehind(dataDir, [{ key: 'submissions/market-regulation/2026-Q1/again.csv', body: csv(3), state: 'sent', receiveCount: 2 }]);
    await (await openLocalPipeline({ ...failing, create: false })).stop();
    expect(counts).toEqual(['3']);
    expect(onDisk(dataDir).dead.map((e) => [e.key, e.receiveCount])).toEqual([
      ['submissions/market-regulation/2026-Q1/bad.csv', 3],
      ['submissions/market-regulation/2026-Q1/again.csv', 3],
    ]);
    // one that had all three already (the process died during the last) is dead-lettered without another delivery
    counts.length = 0;
    await leaveBehind(dataDir, [{ key: 'submissions/market-regulation/2026-Q1/spent.csv', body: csv(3), state: 'sent', receiveCount: 3 }]);
    await (await openLocalPipeline({ ...failing, create: false })).stop();
    expect(counts).toEqual([]);
    expect(onDisk(dataDir)).toMatchObject({ pending: [], dead: { length: 3 } });
  });
});

// ---- kill -9 of `qtrack submit` ----------------------------------------------------------

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs the CLI as its own process. `watch`: the time from the start at which each
 * condition first held (polled every 2 ms); `kill`: SIGKILL `ms` after the start, or
 * after the watched condition `after` first held.
 */
function qtrack(args: string[], opts: { kill?: { ms: number; after?: string }; watch?: Record<string, () => boolean> } = {}): Promise<Run & { seen: Record<string, number> }> {
  return new Promise((done, fail) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(ROOT, 'bin/qtrack.mjs'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    const seen: Record<string, number> = {};
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const kill = () => (timer = setTimeout(() => child.kill('SIGKILL'), opts.kill!.ms));
    const poll = opts.watch
      ? setInterval(() => {
          for (const [name, holds] of Object.entries(opts.watch!)) {
            if (seen[name] !== undefined || !holds()) continue;
            seen[name] = Date.now() - started;
            if (opts.kill?.after === name) kill();
          }
        }, 2)
      : undefined;
    if (opts.kill && !opts.kill.after) kill();
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      done({ code, signal, stdout, stderr, ms: Date.now() - started, seen });
    });
  });
}

/** The moments of a submit worth telling apart: the data directory locked, the first queue entry written. */
function milestones(dataDir: string): Record<string, () => boolean> {
  return {
    lock: () => existsSync(join(dataDir, 'qtrack.lock')),
    intent: () => {
      try {
        return readdirSync(join(dataDir, 'queue')).some((n) => n.endsWith('.json'));
      } catch {
        return false;
      }
    },
  };
}

const PERIOD = ['--period', '2026-Q1', '--now', '2026-04-05'];
const submitArgs = (file: string, dataDir: string, out: string) => ['submit', file, '--department', 'market-regulation', ...PERIOD, '--data-dir', dataDir, '--out', out, '--json'];

/** versions, alerts and evaluate of 2026-Q1, as the CLI prints them with --json (stdout must be JSON alone). */
async function stateOf(dataDir: string) {
  const json = async (command: string) => {
    const r = await qtrack([command, ...PERIOD, '--data-dir', dataDir, '--json']);
    expect(r.code, `${command}: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout);
  };
  // versions first: it is the command that finds what the killed submit left and completes it
  const versions = (await json('versions')).versions as { submissionId: string; status: string; currentFor: string[] }[];
  // alerts before evaluate, which would raise anything missing itself
  const alerts = ((await json('alerts')).alerts as { id: string }[]).map((a) => a.id);
  const evaluation = await json('evaluate');
  return { versions, alerts, evaluation };
}

/** A market-regulation workbook for 2026-Q1 that is accepted and breaches four targets. */
async function workbook(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const cover = wb.addWorksheet('封面');
  for (const row of [['填报单位', '区市场监管局'], ['统计期', '2026年第1季度'], ['填报人', '示例填报人'], ['联系电话', '021-00000000']]) cover.addRow(row);
  const indicators = wb.addWorksheet('指标');
  indicators.addRow(['指标代码', '数值', '备注']);
  for (const [code, v] of [['STANDARDS_LED_COUNT', 0], ['CHIEF_QUALITY_OFFICERS_COUNT', 1], ['ADVANCED_QM_RESULTS_COUNT', 0], ['HIGH_VALUE_PATENTS_PER_10K', 40], ['NQI_SERVICE_STATIONS_TOTAL', 1]] as const) indicators.addRow([code, v, null]);
  const inspections = wb.addWorksheet('抽查明细');
  inspections.addRow(['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目']);
  const products = ['电子电器', '儿童用品', '消防产品', '食品相关产品'];
  for (let i = 0; i < 1000; i++) {
    const fail = i % 5 === 0;
    inspections.addRow([
      `202601-1-${String(i + 1).padStart(5, '0')}`,
      products[i % 4],
      `上海长宁示例企业${i + 1}有限公司`,
      sampleCreditCode(1000 + i),
      new Date(Date.UTC(2026, 1, (i % 27) + 1)),
      ['区', '市', '国家'][i % 3],
      fail ? '不合格' : '合格',
      fail ? '标签标识' : null,
    ]);
  }
  writeFileSync(path, new Uint8Array(await wb.xlsx.writeBuffer()));
}

describe('kill -9 of qtrack submit at a random moment', () => {
  const work = tmp('kill');
  const file = join(work, '2026Q1-市场监管局.xlsx');
  let clean: Awaited<ReturnType<typeof stateOf>>;
  let duration = 0;
  let lock = 0; // until the data directory is locked: nothing of the submission has happened yet
  let intent = 0; // the servers are up and the intent is written: from here on the upload may be lost

  beforeAll(async () => {
    await workbook(file);
    const dataDir = join(work, 'clean');
    const r = await qtrack(submitArgs(file, dataDir, join(work, 'out-clean')), { watch: milestones(dataDir) });
    expect(r.code, r.stderr).toBe(0);
    duration = r.ms;
    lock = r.seen.lock!;
    intent = r.seen.intent!;
    clean = await stateOf(dataDir);
    expect(clean.versions).toMatchObject([{ status: 'accepted', currentFor: ['indicators', 'inspections', 'certifications', 'acceptances'] }]);
    expect(clean.alerts.length).toBeGreaterThan(0);
  }, 60_000);

  it('leaves either nothing or the whole submission, current, with each alert once', async () => {
    const TRIALS = 6;
    // stratified over the whole run, each part timed from its own start in the trial (two trials
    // run at a time and stretch): the start-up (50 ms to the lock), the servers' start (lock to
    // the intent), then four over the upload, ingest, evaluation, alerts and the ack (intent to exit)
    const random = (from: number, to: number) => Math.round(from + (to - from) * Math.random());
    const upload = duration - intent;
    const kills: { ms: number; after?: string }[] = [
      { ms: random(50, lock) },
      { ms: random(0, intent - lock), after: 'lock' },
      ...Array.from({ length: TRIALS - 2 }, (_, i) => ({ ms: random((upload * i) / (TRIALS - 2), (upload * (i + 1)) / (TRIALS - 2)), after: 'intent' })),
    ];
    const outcomes: string[] = [];
    const trial = async (i: number) => {
      const dataDir = join(work, `trial-${i}`);
      const k = kills[i]!;
      const killed = await qtrack(submitArgs(file, dataDir, join(work, `out-${i}`)), { kill: k, watch: milestones(dataDir) });
      const when = k.after ? `${k.after} + ${k.ms} ms` : `${k.ms} ms`;
      const left = onDisk(dataDir).pending.map((e) => `${e.state}#${e.receiveCount}`);
      if (!existsSync(join(dataDir, 'qtrack-data.json'))) {
        outcomes[i] = `${when}: killed before the data directory existed → nothing`;
        return;
      }
      const state = await stateOf(dataDir);
      expect(onDisk(dataDir).pending, 'the next command acks or drops everything').toEqual([]);
      if (state.versions.length === 0) {
        expect(state.alerts).toEqual([]);
        outcomes[i] = `${when} (${killed.signal ?? `exit ${killed.code}`}, queue [${left}]) → nothing`;
      } else {
        expect(state.versions).toEqual(clean.versions);
        expect(new Set(state.alerts).size).toBe(state.alerts.length);
        expect([...state.alerts].sort()).toEqual([...clean.alerts].sort());
        expect(state.evaluation.indicators).toEqual(clean.evaluation.indicators);
        expect(state.evaluation.sources).toEqual(clean.evaluation.sources);
        outcomes[i] = `${when} (${killed.signal ?? `exit ${killed.code}`}, queue [${left}]) → complete`;
      }
    };
    for (let i = 0; i < TRIALS; i += 2) await Promise.all([trial(i), trial(i + 1)]);
    console.log(`kill -9 of submit (clean run ${duration} ms: locked at ${lock}, intent at ${intent}):\n  ${outcomes.join('\n  ')}`);
  }, 120_000);
});
