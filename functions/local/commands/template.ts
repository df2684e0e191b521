// qtrack template --department D: the department's blank workbook — the sheets
// it sends, dropdowns, a 填报说明 sheet, the cover prefilled.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadPlan } from '../../core/catalog';
import { refuseAws } from '../aws';
import { bi, type Cli, departmentOption, type GlobalOptions, optionValue, periodOption, requireDepartment, requirePeriod, UsageError, withGlobalOptions } from '../args';

interface Options extends GlobalOptions {
  department?: string;
  period?: string;
  out?: string;
  force?: boolean;
}

export function templateCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('template')
    .usage('--department D [--period P] [--out F] [--force]')
    .summary('生成部门空白模板 / write a department’s blank workbook')
    .description(
      bi(
        '生成部门空白模板：该部门报送的工作表、下拉选项、填报说明表、预填的封面；不覆盖已有文件，除非 --force',
        "write the department's blank workbook: the sheets it sends, dropdowns, a 填报说明 sheet, the cover prefilled; never over an existing file without --force",
      ),
    );
  departmentOption(cmd, true);
  periodOption(cmd, false);
  cmd
    .option('--out <F>', bi('输出文件（默认 qtrack-template-D[-P].xlsx）', 'the file to write (default qtrack-template-D[-P].xlsx)'), optionValue('out'))
    .option('--force', bi('覆盖已有文件', 'replace an existing file'));
  withGlobalOptions(cmd).action((opts: Options) => cli.run(opts, () => template(cli, opts)));
}

async function template({ io }: Cli, opts: Options): Promise<number> {
  refuseAws(opts, 'template', { zh: '空白模板不需要堆栈', en: 'a blank template needs no stack' });
  const department = requireDepartment(opts.department, true)!;
  const period = requirePeriod(opts.period, false);
  const out = opts.out ?? `qtrack-template-${department}${period ? `-${period}` : ''}.xlsx`;
  // a clerk who filled in the default-named file must not lose it to a second template
  if (existsSync(out) && !opts.force) {
    throw new UsageError(
      `文件 ${resolve(out)} 已存在，未覆盖；如需覆盖请加 --force，或用 --out 指定其他文件名`,
      `${resolve(out)} exists and was not overwritten: add --force to replace it, or choose another name with --out`,
    );
  }
  const { buildTemplate } = await import('../../core/workbook/write/template');
  writeFileSync(out, await buildTemplate({ department, plan: loadPlan(), period }));
  io.out(`模板已写入 / template written: ${resolve(out)}`);
  return 0;
}
