// Alert identity (§7): type, period, department, indicator, and the certificate
// or submission version where they matter. The id is derived from the identity
// alone, so a redelivered event or a rerun raises the same id, which the alert
// store keeps once. Ids are S3-key-safe: they become alerts/{period}/{id}.json.
import type { AlertType } from '../model';

export interface AlertIdentity {
  type: AlertType;
  period: string;
  department: string;
  indicator?: string;
  /** 'type:number' */
  certificate?: string;
  submissionId?: string;
}

const SAFE = /^[A-Za-z0-9_-]{1,64}$/;

/** FNV-1a over the UTF-16 code units: short, stable, no crypto import needed. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * A part as it stands when already safe; otherwise its safe characters plus a
 * hash of the whole, so two certificate numbers that differ only in Chinese
 * characters or punctuation still get different ids.
 */
function safePart(raw: string): string {
  const text = String(raw).normalize('NFKC').replace(/\s+/g, '');
  if (SAFE.test(text)) return text;
  const slug = text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return slug ? `${slug}-${shortHash(text)}` : shortHash(text);
}

/**
 * `TARGET_BREACHED.2026-Q2.market-regulation.MFG_SPOT_CHECK_PASS_RATE`; a
 * certificate or submission part is appended after the indicator. Dots only
 * separate parts. Certificate numbers are compared like the ledger compares
 * them (NFKC, no whitespace, upper case), so spelling variants share an id.
 */
export function alertId(identity: AlertIdentity): string {
  const parts = [identity.type, identity.period, identity.department];
  if (identity.indicator) parts.push(identity.indicator);
  if (identity.certificate) {
    const cert = String(identity.certificate);
    const colon = cert.indexOf(':');
    const normalized =
      colon < 0 ? cert.toUpperCase() : `${cert.slice(0, colon)}:${cert.slice(colon + 1).normalize('NFKC').toUpperCase()}`;
    parts.push(normalized);
  }
  if (identity.submissionId) parts.push(identity.submissionId);
  return parts.map(safePart).join('.');
}
