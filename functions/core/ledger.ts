// The certificate ledger of §5.4: departments report new or changed certificates,
// and the ledger as of a period is every certificate in the current versions of
// that period and earlier, a later period's row overriding an earlier one.
import type { CertificationType, LedgerCertificate } from './model';
import { comparePeriods, periodEnd } from './periods';

function certificateKey(c: { type: CertificationType; certificateNo: string }): string {
  return `${c.type}:${c.certificateNo.normalize('NFKC').replace(/\s+/g, '').toUpperCase()}`;
}

/**
 * The ledger as of `period`: for each (type, certificate number) the row of the
 * latest period up to `period`. Rows of one period are taken in the given order,
 * a later one overriding an earlier one (callers pass current versions oldest first).
 */
export function ledgerAsOf(rows: LedgerCertificate[], period: string): LedgerCertificate[] {
  const latest = new Map<string, LedgerCertificate>();
  for (const row of rows) {
    if (comparePeriods(row.period, period) > 0) continue;
    const key = certificateKey(row);
    const seen = latest.get(key);
    if (!seen || comparePeriods(row.period, seen.period) >= 0) latest.set(key, row);
  }
  return [...latest.values()];
}

/** A certificate counts on a date when it is valid, issued by then and not yet expired. */
export function isCounted(cert: LedgerCertificate, isoDate: string): boolean {
  return (
    cert.status === 'valid' &&
    cert.issuedOn <= isoDate &&
    (cert.expiresOn === undefined || cert.expiresOn >= isoDate)
  );
}

/** Counted certificates of a type at the end of `period`. */
export function countedCertificates(
  rows: LedgerCertificate[],
  type: CertificationType,
  period: string,
): LedgerCertificate[] {
  const end = periodEnd(period);
  return ledgerAsOf(rows, period).filter((c) => c.type === type && isCounted(c, end));
}

export { certificateKey };
