// A minimal zip reader for the guard: the central directory, and a bounded,
// CRC-checked inflate of single parts. We read the directory ourselves so the
// sizes a zip declares can be checked before anything is inflated, and inflate
// with our own counter so a zip whose headers lie is stopped as well.
import { createInflateRaw } from 'node:zlib';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number; // 0 stored, 8 deflate
  flags: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  /** offset of the compressed data (after the local header) */
  dataOffset: number;
}

export type ZipProblem =
  | { kind: 'corrupt'; detail: string }
  | { kind: 'encrypted'; detail: string }
  | { kind: 'too-large'; detail: string; part: string };

export class ZipFault extends Error {
  override readonly name = 'ZipFault';
  constructor(readonly problem: ZipProblem) {
    super(problem.detail);
  }
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const corrupt = (detail: string) => new ZipFault({ kind: 'corrupt', detail });

/** Reads the central directory. Throws ZipFault on any structural problem. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const dv = view(bytes);
  const len = bytes.byteLength;
  if (len < 22) throw corrupt('too short for a zip end record');
  // The end record sits in the last 22 + 65535 (max comment) bytes.
  let eocd = -1;
  for (let i = len - 22; i >= Math.max(0, len - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt('no end-of-central-directory record (truncated file?)');
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== ZIP64_EOCD_LOCATOR) throw corrupt('zip64 locator missing');
    const z64 = Number(dv.getBigUint64(loc + 8, true));
    if (z64 + 56 > len || dv.getUint32(z64, true) !== ZIP64_EOCD) throw corrupt('zip64 end record missing');
    count = Number(dv.getBigUint64(z64 + 32, true));
    cdSize = Number(dv.getBigUint64(z64 + 40, true));
    cdOffset = Number(dv.getBigUint64(z64 + 48, true));
  }
  if (cdOffset + cdSize > len) throw corrupt('central directory lies outside the file (truncated file?)');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  const decoder = new TextDecoder('utf-8');
  for (let n = 0; n < count; n++) {
    if (p + 46 > len || dv.getUint32(p, true) !== CEN) throw corrupt(`bad central directory entry ${n}`);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let uncompressedSize = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localOffset = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen + commentLen > len) throw corrupt(`central directory entry ${n} runs past the end`);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field (0x0001): the 64-bit values, in order, for fields set to 0xffffffff
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = dv.getUint16(e, true);
      const size = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const take = () => {
          const v = q + 8 <= e + 4 + size ? Number(dv.getBigUint64(q, true)) : NaN;
          q += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      e += 4 + size;
    }
    if (![compressedSize, uncompressedSize, localOffset].every(Number.isFinite)) throw corrupt(`bad zip64 sizes for ${name}`);
    if (localOffset + 30 > len || dv.getUint32(localOffset, true) !== LOC) throw corrupt(`bad local header for ${name}`);
    const localNameLen = dv.getUint16(localOffset + 26, true);
    const localExtraLen = dv.getUint16(localOffset + 28, true);
    const dataOffset = localOffset + 30 + localNameLen + localExtraLen;
    if (dataOffset + compressedSize > len) throw corrupt(`data of ${name} runs past the end (truncated file?)`);
    entries.push({ name, method, flags, crc, compressedSize, uncompressedSize, dataOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Case-insensitive lookup; zip names in OOXML are case-insensitive (OPC). */
export function findEntry(entries: ZipEntry[], name: string): ZipEntry | undefined {
  const want = name.replace(/^\//, '').toLowerCase();
  return entries.find((e) => e.name.toLowerCase() === want);
}

const crc32: ((data: Uint8Array, value?: number) => number) | undefined = (zlib as unknown as {
  crc32?: (data: Uint8Array, value?: number) => number;
}).crc32;

/**
 * Inflates one part, handing each chunk to `onChunk`, stopping as soon as the
 * output passes `maxBytes` (whatever the headers claim) and checking the size
 * and CRC against the central directory. Memory stays at one chunk.
 */
export async function inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  maxBytes: number,
  onChunk: (chunk: Buffer) => void,
): Promise<number> {
  if (entry.flags & 0x1) throw new ZipFault({ kind: 'encrypted', detail: `${entry.name} is encrypted` });
  const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  let total = 0;
  let crc = 0;
  const take = (chunk: Buffer) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new ZipFault({ kind: 'too-large', part: entry.name, detail: `${entry.name} inflates past ${maxBytes} bytes` });
    }
    if (crc32) crc = crc32(chunk, crc);
    onChunk(chunk);
  };
  if (entry.method === 0) {
    const STEP = 1 << 16;
    for (let i = 0; i < data.length; i += STEP) take(Buffer.from(data.buffer, data.byteOffset + i, Math.min(STEP, data.length - i)));
  } else if (entry.method === 8) {
    await new Promise<void>((resolve, reject) => {
      const inflater = createInflateRaw({ chunkSize: 1 << 16 });
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        inflater.destroy();
        reject(err);
      };
      inflater.on('data', (chunk: Buffer) => {
        if (failed) return;
        try {
          take(chunk); // its errors (limits, the caller's own) pass through as they are
        } catch (err) {
          fail(err);
        }
      });
      inflater.on('error', (err) => fail(corrupt(`${entry.name}: ${err.message}`)));
      inflater.on('end', () => {
        if (!failed) resolve();
      });
      // Feed in slices so a bomb is stopped after little output, not after one huge write.
      const STEP = 1 << 16;
      let i = 0;
      const pump = () => {
        while (!failed && i < data.length) {
          const slice = data.subarray(i, Math.min(i + STEP, data.length));
          i += STEP;
          if (!inflater.write(slice)) {
            inflater.once('drain', pump);
            return;
          }
        }
        if (!failed) inflater.end();
      };
      pump();
    });
  } else {
    throw corrupt(`${entry.name} uses unsupported compression method ${entry.method}`);
  }
  if (total !== entry.uncompressedSize) {
    throw corrupt(`${entry.name} inflated to ${total} bytes, the directory says ${entry.uncompressedSize}`);
  }
  if (crc32 && (crc >>> 0) !== (entry.crc >>> 0)) throw corrupt(`${entry.name} fails its CRC check`);
  return total;
}

