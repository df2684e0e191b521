// qtrack monitor: the daily monitoring job for the date of --now (a Shanghai
// calendar day): late submissions, certificates expiring within 90 days.
import type { Command } from 'commander';
import { localDate } from '../../core/periods';
import { bi, type Cli, type GlobalOptions, withGlobalOptions } from '../args';
import { printJson, withPipeline } from './common';

export function monitorCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('monitor')
    .usage('[--now ISO] [--json]')
    .summary('每日监测（逾期、证书到期）/ the daily monitoring job for --now')
    .description(
      bi(
        '按 --now 的日期（上海日历日）运行每日监测：逾期未报送、90 天内到期的证书',
        'the daily monitoring job for the date of --now (a Shanghai calendar day): late submissions, certificates expiring within 90 days',
      ),
    );
  withGlobalOptions(cmd).action((opts: GlobalOptions) => cli.run(opts, () => monitor(cli, opts)));
}

async function monitor({ io }: Cli, opts: GlobalOptions): Promise<number> {
  const { runMonitor } = await import('../../core/use-cases/monitor');
  return withPipeline(
    opts,
    io,
    async (p) => {
      const { date, raised } = await runMonitor(p.deps);
      // the office's calendar day (Asia/Shanghai), as the contract's date
      const day = localDate(new Date(date));
      if (opts.json) printJson(io, { date: day, alerts: raised });
      else io.out(`监测日期 / monitoring date: ${day}\n新预警 / new alerts: ${raised.length}`);
      return 0;
    },
    false,
  );
}
