// `qtrack` — the command line. Local commands run the same use cases as the
// Lambda functions, against the embedded servers under --data-dir.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DEPARTMENTS, loadPlan, openingPeriod, resolveDepartment } from '../core/catalog';
import type { Alert, LedgerCertificate, Plan, ValidationReport } from '../core/model';
import { currentPeriod, localDate, normalizePeriod, parseNow } from '../core/periods';
import type { Logger } from '../core/ports';
import { checkSubmission } from '../core/submission/check';
import { inspectWorkbook } from '../core/submission/inspect';
import { loadLedger } from '../core/use-cases/current';
import { evaluateAndAlert } from '../core/use-cases/evaluate';
import { runMonitor } from '../core/use-cases/monitor';
import { writeSummary } from '../core/use-cases/summarize';
import { annotateWorkbook } from '../core/workbook/annotate';
import { buildTemplate } from '../core/workbook/template';
import { nodeDeflate } from '../adapters/zlib/deflate';
import { nodeInflate } from '../adapters/zlib/inflate';
import { jsonLogger } from '../runtime/logger';
import { type ParsedArgs, USAGE, UsageError, parseArgs } from './args';
import { DataDirError, hasDataDir } from './data-dir';
import { runDemo } from './demo';
import { openFileSource, type FileSource } from './file-source';
import { formatAlert, formatEvaluation, formatInspection, formatReport, formatVersions, periodSources } from './format';
import { type LocalPipeline, openLocalPipeline } from './runtime';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

/** Runs one command; returns the exit code (0 ok/accepted, 1 rejected, 2 could not run). */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`错误：${err.zh} / error: ${err.en}（qtrack help 查看用法 / see qtrack help）`);
      return 2;
    }
    throw err;
  }
  if (args.command === 'help' || args.flags.has('help')) {
    io.out(USAGE);
    return 0;
  }
  try {
    return await run(args, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof DataDirError) {
      io.err(`错误：${err.zh} / error: ${err.en}`);
      return 2;
    }
    const e = err as Error;
    io.err(`错误：${e.message} / error: ${e.name}: ${e.message}`);
    if (args.flags.has('verbose')) io.err(e.stack ?? '');
    return 2;
  }
}

function option(args: ParsedArgs, name: string): string | undefined {
  return args.options[name];
}

function requirePeriod(args: ParsedArgs, required: boolean): string | undefined {
  const raw = option(args, 'period');
  if (raw === undefined) {
    if (required) throw new UsageError('缺少 --period（如 2026-Q1）', 'missing --period (e.g. 2026-Q1)');
    return undefined;
  }
  const period = normalizePeriod(raw);
  if (!period) throw new UsageError(`无法识别的统计期“${raw}”，请写成 2026-Q1 或 2026年第1季度`, `unrecognised period "${raw}"; write it as 2026-Q1 or 2026年第1季度`);
  return period;
}

function requireDepartment(args: ParsedArgs, required: boolean): string | undefined {
  const raw = option(args, 'department');
  if (raw === undefined) {
    if (required) throw new UsageError('缺少 --department（部门代码，如 market-regulation）', 'missing --department (a department code, e.g. market-regulation)');
    return undefined;
  }
  const d = resolveDepartment(raw);
  if (!d) {
    throw new UsageError(
      `未知部门“${raw}”；可用代码：${DEPARTMENTS.map((x) => x.code).join('、')}`,
      `unknown department "${raw}"; codes: ${DEPARTMENTS.map((x) => x.code).join(', ')}`,
    );
  }
  return d.code;
}

function clockStart(args: ParsedArgs): Date | undefined {
  const raw = option(args, 'now');
  if (raw === undefined) return undefined;
  const now = parseNow(raw);
  if (!now) throw new UsageError(`--now 的值“${raw}”不是 ISO 日期或时间`, `--now "${raw}" is not an ISO date or date-time`);
  return now;
}

/** An input file, read piece by piece; a missing file is a usage error. */
function openInput(file: string): FileSource {
  const path = resolve(file);
  try {
    if (!statSync(path).isFile()) throw new UsageError(`${file} 不是文件`, `${file} is not a file`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`找不到文件 ${file}`, `file not found: ${file}`);
  }
  return openFileSource(path);
}

