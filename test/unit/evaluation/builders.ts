// Builders for stored submission versions and ledger rows, shared by the
// evaluation, alert and monitoring tests.
import type { PeriodFacts } from '../../../functions/core/evaluation/evaluate';
import type { IndicatorRecord, LedgerCertificate, SubmissionVersion } from '../../../functions/core/model';

export interface VersionSpec {
  id?: string;
  receivedAt?: string;
  status?: 'accepted' | 'rejected';
  /** [passed, total] of non-building-material inspection rows */
  other?: [number, number];
  /** [passed, total] of building-material inspection rows */
  buildingMaterial?: [number, number];
  /** [passed, total, greenArea, totalArea] of acceptance rows */
  acceptances?: [number, number, number, number];
  /** values reported on 指标 */
  indicators?: Record<string, number | string>;
}

export function version(department: string, period: string, spec: VersionSpec = {}): SubmissionVersion {
  const [ap, at, ga, ta] = spec.acceptances ?? [0, 0, 0, 0];
  const indicators: Record<string, IndicatorRecord> = {};
  let row = 3;
  for (const [code, value] of Object.entries(spec.indicators ?? {})) {
    indicators[code] = { code, value, src: { sheet: '指标', row: row++ } };
  }
  const id = spec.id ?? `${department}-${period}-v1`;
  return {
    submissionId: id,
    department,
    period,
    receivedAt: spec.receivedAt ?? '2026-04-05T02:00:00.000Z',
    status: spec.status ?? 'accepted',
    objectKey: `submissions/${department}/${period}/${id}.xlsx`,
    fileName: `${id}.xlsx`,
    reportKey: `reports/${department}/${period}/${id}.json`,
    aggregates: {
      inspections: {
        other: { passed: spec.other?.[0] ?? 0, total: spec.other?.[1] ?? 0 },
        buildingMaterial: { passed: spec.buildingMaterial?.[0] ?? 0, total: spec.buildingMaterial?.[1] ?? 0 },
      },
      acceptances: { passed: ap, total: at, greenArea: ga, totalArea: ta },
      indicators,
    },
    issueCounts: {},
    errors: 0,
    warnings: 0,
  };
}

/** Groups versions into the per-period facts evaluation takes. */
export function factsOf(...versions: SubmissionVersion[]): PeriodFacts[] {
  const byPeriod = new Map<string, SubmissionVersion[]>();
  for (const v of versions) byPeriod.set(v.period, [...(byPeriod.get(v.period) ?? []), v]);
  return [...byPeriod].map(([period, vs]) => ({ period, versions: vs }));
}

export function cert(spec: Partial<LedgerCertificate> & { certificateNo: string }): LedgerCertificate {
  return {
    type: 'shanghai-brand',
    holder: '上海某某有限公司',
    creditCode: '91310105MA1FL0XX1X',
    issuedOn: '2025-06-01',
    expiresOn: '2028-06-01',
    status: 'valid',
    department: 'market-regulation',
    period: '2026-Q1',
    submissionId: 'market-regulation-2026-Q1-v1',
    src: { sheet: '认证明细', row: 3 },
    ...spec,
  };
}
