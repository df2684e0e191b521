// What several commands share: input files, the pipeline (local over the data
// directory, or the deployed stack's with --aws / QTRACK_STACK), the stored
// ledger validate checks against, and the report files validate and submit
// leave beside the input. The pipeline (the AWS SDK and the embedded servers) is
// loaded only by the commands that open it.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { openingPeriod } from '../../core/catalog';
import type { LedgerCertificate, Plan, ValidationReport } from '../../core/model';
import type { Logger } from '../../core/ports';
import type { PipelineDeps } from '../../core/use-cases/deps';
import type { IngestResult } from '../../core/use-cases/ingest';
import { jsonLogger } from '../../runtime/logger';
import { clockStart, type GlobalOptions, type Io, UsageError } from '../args';
import { stackOf } from '../aws';
import { hasDataDir } from '../data-dir';
import { type FileSource, openFileSource } from '../file-source';
import { formatAlert } from '../format';

export const DEFAULT_DATA_DIR = '.qtrack';

/** How long submit --aws waits for the cloud's ingest by default (seconds). */
export const DEFAULT_WAIT_SECONDS = 300;

/** What a command runs on: the local pipeline or the deployed stack's. */
export interface Pipeline {
  deps: PipelineDeps;
  /** the reports bucket's name, for messages */
  reportsBucket: string;
  /** Uploads to the submissions bucket and waits (with --aws at most waitSeconds) for the ingest result. */
  upload(key: string, body: Uint8Array, waitSeconds?: number): Promise<IngestResult>;
}

/** An input file, read piece by piece; a missing file is a usage error. */
export function openInput(file: string): FileSource {
  const path = resolve(file);
  try {
    if (!statSync(path).isFile()) throw new UsageError(`${file} 不是文件`, `${file} is not a file`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`找不到文件 ${file}`, `file not found: ${file}`);
  }
  return openFileSource(path);
}

export function readInput(file: string): Uint8Array {
  const path = resolve(file);
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`找不到文件 ${file}`, `file not found: ${file}`);
  }
  if (!stat.isFile()) throw new UsageError(`${file} 不是文件`, `${file} is not a file`);
  return readFileSync(path);
}

export function logger(opts: GlobalOptions, io: Io): Logger {
  return opts.verbose ? jsonLogger({}, io.err) : { info() {}, warn() {}, error: (m, f) => io.err(`${m} ${JSON.stringify(f ?? {})}`) };
}

export function printJson(io: Io, value: unknown) {
  io.out(JSON.stringify(value, null, 2));
}

/**
 * The pipeline a command runs on: the deployed stack's with --aws or QTRACK_STACK
 * (no data directory is opened), else the local one over the data directory.
 * `create: false` for commands that only read: a directory that does not exist
 * is an error (exit 2), not an empty store to answer "no alerts" from.
 */
export async function withPipeline<T>(opts: GlobalOptions, io: Io, fn: (p: Pipeline) => Promise<T>, create = true): Promise<T> {
  const now = clockStart(opts.now);
  const onAlert = opts.json ? undefined : (a: Parameters<typeof formatAlert>[0]) => io.err(formatAlert(a));
  const stack = stackOf(opts);
  if (stack) {
    const { openStackPipeline } = await import('../aws');
    const pipeline = await openStackPipeline({ stack, now, logger: logger(opts, io), onAlert });
    try {
      return await fn({
        deps: pipeline.deps,
        reportsBucket: pipeline.names.reportsBucket,
        upload: (key, body, waitSeconds) => pipeline.upload(key, body, waitSeconds ?? DEFAULT_WAIT_SECONDS),
      });
    } finally {
      await pipeline.stop();
    }
  }
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const [{ openLocalPipeline }, { BUCKETS }] = await Promise.all([import('../runtime'), import('../../runtime/contract')]);
  const pipeline = await openLocalPipeline({
    dataDir,
    create,
    now,
    logger: logger(opts, io),
    onAlert,
    // an upload an interrupted command left in the local queue, finished now
    onNotice: (line) => io.err(line),
  });
  try {
    return await fn({ deps: pipeline.deps, reportsBucket: BUCKETS.reports, upload: (key, body) => pipeline.upload(key, body) });
  } finally {
    await pipeline.stop();
  }
}

/**
 * The stored certificate ledger for validate: from --data-dir (which must
 * exist), else from the default data directory when there is one; undefined
 * when no store is at hand (the report then notes what could not be checked).
 */
export async function storedLedger(opts: GlobalOptions, io: Io, plan: Plan, upTo: string): Promise<LedgerCertificate[] | undefined> {
  // the deployed stack's, when one is named; from --data-dir (which must exist)
  const explicit = opts.dataDir !== undefined || stackOf(opts) !== undefined;
  if (!explicit && !hasDataDir(DEFAULT_DATA_DIR)) return undefined;
  const { loadLedger } = await import('../../core/use-cases/current');
  const load = () => withPipeline(opts, io, (p) => loadLedger(p.deps.submissions, openingPeriod(plan), upTo), false);
  if (explicit) return load();
  // the default directory is a convenience: when it cannot be read (another qtrack holds it), validate without it
  return load().catch((err: unknown) => {
    io.err(`注意：未能读取 ${DEFAULT_DATA_DIR}（${(err as Error).message}），不与已入库数据核对 / note: could not read ${DEFAULT_DATA_DIR}; not checking against stored data`);
    return undefined;
  });
}

/** What validate and submit leave beside the input (or in --out): the report, and the annotated copy when there are issues. */
export interface Outputs {
  report: ValidationReport;
  annotated?: { bytes: Uint8Array; form: 'copy' | 'list'; reason?: { zh: string; en: string } };
}

export function writeOutputs(opts: GlobalOptions & { out?: string }, io: Io, input: string, out: Outputs): void {
  const dir = resolve(opts.out ?? dirname(resolve(input)));
  const stem = basename(input, extname(input));
  const lines: string[] = [];
  let failed: string | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    const reportPath = join(dir, `${stem}.report.json`);
    writeFileSync(reportPath, JSON.stringify(out.report, null, 2) + '\n');
    lines.push(`校验报告 / report:        ${reportPath}`);
    if (out.annotated) {
      const path = join(dir, `${stem}.annotated.xlsx`);
      writeFileSync(path, out.annotated.bytes);
      lines.push(`批注副本 / annotated copy: ${path}`);
      if (out.annotated.form === 'list') {
        lines.push(`  （只含问题清单 / the issue list only: ${out.annotated.reason?.zh ?? ''} / ${out.annotated.reason?.en ?? ''}）`);
      }
    } else lines.push('无问题，未生成批注副本 / no issues: no annotated copy');
  } catch (err) {
    failed = `未能写出报告文件 / could not write the report files to ${dir}: ${(err as Error).message}（可用 --out 指定目录 / choose a folder with --out）`;
  }
  // stdout carries the report itself (--json): where the files went is told on stderr; a failure always is
  for (const l of lines) (opts.json ? io.err : io.out)(l);
  if (failed) io.err(failed);
}
