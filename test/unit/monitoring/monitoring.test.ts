import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import alertSchema from '../../../schemas/alert.schema.json';
import { DEPARTMENTS, loadPlan } from '../../../functions/core/catalog';
import type { Alert, LedgerCertificate, SubmissionVersion } from '../../../functions/core/model';
import { expiringCertificateAlerts } from '../../../functions/core/monitoring/expiring-certificates';
import { lateSubmissionAlerts } from '../../../functions/core/monitoring/late-submissions';
import { cert, version } from '../evaluation/builders';

const plan = loadPlan('15th');
const validateAlert = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(alertSchema);

function expectValid(alerts: Alert[]): void {
  for (const a of alerts) {
    validateAlert(a);
    expect(validateAlert.errors ?? [], a.id).toEqual([]);
  }
}

function late(date: string, versions: SubmissionVersion[] = [], dueDays?: number): Alert[] {
  const versionsByPeriod = new Map<string, SubmissionVersion[]>();
  for (const v of versions) versionsByPeriod.set(v.period, [...(versionsByPeriod.get(v.period) ?? []), v]);
  const alerts = lateSubmissionAlerts({
    date: new Date(date),
    plan,
    departments: DEPARTMENTS,
    versionsByPeriod,
    offsets: dueDays === undefined ? undefined : { dueDays, summaryDays: 15 },
  });
  expectValid(alerts);
  return alerts;
}

const ids = (alerts: Alert[]) => alerts.map((a) => a.id);

describe('lateSubmissionAlerts', () => {
  it('is silent on the due date (2026-Q1 is due 2026-04-10)', () => {
    expect(late('2026-04-10T12:00:00+08:00')).toEqual([]);
    expect(late('2026-04-10T23:59:59+08:00')).toEqual([]);
  });

  it('warns every owning department, and only those, from the day after (Shanghai time)', () => {
    const expected = ['SUBMISSION_LATE.2026-Q1.market-regulation', 'SUBMISSION_LATE.2026-Q1.construction'];
    expect(ids(late('2026-04-11T00:00:00+08:00'))).toEqual(expected);
    expect(ids(late('2026-04-10T16:30:00Z'))).toEqual(expected); // 00:30 on the 11th in Shanghai
    const alert = late('2026-04-11T09:00:00+08:00').find((a) => a.department === 'construction');
    expect(alert).toEqual({
      id: 'SUBMISSION_LATE.2026-Q1.construction',
      type: 'SUBMISSION_LATE',
      severity: 'warning',
      period: '2026-Q1',
      department: 'construction',
      message: {
        zh: '区建设管理委 尚未报送2026年第1季度数据（截止日期 2026-04-10，已逾期 1 天）',
        en: 'District Construction Management Commission has not submitted its 2026-Q1 data (due 2026-04-10, 1 day overdue)',
      },
      createdAt: '2026-04-11T01:00:00.000Z',
    });
  });

  it('counts only accepted submissions received by the monitoring date', () => {
    const onTime = version('market-regulation', '2026-Q1', { receivedAt: '2026-04-09T02:00:00Z' });
    const rejected = version('construction', '2026-Q1', { receivedAt: '2026-04-09T02:00:00Z', status: 'rejected' });
    expect(ids(late('2026-04-11T09:00:00+08:00', [onTime, rejected]))).toEqual(['SUBMISSION_LATE.2026-Q1.construction']);

    // received after the due date but before the monitoring date: it no longer owes anything that day
    const afterDue = version('construction', '2026-Q1', { receivedAt: '2026-04-12T02:00:00Z' });
    expect(ids(late('2026-04-13T09:00:00+08:00', [onTime, afterDue]))).toEqual([]);
    // replaying the 11th, that later submission had not arrived yet
    expect(ids(late('2026-04-11T09:00:00+08:00', [onTime, afterDue]))).toEqual(['SUBMISSION_LATE.2026-Q1.construction']);
  });

  it('never reaches before the plan or into a quarter not yet due', () => {
    expect(late('2026-01-20T09:00:00+08:00')).toEqual([]); // 2025-Q4 is overdue but not in the plan
    expect(late('2026-03-01T09:00:00+08:00')).toEqual([]);
  });

  it('covers every overdue quarter of the plan, and nothing after its last', () => {
    const acceptedQ1 = [
      version('market-regulation', '2026-Q1', { receivedAt: '2026-04-09T02:00:00Z' }),
      version('construction', '2026-Q1', { receivedAt: '2026-04-09T02:00:00Z' }),
    ];
    expect(ids(late('2026-07-11T09:00:00+08:00', acceptedQ1))).toEqual([
      'SUBMISSION_LATE.2026-Q2.market-regulation',
      'SUBMISSION_LATE.2026-Q2.construction',
    ]);
    const afterPlan = late('2031-07-20T09:00:00+08:00');
    expect(afterPlan).toHaveLength(40);
    expect(afterPlan.at(-1)!.period).toBe('2030-Q4');
  });

  it('follows configured offsets', () => {
    expect(late('2026-04-05T09:00:00+08:00', [], 5)).toEqual([]);
    expect(late('2026-04-06T09:00:00+08:00', [], 5)).toHaveLength(2);
  });

  it('returns nothing for an invalid date', () => {
    expect(late('not a date')).toEqual([]);
  });
});

