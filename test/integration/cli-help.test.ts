// The command line as a person meets it: every command's --help lists all its
// options (Chinese, then English), --version, "did you mean" for a mistyped
// command, option or department, the Chinese department names a clerk knows —
// and the bundle npm ci builds, which starts without loading the heavy modules.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { closest, editDistance } from '../../functions/local/args';
import { main } from '../../functions/local/cli';
import { BUNDLE, build, isFresh, ROOT } from '../../scripts/build-cli.mjs';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'qtrack-cli-help-'));
const GLOBAL = ['--data-dir', '--now', '--json', '--verbose', '--aws', '--help'];

/** Every option each command had before commander (functions/local/args.ts of issue 10), what --aws brought (submit's --wait), plus the global ones. */
const OPTIONS: Record<string, string[]> = {
  demo: [],
  template: ['--department', '--out', '--period', '--force'],
  validate: ['--department', '--period', '--out'],
  inspect: [],
  submit: ['--department', '--period', '--out', '--wait'],
  report: ['--out'],
  versions: ['--period', '--department'],
  evaluate: ['--period'],
  monitor: [],
  alerts: ['--period'],
  summary: ['--period', '--out'],
  // the portal (issue 12)
  serve: ['--port'],
  'users add': ['--email', '--department', '--office', '--password'],
  'users list': [],
  'users remove': ['--email'],
  'users password': ['--email', '--password'],
};

const indicatorsCsv = () => {
  const file = join(tmp(), 'indicators.csv');
  writeFileSync(file, '指标代码,数值\r\nSTANDARDS_LED_COUNT,3\r\n');
  return file;
};

describe('qtrack --help', () => {
  it.each(Object.entries(OPTIONS))('qtrack %s --help documents every option, Chinese then English', async (command, options) => {
    const r = await run(...command.split(' '), '--help');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(new RegExp(`^用法 / usage: qtrack ${command} `));
    for (const option of [...options, ...GLOBAL]) {
      // the option's line, then its description: a Chinese line (or "中文 / English" on one line)
      const line = r.out.split('\n').find((l) => new RegExp(`^  (-\\w, )?${option}\\b`).test(l));
      expect(line, `${command} ${option}`).toBeDefined();
      expect(line).toMatch(/[\u4e00-\u9fff]/);
    }
    // nothing but those: a new option must be added to this list (and to the README's table)
    const listed = [...r.out.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...options, ...GLOBAL].sort());
  });

  it('help <command> and -h say the same as --help', async () => {
    const help = await run('validate', '--help');
    expect((await run('help', 'validate')).out).toBe(help.out);
    expect((await run('validate', '-h')).out).toBe(help.out);
  });

  it('the overview lists every command; no arguments at all shows it too', async () => {
    for (const argv of [['help'], ['--help'], []]) {
      const r = await run(...argv);
      expect(r.code).toBe(0);
      for (const command of Object.keys(OPTIONS)) expect(r.out).toMatch(new RegExp(`^  ${command.split(' ')[0]}\\b`, 'm'));
      expect(r.out).toContain('inspect FILE...');
    }
  });

  it('--help of a command needing arguments is not a usage error', async () => {
    expect((await run('submit', '--help')).code).toBe(0);
    expect((await run('report', '-h')).code).toBe(0);
  });
});

describe('qtrack --version', () => {
  it('prints the version of package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await run(flag);
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe(packageJson.version);
    }
  });
});

