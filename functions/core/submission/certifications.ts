// 认证明细 / Certifications (PRODUCT §5.4): new or changed certificates, one per row.
import { certificateKey } from '../ledger';
import type { CertificationRecord, CertificationStatus, CertificationType } from '../model';
import { say } from './messages';
import type { RowCheck } from './row-check';
import { Run } from './run';

export function checkCertificationRow(rc: RowCheck): void {
  const run = rc.run;
  const type = rc.enumValue('type', true) as CertificationType | undefined | null;
  const holder = rc.text('holder', true);
  const creditCode = rc.creditCode('creditCode', true);
  const certificateNo = rc.text('certificateNo', true);
  const product = rc.text('product', false);
  const issuedOn = rc.date('issuedOn', true);
  const expiresOn = rc.date('expiresOn', false);
  const statusValue = rc.enumValue('status', false);
  const status = (statusValue === undefined ? 'valid' : statusValue) as CertificationStatus | null;

  if (type === 'shanghai-brand' && product === undefined) {
    rc.issue(rc.col('product'), 'REQUIRED', say.productRequired(), null);
  }
  if (issuedOn) rc.periodRule('issued', 'issuedOn', issuedOn);
  if (issuedOn && expiresOn && expiresOn <= issuedOn) {
    rc.issue(rc.col('expiresOn'), 'EXPIRY_BEFORE_ISSUE', say.expiryBeforeIssue(expiresOn, issuedOn), expiresOn);
  } else if (expiresOn && status === 'valid') {
    rc.periodRule('expired', 'expiresOn', expiresOn);
  }
  if (type && certificateNo) {
    const key = certificateKey({ type, certificateNo });
    const first = run.certificates.get(key);
    if (first === undefined) run.certificates.set(key, Run.firstRef(rc.sheet, rc.row));
    else {
      const f = run.describeFirst(first, rc.sheet);
      rc.issue(
        rc.col('certificateNo'),
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
