// `qtrack` — the command line, on commander. Local commands run the same use
// cases as the Lambda functions, against the embedded servers under --data-dir.
// Each command is one file in ./commands; a command loads what it runs (the
// workbook code, the AWS SDK, the embedded servers) only when it runs.
import { stripVTControlCharacters } from 'node:util';
import { type Argument, Command, CommanderError, type Option } from 'commander';
import packageJson from '../../package.json';
import { type Cli, closest, displayWidth, type GlobalOptions, type Io, UsageError } from './args';
import { alertsCommand } from './commands/alerts';
import { demoCommand } from './commands/demo';
import { evaluateCommand } from './commands/evaluate';
import { inspectCommand } from './commands/inspect';
import { monitorCommand } from './commands/monitor';
import { reportCommand } from './commands/report';
import { serveCommand } from './commands/serve';
import { submitCommand } from './commands/submit';
import { summaryCommand } from './commands/summary';
import { templateCommand } from './commands/template';
import { usersCommand } from './commands/users';
import { validateCommand } from './commands/validate';
import { versionsCommand } from './commands/versions';
import { StackError } from './aws';
import { DataDirError } from './data-dir';

export type { Io } from './args';

const COMMANDS = [demoCommand, templateCommand, validateCommand, inspectCommand, submitCommand, reportCommand, versionsCommand, evaluateCommand, monitorCommand, alertsCommand, summaryCommand, serveCommand, usersCommand];

const stdio: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

/** What the rejected command line was, in one line; `qtrack help` or the command's own help says more. */
function usageLine(cmd: Command, zh: string, en: string): string {
  const help = cmd.parent ? `qtrack ${cmd.name()} --help` : 'qtrack help';
  return `错误：${zh} / error: ${en}（${help} 查看用法 / see ${help}）`;
}

/**
 * commander's Command, saying what is wrong with a command line in Chinese and
 * English, with the nearest command or option when a name is mistyped.
 */
class QtrackCommand extends Command {
  override createCommand(name?: string): QtrackCommand {
    return new QtrackCommand(name);
  }

  private refuse(zh: string, en: string, code: string): never {
    this.error(usageLine(this, zh, en), { exitCode: 2, code });
  }

  unknownCommand(): never {
    const typed = this.args[0] ?? '';
    const names = [...this.commands.map((c) => c.name()), 'help'];
    const near = closest(typed, names.map((n) => [n, n] as const));
    this.refuse(
      `未知命令“${typed}”；${near ? `是否要用 ${near}？` : ''}可用命令：${names.join('、')}`,
      `unknown command "${typed}"; ${near ? `did you mean ${near}? ` : ''}commands: ${names.join(', ')}`,
      'commander.unknownCommand',
    );
  }

  unknownOption(flag: string): never {
    const longs = [...this.options.map((o) => o.long).filter((l): l is string => !!l), '--help'];
    const eq = flag.indexOf('=');
    if (eq > 0 && longs.includes(flag.slice(0, eq))) {
      this.refuse(`选项 ${flag.slice(0, eq)} 不带值`, `option ${flag.slice(0, eq)} takes no value`, 'commander.unknownOption');
    }
    const near = flag.startsWith('--') ? closest(flag.slice(2), longs.map((l) => [l.slice(2), l] as const)) : undefined;
    const known = longs.join(' ');
    const who = this.parent ? `命令 ${this.name()}` : 'qtrack';
    const whoEn = this.parent ? `command ${this.name()}` : 'qtrack';
    this.refuse(
      `${who} 不支持选项 ${flag}${near ? `，是否要用 ${near}？` : ''}（可用：${known}）`,
      `${whoEn} has no option ${flag}${near ? `; did you mean ${near}?` : ''} (known: ${known})`,
      'commander.unknownOption',
    );
  }

  optionMissingArgument(option: Option): never {
    const name = option.long ?? option.flags;
    this.refuse(`选项 ${name} 缺少取值`, `option ${name} needs a value`, 'commander.optionMissingArgument');
  }

