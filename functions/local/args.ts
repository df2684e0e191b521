// Command-line parsing: commands, their options and the global ones. Anything
// unknown is a usage error (exit 2) with a one-line bilingual message.

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} / ${en}`);
  }
}

interface CommandSpec {
  options: string[]; // value options
  flags: string[]; // boolean options
  positional: 0 | 1 | 'many';
}

const GLOBAL_OPTIONS = ['data-dir', 'now'];
const GLOBAL_FLAGS = ['json', 'verbose', 'help'];

export const COMMANDS: Record<string, CommandSpec> = {
  demo: { options: [], flags: [], positional: 0 },
  template: { options: ['department', 'out', 'period'], flags: ['force'], positional: 0 },
  validate: { options: ['department', 'period', 'out'], flags: [], positional: 1 },
  inspect: { options: [], flags: [], positional: 'many' },
  submit: { options: ['department', 'period', 'out'], flags: [], positional: 1 },
  report: { options: ['out'], flags: [], positional: 1 },
  versions: { options: ['period', 'department'], flags: [], positional: 0 },
  evaluate: { options: ['period'], flags: [], positional: 0 },
  monitor: { options: [], flags: [], positional: 0 },
  alerts: { options: ['period'], flags: [], positional: 0 },
  summary: { options: ['period', 'out'], flags: [], positional: 0 },
  help: { options: [], flags: [], positional: 0 },
};

export interface ParsedArgs {
  command: string;
  file?: string;
  /** every positional argument (inspect takes several files) */
  files: string[];
  options: Record<string, string>;
  flags: Set<string>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  if (command === '--help' || command === '-h') return { command: 'help', files: [], options: {}, flags: new Set() };
  const spec = COMMANDS[command];
  if (!spec) {
    throw new UsageError(
      `未知命令“${command}”；可用命令：${Object.keys(COMMANDS).join('、')}`,
      `unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}`,
    );
  }
  const options: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags.includes(name) || GLOBAL_FLAGS.includes(name)) {
      if (eq >= 0) throw new UsageError(`选项 --${name} 不带值`, `option --${name} takes no value`);
      flags.add(name);
    } else if (spec.options.includes(name) || GLOBAL_OPTIONS.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
        throw new UsageError(`选项 --${name} 缺少取值`, `option --${name} needs a value`);
      }
      options[name] = value;
    } else {
      const known = [...spec.options, ...GLOBAL_OPTIONS, ...spec.flags, ...GLOBAL_FLAGS].map((o) => `--${o}`).join(' ');
      throw new UsageError(`命令 ${command} 不支持选项 --${name}（可用：${known}）`, `command ${command} has no option --${name} (known: ${known})`);
    }
  }
  const most = spec.positional === 'many' ? Infinity : spec.positional;
  if (positional.length > most) {
    throw new UsageError(`多余的参数“${positional[most]}”`, `unexpected argument "${positional[most]}"`);
  }
  if (spec.positional !== 0 && positional.length === 0 && !flags.has('help')) {
    if (command === 'report') throw new UsageError('命令 report 需要报送编号（submit 输出中的 submissionId）', 'command report needs a submission ID (the submissionId submit prints)');
    throw new UsageError(`命令 ${command} 需要文件参数`, `command ${command} needs a FILE argument`);
  }
  return { command, file: positional[0], files: positional, options, flags };
}

export const USAGE = `qtrack — 长宁区质量提升指标季度数据管道 / quarterly quality-data pipeline

用法 / usage: qtrack <command> [options]

  demo                                   运行演示流程 / run the demo pipeline (= npm start)
  template --department D [--period P] [--out F] [--force]
                                         生成部门空白模板（不覆盖已有文件，除非 --force）/ write a department's blank workbook (never over a file without --force)
  validate FILE [--department D] [--period P] [--out DIR] [--json]
                                         只校验不入库；报告和批注副本写在文件旁 / check without storing; report and annotated copy beside the file (exit 0 accepted, 1 rejected, 2 could not run)
  inspect FILE... [--json]               查看系统读到的内容 / what qtrack reads in a workbook: sheets, kinds, headers, cells
  submit FILE --department D --period P [--out DIR] [--json]
                                         上传并等待入库结果 / upload and wait for the ingest report (exit 0/1)
  report ID [--out DIR] [--json]         取回某个版本的报告、批注副本和原文件 / a stored version's report, annotated copy and raw file
  versions --period P [--department D] [--json]
                                         版本记录及各表当前数据来源 / the versions of a quarter and which one each sheet kind's data comes from
  evaluate --period P [--json]           评估指标并预警 / evaluate targets and raise alerts
  monitor [--json]                       每日监测（逾期、证书到期）/ the daily monitoring job for --now
  alerts [--period P] [--json]           列出预警 / list stored alerts
  summary --period P [--out DIR]         生成季度汇总 / write the quarterly summary

全局选项 / global options:
  --data-dir DIR   本地数据目录 / local data directory (default .qtrack/)
  --now ISO        固定“当前时间” / fix the clock, e.g. 2026-04-05 or 2026-04-05T10:00:00+08:00
  --json           机器可读输出 / machine-readable output
  --verbose        打印处理日志 / print the pipeline's log lines
`;
