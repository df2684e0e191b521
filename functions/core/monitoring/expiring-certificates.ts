// CERTIFICATE_EXPIRING (§7): counted certificates that lapse soon, so the
// department can renew them before the Shanghai Brand / Standard counts drop.
import { alertId } from '../alerts/alert-id';
import { CERTIFICATION_LABEL } from '../labels';
import { certificateKey, isCounted, ledgerAsOf } from '../ledger';
import type { Alert, LedgerCertificate } from '../model';
import { addDays, currentPeriod, localDate, normalizePeriod } from '../periods';

export const DEFAULT_EXPIRY_WARNING_DAYS = 90;

export interface ExpiringCertificateInput {
  date: Date;
  /** the whole ledger as of the current period (raw rows are resolved here too) */
  certificates: LedgerCertificate[];
  withinDays?: number;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One CERTIFICATE_EXPIRING for every certificate counted on the monitoring date
 * whose expiry falls within `withinDays` after it (both ends included: expiring
 * today or on day 90 warns, day 91 does not). The alert's period is the quarter
 * of the monitoring date, so a certificate is warned at most once a quarter;
 * it is addressed to the department that reported the certificate.
 */
export function expiringCertificateAlerts(input: ExpiringCertificateInput): Alert[] {
  const { date } = input;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return [];
  const within = Number.isFinite(input.withinDays) && input.withinDays! >= 0 ? Math.floor(input.withinDays!) : DEFAULT_EXPIRY_WARNING_DAYS;
  const today = localDate(date);
  const horizon = addDays(today, within);
  const period = currentPeriod(date);
  const createdAt = date.toISOString();
  const rows = (Array.isArray(input.certificates) ? input.certificates : []).filter(
    (c) => c && typeof c.certificateNo === 'string' && typeof c.period === 'string' && normalizePeriod(c.period) === c.period,
  );
  const alerts: Alert[] = [];
  for (const c of ledgerAsOf(rows, period)) {
    if (!c.expiresOn || !ISO_DATE.test(c.expiresOn) || !isCounted(c, today) || c.expiresOn > horizon) continue;
    const certificate = certificateKey(c);
    const kind = CERTIFICATION_LABEL[c.type] ?? { zh: c.type, en: c.type };
    const days = Math.round((Date.parse(`${c.expiresOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
    alerts.push({
      id: alertId({ type: 'CERTIFICATE_EXPIRING', period, department: c.department, certificate }),
      type: 'CERTIFICATE_EXPIRING',
      severity: 'info',
      period,
      department: c.department,
      certificate,
      message: {
        zh: `${c.holder} 的${kind.zh}证书 ${c.certificateNo} 将于 ${c.expiresOn} 到期（${days} 天后），到期后不再计入统计；请提醒获证单位及时续证`,
        en: `${kind.en} certificate ${c.certificateNo} held by ${c.holder} expires on ${c.expiresOn} (in ${days} days) and will then no longer be counted; remind the holder to renew it`,
      },
      createdAt,
      ...(c.submissionId ? { source: c.submissionId } : {}),
    });
  }
  return alerts;
}
