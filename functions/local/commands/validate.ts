// qtrack validate FILE: checks a workbook or CSV without storing it, against the
// stored certificate ledger when a data directory is at hand; the report and the
// annotated copy go beside the input (or in --out).
import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadPlan } from '../../core/catalog';
import { currentPeriod } from '../../core/periods';
import { bi, type Cli, clockStart, departmentOption, type GlobalOptions, optionValue, periodOption, requireDepartment, requirePeriod, withGlobalOptions } from '../args';
import { formatReport } from '../format';
import { openInput, printJson, storedLedger, writeOutputs } from './common';

interface Options extends GlobalOptions {
  department?: string;
  period?: string;
  out?: string;
}

export function validateCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('validate')
    .usage('FILE [--department D] [--period P] [--out DIR] [--json]')
    .summary('只校验不入库 / check a file without storing it')
    .description(
      bi(
        '只校验不入库；报告（NAME.report.json）和有问题时的批注副本（NAME.annotated.xlsx）写在文件旁（NAME 为去掉扩展名的文件名）。退出码：0=已接受，1=已退回，2=无法运行',
        'check a workbook or CSV without storing it, against the stored certificate ledger when a data directory is at hand; the report (NAME.report.json) and, when there are issues, the annotated copy (NAME.annotated.xlsx) go beside the file (NAME: its name without the extension). Exit 0 accepted, 1 rejected, 2 could not run',
      ),
    )
    .argument('<FILE>', bi('要校验的 .xlsx 工作簿或 .csv 文件', 'the .xlsx workbook or .csv file to check'));
  departmentOption(cmd, false);
  periodOption(cmd, false);
  cmd.option('--out <DIR>', bi('报告和批注副本写入的目录（默认与文件同目录）', 'folder for the report and the annotated copy (default: beside the file)'), optionValue('out'));
  withGlobalOptions(cmd).action((file: string, opts: Options) => cli.run(opts, () => validate(cli, file, opts)));
}

async function validate({ io }: Cli, file: string, opts: Options): Promise<number> {
  const plan = loadPlan();
  const now = clockStart(opts.now) ?? new Date();
  const department = requireDepartment(opts.department, false);
  const period = requirePeriod(opts.period, false);
  const [{ checkSubmission }, { annotateWorkbook }, { nodeInflate }, { nodeDeflate }] = await Promise.all([
    import('../../core/submission/check'),
    import('../../core/workbook/write/annotate'),
    import('../../adapters/zlib/inflate'),
    import('../../adapters/zlib/deflate'),
  ]);
  const source = openInput(file);
  const ledger = await storedLedger(opts, io, plan, period ?? currentPeriod(now)).catch((err: unknown) => {
    source.close();
    throw err;
  });
  try {
    const outcome = await checkSubmission(source, {
      fileName: basename(file),
      inflate: nodeInflate,
      department,
      period,
      now,
      plan,
      ledger,
    });
    const report = outcome.report;
    if (opts.json) printJson(io, report);
    else io.out(formatReport(report));
    if (report.issues.some((i) => i.code === 'MISSING_CONTEXT')) return 2;
    const annotated = report.issues.length
      ? await annotateWorkbook(/\.xlsx$/i.test(file) ? source : undefined, report.issues, { inflate: nodeInflate, deflate: nodeDeflate })
      : undefined;
    writeOutputs(opts, io, file, { report, annotated });
    return report.status === 'accepted' ? 0 : 1;
  } finally {
    source.close();
  }
}