describe('expiringCertificateAlerts', () => {
  const date = new Date('2026-04-01T09:00:00+08:00');
  const ledger: LedgerCertificate[] = [
    cert({ certificateNo: 'A', expiresOn: '2026-06-30', holder: '上海甲公司' }),
    cert({ certificateNo: 'B', expiresOn: '2026-07-01' }),
    cert({ certificateNo: 'C', expiresOn: '2026-04-01', type: 'shanghai-standard' }),
    cert({ certificateNo: 'D', expiresOn: '2026-03-31' }),
    cert({ certificateNo: 'E', expiresOn: '2026-05-01', status: 'suspended' }),
    cert({ certificateNo: 'F', issuedOn: '2026-04-02', expiresOn: '2026-05-01' }),
    cert({ certificateNo: 'G', expiresOn: undefined }),
    cert({ certificateNo: 'H', expiresOn: '2026-05-01' }),
    cert({ certificateNo: 'H', expiresOn: '2029-05-01', period: '2026-Q2', submissionId: 'renewal' }),
    cert({ certificateNo: 'I', expiresOn: '2026-05-15', department: 'construction', submissionId: 'con-q1' }),
  ];

  it('warns each counted certificate expiring within 90 days, both ends included', () => {
    const alerts = expiringCertificateAlerts({ date, certificates: ledger });
    expectValid(alerts);
    expect(alerts.map((a) => [a.certificate, a.department])).toEqual([
      ['shanghai-brand:A', 'market-regulation'],
      ['shanghai-standard:C', 'market-regulation'],
      ['shanghai-brand:I', 'construction'],
    ]);
    expect(alerts[0]).toEqual({
      id: 'CERTIFICATE_EXPIRING.2026-Q2.market-regulation.shanghai-brand-A-' + alerts[0]!.id.slice(-8),
      type: 'CERTIFICATE_EXPIRING',
      severity: 'info',
      period: '2026-Q2',
      department: 'market-regulation',
      certificate: 'shanghai-brand:A',
      message: {
        zh: '上海甲公司 的上海品牌证书 A 将于 2026-06-30 到期（90 天后），到期后不再计入统计；请提醒获证单位及时续证',
        en: 'Shanghai Brand certificate A held by 上海甲公司 expires on 2026-06-30 (in 90 days) and will then no longer be counted; remind the holder to renew it',
      },
      createdAt: '2026-04-01T01:00:00.000Z',
      source: 'market-regulation-2026-Q1-v1',
    });
    expect(alerts[0]!.id).toMatch(/-[0-9a-f]{8}$/);
  });

  it('gives the same id on another day of the quarter, a new one the next quarter', () => {
    const again = expiringCertificateAlerts({ date: new Date('2026-04-02T09:00:00+08:00'), certificates: ledger });
    expect(again.find((a) => a.certificate === 'shanghai-brand:A')!.id).toBe(
      expiringCertificateAlerts({ date, certificates: ledger })[0]!.id,
    );
    const nextQuarter = expiringCertificateAlerts({ date: new Date('2026-07-01T09:00:00+08:00'), certificates: ledger });
    expect(nextQuarter.map((a) => [a.certificate, a.period])).toEqual([['shanghai-brand:B', '2026-Q3']]);
  });

  it('takes a shorter window when configured', () => {
    const alerts = expiringCertificateAlerts({ date, certificates: ledger, withinDays: 30 });
    expect(alerts.map((a) => a.certificate)).toEqual(['shanghai-standard:C']);
  });

  it('skips unreadable rows instead of throwing', () => {
    const bad = [
      { ...cert({ certificateNo: 'X' }), certificateNo: undefined } as unknown as LedgerCertificate,
      cert({ certificateNo: 'Y', period: 'soon' }),
      cert({ certificateNo: 'Z', expiresOn: '2026/05/01' }),
    ];
    expect(expiringCertificateAlerts({ date, certificates: bad })).toEqual([]);
    expect(expiringCertificateAlerts({ date: new Date('x'), certificates: ledger })).toEqual([]);
  });
});
