// The zip layer of a workbook we write: a small zip writer whose entries are
// either copied from another zip as they are (the compressed bytes, CRC and
// sizes of the original: nothing is inflated or deflated) or streamed through
// the platform's deflate, the CRC and sizes counted on the way. The output is
// held in memory as compressed bytes (an annotated copy is about the size of
// the upload) and laid out when finished, so entries may be added in any order
// and still appear in the order of the original. No ZIP64: a zip that would
// need it is refused.
import { QtrackError } from '../../errors';
import { type ByteSource, ZipFault, type ZipEntry } from '../zip';

/** Raw DEFLATE (RFC 1951) and CRC-32, as the platform provides them. */
export interface Deflate {
  /** Deflates the pieces into one raw DEFLATE stream, as the consumer pulls. */
  raw(pieces: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
  crc32(data: Uint8Array, previous: number): number;
}

/** The zip would need ZIP64 (or another feature this writer lacks). */
export class ZipWriteError extends QtrackError {}

interface Written {
  name: Uint8Array;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  data: Uint8Array[];
}

const LOC = 0x04034b50;
const CEN = 0x02014b50;
const EOCD = 0x06054b50;
const UTF8_NAMES = 0x0800;
const MAX32 = 0xffffffff;
const SLICE = 1 << 16;
/** 1980-01-01 00:00, the earliest DOS date: parts we write carry no clock. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const ENCODER = new TextEncoder();

export class ZipWriter {
  private readonly entries = new Map<string, Written>();

  constructor(private readonly deflate: Deflate) {}

  /** Copies an entry of another zip as it is: its compressed bytes, CRC, sizes and time. */
  async copy(source: ByteSource, entry: ZipEntry): Promise<void> {
    const local = await source.read(entry.localOffset, 30);
    const lv = new DataView(local.buffer, local.byteOffset, local.byteLength);
    if (local.length < 30 || lv.getUint32(0, true) !== LOC) throw new ZipFault({ kind: 'corrupt', detail: `bad local header for ${entry.name}` });
    const start = entry.localOffset + 30 + lv.getUint16(26, true) + lv.getUint16(28, true);
    if (entry.compressedSize > MAX32 - 1 || entry.uncompressedSize > MAX32 - 1) throw new ZipWriteError(`${entry.name} is too large for a zip without ZIP64`);
    const data: Uint8Array[] = [];
    for (let i = 0; i < entry.compressedSize; ) {
      const want = Math.min(SLICE, entry.compressedSize - i);
      const piece = await source.read(start + i, want);
      if (piece.length !== want) throw new ZipFault({ kind: 'corrupt', detail: `the data of ${entry.name} runs past the end of the file` });
      data.push(piece);
      i += want;
    }
    this.put(entry.name, {
      // the data descriptor (bit 3) is not copied: the header written carries the CRC and sizes
      flags: entry.flags & ~0x0008,
      method: entry.method,
      time: lv.getUint16(10, true),
      date: lv.getUint16(12, true),
      crc: entry.crc >>> 0,
      compressedSize: entry.compressedSize,
      uncompressedSize: entry.uncompressedSize,
      data,
    });
  }

  /** Adds a part, deflated as its pieces stream (they must not change once handed over). */
  async add(name: string, content: AsyncIterable<Uint8Array> | Uint8Array | string): Promise<void> {
    const pieces = typeof content === 'string' ? one(ENCODER.encode(content)) : content instanceof Uint8Array ? one(content) : content;
    const { crc32 } = this.deflate;
    let crc = 0;
    let uncompressedSize = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const piece of pieces) {
        crc = crc32(piece, crc);
        uncompressedSize += piece.length;
        yield piece;
      }
    }
    const data: Uint8Array[] = [];
    let compressedSize = 0;
    for await (const chunk of this.deflate.raw(counted())) {
      data.push(chunk);
      compressedSize += chunk.length;
    }
    if (uncompressedSize > MAX32 - 1 || compressedSize > MAX32 - 1) throw new ZipWriteError(`${name} is too large for a zip without ZIP64`);
    this.put(name, { flags: 0, method: 8, time: 0, date: DOS_DATE, crc: crc >>> 0, compressedSize, uncompressedSize, data });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * The zip: entries named in `order` first, in that order, then the others as
   * they were added; then the central directory.
   */
  finish(order: readonly string[] = []): Uint8Array {
    const names = [...new Set([...order.filter((n) => this.entries.has(n)), ...this.entries.keys()])];
    if (names.length > 0xfffe) throw new ZipWriteError('more than 65,534 entries would need ZIP64');
    const locals: Uint8Array[] = [];
    const central: Uint8Array[] = [];
    let offset = 0;
    for (const key of names) {
      const e = this.entries.get(key)!;
      if (offset > MAX32 - 1) throw new ZipWriteError('the zip would pass 4 GB and need ZIP64');
      const local = new Uint8Array(30);
      const lv = new DataView(local.buffer);
      lv.setUint32(0, LOC, true);
      lv.setUint16(4, 20, true);
      fields(lv, 6, e);
      lv.setUint16(26, e.name.length, true);
      locals.push(local, e.name, ...e.data);
      const cen = new Uint8Array(46);
      const cv = new DataView(cen.buffer);
      cv.setUint32(0, CEN, true);
      cv.setUint16(4, 20, true);
      cv.setUint16(6, 20, true);
      fields(cv, 8, e);
      cv.setUint16(28, e.name.length, true);
      cv.setUint32(42, offset, true);
      central.push(cen, e.name);
      offset += 30 + e.name.length + e.compressedSize;
    }
    const cdSize = central.reduce((n, b) => n + b.length, 0);
    if (offset + cdSize > MAX32 - 1) throw new ZipWriteError('the zip would pass 4 GB and need ZIP64');
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, EOCD, true);
    ev.setUint16(8, names.length, true);
    ev.setUint16(10, names.length, true);
    ev.setUint32(12, cdSize, true);
    ev.setUint32(16, offset, true);
    const out = new Uint8Array(offset + cdSize + 22);
    let at = 0;
    for (const b of [...locals, ...central, end]) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  }

  private put(name: string, e: Omit<Written, 'name'>): void {
    if (this.entries.has(name)) throw new Error(`zip writer: ${name} added twice`); // a bug of the caller
    const bytes = ENCODER.encode(name);
    const ascii = bytes.length === name.length;
    this.entries.set(name, { ...e, name: bytes, flags: ascii ? e.flags & ~UTF8_NAMES : e.flags | UTF8_NAMES });
  }
}

/** flags, method, time, date, CRC, sizes: the run both headers share (local at 6, central at 8). */
function fields(v: DataView, at: number, e: Written): void {
  v.setUint16(at, e.flags, true);
  v.setUint16(at + 2, e.method, true);
  v.setUint16(at + 4, e.time, true);
  v.setUint16(at + 6, e.date, true);
  v.setUint32(at + 8, e.crc, true);
  v.setUint32(at + 12, e.compressedSize, true);
  v.setUint32(at + 16, e.uncompressedSize, true);
}

async function* one(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
