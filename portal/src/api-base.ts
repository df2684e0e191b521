// Where the API is: /config.json's `api`, a path on the portal's own origin
// (the CSP's connect-src 'self' allows no other); /api when it says nothing.
let base = '/api';

export function setApiBase(path: string | undefined): void {
  if (path && /^\/[A-Za-z0-9._~/-]*$/.test(path) && !path.startsWith('//')) base = path.replace(/\/+$/, '') || '/api';
}

/** A path of docs/api.md (/api/…) under the configured base. */
export const apiPath = (path: string): string => `${base}${path.replace(/^\/api/, '')}`;
