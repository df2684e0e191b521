// Bounded memory (issue: a 5 MB upload of 100,000 rows with one warning peaked
// at 1.6 GB while exceljs annotated it; the ingest Lambda has 1 GB). The copy
// is made in a fresh process, so that its peak RSS (VmHWM) is the copy's own:
// the workbook the benchmark uses, one warning near the end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { benchWorkbook } from '../../bench/data';
import { nodeInflate } from '../../functions/adapters/zlib/inflate';
import { ISSUES_SHEET } from '../../functions/core/workbook/write/annotate';
import { bytesSource, entryBytes, findEntry, readZipDirectory } from '../../functions/core/workbook/zip';
import { collect } from '../unit/workbook/helpers';
import { openWorkbook } from '../../functions/core/workbook/open';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ROWS = 100_000;
const module = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);

/** Annotates FILE into OUT and prints { form, ms, peakMb } (VmHWM: the process's peak resident set). */
const CHILD = `
import { readFileSync, writeFileSync } from 'node:fs';
const { annotateWorkbook } = await import(${module('functions/core/workbook/write/annotate/index.ts')});
const { nodeInflate } = await import(${module('functions/adapters/zlib/inflate.ts')});
const { nodeDeflate } = await import(${module('functions/adapters/zlib/deflate.ts')});
const [file, out] = process.argv.slice(1);
const issue = { severity: 'warning', code: 'NAME_MISMATCH', sheet: '抽查明细', row: ${ROWS - 10}, column: 'C', cell: 'C${ROWS - 10}',
  message: { zh: '受检企业名称与信用代码登记的名称不一致', en: 'the enterprise name differs from the one registered for the credit code' } };
const bytes = new Uint8Array(readFileSync(file));
const t0 = performance.now();
const r = await annotateWorkbook(bytes, [issue], { inflate: nodeInflate, deflate: nodeDeflate });
const ms = Math.round(performance.now() - t0);
writeFileSync(out, r.bytes);
const peakKb = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
console.log(JSON.stringify({ form: r.form, reason: r.reason, ms, peakMb: Math.round(peakKb / 1024) }));
`;

describe('annotating a 100,000-row workbook', () => {
  let file = '';
  beforeAll(async () => {
    file = await benchWorkbook(ROWS);
  });

  it.skipIf(process.platform !== 'linux')('peaks well under 300 MB and makes a copy that reads as the original', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qtrack-annotate-memory-')), 'annotated.xlsx');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, file, out], { cwd: ROOT, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as { form: string; reason?: unknown; ms: number; peakMb: number };
    console.log(`[annotate-memory] ${ROWS} rows, ${(readFileSync(file).length / 1048576).toFixed(1)} MB: copy in ${result.ms} ms, peak RSS ${result.peakMb} MB`);
    expect(result.reason).toBeUndefined();
    expect(result.form).toBe('copy');
    expect(result.peakMb).toBeLessThan(300);

    // the copy: every row as before, and the marked cell's comment in place
    const rows = async (bytes: Uint8Array) => {
      const opened = await openWorkbook(bytes, 'a.xlsx', { inflate: nodeInflate });
      if (!opened.ok) throw new Error(opened.issue.message.en);
      return (await collect(opened.workbook)).filter((s) => s.name !== ISSUES_SHEET);
    };
    const copy = new Uint8Array(readFileSync(out));
    const [before, after] = [await rows(new Uint8Array(readFileSync(file))), await rows(copy)];
    expect(after.map((s) => s.rows.length)).toEqual([ROWS + 1]);
    expect(after).toEqual(before);
    const source = bytesSource(copy);
    const entries = await readZipDirectory(source);
    const comments: Uint8Array[] = [];
    for await (const p of entryBytes(source, findEntry(entries, 'xl/comments1.xml')!, nodeInflate, 1 << 20)) comments.push(p);
    expect(Buffer.concat(comments).toString()).toContain(`<comment ref="C${ROWS - 10}" authorId="0">`);
  });
});
