// qtrack summary --period P: writes summaries/P/summary.{json,csv,xlsx,html} to
// the reports bucket and, with --out, to a folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { bi, type Cli, type GlobalOptions, optionValue, periodOption, requirePeriod, withGlobalOptions } from '../args';
import { withPipeline } from './common';

interface Options extends GlobalOptions {
  period?: string;
  out?: string;
}

export function summaryCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('summary')
    .usage('--period P [--out DIR]')
    .summary('生成季度汇总 / write the quarterly summary')
    .description(
      bi(
        '生成季度汇总summaries/P/summary.{json,csv,xlsx,html}，写入报告存储桶；有--out时同时写入该目录',
        'write summaries/P/summary.{json,csv,xlsx,html} to the reports bucket and, with --out, to a folder',
      ),
    );
  periodOption(cmd, true);
  cmd.option('--out <DIR>', bi('另存汇总文件的目录', 'folder to write the summary files to as well'), optionValue('out'));
  withGlobalOptions(cmd).action((opts: Options) => cli.run(opts, () => summary(cli, opts)));
}

async function summary({ io }: Cli, opts: Options): Promise<number> {
  const period = requirePeriod(opts.period, true)!;
  const out = opts.out;
  const { writeSummary } = await import('../../core/use-cases/summarize');
  return withPipeline(
    opts,
    io,
    async (p) => {
      const { files } = await writeSummary(p.deps, period);
      const lines = files.map((f) => `  s3://${p.reportsBucket}/${f.key}`);
      if (out) {
        mkdirSync(out, { recursive: true });
        for (const f of files) writeFileSync(join(out, f.name), f.body);
        lines.push(...files.map((f) => `  ${join(resolve(out), f.name)}`));
      }
      io.out(`季度汇总已生成 / summary written for ${period}:\n${lines.join('\n')}`);
      return 0;
    },
    false,
  );
}
