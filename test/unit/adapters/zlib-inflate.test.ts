// The node:zlib Inflate adapter: what it yields is exactly the inflated stream,
// across the young collections it makes every few MB, and corrupt data throws.
import { createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';

async function* slices(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function inflateAll(compressed: Uint8Array, size: number): Promise<{ bytes: number; sha: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of nodeInflate.raw(slices(compressed, size))) {
    hash.update(piece);
    bytes += piece.length;
  }
  return { bytes, sha: hash.digest('hex') };
}

describe('nodeInflate', () => {
  it('yields the whole stream of 24 MB (several young collections), whatever the input slicing', async () => {
    // compressible but not trivial: random words repeated with variation
    const words = Array.from({ length: 2000 }, () => randomBytes(6).toString('hex'));
    const text = Array.from({ length: 1_000_000 }, (_, i) => `<c r="A${i}"><v>${words[i % words.length]}</v></c>`).join('');
    const raw = Buffer.from(text);
    const compressed = deflateRawSync(raw);
    const want = { bytes: raw.length, sha: createHash('sha256').update(raw).digest('hex') };
    expect(raw.length).toBeGreaterThan(24 * 1024 * 1024);
    expect(await inflateAll(compressed, 1 << 16)).toEqual(want);
    expect(await inflateAll(compressed, 997)).toEqual(want);
  });

  it('throws on corrupt data instead of ending early', async () => {
    const compressed = deflateRawSync(Buffer.from('x'.repeat(100_000) + randomBytes(50_000).toString('hex')));
    const cut = compressed.subarray(0, compressed.length >> 1);
    const broken = Uint8Array.from(compressed);
    broken.fill(0xff, 10, 40);
    await expect(inflateAll(broken, 4096)).rejects.toThrow();
    await expect(inflateAll(cut, 4096)).rejects.toThrow(/unexpected end of file/);
    expect((await inflateAll(compressed, 4096)).bytes).toBe(inflateRawSync(compressed).length);
  });

  it('CRC-32 as zip computes it, chained over pieces', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog');
    expect(nodeInflate.crc32(data, 0)).toBe(0x414fa339);
    expect(nodeInflate.crc32(data.subarray(10), nodeInflate.crc32(data.subarray(0, 10), 0))).toBe(0x414fa339);
  });
});
