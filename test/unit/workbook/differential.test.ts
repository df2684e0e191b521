// qtrack's reading of every fixture against an independent reader, cell by
// cell: openpyxl (Debian's python3-openpyxl, installed by
// scripts/ensure-test-tools.mjs), run live, and the expectations it wrote,
// committed in test/fixtures/expected/ (with the few places where Excel reads
// otherwise than openpyxl corrected there, each with its reason). Each fixture
// is also read with its inflated bytes cut into 1–40-byte pieces: the reading
// must not change.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import { inspectWorkbook } from '../../../functions/core/submission/inspect';
import type { Inflate } from '../../../functions/core/workbook/zip';
import { choppyInflate } from './helpers';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, '../../fixtures');
const PYTHON = '/usr/bin/python3';

/** Lines as compared: serials to 1e-9 (ISO values of t="d" cells may differ in the last bit); refusal messages left out. */
function comparable(lines: object[]): string[] {
  return lines.map((line) => {
    const { message: _message, ...rest } = line as { message?: unknown };
    return JSON.stringify(rest, (k, v) => (k === 'serial' ? Math.round(v * 1e9) / 1e9 : v));
  });
}

async function qtrackReading(name: string, inflate: Inflate = nodeInflate): Promise<string[]> {
  const { lines } = await inspectWorkbook(new Uint8Array(readFileSync(join(FIXTURES, 'files', name))), name, { inflate });
  return comparable(lines);
}

const expectations = readdirSync(join(FIXTURES, 'expected')).filter((f) => f.endsWith('.jsonl'));
const committed = new Map(
  expectations.map((f) => [f.slice(0, -'.jsonl'.length), readFileSync(join(FIXTURES, 'expected', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as object)]),
);

const haveOpenpyxl = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import openpyxl'], { stdio: 'ignore' }).status === 0;
if (!haveOpenpyxl) console.warn('[differential] openpyxl not found: only the committed expectations are compared (run node scripts/ensure-test-tools.mjs as root)');

describe('the reader against an independent reader, on every fixture', () => {
  it('covers every workbook fixture', () => {
    const workbooks = readdirSync(join(FIXTURES, 'files')).filter((f) => f !== 'README.md' && !f.endsWith('.csv'));
    expect(workbooks.filter((f) => !committed.has(f))).toEqual([]);
    expect(workbooks.length).toBeGreaterThanOrEqual(60);
  });

  it.skipIf(!haveOpenpyxl && !process.env.CI)('openpyxl, run now, reads every fixture as qtrack does', async () => {
    expect(haveOpenpyxl, 'python3-openpyxl must be installed on CI').toBe(true);
    const out = spawnSync(PYTHON, [join(HERE, '../../reference/make_expected.py'), '--stdout'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(out.status, out.stderr).toBe(0);
    const live = new Map<string, object[]>();
    for (const line of out.stdout.trim().split('\n')) {
      const parsed = JSON.parse(line) as { file: string };
      live.set(parsed.file, [...(live.get(parsed.file) ?? []), parsed]);
    }
    expect([...live.keys()].sort()).toEqual([...committed.keys()].sort());
    for (const [name, lines] of live) expect(await qtrackReading(name), name).toEqual(comparable(lines));
  });

  for (const [name, lines] of committed) {
    it(`${name}: as the expectation says, whatever pieces the bytes come in`, async () => {
      const want = comparable(lines);
      expect(await qtrackReading(name)).toEqual(want);
      expect(await qtrackReading(name, choppyInflate(name.length * 7919))).toEqual(want);
    });
  }
});
