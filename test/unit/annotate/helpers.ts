// Shared by the annotate tests: annotating with the Node ports, looking into
// the zip of a copy, and openpyxl as an independent reader of copies.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeDeflate } from '../../../functions/adapters/zlib/deflate';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import type { Issue } from '../../../functions/core/model';
import { type Annotated, annotateWorkbook } from '../../../functions/core/workbook/write/annotate';
import type { FileLimits } from '../../../functions/core/workbook/guard';
import { bytesSource, entryBytes, readZipDirectory, type ZipEntry } from '../../../functions/core/workbook/zip';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

export function annotate(original: Uint8Array | undefined, issues: Issue[], limits?: FileLimits): Promise<Annotated> {
  return annotateWorkbook(original, issues, { inflate: nodeInflate, deflate: nodeDeflate, limits });
}

export const msg = (zh: string, en: string) => ({ zh, en });

/** An issue on one cell ('D7'). */
export function cellIssue(sheet: string, cell: string, severity: Issue['severity'] = 'error', code: Issue['code'] = 'INVALID_NUMBER'): Issue {
  return { severity, code, sheet, cell, row: Number(cell.replace(/\D/g, '')), column: cell.replace(/\d/g, ''), message: msg(`${cell} 有误`, `${cell} is wrong`) };
}

export async function entries(bytes: Uint8Array): Promise<ZipEntry[]> {
  return readZipDirectory(bytesSource(bytes));
}

/** The inflated text of every part of a zip, by name. */
export async function parts(bytes: Uint8Array): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const source = bytesSource(bytes);
  for (const e of await readZipDirectory(source)) {
    const pieces: Uint8Array[] = [];
    for await (const p of entryBytes(source, e, nodeInflate, 1 << 30)) pieces.push(p);
    out.set(e.name, Buffer.concat(pieces).toString('utf8'));
  }
  return out;
}

/** The compressed bytes of one entry as stored. */
export function stored(bytes: Uint8Array, e: ZipEntry): Buffer {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = e.localOffset + 30 + b.readUInt16LE(e.localOffset + 26) + b.readUInt16LE(e.localOffset + 28);
  return b.subarray(start, start + e.compressedSize);
}

export const haveOpenpyxl = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import openpyxl'], { stdio: 'ignore' }).status === 0;
if (!haveOpenpyxl) console.warn('[annotate] openpyxl not found: the independent reader is skipped (run node scripts/ensure-test-tools.mjs as root)');

export interface CheckedSheet {
  name: string;
  state: string;
  merges: string[];
  validations: unknown[][];
  cells: Record<string, [unknown, string | null]>;
  comments: Record<string, string>;
  fills: Record<string, string>;
  links: Record<string, string>;
}

export interface Checked {
  status: 'ok' | 'error';
  error?: string;
  active?: string;
  definedNames?: [string, string | null, string][];
  sheets?: CheckedSheet[];
}

/** What openpyxl reads in each workbook (test/reference/annotate_check.py). */
export function openpyxlCheck(...books: Uint8Array[]): Checked[] {
  const dir = mkdtempSync(join(tmpdir(), 'qtrack-annotate-'));
  const paths = books.map((b, i) => {
    const path = join(dir, `${i}.xlsx`);
    writeFileSync(path, b);
    return path;
  });
  const out = spawnSync(PYTHON, [join(HERE, '../../reference/annotate_check.py'), ...paths], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (out.status !== 0) throw new Error(out.stderr);
  return out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Checked);
}