function readInput(file: string): Uint8Array {
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

function logger(args: ParsedArgs, io: Io): Logger {
  return args.flags.has('verbose') ? jsonLogger({}, io.err) : { info() {}, warn() {}, error: (m, f) => io.err(`${m} ${JSON.stringify(f ?? {})}`) };
}

const DEFAULT_DATA_DIR = '.qtrack';

/**
 * The local pipeline over the data directory. `create: false` for commands that
 * only read: a directory that does not exist is an error (exit 2), not an empty
 * store to answer "no alerts" from.
 */
async function withPipeline<T>(args: ParsedArgs, io: Io, fn: (p: LocalPipeline) => Promise<T>, create = true): Promise<T> {
  const json = args.flags.has('json');
  const pipeline = await openLocalPipeline({
    dataDir: option(args, 'data-dir') ?? DEFAULT_DATA_DIR,
    create,
    now: clockStart(args),
    logger: logger(args, io),
    onAlert: json ? undefined : (a) => io.err(formatAlert(a)),
    // an upload an interrupted command left in the local queue, finished now
    onNotice: (line) => io.err(line),
  });
  try {
    return await fn(pipeline);
  } finally {
    await pipeline.stop();
  }
}

function printJson(io: Io, value: unknown) {
  io.out(JSON.stringify(value, null, 2));
}

/**
 * The stored certificate ledger for validate: from --data-dir (which must
 * exist), else from the default data directory when there is one; undefined
 * when no store is at hand (the report then notes what could not be checked).
 */
async function storedLedger(args: ParsedArgs, io: Io, plan: Plan, upTo: string): Promise<LedgerCertificate[] | undefined> {
  const explicit = option(args, 'data-dir');
  if (!explicit && !hasDataDir(DEFAULT_DATA_DIR)) return undefined;
  const load = () => withPipeline(args, io, (p) => loadLedger(p.deps.submissions, openingPeriod(plan), upTo), false);
  if (explicit) return load();
  // the default directory is a convenience: when it cannot be read (another qtrack holds it), validate without it
  return load().catch((err: unknown) => {
    io.err(`注意：未能读取 ${DEFAULT_DATA_DIR}（${(err as Error).message}），不与已入库数据核对 / note: could not read ${DEFAULT_DATA_DIR}; not checking against stored data`);
    return undefined;
  });
}

/** What validate and submit leave beside the input (or in --out): the report, and the annotated copy when there are issues. */
interface Outputs {
  report: ValidationReport;
  annotated?: { bytes: Uint8Array; form: 'copy' | 'list'; reason?: { zh: string; en: string } };
}

function writeOutputs(args: ParsedArgs, io: Io, input: string, out: Outputs): void {
  const dir = resolve(option(args, 'out') ?? dirname(resolve(input)));
  const stem = basename(input, extname(input));
  const lines: string[] = [];
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
    lines.push(`未能写出报告文件 / could not write the report files to ${dir}: ${(err as Error).message}（可用 --out 指定目录 / choose a folder with --out）`);
  }
  // stdout carries the report itself (--json): where the files went is told on stderr
  for (const l of lines) (args.flags.has('json') ? io.err : io.out)(l);
}

