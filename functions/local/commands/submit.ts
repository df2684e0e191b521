// qtrack submit FILE: uploads to the (embedded) submissions bucket, waits for the
// ingest handler and prints its report, the submission ID and where each sheet
// kind's current data now comes from. With --aws, to the deployed stack's bucket,
// waiting (--wait) for the cloud's own ingest to store the version and report.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { bi, type Cli, departmentOption, type GlobalOptions, optionValue, periodOption, requireDepartment, requirePeriod, UsageError, withGlobalOptions } from '../args';
import { stackOf } from '../aws';
import { formatReport, periodSources } from '../format';
import { DEFAULT_WAIT_SECONDS, printJson, readInput, withPipeline, writeOutputs } from './common';

interface Options extends GlobalOptions {
  department?: string;
  period?: string;
  out?: string;
  wait?: string;
}

export function submitCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('submit')
    .usage('FILE --department D --period P [--out DIR] [--aws [--wait S]] [--json]')
    .summary('上传并等待入库结果 / upload and wait for the ingest report')
    .description(
      bi(
        '上传到（内嵌的，加 --aws 时为已部署堆栈的）报送存储桶，等待入库处理，打印校验报告、报送编号和各表当前数据来源；报告和批注副本与 validate 一样写在文件旁。退出码：0=已接受，1=已退回，2=无法运行（含 --wait 内未见结果）',
        "upload to the (embedded, or with --aws the deployed stack's) submissions bucket, wait for the ingest handler and print its report, the submission ID and which upload each sheet kind's current data now comes from; writes the report and annotated copy as validate does. Exit 0 accepted, 1 rejected, 2 could not run (also no result within --wait)",
      ),
    )
    .argument('<FILE>', bi('要报送的 .xlsx 工作簿或 .csv 文件', 'the .xlsx workbook or .csv file to submit'));
  departmentOption(cmd, true);
  periodOption(cmd, true);
  cmd.option('--out <DIR>', bi('报告和批注副本写入的目录（默认与文件同目录）', 'folder for the report and the annotated copy (default: beside the file)'), optionValue('out'));
  cmd.option(
    '--wait <S>',
    bi(`与 --aws 同用：等待云端入库结果的秒数（默认 ${DEFAULT_WAIT_SECONDS}）`, `with --aws: seconds to wait for the cloud's ingest result (default ${DEFAULT_WAIT_SECONDS})`),
    optionValue('wait'),
  );
  withGlobalOptions(cmd).action((file: string, opts: Options) => cli.run(opts, () => submit(cli, file, opts)));
}

async function submit({ io }: Cli, file: string, opts: Options): Promise<number> {
  const department = requireDepartment(opts.department, true)!;
  const period = requirePeriod(opts.period, true)!;
  const wait = waitSeconds(opts);
  const bytes = readInput(file);
  const key = `submissions/${department}/${period}/${basename(file)}`;
  return withPipeline(opts, io, async (p) => {
    if (!opts.json) io.err(`上传 / uploading ${key} …`);
    const { report, version, currentFor } = await p.upload(key, bytes, wait);
    if (opts.json) printJson(io, report);
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
    writeOutputs(opts, io, file, { report, annotated: stored && report.annotated && { bytes: stored, form: report.annotated.form, reason: report.annotated.reason } });
    return report.status === 'accepted' ? 0 : 1;
  });
}

/** --wait: with a stack only; --now cannot set when the cloud receives the file. */
function waitSeconds(opts: Options): number | undefined {
  const stack = stackOf(opts);
  if (!stack) {
    if (opts.wait !== undefined) throw new UsageError('--wait 只能与 --aws（或 QTRACK_STACK）同用：本地报送总是等到入库完成', '--wait goes with --aws (or QTRACK_STACK) only: a local submit always waits for ingest');
    return undefined;
  }
  if (opts.now !== undefined) {
    throw new UsageError('submit --aws 不能加 --now：收到时间由云端 S3 记录', 'submit --aws takes no --now: the cloud (S3) records when the file is received');
  }
  if (opts.wait === undefined) return DEFAULT_WAIT_SECONDS;
  const n = Number(opts.wait);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--wait 的值“${opts.wait}”不是正数（秒）`, `--wait "${opts.wait}" is not a positive number of seconds`);
  return n;
}
