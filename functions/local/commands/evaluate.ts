// qtrack evaluate --period P: evaluates every indicator for the quarter, raises
// alerts, and says which upload each department's data of each kind comes from.
import type { Command } from 'commander';
import { bi, type Cli, type GlobalOptions, periodOption, requirePeriod, withGlobalOptions } from '../args';
import { formatEvaluation, periodSources } from '../format';
import { printJson, withPipeline } from './common';

interface Options extends GlobalOptions {
  period?: string;
}

export function evaluateCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('evaluate')
    .usage('--period P [--json]')
    .summary('评估指标并预警 / evaluate targets and raise alerts')
    .description(
      bi(
        '评估该季度的每项指标并发出预警，并说明各部门各类数据来自哪次报送',
        "evaluate every indicator for the quarter, raise alerts, and say which upload each department's data of each kind comes from",
      ),
    );
  periodOption(cmd, true);
  withGlobalOptions(cmd).action((opts: Options) => cli.run(opts, () => evaluate(cli, opts)));
}

async function evaluate({ io }: Cli, opts: Options): Promise<number> {
  const period = requirePeriod(opts.period, true)!;
  const { evaluateAndAlert } = await import('../../core/use-cases/evaluate');
  return withPipeline(
    opts,
    io,
    async (p) => {
      const { result, raised } = await evaluateAndAlert(p.deps, period);
      const current = await p.deps.submissions.currentVersions(period);
      const sources = current.flatMap((v) =>
        v.currentFor.map((kind) => ({ department: v.department, kind, submissionId: v.submissionId, fileName: v.fileName, receivedAt: v.receivedAt })),
      );
      if (opts.json) {
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
