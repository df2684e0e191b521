// Reading the current (accepted) versions and the certificate ledger they form.
import type { CertificationRecord, LedgerCertificate, SubmissionVersion } from '../model';
import { comparePeriods, periodsBetween } from '../periods';
import type { SubmissionRepository } from '../ports';

/** The ledger lasts across plans: certificates reported since the 14th plan began still count. */
export const LEDGER_START = '2021-Q1';

/** The earlier of two periods. */
export function earlier(a: string, b: string): string {
  return comparePeriods(a, b) <= 0 ? a : b;
}

/** The current version of every department, for each period from `from` to `to`, oldest period first. */
export async function currentVersionsBetween(
  submissions: SubmissionRepository,
  from: string,
  to: string,
): Promise<Map<string, SubmissionVersion[]>> {
  const byPeriod = new Map<string, SubmissionVersion[]>();
  for (const p of periodsBetween(from, to)) byPeriod.set(p, await submissions.currentVersions(p));
  return byPeriod;
}

/** The certificate rows of the given versions, in their order, each with who reported it and when. */
export async function ledgerRows(submissions: SubmissionRepository, versions: SubmissionVersion[]): Promise<LedgerCertificate[]> {
  const rows: LedgerCertificate[] = [];
  for (const v of versions) {
    const certs = await submissions.getRecords<CertificationRecord>(v.submissionId, 'certifications');
    for (const c of certs) rows.push({ ...c, department: v.department, period: v.period, submissionId: v.submissionId });
  }
  return rows;
}

/** Certificate rows of every current version up to `period`, optionally leaving one department's version of that period out. */
export async function loadLedger(
  submissions: SubmissionRepository,
  period: string,
  exclude?: { department: string; period: string },
): Promise<LedgerCertificate[]> {
  const byPeriod = await currentVersionsBetween(submissions, earlier(LEDGER_START, period), period);
  const versions = [...byPeriod.values()].flat().filter((v) => !(exclude && v.department === exclude.department && v.period === exclude.period));
  return ledgerRows(submissions, versions);
}
