// qtrack inspect FILE...: what qtrack reads in each file — sheets and their
// states, the kind each is recognised as, the header row, the data rows, the cells.
import type { Command } from 'commander';
import { bi, type Cli, type GlobalOptions, UsageError, withGlobalOptions } from '../args';
import { refuseAws } from '../aws';
import type { FileSource } from '../file-source';
import { formatInspection } from '../format';
import { openInput } from './common';

export function inspectCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('inspect')
    .usage('FILE... [--json]')
    .summary('查看系统读到的内容 / what qtrack reads in a workbook')
    .description(
      bi(
        '查看系统在每个文件里读到的内容：工作表及其状态、识别出的表类型、表头行和各列、数据行、每个单元格（加--json时每行一个JSON）。退出码：0=全部可读，1=有文件被拒，2=用法错误（缺少的文件不影响其他文件）',
        'what qtrack reads in each file: its sheets and their states, the kind each is recognised as, the header row and its columns, the data rows, every cell (JSON lines with --json). Exit 0 when every file was read, 1 when any was refused, 2 for a usage error (a missing file does not stop the others)',
      ),
    )
    .argument('<FILE...>', bi('一个或多个 .xlsx 或 .csv 文件', 'one or more .xlsx or .csv files'));
  withGlobalOptions(cmd).action((files: string[], opts: GlobalOptions) => cli.run(opts, () => inspect(cli, files, opts)));
}

async function inspect({ io }: Cli, files: string[], opts: GlobalOptions): Promise<number> {
  refuseAws(opts, 'inspect', { zh: '查看文件内容不需要堆栈', en: 'reading a file needs no stack' });
  const [{ inspectWorkbook }, { nodeInflate }] = await Promise.all([import('../../core/submission/inspect'), import('../../adapters/zlib/inflate')]);
  let refused = false;
  let missing = false;
  for (const file of files) {
    let source: FileSource;
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
      if (opts.json) io.out(inspection.lines.map((l) => JSON.stringify(l)).join('\n'));
      else io.out(formatInspection(file, inspection));
    } finally {
      source.close();
    }
  }
  return missing ? 2 : refused ? 1 : 0;
}
