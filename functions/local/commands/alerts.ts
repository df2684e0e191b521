// qtrack alerts [--period P]: the stored alerts.
import type { Command } from 'commander';
import type { Alert } from '../../core/model';
import { bi, type Cli, type GlobalOptions, periodOption, requirePeriod, withGlobalOptions } from '../args';
import { formatAlert } from '../format';
import { printJson, withPipeline } from './common';

interface Options extends GlobalOptions {
  period?: string;
}

export function alertsCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('alerts')
    .usage('[--period P] [--json]')
    .summary('列出预警 / list stored alerts')
    .description(bi('列出已存储的预警（可按季度筛选）', 'list the stored alerts (of one quarter with --period)'));
  periodOption(cmd, false);
  withGlobalOptions(cmd).action((opts: Options) => cli.run(opts, () => alerts(cli, opts)));
}

async function alerts({ io }: Cli, opts: Options): Promise<number> {
  const period = requirePeriod(opts.period, false);
  return withPipeline(
    opts,
    io,
    async (p) => {
      const alerts: Alert[] = await p.deps.alerts.list(period);
      if (opts.json) printJson(io, { alerts });
      else io.out(alerts.length ? alerts.map(formatAlert).join('\n') : '没有预警 / no alerts');
      return 0;
    },
    false,
  );
}
