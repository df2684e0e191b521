// Shared helpers for the workbook reader tests.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import type { RawRow, RawWorkbook } from '../../../functions/core/model';
import { DEFAULT_LIMITS, type FileLimits, WorkbookError } from '../../../functions/core/workbook/guard';
import { type OpenOptions, openWorkbook } from '../../../functions/core/workbook/open';
import type { Inflate } from '../../../functions/core/workbook/zip';

const FILES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/files');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FILES, name)));
}

export interface CollectedSheet {
  name: string;
  state: string;
  merges: unknown[];
  csvKind?: string;
  rows: RawRow[];
}

/** Reads a whole workbook into plain data (tests only: real callers stream). */
export async function collect(book: RawWorkbook): Promise<CollectedSheet[]> {
  const out: CollectedSheet[] = [];
  for await (const sheet of book.sheets) {
    const rows: RawRow[] = [];
    for await (const batch of sheet.rows) rows.push(...batch);
    out.push({ name: sheet.name, state: sheet.state, merges: sheet.merges, csvKind: sheet.csvKind, rows });
  }
  return out;
}

/** Opens and reads a whole file: its sheets, or the issue that refuses it (at opening or while reading). */
export async function readFile(bytes: Uint8Array, name = 'a.xlsx', options: Partial<OpenOptions> = {}) {
  const opened = await openWorkbook(bytes, name, { inflate: nodeInflate, ...options });
  if (!opened.ok) return { ok: false as const, issue: opened.issue };
  try {
    return { ok: true as const, sheets: await collect(opened.workbook) };
  } catch (err) {
    if (err instanceof WorkbookError) return { ok: false as const, issue: err.issue };
    throw err;
  }
}

/** 'ok:xlsx', 'ok:csv', or the code of the issue that refuses the file. */
export async function codeOf(bytes: Uint8Array, name: string, limits: FileLimits = DEFAULT_LIMITS): Promise<string> {
  const opened = await openWorkbook(bytes, name, { inflate: nodeInflate, limits });
  if (!opened.ok) return opened.issue.code;
  const r = await readFile(bytes, name, { limits });
  return r.ok ? `ok:${opened.workbook.format}` : r.issue.code;
}

/**
 * The platform's inflate, its output cut into pieces of 1 to `max` bytes at
 * pseudo-random places (a fixed seed): a reader must read the same whatever
 * the pieces.
 */
export function choppyInflate(seed: number, max = 40): Inflate {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % max;
  };
  async function* chop(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const piece of pieces) {
      for (let i = 0; i < piece.length; ) {
        const n = 1 + next();
        yield piece.subarray(i, i + n);
        i += n;
      }
    }
  }
  return { raw: (compressed) => chop(nodeInflate.raw(compressed)), crc32: nodeInflate.crc32 };
}

/** Row cells as a compact array for exact assertions (holes → null). */
export function cellsOf(row: RawRow): unknown[] {
  return Array.from(row.cells, (c) => c ?? null);
}

export interface ZipPart {
  name: string;
  data?: Buffer | string;
  /** raw deflate data to store as is (for bombs) */
  deflated?: Buffer;
  /** sizes to declare instead of the true ones (a lying header) */
  declaredSize?: number;
  crc?: number;
  stored?: boolean;
}

/** A zip writer for hostile test input: sizes and CRCs may lie on purpose. */
export function buildZip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const data = p.data === undefined ? Buffer.alloc(0) : typeof p.data === 'string' ? Buffer.from(p.data) : p.data;
    const body = p.deflated ?? (p.stored ? data : zlib.deflateRawSync(data));
    const method = p.stored ? 0 : 8;
    const crc = p.crc ?? zlib.crc32(data);
    const size = p.declaredSize ?? data.length;
    const name = Buffer.from(p.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(method, 10);
    cen.writeUInt32LE(crc >>> 0, 16);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(size, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    central.push(cen, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** The minimal parts of a one-sheet workbook around the given sheet XML (or sheet part). */
export function minimalWorkbook(sheet: ZipPart | string, extra: ZipPart[] = []): Buffer {
  const sheetPart: ZipPart = typeof sheet === 'string' ? { name: 'xl/worksheets/sheet1.xml', data: sheet } : sheet;
  return buildZip([
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    },
    {
      name: 'xl/workbook.xml',
      data: `<workbook xmlns="${NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="抽查明细" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    },
    sheetPart,
    ...extra,
  ]);
}

/**
 * Raw deflate data that inflates to `megabytes` MB of zeros, built in
 * milliseconds: one sync-flushed 1 MB block repeated (its back-references
 * only ever see zeros), then an empty final block.
 */
export function zerosDeflated(megabytes: number): Buffer {
  const block = zlib.deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const final = zlib.deflateRawSync(Buffer.alloc(0));
  return Buffer.concat([...Array.from({ length: megabytes }, () => block), final]);
}

/**
 * The same for a bomb that stays well-formed XML: a worksheet whose one row
 * holds `megabytes` MB of empty elements, or a shared-string table of one
 * string that long, so only the byte budget can stop it.
 */
export function xmlBombDeflated(megabytes: number, part: 'worksheet' | 'sst' = 'worksheet'): Buffer {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const open = part === 'sst' ? `<sst xmlns="${NS}"><si><t>` : `<worksheet xmlns="${NS}"><sheetData><row r="1">`;
  const close = part === 'sst' ? '</t></si></sst>' : '</row></sheetData></worksheet>';
  const head = zlib.deflateRawSync(Buffer.from(open), flush);
  // each block is built alone: its back-references stay inside it, so blocks can be repeated
  const block = zlib.deflateRawSync(Buffer.from((part === 'sst' ? 'abcdefgh' : '<a> </a>').repeat(1 << 17)), flush);
  const tail = zlib.deflateRawSync(Buffer.from(close));
  return Buffer.concat([head, ...Array.from({ length: megabytes }, () => block), tail]);
}
