// The validator, a module worker of its own (scripts/build-portal.mjs builds it
// apart from the app): the page starts it only when a file is picked, so none of
// the workbook reader is loaded before, and a long check never freezes the page.
import { checkFile } from './check-file';
import type { CheckRequest, CheckResponse } from './protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<CheckRequest>) => void) | null;
  postMessage(message: CheckResponse): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { id, file, fileName, department, period, now, maxFileBytes } = event.data;
  const started = performance.now();
  checkFile(file, { fileName, department, period, now: new Date(now), maxFileBytes }).then(
    (result) => scope.postMessage({ id, ok: true, ...result, ms: performance.now() - started }),
    (err: unknown) => scope.postMessage({ id, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
};
