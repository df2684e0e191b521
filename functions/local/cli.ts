// `qtrack` — the command line. Local commands run the same use cases as the
// Lambda functions, against the embedded servers under --data-dir.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEPARTMENTS, loadPlan, resolveDepartment } from '../core/catalog';
import type { Alert } from '../core/model';
import { normalizePeriod, parseNow } from '../core/periods';
import type { Logger } from '../core/ports';
import { checkSubmission } from '../core/submission/check';
import { inspectWorkbook } from '../core/submission/inspect';
import { evaluateAndAlert } from '../core/use-cases/evaluate';
import { runMonitor } from '../core/use-cases/monitor';
import { writeSummary } from '../core/use-cases/summarize';
import { buildTemplate } from '../core/workbook/template';
import { nodeInflate } from '../adapters/zlib/inflate';
import { jsonLogger } from '../runtime/logger';
import { type ParsedArgs, USAGE, UsageError, parseArgs } from './args';
import { DataDirError } from './data-dir';
import { runDemo } from './demo';
import { openFileSource, type FileSource } from './file-source';
import { formatAlert, formatEvaluation, formatInspection, formatReport } from './format';
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

async function withPipeline<T>(args: ParsedArgs, io: Io, fn: (p: LocalPipeline) => Promise<T>): Promise<T> {
  const json = args.flags.has('json');
  const pipeline = await openLocalPipeline({
    dataDir: option(args, 'data-dir') ?? '.qtrack',
    now: clockStart(args),
    logger: logger(args, io),
    onAlert: json ? undefined : (a) => io.err(formatAlert(a)),
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
      const source = openInput(args.file!);
      const outcome = await checkSubmission(source, {
        fileName: basename(args.file!),
        inflate: nodeInflate,
        department: requireDepartment(args, false),
        period: requirePeriod(args, false),
        now: clockStart(args) ?? new Date(),
        plan: loadPlan(),
      }).finally(() => source.close());
      const report = outcome.report;
      if (json) printJson(io, report);
      else io.out(formatReport(report));
      if (report.issues.some((i) => i.code === 'MISSING_CONTEXT')) return 2;
      return report.status === 'accepted' ? 0 : 1;
    }
    case 'submit': {
      const department = requireDepartment(args, true)!;
      const period = requirePeriod(args, true)!;
      const bytes = readInput(args.file!);
      const key = `submissions/${department}/${period}/${basename(args.file!)}`;
      return withPipeline(args, io, async (p) => {
        if (!json) io.err(`上传 / uploading ${key} …`);
        const { report, current } = await p.upload(key, bytes);
        if (json) printJson(io, report);
        else {
          io.out(formatReport(report));
          if (report.status === 'accepted' && !current) io.out('注意：已有更晚收到的版本为当前版本 / note: a later version is current');
        }
        return report.status === 'accepted' ? 0 : 1;
      });
    }
    case 'evaluate': {
      const period = requirePeriod(args, true)!;
      return withPipeline(args, io, async (p) => {
        const { result, raised } = await evaluateAndAlert(p.deps, period);
        if (json) {
          printJson(io, {
            period,
            indicators: result.indicators.map(({ code, status, value, target, expected }) => ({ code, status, value, target, expected })),
            alerts: raised,
          });
        } else io.out(formatEvaluation(result, raised));
        return 0;
      });
    }
    case 'monitor':
      return withPipeline(args, io, async (p) => {
        const { date, raised } = await runMonitor(p.deps);
        if (json) printJson(io, { date, alerts: raised });
        else io.out(`监测日期 / monitoring date: ${date}\n新预警 / new alerts: ${raised.length}`);
        return 0;
      });
    case 'alerts': {
      const period = requirePeriod(args, false);
      return withPipeline(args, io, async (p) => {
        const alerts: Alert[] = await p.deps.alerts.list(period);
        if (json) printJson(io, { alerts });
        else io.out(alerts.length ? alerts.map(formatAlert).join('\n') : '没有预警 / no alerts');
        return 0;
      });
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
      });
    }
    case 'template': {
      const department = requireDepartment(args, true)!;
      const period = requirePeriod(args, false);
      const out = option(args, 'out') ?? `qtrack-template-${department}${period ? `-${period}` : ''}.xlsx`;
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
