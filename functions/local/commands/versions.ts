// qtrack versions --period P: every version of the quarter, oldest first, with
// the sheet kinds it replaces and those it is still current for.
import type { Command } from 'commander';
import { bi, type Cli, departmentOption, type GlobalOptions, periodOption, requireDepartment, requirePeriod, withGlobalOptions } from '../args';
import { formatVersions } from '../format';
import { replacedKinds } from '../../core/currency';
import { printJson, withPipeline } from './common';

interface Options extends GlobalOptions {
  period?: string;
  department?: string;
}

export function versionsCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('versions')
    .usage('--period P [--department D] [--json]')
    .summary('版本记录及各表当前数据来源 / the versions of a quarter and where each sheet kind’s data comes from')
    .description(
      bi(
        '某季度的全部报送版本（从早到晚）：文件、状态、替换的表类型、仍为当前数据来源的表类型',
        'every version of the quarter, oldest first: file, status, the sheet kinds it replaces and those it is still current for',
      ),
    );
  periodOption(cmd, true);
  departmentOption(cmd, false);
  withGlobalOptions(cmd).action((opts: Options) => cli.run(opts, () => versions(cli, opts)));
}

async function versions({ io }: Cli, opts: Options): Promise<number> {
  const period = requirePeriod(opts.period, true)!;
  const department = requireDepartment(opts.department, false);
  return withPipeline(
    opts,
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
        replaces: [...replacedKinds(v)],
        currentFor: currentFor.get(v.submissionId) ?? [],
        ...(v.uploadedBy ? { uploadedBy: v.uploadedBy } : {}),
      }));
      if (opts.json) printJson(io, { period, versions });
      else io.out(formatVersions(period, versions));
      return 0;
    },
    false,
  );
}
