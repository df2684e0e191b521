// Command-line arguments, parsed at the edge once: the options every command
// shares, option values turned into core values (period, department, clock), and
// the "did you mean" of a mistyped name. Anything wrong is a usage error (exit 2)
// with a one-line Chinese + English message.
import type { Command } from 'commander';
import { DEPARTMENTS, resolveDepartment } from '../core/catalog';
import { BilingualError } from '../core/errors';
import type { Department } from '../core/model';
import { normalizePeriod, parseNow, type Period } from '../core/periods';
import { normalizeKey } from '../core/text';

/** The command line cannot be run as written: what is wrong, Chinese first. */
export class UsageError extends BilingualError {}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The options every command takes. */
export interface GlobalOptions {
  dataDir?: string;
  now?: string;
  json?: boolean;
  verbose?: boolean;
  /** act on the deployed stack (QTRACK_STACK, default "Qtrack") instead of the data directory */
  aws?: boolean;
}

/** What a command's action is given: where to write, and how to hand back its exit code. */
export interface Cli {
  readonly io: Io;
  /** Runs a command's body; the exit code it returns is main's (errors go to main too). */
  run(options: GlobalOptions, body: () => Promise<number>): Promise<void>;
}

/** A value option's parser: an empty value, or the next option taken as the value, is a missing value. */
export function optionValue(name: string): (value: string) => string {
  return (value) => {
    if (value === '' || value.startsWith('--')) throw new UsageError(`选项 --${name} 缺少取值`, `option --${name} needs a value`);
    return value;
  };
}

/** Two-line help text: Chinese first, then English. */
export const bi = (zh: string, en: string) => `${zh}\n${en}`;

/** The global options, listed under their own heading in every command's help. */
export function withGlobalOptions(cmd: Command): Command {
  return cmd
    .optionsGroup('全局选项 / global options:')
    .option('--data-dir <DIR>', bi('本地数据目录（默认 .qtrack/）', 'local data directory (default .qtrack/)'), optionValue('data-dir'))
    .option('--now <ISO>', bi('固定“当前时间”，如 2026-04-05 或 2026-04-05T10:00:00+08:00', 'fix the clock, e.g. 2026-04-05 or 2026-04-05T10:00:00+08:00'), optionValue('now'))
    .option('--json', bi('机器可读输出', 'machine-readable output'))
    .option('--verbose', bi('打印处理日志', "print the pipeline's log lines"))
    .option('--aws', bi('作用于已部署的堆栈（QTRACK_STACK，默认 Qtrack），使用默认 AWS 凭证链', 'act on the deployed stack (QTRACK_STACK, default Qtrack) with the default AWS credential chain'));
}

export function periodOption(cmd: Command, required: boolean): Command {
  return cmd.option(
    '--period <P>',
    bi(`统计期${required ? '（必填）' : ''}，如 2026-Q1 或 2026年第1季度`, `the quarter${required ? ' (required)' : ''}, e.g. 2026-Q1 or 2026年第1季度`),
    optionValue('period'),
  );
}

export function departmentOption(cmd: Command, required: boolean): Command {
  return cmd
    .option(
      '--department <D>',
      bi(`部门${required ? '（必填）' : ''}：代码或中文名称，如 market-regulation 或 区市场监管局`, `the department${required ? ' (required)' : ''}: its code or Chinese name, e.g. market-regulation`),
      optionValue('department'),
    )
    .addHelpText('after', () => `\n部门 / departments (--department):\n${DEPARTMENTS.map((d) => `  ${d.code.padEnd(22)}${padWide(d.name, 14)}${d.nameEn}`).join('\n')}\n`);
}

const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/** The columns a text takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  return text.length + (text.match(WIDE)?.length ?? 0);
}

/** The text and at least one space after it, to `width` columns (displayWidth). */
export function padWide(text: string, width: number): string {
  return text + ' '.repeat(Math.max(1, width - displayWidth(text)));
}

export function requirePeriod(raw: string | undefined, required: boolean): Period | undefined {
  if (raw === undefined) {
    if (required) throw new UsageError('缺少 --period（如 2026-Q1）', 'missing --period (e.g. 2026-Q1)');
    return undefined;
  }
  const period = normalizePeriod(raw);
  if (!period) throw new UsageError(`无法识别的统计期“${raw}”，请写成 2026-Q1 或 2026年第1季度`, `unrecognised period "${raw}"; write it as 2026-Q1 or 2026年第1季度`);
  return period;
}

/** A department code from its code, Chinese name, English name or alias; a near miss is suggested. */
export function requireDepartment(raw: string | undefined, required: boolean): string | undefined {
  if (raw === undefined) {
    if (required) throw new UsageError('缺少 --department（部门代码，如 market-regulation）', 'missing --department (a department code, e.g. market-regulation)');
    return undefined;
  }
  const d = resolveDepartment(raw);
  if (d) return d.code;
  const near = closest(
    raw,
    DEPARTMENTS.flatMap((x) => [x.code, x.name, ...x.aliases].map((k): [string, Department] => [k, x])),
  );
  const codes = DEPARTMENTS.map((x) => x.code);
  throw new UsageError(
    `未知部门“${raw}”；${near ? `是否要找 ${near.code}（${near.name}）？` : ''}可用代码：${codes.join('、')}`,
    `unknown department "${raw}"; ${near ? `did you mean ${near.code} (${near.nameEn})? ` : ''}codes: ${codes.join(', ')}`,
  );
}

export function clockStart(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const now = parseNow(raw);
  if (!now) throw new UsageError(`--now 的值“${raw}”不是 ISO 日期或时间`, `--now "${raw}" is not an ISO date or date-time`);
  return now;
}

/** Levenshtein distance, by code point. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (x[i - 1] === y[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[y.length]!;
}

/**
 * The candidate nearest to what was typed, when it is a near miss: at most one
 * edit per three characters (1 to 3), compared as normalised keys (case, width
 * and spaces do not count).
 */
export function closest<T>(typed: string, candidates: Iterable<readonly [key: string, value: T]>): T | undefined {
  const key = normalizeKey(typed);
  const limit = Math.max(1, Math.min(3, Math.floor([...key].length / 3)));
  let best: T | undefined;
  let bestDistance = limit + 1;
  for (const [k, value] of candidates) {
    const d = editDistance(key, normalizeKey(k));
    if (d < bestDistance) {
      best = value;
      bestDistance = d;
    }
  }
  return best;
}
