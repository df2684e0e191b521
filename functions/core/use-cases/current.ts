// Reading the current (accepted) versions and the certificate ledger they form.
import { currentKinds } from '../currency';
import type { CertificationRecord, CurrentVersion, LedgerCertificate, SubmissionVersion } from '../model';
import { periodsBetween } from '../periods';
import type { SubmissionRepository } from '../ports';

/** The current version of every department, for each period from `from` to `to`, oldest period first. */
export async function currentVersionsBetween(
  submissions: SubmissionRepository,
  from: string,
  to: string,
): Promise<Map<string, CurrentVersion[]>> {
  const byPeriod = new Map<string, CurrentVersion[]>();
  for (const p of periodsBetween(from, to)) byPeriod.set(p, await submissions.currentVersions(p));
  return byPeriod;
}

/**
 * The certificate rows of the given versions that are current for 认证明细 (a
 * later CSV of another kind leaves a version's certificates current), in their
 * order, each with who reported it and when.
 */
export async function ledgerRows(submissions: SubmissionRepository, versions: (SubmissionVersion | CurrentVersion)[]): Promise<LedgerCertificate[]> {
  const rows: LedgerCertificate[] = [];
  for (const v of versions) {
    if (!currentKinds(v).includes('certifications')) continue;
    const certs = await submissions.getRecords<CertificationRecord>(v.submissionId, 'certifications');
    for (const c of certs) rows.push({ ...c, department: v.department, period: v.period, submissionId: v.submissionId });
  }
  return rows;
}

/**
 * The stored ledger as of `period`: certificate rows of every version current
 * for 认证明细 from the plan's opening-ledger quarter (catalog.openingPeriod) on.
 */
export async function loadLedger(submissions: SubmissionRepository, opening: string, period: string): Promise<LedgerCertificate[]> {
  const byPeriod = await currentVersionsBetween(submissions, opening, period);
  return ledgerRows(submissions, [...byPeriod.values()].flat());
}