async function run(args: ParsedArgs, io: Io): Promise<number> {
  const json = args.flags.has('json');
  switch (args.command) {
    case 'inspect': {
      let refused = false;
      let missing = false;
      for (const file of args.files) {
        let source;
        try {
          source = openInput(file);
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          io.err(`错误：${err.zh} / error: ${err.en}`);
          missing = true;
          continue; // one bad file never stops the others
        }
        try {
          const inspection = await inspectWorkbook(source, file, { inflate: nodeInflate });
          if ('status' in inspection.lines[0]! && inspection.lines[0].status === 'rejected') refused = true;
          if (json) io.out(inspection.lines.map((l) => JSON.stringify(l)).join('\n'));
          else io.out(formatInspection(file, inspection));
        } finally {
          source.close();
        }
      }
      return missing ? 2 : refused ? 1 : 0;
    }
    case 'validate': {
      const plan = loadPlan();
      const now = clockStart(args) ?? new Date();
      const department = requireDepartment(args, false);
      const period = requirePeriod(args, false);
      const source = openInput(args.file!);
      const ledger = await storedLedger(args, io, plan, period ?? currentPeriod(now)).catch((err: unknown) => {
        source.close();
        throw err;
      });
      try {
        const outcome = await checkSubmission(source, {
          fileName: basename(args.file!),
          inflate: nodeInflate,
          department,
          period,
          now,
          plan,
          ledger,
        });
        const report = outcome.report;
        if (json) printJson(io, report);
        else io.out(formatReport(report));
        if (report.issues.some((i) => i.code === 'MISSING_CONTEXT')) return 2;
        const annotated = report.issues.length
          ? await annotateWorkbook(/\.xlsx$/i.test(args.file!) ? source : undefined, report.issues, { inflate: nodeInflate, deflate: nodeDeflate })
          : undefined;
        writeOutputs(args, io, args.file!, { report, annotated });
        return report.status === 'accepted' ? 0 : 1;
      } finally {
        source.close();
      }
    }
    case 'submit': {
      const department = requireDepartment(args, true)!;
      const period = requirePeriod(args, true)!;
      const bytes = readInput(args.file!);
      const key = `submissions/${department}/${period}/${basename(args.file!)}`;
      return withPipeline(args, io, async (p) => {
        if (!json) io.err(`上传 / uploading ${key} …`);
        const { report, version, currentFor } = await p.upload(key, bytes);
        if (json) printJson(io, report);
        else {
          io.out(formatReport(report));
          io.out(`报送编号 / submission ID: ${version.submissionId}（qtrack report ${version.submissionId} 可再次取回 / fetch it again later）`);
          if (report.status === 'accepted') {
            const current = await p.deps.submissions.currentVersions(period);
            io.out(periodSources(current.filter((v) => v.department === department)));
            if (currentFor.length === 0) io.out('注意：已有更晚收到的版本为当前版本 / note: a later version is current');
          }
        }
        const stored = report.annotated ? await p.deps.reports.get(report.annotated.key) : undefined;
        writeOutputs(args, io, args.file!, { report, annotated: stored && report.annotated && { bytes: stored, form: report.annotated.form, reason: report.annotated.reason } });
        return report.status === 'accepted' ? 0 : 1;
      });
    }
    case 'report': {
      const id = args.file!;
      const out = resolve(option(args, 'out') ?? '.');
      return withPipeline(
        args,
        io,
        async (p) => {
          const version = await p.deps.submissions.findVersion(id);
          if (!version) throw new UsageError(`找不到报送编号 ${id}（用 qtrack versions --period P 查看）`, `no submission ${id} (list them with qtrack versions --period P)`);
          const files: [string, Uint8Array | undefined][] = [
            [`${id}.report.json`, await p.deps.reports.get(version.reportKey)],
            ...(version.annotatedKey ? ([[`${id}.annotated.xlsx`, await p.deps.reports.get(version.annotatedKey)]] as [string, Uint8Array | undefined][]) : []),
            [`${id}.original${extname(version.fileName).toLowerCase()}`, await originalOf(p, version)],
          ];
          mkdirSync(out, { recursive: true });
          const written: string[] = [];
          for (const [name, body] of files) {
            if (!body) continue;
            writeFileSync(join(out, name), body);
            written.push(join(out, name));
          }
          const reportBody = files[0]![1];
          const report = reportBody ? (JSON.parse(new TextDecoder().decode(reportBody)) as ValidationReport) : undefined;
          if (json) printJson(io, report ?? null);
          else if (report) io.out(formatReport(report));
          for (const w of written) (json ? io.err : io.out)(`已写出 / written: ${w}`);
          return 0;
        },
        false,
      );
    }
    case 'versions': {
      const period = requirePeriod(args, true)!;
      const department = requireDepartment(args, false);
      return withPipeline(
        args,
        io,
        async (p) => {
          const all = (await p.deps.submissions.allVersions(period)).filter((v) => !department || v.department === department);
          const current = await p.deps.submissions.currentVersions(period);
          const currentFor = new Map(current.map((v) => [v.submissionId, v.currentFor]));
          const versions = all.map((v) => ({
            submissionId: v.submissionId,
            department: v.department,
            fileName: v.fileName,
            receivedAt: v.receivedAt,
            status: v.status,
            errors: v.errors,
            warnings: v.warnings,
            replaces: v.replaces ?? ['indicators', 'inspections', 'certifications', 'acceptances'],
            currentFor: currentFor.get(v.submissionId) ?? [],
          }));
          if (json) printJson(io, { period, versions });
          else io.out(formatVersions(period, versions));
          return 0;
        },
        false,
      );
    }
    case 'evaluate': {
      const period = requirePeriod(args, true)!;
      return withPipeline(
        args,
        io,
        async (p) => {
          const { result, raised } = await evaluateAndAlert(p.deps, period);
          const current = await p.deps.submissions.currentVersions(period);
          const sources = current.flatMap((v) =>
            v.currentFor.map((kind) => ({ department: v.department, kind, submissionId: v.submissionId, fileName: v.fileName, receivedAt: v.receivedAt })),
          );
          if (json) {
            printJson(io, {
              period,
              indicators: result.indicators.map(({ code, status, value, target, expected, quarter, cumulative, yearToDate }) => ({
                code,
                status,
                value,
                target,
                expected,
                quarter,
                cumulative,
                yearToDate,
              })),
              alerts: raised,
              sources,
            });
          } else io.out(`${formatEvaluation(result, raised)}\n${periodSources(current)}`);
          return 0;
        },
        false,
      );
    }
    case 'monitor':
      return withPipeline(
        args,
        io,
        async (p) => {
          const { date, raised } = await runMonitor(p.deps);
          // the office's calendar day (Asia/Shanghai), as the contract's date
          const day = localDate(new Date(date));
          if (json) printJson(io, { date: day, alerts: raised });
          else io.out(`监测日期 / monitoring date: ${day}\n新预警 / new alerts: ${raised.length}`);
          return 0;
        },
        false,
      );
    case 'alerts': {
      const period = requirePeriod(args, false);
      return withPipeline(
        args,
        io,
        async (p) => {
          const alerts: Alert[] = await p.deps.alerts.list(period);
          if (json) printJson(io, { alerts });
          else io.out(alerts.length ? alerts.map(formatAlert).join('\n') : '没有预警 / no alerts');
          return 0;
        },
        false,
      );
    }
    case 'summary': {
      const period = requirePeriod(args, true)!;
      const out = option(args, 'out');
      return withPipeline(args, io, async (p) => {
        const { files } = await writeSummary(p.deps, period);
        const lines = files.map((f) => `  s3://qtrack-reports/${f.key}`);
        if (out) {
          mkdirSync(out, { recursive: true });
          for (const f of files) writeFileSync(join(out, f.name), f.body);
          lines.push(...files.map((f) => `  ${join(resolve(out), f.name)}`));
        }
        io.out(`季度汇总已生成 / summary written for ${period}:\n${lines.join('\n')}`);
        return 0;
      }, false);
    }
    case 'template': {
      const department = requireDepartment(args, true)!;
      const period = requirePeriod(args, false);
      const out = option(args, 'out') ?? `qtrack-template-${department}${period ? `-${period}` : ''}.xlsx`;
      // a clerk who filled in the default-named file must not lose it to a second template
      if (existsSync(out) && !args.flags.has('force')) {
        throw new UsageError(
          `文件 ${resolve(out)} 已存在，未覆盖；如需覆盖请加 --force，或用 --out 指定其他文件名`,
          `${resolve(out)} exists and was not overwritten: add --force to replace it, or choose another name with --out`,
        );
      }
      writeFileSync(out, await buildTemplate({ department, plan: loadPlan(), period }));
      io.out(`模板已写入 / template written: ${resolve(out)}`);
      return 0;
    }
    case 'demo':
      return runDemo({ dataDir: option(args, 'data-dir') ?? '.qtrack', io, logger: logger(args, io) });
    default:
      throw new UsageError(`未知命令“${args.command}”`, `unknown command "${args.command}"`);
  }
}

/** The raw file of a version: its object in the submissions bucket, else the copy kept beside its report. */
async function originalOf(p: LocalPipeline, version: { objectKey: string; objectVersion?: string; reportKey: string; fileName: string }): Promise<Uint8Array | undefined> {
  const copy = version.reportKey.replace(/\.json$/, `.original${extname(version.fileName).toLowerCase()}`);
  return (await p.deps.reports.get(copy)) ?? (await p.deps.uploads.get(version.objectKey, version.objectVersion));
}