describe('did you mean', () => {
  it('suggests the command for qtrack valdate (exit 2, one line)', async () => {
    const r = await run('valdate', 'x.xlsx');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/未知命令“valdate”；是否要用 validate？.*unknown command "valdate"; did you mean validate\?/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('names no command when nothing is close', async () => {
    const r = await run('frobnicate');
    expect(r.err).not.toMatch(/did you mean/);
  });

  it('suggests the option for --perod', async () => {
    const r = await run('evaluate', '--perod', '2026-Q1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/不支持选项 --perod，是否要用 --period？.*did you mean --period\?/);
  });

  it('suggests the department for --department market-regulaton, and for a mistyped Chinese name', async () => {
    const file = indicatorsCsv();
    for (const typo of ['market-regulaton', 'Market-Regulatoin', '区市场监督局', '长宁区市场监管']) {
      const r = await run('validate', file, '--department', typo, '--period', '2026-Q1', '--data-dir', tmp());
      expect(r.code, typo).toBe(2);
      expect(r.err).toMatch(/是否要找 market-regulation（区市场监管局）？.*did you mean market-regulation \(District Market Regulation Bureau\)\?/);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const far = await run('template', '--department', 'nobody');
    expect(far.err).toMatch(/未知部门“nobody”；可用代码：market-regulation、/);
  });

  it('edit distance and the nearest candidate', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('区市场监管局', '区市场监督局')).toBe(1);
    expect(closest('valdate', ['validate', 'template'].map((n) => [n, n] as const))).toBe('validate');
    expect(closest('xyz', ['validate'].map((n) => [n, n] as const))).toBeUndefined();
  });
});

describe('department names', () => {
  it.each(['区市场监管局', '长宁区市场监督管理局', '市场监管局', 'District Market Regulation Bureau', ' MARKET-REGULATION '])(
    'validate --department %j is market-regulation',
    async (name) => {
      const out = tmp();
      const r = await run('validate', indicatorsCsv(), '--department', name, '--period', '2026年第1季度', '--now', '2026-04-05', '--json', '--out', out);
      expect(r.code, r.err).toBeLessThan(2);
      const report = JSON.parse(r.out) as { department: string; period: string };
      expect(report).toMatchObject({ department: 'market-regulation', period: '2026-Q1' });
    },
  );

  it('template --department 区建管委 writes the construction template', async () => {
    const file = join(tmp(), 'c.xlsx');
    const r = await run('template', '--department', '区建管委', '--out', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(file);
  });
});

describe('the bundle (dist/qtrack.mjs, built by npm ci)', () => {
  beforeAll(async () => {
    // as bin/qtrack.mjs would: rebuilt when older than the sources; other qtrack processes may be running it
    if (!isFresh()) expect(await build({ quiet: true })).toBe(true);
  }, 60_000);

  /** The packages a module imports statically, following the bundle's own chunks. */
  function staticPackages(file: string, seen = new Set<string>()): Set<string> {
    const packages = new Set<string>();
    if (seen.has(file)) return packages;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"|^\s*import\s*"([^"]+)"/gm)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) for (const p of staticPackages(join(dirname(file), spec), seen)) packages.add(p);
      else packages.add(spec);
    }
    return packages;
  }

  it('starts without exceljs, the AWS SDK, the embedded servers or papaparse', () => {
    const loaded = [...staticPackages(BUNDLE)];
    expect(loaded.filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
    // and they are in the bundle's chunks, imported when a command needs them
    expect(readFileSync(BUNDLE, 'utf8')).toMatch(/import\("\.\/chunks\/runtime-[A-Z0-9]+\.mjs"\)/);
  });

  it('answers --version, a usage error and validate --json as the TypeScript does', async () => {
    const viaBundle = (argv: string[], cwd: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)}); process.exitCode = await main(${JSON.stringify(argv)});`], {
        cwd,
        encoding: 'utf8',
      });
    const cwd = tmp();
    const version = viaBundle(['--version'], cwd);
    expect([version.status, version.stdout.trim()]).toEqual([0, packageJson.version]);
    const typo = viaBundle(['valdate'], cwd);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/did you mean validate\?/);
    const file = indicatorsCsv();
    const argv = ['validate', file, '--department', '区市场监管局', '--period', '2026-Q1', '--now', '2026-04-05', '--json', '--out', tmp()];
    const bundled = viaBundle(argv, cwd);
    const direct = await run(...argv);
    expect(bundled.status).toBe(direct.code);
    expect(bundled.stdout.trim()).toBe(direct.out.trim());
  });

  it('is what bin/qtrack.mjs runs, from any folder, without the AWS SDK’s Node version notice', () => {
    const cwd = tmp();
    const bin = join(ROOT, 'bin/qtrack.mjs');
    expect(execFileSync(process.execPath, [bin, '--version'], { cwd, encoding: 'utf8' }).trim()).toBe(packageJson.version);
    const typo = spawnSync(process.execPath, [bin, 'summary', '--perod', '2026-Q1'], { cwd, encoding: 'utf8' });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/did you mean --period\?/);
    // a command that loads the AWS SDK and the embedded servers
    const submit = spawnSync(process.execPath, [bin, 'submit', indicatorsCsv(), '--department', '区市场监管局', '--period', '2026-Q1', '--now', '2026-04-05', '--data-dir', join(cwd, 'data'), '--json'], { cwd, encoding: 'utf8' });
    expect(submit.status, submit.stderr).toBe(0);
    expect(JSON.parse(submit.stdout)).toMatchObject({ status: 'accepted', department: 'market-regulation' });
    expect(submit.stderr).not.toMatch(/Warning|AWS SDK/i);
  });
});