/** A small part in one piece (workbook.xml, rels, styles); bounded like every inflate. */
export async function inflateToBuffer(bytes: Uint8Array, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await inflateEntry(bytes, entry, maxBytes, (c) => chunks.push(c));
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------
// Writing a re-ordered zip stream for exceljs (see read-xlsx.ts)

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/**
 * A local file header with the sizes and CRC known (bit 3 cleared), or — when
 * `streamed` — with bit 3 set and zero sizes, to be followed by a data descriptor.
 */
export function localHeader(name: string, method: number, crc: number, compressedSize: number, size: number, streamed = false): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const flags = 0x800 | (streamed ? 0x8 : 0);
  return Buffer.concat([
    Buffer.from([
      ...u32(LOC), ...u16(20), ...u16(flags), ...u16(method), ...u16(0), ...u16(0x21),
      ...u32(streamed ? 0 : crc), ...u32(streamed ? 0 : compressedSize), ...u32(streamed ? 0 : size),
      ...u16(nameBytes.length), ...u16(0),
    ]),
    nameBytes,
  ]);
}

export function dataDescriptor(crc: number, compressedSize: number, size: number): Buffer {
  return Buffer.from([...u32(0x08074b50), ...u32(crc), ...u32(compressedSize), ...u32(size)]);
}

export function endRecord(): Buffer {
  return Buffer.from([...u32(EOCD), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(0), ...u16(0)]);
}

export function crc32Of(data: Uint8Array, previous = 0): number {
  return crc32 ? crc32(data, previous) >>> 0 : 0;
}
