// Files to the clerk's disk: a Blob the API answered with (the template) saved
// under its name, or a short-lived presigned link the browser is sent to.
import { safeUrl } from './dom';

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the download has started from the click; the object URL may go a moment later
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Sends the browser to a presigned GET (it answers with Content-Disposition: attachment). */
export function navigateTo(url: string): boolean {
  const safe = safeUrl(url);
  if (!safe) return false;
  window.location.assign(safe);
  return true;
}
