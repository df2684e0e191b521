// The core's Inflate port on Node: node:zlib's raw inflate as a pull stream
// (backpressure: a consumer that stops pulling stops the inflating) and its
// native CRC-32.
import { Readable } from 'node:stream';
import { crc32, createInflateRaw, type ZlibOptions } from 'node:zlib';
import type { Inflate } from '../../core/workbook/zip';

async function* inflateRaw(compressed: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  // a read-ahead of 256 KB lets the inflating (on a worker thread) run while the consumer scans
  const inflater = createInflateRaw({ chunkSize: 1 << 16, readableHighWaterMark: 1 << 18 } as ZlibOptions);
  const input = Readable.from(compressed, { objectMode: false });
  input.on('error', (err) => inflater.destroy(err));
  input.pipe(inflater);
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } finally {
    input.destroy();
    inflater.destroy();
  }
}

export const nodeInflate: Inflate = {
  raw: inflateRaw,
  crc32: (data, previous) => crc32(data, previous),
};
