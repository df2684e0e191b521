// The core's Inflate port on Node: node:zlib's raw inflate as a pull stream
// (backpressure: a consumer that stops pulling stops the inflating) and its
// native CRC-32.
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createInflateRaw, crc32, type ZlibOptions } from 'node:zlib';
import type { Inflate } from '../../core/workbook/zip';

// Memory. zlib hands out each piece in a new buffer that dies as soon as it is
// scanned, but V8 frees such buffers only when it collects the young
// generation, which it does after so many bytes of *objects*, not of buffers.
// Scanning the shared strings allocates almost no objects, so the inflated
// pieces of a 15 MB sharedStrings.xml (500k rows) piled up dead, 10–20 MB at
// once: peak RSS grew 1.25× from 100k to 500k rows instead of 1.12×. A young
// collection every few MB inflated (about 0.3 ms each: few pieces survive)
// bounds the pile. V8 exposes that collection only behind --expose-gc, which a
// running process may turn on for the contexts it creates from then on.
const COLLECT_EVERY = 1 << 22;
let collectYoung: (() => void) | null | undefined;

function youngCollector(): (() => void) | null {
  if (collectYoung === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
      collectYoung = () => gc({ type: 'minor' });
    } catch {
      collectYoung = null; // not offered here: the pile stays, nothing else changes
    }
  }
  return collectYoung;
}

async function* inflateRaw(compressed: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  // a read-ahead of 256 KB lets the inflating (on a worker thread) run while the consumer scans
  const inflater = createInflateRaw({ chunkSize: 1 << 16, readableHighWaterMark: 1 << 18 } as ZlibOptions);
  const input = Readable.from(compressed, { objectMode: false });
  input.on('error', (err) => inflater.destroy(err));
  input.pipe(inflater);
  const collect = youngCollector();
  let since = 0;
  try {
    for await (const chunk of inflater) {
      since += (chunk as Buffer).length;
      if (since >= COLLECT_EVERY && collect) {
        since = 0;
        collect();
      }
      yield chunk as Buffer;
    }
  } finally {
    input.destroy();
    inflater.destroy();
  }
}

export const nodeInflate: Inflate = {
  raw: inflateRaw,
  crc32: (data, previous) => crc32(data, previous),
};
