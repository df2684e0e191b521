// Shared helpers for the workbook reader tests.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import type { RawRow, RawWorkbook } from '../../../functions/core/model';

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
    for await (const row of sheet.rows) rows.push(row);
    out.push({ name: sheet.name, state: sheet.state, merges: sheet.merges, csvKind: sheet.csvKind, rows });
  }
  return out;
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
