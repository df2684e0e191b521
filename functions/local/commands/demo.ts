// qtrack demo (= npm start): the sample submissions of 2026, run through the whole pipeline.
import type { Command } from 'commander';
import { bi, type Cli, type GlobalOptions, withGlobalOptions } from '../args';
import { refuseAws } from '../aws';
import { DEFAULT_DATA_DIR, logger } from './common';

export function demoCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('demo')
    .usage('[--data-dir DIR]')
    .summary('运行演示流程 / run the demo pipeline (= npm start)')
    .description(
      bi(
        '运行演示流程（= npm start）：载入期初证书台账（2025-Q4）和2026年四个季度的示例报送——一次退回后更正、一次未达标、一个部门逾期、一次恢复——跑完整个流程，并打印预警和汇总所在位置；然后添加门户演示账号（质量办和每个部门的填报人，密码固定并显示），供 qtrack serve 使用',
        'run the demo pipeline (= npm start): loads the opening certificate ledger (2025-Q4) and sample submissions for 2026-Q1…Q4 — one rejected and corrected, a breach, a late department, a recovery — runs the whole pipeline and prints where the alerts and summaries are; then adds the portal’s demo accounts (the office and a clerk per department, fixed passwords shown) for qtrack serve',
      ),
    );
  withGlobalOptions(cmd).action((opts: GlobalOptions) => cli.run(opts, () => demo(cli, opts)));
}

async function demo({ io }: Cli, opts: GlobalOptions): Promise<number> {
  refuseAws(opts, 'demo', { zh: '演示只在本地数据目录中运行', en: 'the demo runs on a local data directory only' });
  const { runDemo } = await import('../demo');
  return runDemo({ dataDir: opts.dataDir ?? DEFAULT_DATA_DIR, io, logger: logger(opts, io) });
}
