// The zip writer of the annotated copy: raw copies keep the original's bytes,
// streamed parts get their CRC and sizes right, the project's reader (and
// unzip's rules: local header = central directory) agree, ZIP64 is refused.
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { nodeDeflate } from '../../../functions/adapters/zlib/deflate';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import { type ByteSource, bytesSource, entryBytes, readZipDirectory, type ZipEntry } from '../../../functions/core/workbook/zip';
import { ZipWriteError, ZipWriter } from '../../../functions/core/workbook/write/zip-writer';
import { buildZip } from '../workbook/helpers';
import { stored } from './helpers';

async function inflated(bytes: Uint8Array, e: ZipEntry): Promise<string> {
  const pieces: Uint8Array[] = [];
  for await (const p of entryBytes(bytesSource(bytes), e, nodeInflate, 1 << 30)) pieces.push(p);
  return Buffer.concat(pieces).toString('utf8');
}

/** The local header's CRC and sizes (what a streaming unzip reads) must be the central directory's. */
function localMatchesCentral(bytes: Uint8Array, e: ZipEntry): boolean {
  const b = Buffer.from(bytes);
  const at = e.localOffset;
  return b.readUInt32LE(at + 14) === e.crc >>> 0 && b.readUInt32LE(at + 18) === e.compressedSize && b.readUInt32LE(at + 22) === e.uncompressedSize && (b.readUInt16LE(at + 6) & 0x08) === 0;
}

async function* pieces(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const t of texts) yield new TextEncoder().encode(t);
}

describe('ZipWriter', () => {
  it('copies an entry raw: the same compressed bytes, CRC and sizes, nothing inflated', async () => {
    const original = buildZip([
      { name: 'a.xml', data: '<a>一二三</a>'.repeat(100) },
      { name: 'b.bin', data: Buffer.from([1, 2, 3, 4]), stored: true },
    ]);
    const src = bytesSource(original);
    const inEntries = await readZipDirectory(src);
    let inflates = 0;
    const w = new ZipWriter({ raw: (p) => (inflates++, nodeDeflate.raw(p)), crc32: nodeDeflate.crc32 });
    for (const e of inEntries) await w.copy(src, e);
    const out = w.finish();
    expect(inflates).toBe(0);
    const outEntries = await readZipDirectory(bytesSource(out));
    for (const [i, e] of outEntries.entries()) {
      const was = inEntries[i]!;
      expect({ ...e, localOffset: 0 }).toEqual({ ...was, localOffset: 0 });
      expect(stored(out, e).equals(stored(original, was))).toBe(true);
      expect(localMatchesCentral(out, e)).toBe(true);
    }
    expect(await inflated(out, outEntries[0]!)).toBe('<a>一二三</a>'.repeat(100));
  });

  it('copies an entry written with a data descriptor as one with its sizes in the header', async () => {
    const data = Buffer.from('<x/>'.repeat(50));
    const original = buildZip([{ name: 'x.xml', data }]);
    // mark it as a streamed entry: flag bit 3, zeros in the local header, a descriptor after the data
    const patched = Buffer.from(original);
    patched.writeUInt16LE(0x08, 6);
    patched.fill(0, 14, 26);
    const cen = patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    patched.writeUInt16LE(0x08, cen + 8);
    const src = bytesSource(patched);
    const [e] = await readZipDirectory(src);
    const w = new ZipWriter(nodeDeflate);
    await w.copy(src, e!);
    const out = w.finish();
    const [copied] = await readZipDirectory(bytesSource(out));
    expect(copied!.flags & 0x08).toBe(0);
    expect(localMatchesCentral(out, copied!)).toBe(true);
    expect(await inflated(out, copied!)).toBe(data.toString());
  });

  it('deflates a streamed part, computing CRC and sizes on the way', async () => {
    const w = new ZipWriter(nodeDeflate);
    await w.add('xl/worksheets/sheet1.xml', pieces('<sheetData>', '<row r="1"/>'.repeat(5000), '</sheetData>'));
    await w.add('名字.xml', '<中文/>');
    await w.add('empty.xml', new Uint8Array(0));
    const out = w.finish();
    const es = await readZipDirectory(bytesSource(out));
    expect(es.map((e) => e.name)).toEqual(['xl/worksheets/sheet1.xml', '名字.xml', 'empty.xml']);
    const text = `<sheetData>${'<row r="1"/>'.repeat(5000)}</sheetData>`;
    expect(es[0]!.crc >>> 0).toBe(zlib.crc32(text));
    expect(es[0]!.uncompressedSize).toBe(text.length);
    expect(es[0]!.compressedSize).toBeLessThan(text.length / 20);
    expect(await inflated(out, es[0]!)).toBe(text);
    expect(await inflated(out, es[1]!)).toBe('<中文/>');
    expect(es[1]!.flags & 0x0800).toBe(0x0800); // a UTF-8 name says so
    expect(await inflated(out, es[2]!)).toBe('');
    for (const e of es) expect(localMatchesCentral(out, e)).toBe(true);
    // Node's own unzip agrees on every byte
    expect(zlib.inflateRawSync(stored(out, es[0]!)).toString()).toBe(text);
  });

  it('lays entries out in the order asked for, the rest after them as added', async () => {
    const w = new ZipWriter(nodeDeflate);
    for (const n of ['c', 'new', 'a', 'b']) await w.add(n, n);
    const out = w.finish(['a', 'b', 'gone', 'c']);
    expect((await readZipDirectory(bytesSource(out))).map((e) => e.name)).toEqual(['a', 'b', 'c', 'new']);
  });

  it('refuses what would need ZIP64, and a name added twice', async () => {
    const huge: ZipEntry = { name: 'big.xml', method: 8, flags: 0, crc: 0, compressedSize: 10, uncompressedSize: 2 ** 32, localOffset: 0 };
    const src: ByteSource = bytesSource(buildZip([{ name: 'big.xml', data: 'x' }]));
    await expect(new ZipWriter(nodeDeflate).copy(src, huge)).rejects.toThrow(ZipWriteError);

    const [tiny] = await readZipDirectory(src);
    const many = new ZipWriter(nodeDeflate);
    for (let i = 0; i < 0xffff; i++) await many.copy(src, { ...tiny!, name: `p${i}` });
    expect(() => many.finish()).toThrow(ZipWriteError);

    const twice = new ZipWriter(nodeDeflate);
    await twice.add('a', 'a');
    await expect(twice.add('a', 'b')).rejects.toThrow(/added twice/);
  });

  it('passes a failure of the part being streamed on, whatever deflate was doing', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(100_000);
      throw new RangeError('the source broke');
    }
    await expect(new ZipWriter(nodeDeflate).add('x', failing())).rejects.toThrow('the source broke');
  });
});
