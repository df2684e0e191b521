// The page's side of the validator: starts the module worker (its own hashed
// file, named by the build) the first time a file is picked, and hands it the
// checks. A new check while one runs stops the old one (the worker is
// replaced): only the latest file's result matters.
import type { CheckRequest, CheckResponse } from './validator/protocol';

export type CheckInput = Omit<CheckRequest, 'id'>;

let worker: Worker | undefined;
let nextId = 1;
let pending: { id: number; resolve: (r: CheckResponse) => void } | undefined;

function start(): Worker {
  const w = new Worker(new URL(__QTRACK_VALIDATOR__, import.meta.url), { type: 'module', name: 'qtrack-validator' });
  w.onmessage = (event: MessageEvent<CheckResponse>) => {
    if (pending && event.data.id === pending.id) {
      const p = pending;
      pending = undefined;
      p.resolve(event.data);
    }
  };
  w.onerror = (event) => {
    event.preventDefault();
    fail(`the validator failed to load or crashed: ${event.message || 'unknown error'}`);
  };
  return w;
}

function fail(error: string): void {
  worker?.terminate();
  worker = undefined;
  if (pending) {
    const p = pending;
    pending = undefined;
    p.resolve({ id: p.id, ok: false, error });
  }
}

/** Checks a file in the worker; never rejects (a failure comes back as `ok: false`). */
export function checkInBrowser(input: CheckInput): Promise<CheckResponse> {
  if (pending) fail('superseded by a newer check'); // the old caller ignores it: it asked for a file no longer chosen
  worker ??= start();
  const id = nextId++;
  return new Promise((resolve) => {
    pending = { id, resolve };
    worker!.postMessage({ ...input, id } satisfies CheckRequest);
  });
}
