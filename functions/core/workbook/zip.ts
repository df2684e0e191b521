// The zip layer of a workbook: the central directory, read by us so that the
// sizes a zip declares can be checked before anything is inflated, and each
// part streamed through the platform's inflate with our own byte counter (a
// zip whose headers lie is stopped all the same) and a CRC and size check at
// its end. Parts are read from a ByteSource, so a file on disk is never loaded
// whole, and inflate sits behind a small port (node:zlib on Node, another
// implementation in a browser).
import { QtrackError } from '../errors';
import type { Lang } from '../model';

/** Random access to the bytes of an upload: an in-memory array, or a file read piecewise. */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

/** Raw DEFLATE (RFC 1951) and CRC-32, as the platform provides them. */
export interface Inflate {
  /** Inflates the pieces of one raw DEFLATE stream, as the consumer pulls; throws on corrupt data. */
  raw(compressed: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
  crc32(data: Uint8Array, previous: number): number;
}

export interface ZipEntry {
  /** normalised: forward slashes, no leading slash */
  name: string;
  method: number; // 0 stored, 8 deflate
  flags: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

export type ZipProblem =
  | { kind: 'corrupt'; detail: string }
  | { kind: 'encrypted'; detail: string }
  | { kind: 'too-large'; detail: Lang; part: string };

export class ZipFault extends QtrackError {
  constructor(readonly problem: ZipProblem) {
    super(typeof problem.detail === 'string' ? problem.detail : problem.detail.en);
  }
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const SLICE = 1 << 16;

const corrupt = (detail: string) => new ZipFault({ kind: 'corrupt', detail });
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const NAMES = new TextDecoder('utf-8');

async function readExactly(source: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  const b = await source.read(offset, length);
  if (b.length !== length) throw corrupt('the file ends early (truncated?)');
  return b;
}

/** Reads and checks the central directory. Throws ZipFault on any structural problem. */
export async function readZipDirectory(source: ByteSource): Promise<ZipEntry[]> {
  const len = source.size;
  if (len < 22) throw corrupt('too short for a zip end record');
  // The end record sits in the last 22 + 65535 (the longest comment) bytes.
  const tailStart = Math.max(0, len - 22 - 0xffff);
  const tail = await readExactly(source, tailStart, len - tailStart);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt('no end-of-central-directory record (truncated file?)');
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== ZIP64_LOCATOR) throw corrupt('zip64 locator missing');
    const z64 = Number(tv.getBigUint64(loc + 8, true));
    if (z64 + 56 > len) throw corrupt('zip64 end record missing');
    const rec = view(await readExactly(source, z64, 56));
    if (rec.getUint32(0, true) !== ZIP64_EOCD) throw corrupt('zip64 end record missing');
    count = Number(rec.getBigUint64(32, true));
    cdSize = Number(rec.getBigUint64(40, true));
    cdOffset = Number(rec.getBigUint64(48, true));
  }
  if (cdOffset + cdSize > len || count > cdSize / 46) throw corrupt('central directory lies outside the file (truncated file?)');
  const cd = await readExactly(source, cdOffset, cdSize);
  const dv = view(cd);
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || dv.getUint32(p, true) !== CEN) throw corrupt(`bad central directory entry ${n}`);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    if (p + 46 + nameLen + extraLen + commentLen > cd.length) throw corrupt(`central directory entry ${n} runs past its end`);
    let compressedSize = dv.getUint32(p + 20, true);
    let uncompressedSize = dv.getUint32(p + 24, true);
    let localOffset = dv.getUint32(p + 42, true);
    // zip64 extra field (0x0001): the 64-bit values, in order, of the fields set to 0xffffffff
    for (let e = p + 46 + nameLen, end = e + extraLen; e + 4 <= end; ) {
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
    // Some writers use the Windows separator: xl\worksheets\sheet1.xml is xl/worksheets/sheet1.xml.
    const name = NAMES.decode(cd.subarray(p + 46, p + 46 + nameLen)).replace(/\\/g, '/').replace(/^\/+/, '');
    if (![compressedSize, uncompressedSize, localOffset].every(Number.isFinite)) throw corrupt(`bad zip64 sizes for ${name}`);
    if (localOffset + 30 + compressedSize > len) throw corrupt(`the data of ${name} runs past the end of the file (truncated file?)`);
    const key = name.toLowerCase();
    if (seen.has(key)) throw corrupt(`the part ${name} is in the zip twice`);
    seen.add(key);
    entries.push({
      name,
      method: dv.getUint16(p + 10, true),
      flags: dv.getUint16(p + 8, true),
      crc: dv.getUint32(p + 16, true),
      compressedSize,
      uncompressedSize,
      localOffset,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Case-insensitive lookup: part names in a package are case-insensitive (OPC). */
export function findEntry(entries: ZipEntry[], name: string): ZipEntry | undefined {
  const want = name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
  return entries.find((e) => e.name.toLowerCase() === want);
}

/**
 * The inflated bytes of one part, piece by piece as the consumer pulls. Stops
 * as soon as the output passes `maxBytes` (whatever the headers claim), and at
 * the end checks the size and CRC against the central directory.
 */
export async function* entryBytes(source: ByteSource, entry: ZipEntry, inflate: Inflate, maxBytes: number): AsyncGenerator<Uint8Array> {
  if (entry.flags & 0x1) throw new ZipFault({ kind: 'encrypted', detail: `${entry.name} is encrypted` });
  if (entry.method !== 0 && entry.method !== 8) throw corrupt(`${entry.name} uses unsupported compression method ${entry.method}`);
  const local = view(await readExactly(source, entry.localOffset, 30));
  if (local.getUint32(0, true) !== LOC) throw corrupt(`bad local header for ${entry.name}`);
  const start = entry.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  if (start + entry.compressedSize > source.size) throw corrupt(`the data of ${entry.name} runs past the end of the file (truncated file?)`);
  async function* compressed(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < entry.compressedSize; i += SLICE) {
      yield await readExactly(source, start + i, Math.min(SLICE, entry.compressedSize - i));
    }
  }
  let total = 0;
  let crc = 0;
  const pieces = entry.method === 0 ? compressed() : inflate.raw(compressed());
  try {
    for await (const piece of pieces) {
      total += piece.length;
      if (total > maxBytes) throw new ZipFault({ kind: 'too-large', part: entry.name, detail: { zh: `${entry.name} 解压后超过 ${maxBytes} 字节`, en: `${entry.name} inflates past ${maxBytes} bytes` } });
      crc = inflate.crc32(piece, crc);
      yield piece;
    }
  } catch (err) {
    if (err instanceof ZipFault) throw err;
    throw corrupt(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (total !== entry.uncompressedSize) throw corrupt(`${entry.name} inflated to ${total} bytes, the directory says ${entry.uncompressedSize}`);
  if (crc >>> 0 !== entry.crc >>> 0) throw corrupt(`${entry.name} fails its CRC check`);
}
