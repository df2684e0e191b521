// The core's Inflate port in a browser (or any runtime with the Compression
// Streams API): DecompressionStream('deflate-raw') fed from the compressed
// pieces only as fast as the consumer takes the inflated ones, and a
// table-driven CRC-32 (slicing by 8, the IEEE polynomial that zip uses).
//
// Backpressure: a TransformStream does not take a new chunk on its writable
// side while its readable side holds one nobody has read, so the pump below
// waits on `writer.ready` before pulling the next compressed piece; a consumer
// that stops pulling stops the reading of the file.
import type { Inflate } from '../../core/workbook/zip';

async function* inflateRaw(compressed: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const input = compressed[Symbol.asyncIterator]();
  let stopped = false;

  // Feeds the stream; ends it when the input ends. A failure of the input (a
  // read past the end of a truncated file) errors the stream with that error,
  // so the consumer's next read throws it.
  const pump = (async () => {
    let exhausted = false;
    try {
      for (;;) {
        await writer.ready;
        if (stopped) return;
        const next = await input.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        if (stopped) return;
        // the pieces are never views of a SharedArrayBuffer (the zip reader's own reads)
        await writer.write(next.value as Uint8Array<ArrayBuffer>);
      }
      await writer.close();
    } catch (err) {
      // the stream already failed (corrupt data, or the consumer left): nothing more to feed
      await writer.abort(err).catch(() => undefined);
    } finally {
      if (!exhausted) await input.return?.().catch(() => undefined);
    }
  })();

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
  } finally {
    stopped = true;
    // the consumer left early (or the stream failed): release the stream and the input
    await reader.cancel().catch(() => undefined);
    await pump;
  }
}

// CRC-32 (IEEE 802.3, reflected 0xEDB88320), slicing by 8: eight 256-entry tables.
const TABLES = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC-32 of `data` continued from `previous` (the CRC of the bytes before it; 0 to start), as zlib's crc32. */
export function crc32(data: Uint8Array, previous = 0): number {
  const t = TABLES;
  let c = ~previous;
  let i = 0;
  const n = data.length;
  for (const end = n - (n % 8); i < end; i += 8) {
    const lo = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export const browserInflate: Inflate = {
  raw: inflateRaw,
  crc32,
};