  missingArgument(): never {
    if (this.name() === 'report') {
      this.refuse('命令 report 需要报送编号（submit 输出中的 submissionId）', 'command report needs a submission ID (the submissionId submit prints)', 'commander.missingArgument');
    }
    this.refuse(`命令 ${this.name()} 需要文件参数`, `command ${this.name()} needs a FILE argument`, 'commander.missingArgument');
  }

  _excessArguments(received: string[]): never {
    const extra = received[this.registeredArguments.length] ?? received[0];
    this.refuse(`多余的参数“${extra}”`, `unexpected argument "${extra}"`, 'commander.excessArguments');
  }
}

const TITLES: Record<string, string> = {
  'Usage:': '用法 / usage:',
  'Arguments:': '参数 / arguments:',
  'Options:': '选项 / options:',
  'Commands:': '命令 / commands:',
};


/** FILE, FILE..., [command]: an argument as the command list shows it. */
function argumentTerm(a: Argument): string {
  const name = `${a.name()}${a.variadic ? '...' : ''}`;
  return a.required ? name : `[${name}]`;
}

/** The whole command line: every command, its options and help. */
export function buildProgram(cli: Cli): Command {
  const program = new QtrackCommand('qtrack')
    .usage('<command> [options]')
    .description(slash('长宁区质量提升指标季度数据管道', 'quarterly quality-data pipeline'))
    .version(packageJson.version, '-V, --version', slash('显示版本号', 'print the version'))
    .helpOption('-h, --help', slash('显示帮助', 'show help'))
    .helpCommand('help [command]', slash('显示命令的帮助', "show a command's help"))
    .configureHelp({
      styleTitle: (title) => TITLES[title] ?? title,
      displayWidth: (text) => displayWidth(stripVTControlCharacters(text)),
      // `validate FILE`, `inspect FILE...`: each command's options are in its own help
      subcommandTerm: (cmd) => [cmd.name(), ...cmd.registeredArguments.map(argumentTerm)].join(' '),
    })
    .configureOutput({ writeOut: (t) => cli.io.out(t), writeErr: (t) => cli.io.err(t) })
    .exitOverride()
    .addHelpText(
      'after',
      [
        '',
        '全局选项（每个命令都可用）/ global options (every command):',
        '  --data-dir DIR   本地数据目录 / local data directory (default .qtrack/)',
        '  --now ISO        固定“当前时间” / fix the clock, e.g. 2026-04-05 or 2026-04-05T10:00:00+08:00',
        '  --json           机器可读输出 / machine-readable output',
        '  --verbose        打印处理日志 / print the pipeline’s log lines',
        '  --aws            作用于已部署的堆栈 / act on the deployed stack (QTRACK_STACK, default Qtrack)',
        '',
        '各命令的用法和全部选项：qtrack <command> --help（如 qtrack validate --help）',
        "each command's usage and options: qtrack <command> --help (e.g. qtrack validate --help)",
        '',
      ].join('\n'),
    );
  for (const define of COMMANDS) define(program, cli);
  return program;
}

function slash(zh: string, en: string): string {
  return `${zh} / ${en}`;
}

/** Runs one command; returns the exit code (0 ok/accepted, 1 rejected, 2 could not run). */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let code = 0;
  let running = false;
  let verbose = false;
  const cli: Cli = {
    io,
    async run(options: GlobalOptions, body) {
      running = true;
      verbose = !!options.verbose;
      code = await body();
    },
  };
  try {
    await buildProgram(cli).parseAsync(argv.length ? argv : ['help'], { from: 'user' });
    return code;
  } catch (err) {
    // commander has written the help, the version or the one-line usage error
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError || err instanceof DataDirError || err instanceof StackError) {
      // an option value refused while parsing is a usage error of the command line
      io.err(`错误：${err.zh} / error: ${err.en}${running ? '' : '（qtrack help 查看用法 / see qtrack help）'}`);
      return 2;
    }
    const e = err as Error;
    io.err(`错误：${e.message} / error: ${e.name}: ${e.message}`);
    if (verbose) io.err(e.stack ?? '');
    return 2;
  }
}
