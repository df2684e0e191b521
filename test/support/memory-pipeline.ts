// The pipeline over in-memory stores, as the use-case tests compose it, with an
// `upload` that puts a file under submissions/{department}/{period}/ and returns
// its object-created event (a new eTag and sequencer each time).
import { FixedClock, MemoryPublisher, memoryStores, silentLogger } from '../../functions/adapters/memory';
import type { ObjectStore } from '../../functions/core/ports';
import type { UploadedObject } from '../../functions/core/use-cases/ingest';
import { composePipeline } from '../../functions/runtime/compose';

export function memoryPipeline(now: Date, extra: { archive?: ObjectStore } = {}) {
  const stores = memoryStores();
  const deps = composePipeline({ ...stores, ...extra, publisher: new MemoryPublisher(), clock: new FixedClock(now), logger: silentLogger });
  let n = 0;
  const upload = async (bytes: Uint8Array, eventTime: string, name = 'q1.xlsx', folder = 'market-regulation/2026-Q1'): Promise<UploadedObject> => {
    const key = `submissions/${folder}/${name}`;
    await deps.uploads.put(key, bytes, 'application/octet-stream');
    return { bucket: 'uploads', key, eTag: `etag-${++n}`, sequencer: String(n), eventTime };
  };
  return { deps, stores, upload };
}
