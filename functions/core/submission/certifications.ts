// 认证明细 / Certifications (PRODUCT §5.4): new or changed certificates, one per row.
import { certificateKey } from '../ledger';
import type { CertificationRecord, CertificationStatus, CertificationType } from '../model';
import { say } from './messages';
import type { RowCheck } from './row-check';
import { Run } from './run';

export function checkCertificationRow(rc: RowCheck): void {
  const c = rc.sheet.cols;
  const run = rc.run;
  const type = rc.enumValue(c.type, true) as CertificationType | undefined | null;
  const holder = rc.text(c.holder, true);
  const creditCode = rc.creditCode(c.creditCode, true);
  const certificateNo = rc.text(c.certificateNo, true);
  const product = rc.text(c.product, false);
  const issuedOn = rc.date(c.issuedOn, true);
  const expiresOn = rc.date(c.expiresOn, false);
  const statusValue = rc.enumValue(c.status, false);
  const status = (statusValue === undefined ? 'valid' : statusValue) as CertificationStatus | null;

  if (type === 'shanghai-brand' && product === undefined) {
    rc.issue(c.product, 'REQUIRED', say.productRequired(), null);
  }
  if (issuedOn) rc.periodRule('issued', c.issuedOn!, issuedOn);
  if (issuedOn && expiresOn && expiresOn <= issuedOn) {
    rc.issue(c.expiresOn, 'EXPIRY_BEFORE_ISSUE', say.expiryBeforeIssue(expiresOn, issuedOn), expiresOn);
  } else if (expiresOn && status === 'valid') {
    rc.periodRule('expired', c.expiresOn!, expiresOn);
  }
  if (type && certificateNo) {
    const key = certificateKey({ type, certificateNo });
    const first = run.certificates.get(key);
    if (first === undefined) run.certificates.set(key, Run.firstRef(rc.sheet, rc.row));
    else {
      const f = run.describeFirst(first, rc.sheet);
      rc.issue(
        c.certificateNo,
        'DUPLICATE',
        say.duplicate({ zh: '同一认证类型的证书编号', en: 'certificate number for this type' }, f.row, f.sheet),
        certificateNo,
      );
    }
  }
  if (!rc.end()) return;
  const record: CertificationRecord = {
    type: type!,
    holder: holder!,
    creditCode: creditCode!,
    certificateNo: certificateNo!,
    issuedOn: issuedOn!,
    status: status!,
    src: { sheet: rc.sheet.name, row: rc.row },
  };
  if (product) record.product = product;
  if (expiresOn) record.expiresOn = expiresOn;
  if (run.ledgerTypes.has(type!)) run.ledgerCertificates.push(record);
  run.push('certifications', record);
}
