// qtrack report ID: a stored version's report, annotated copy and raw file,
// written to --out (default the current folder).
import { mkdirSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ValidationReport } from '../../core/model';
import { bi, type Cli, type GlobalOptions, optionValue, UsageError, withGlobalOptions } from '../args';
import { formatReport } from '../format';
import { type Pipeline, printJson, withPipeline } from './common';

interface Options extends GlobalOptions {
  out?: string;
}

export function reportCommand(program: Command, cli: Cli): void {
  const cmd = program
    .command('report')
    .usage('ID [--out DIR] [--json]')
    .summary('取回某个版本的报告、批注副本和原文件 / a stored version’s report, annotated copy and raw file')
    .description(
      bi(
        '取回某个报送版本的校验报告、批注副本和原文件，写为 ID.report.json、ID.annotated.xlsx、ID.original.xlsx',
        "a stored version's report, annotated copy and raw file, written as ID.report.json, ID.annotated.xlsx, ID.original.xlsx",
      ),
    )
    .argument('<ID>', bi('报送编号（submit 输出中的 submissionId）', 'the submission ID (the submissionId submit prints)'))
    .option('--out <DIR>', bi('写入的目录（默认当前目录）', 'folder to write to (default: the current folder)'), optionValue('out'));
  withGlobalOptions(cmd).action((id: string, opts: Options) => cli.run(opts, () => report(cli, id, opts)));
}

async function report({ io }: Cli, id: string, opts: Options): Promise<number> {
  const out = resolve(opts.out ?? '.');
  return withPipeline(
    opts,
    io,
    async (p) => {
      const version = await p.deps.submissions.findVersion(id);
      if (!version) throw new UsageError(`找不到报送编号 ${id}（用 qtrack versions --period P 查看）`, `no submission ${id} (list them with qtrack versions --period P)`);
      const files: [string, Uint8Array | undefined][] = [
        [`${id}.report.json`, await p.deps.reports.get(version.reportKey)],
        ...(version.annotatedKey ? ([[`${id}.annotated.xlsx`, await p.deps.reports.get(version.annotatedKey)]] as [string, Uint8Array | undefined][]) : []),
        [`${id}.original${extname(version.fileName).toLowerCase()}`, await originalOf(p, version)],
      ];
      mkdirSync(out, { recursive: true });
      const written: string[] = [];
      for (const [name, body] of files) {
        if (!body) continue;
        writeFileSync(join(out, name), body);
        written.push(join(out, name));
      }
      const reportBody = files[0]![1];
      const report = reportBody ? (JSON.parse(new TextDecoder().decode(reportBody)) as ValidationReport) : undefined;
      if (opts.json) printJson(io, report ?? null);
      else if (report) io.out(formatReport(report));
      for (const w of written) (opts.json ? io.err : io.out)(`已写出 / written: ${w}`);
      return 0;
    },
    false,
  );
}

/** The raw file of a version: its object in the submissions bucket, else the copy kept beside its report. */
async function originalOf(p: Pipeline, version: { objectKey: string; objectVersion?: string; reportKey: string; fileName: string }): Promise<Uint8Array | undefined> {
  const copy = version.reportKey.replace(/\.json$/, `.original${extname(version.fileName).toLowerCase()}`);
  return (await p.deps.reports.get(copy)) ?? (await p.deps.uploads.get(version.objectKey, version.objectVersion));
}
