// A ByteSource over a Blob (a File the clerk picked): read piece by piece, as
// the CLI reads a file on disk, so a 50 MB workbook is never copied whole into
// memory. The zip reader asks for many small pieces (a 30-byte local header
// per part, 64 KB slices of each part); they are served from one read-ahead
// block so that each does not cost a round trip to the file.
import type { ByteSource } from '../../core/workbook/zip';

const BLOCK = 1 << 20;

export function blobSource(blob: Blob, blockSize = BLOCK): ByteSource {
  let block: { start: number; bytes: Uint8Array } | undefined;
  const slice = async (start: number, end: number) => new Uint8Array(await blob.slice(start, end).arrayBuffer());
  return {
    size: blob.size,
    async read(offset, length) {
      const start = Math.max(0, Math.min(offset, blob.size));
      const end = Math.min(blob.size, start + Math.max(0, length));
      if (end - start >= blockSize) return slice(start, end);
      if (!block || start < block.start || end > block.start + block.bytes.length) {
        block = { start, bytes: await slice(start, Math.min(blob.size, start + blockSize)) };
      }
      // a view: a block is never written to, and a piece kept past the next block keeps its own alive
      return block.bytes.subarray(start - block.start, end - block.start);
    },
  };
}
