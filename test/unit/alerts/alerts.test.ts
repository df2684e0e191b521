import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import alertSchema from '../../../schemas/alert.schema.json';
import { alertId, evaluationAlerts, rejectionAlert } from '../../../functions/core/alerts/alerts';
import { loadPlan } from '../../../functions/core/catalog';
import { evaluatePeriod } from '../../../functions/core/evaluation/evaluate';
import type { Alert, EvaluationResult, IndicatorEvaluation, LedgerCertificate, SubmissionVersion } from '../../../functions/core/model';
import { cert, factsOf, version } from '../evaluation/builders';

const plan = loadPlan('15th');
const MR = 'market-regulation';
const CON = 'construction';
const CREATED = '2026-07-12T01:00:00.000Z';
const validateAlert = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(alertSchema);

function expectValid(alerts: Alert[]): void {
  for (const a of alerts) {
    const ok = validateAlert(a);
    expect(validateAlert.errors ?? [], JSON.stringify(a)).toEqual([]);
    expect(ok).toBe(true);
  }
}

function alertsFor(
  period: string,
  versions: SubmissionVersion[],
  certificates: LedgerCertificate[] = [],
): { result: EvaluationResult; alerts: Alert[] } {
  const result = evaluatePeriod({ plan, period, facts: factsOf(...versions), certificates });
  const alerts = evaluationAlerts(result, plan, CREATED);
  expectValid(alerts);
  return { result, alerts };
}

const mfg = (period: string, passed: number, total: number, id = `${period}-mr`) =>
  version(MR, period, { other: [passed, total], id });
const brands = (n: number, period = '2026-Q1') =>
  Array.from({ length: n }, (_, i) => cert({ certificateNo: `SB-${i + 1}`, period }));

describe('alertId', () => {
  it('is readable and S3-key-safe for the indicator identity', () => {
    expect(
      alertId({ type: 'TARGET_BREACHED', period: '2026-Q2', department: MR, indicator: 'MFG_SPOT_CHECK_PASS_RATE' }),
    ).toBe('TARGET_BREACHED.2026-Q2.market-regulation.MFG_SPOT_CHECK_PASS_RATE');
    expect(alertId({ type: 'SUBMISSION_LATE', period: '2026-Q1', department: CON })).toBe(
      'SUBMISSION_LATE.2026-Q1.construction',
    );
    expect(alertId({ type: 'SUBMISSION_REJECTED', period: '2026-Q1', department: CON, submissionId: 'sub-123' })).toBe(
      'SUBMISSION_REJECTED.2026-Q1.construction.sub-123',
    );
  });

  it('hashes certificate numbers that are not key-safe, stably and without collisions', () => {
    const id = (certificate: string) =>
      alertId({ type: 'CERTIFICATE_EXPIRING', period: '2026-Q2', department: MR, certificate });
    const a = id('shanghai-brand:沪品认字A-001');
    expect(a).toMatch(/^CERTIFICATE_EXPIRING\.2026-Q2\.market-regulation\.shanghai-brand-A-001-[0-9a-f]{8}$/);
    expect(id('shanghai-brand:沪品认字A-001')).toBe(a);
    expect(id('shanghai-brand:京品认字A-001')).not.toBe(a);
    // spelled like the ledger compares numbers: full-width, spaces and case do not matter
    expect(id('shanghai-brand: 沪品认字ａ-001 ')).toBe(a);
    expect(id('shanghai-standard:沪品认字A-001')).not.toBe(a);
  });

  it('keeps dots out of parts so they only separate them', () => {
    const id = alertId({ type: 'SUBMISSION_REJECTED', period: '2026-Q1', department: MR, submissionId: 'v1.2/x' });
    expect(id.split('.')).toHaveLength(4);
    expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});

describe('evaluationAlerts: which types fire', () => {
  const cases: { name: string; period: string; versions: SubmissionVersion[]; certs?: LedgerCertificate[]; code: string; types: string[] }[] = [
    { name: 'breach with a 3.5-point fall', period: '2026-Q2', versions: [mfg('2026-Q1', 97, 100), mfg('2026-Q2', 187, 200)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: ['TARGET_BREACHED', 'SHARP_DECLINE'] },
    { name: 'at risk, fall of 1 point', period: '2026-Q2', versions: [mfg('2026-Q1', 97, 100), mfg('2026-Q2', 96, 100)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: ['TARGET_AT_RISK'] },
    { name: 'met, fall of 2.01 points', period: '2026-Q2', versions: [mfg('2026-Q1', 99, 100), mfg('2026-Q2', 9699, 10000)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: ['SHARP_DECLINE'] },
    { name: 'met, fall of exactly 2.00 points', period: '2026-Q2', versions: [mfg('2026-Q1', 99, 100), mfg('2026-Q2', 97, 100)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: [] },
    { name: 'recovered from a breach', period: '2026-Q2', versions: [mfg('2026-Q1', 94, 100), mfg('2026-Q2', 98, 100)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: ['TARGET_RECOVERED'] },
    { name: 'recovered from at risk (last report before a gap)', period: '2026-Q3', versions: [mfg('2025-Q4', 97, 100), mfg('2026-Q1', 96, 100), mfg('2026-Q3', 98, 100)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: ['TARGET_RECOVERED'] },
    { name: 'met twice', period: '2026-Q2', versions: [mfg('2026-Q1', 98, 100), mfg('2026-Q2', 98, 100)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: [] },
    { name: 'no data', period: '2026-Q2', versions: [mfg('2026-Q1', 94, 100)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: [] },
    { name: 'breach persisting into the next quarter', period: '2026-Q2', versions: [mfg('2026-Q1', 90, 100), mfg('2026-Q2', 91, 100)], code: 'MFG_SPOT_CHECK_PASS_RATE', types: ['TARGET_BREACHED'] },
    {
      name: 'stock fell by one certificate, at risk',
      period: '2026-Q2',
      versions: [],
      certs: [...brands(13), cert({ certificateNo: 'SB-13', status: 'withdrawn', period: '2026-Q2' })],
      code: 'SHANGHAI_BRAND_TOTAL',
      types: ['TARGET_AT_RISK', 'SHARP_DECLINE'],
    },
    { name: 'stock steady above pace', period: '2026-Q2', versions: [], certs: brands(14), code: 'SHANGHAI_BRAND_TOTAL', types: [] },
    {
      name: 'level fell, at risk',
      period: '2026-Q2',
      versions: [
        version(MR, '2026-Q1', { indicators: { HIGH_VALUE_PATENTS_PER_10K: 60 } }),
        version(MR, '2026-Q2', { indicators: { HIGH_VALUE_PATENTS_PER_10K: 59.5 } }),
      ],
      code: 'HIGH_VALUE_PATENTS_PER_10K',
      types: ['TARGET_AT_RISK', 'SHARP_DECLINE'],
    },
    {
      name: 'flow behind pace',
      period: '2026-Q2',
      versions: [
        version(MR, '2026-Q1', { indicators: { CHIEF_QUALITY_OFFICERS_COUNT: 9 } }),
        version(MR, '2026-Q2', { indicators: { CHIEF_QUALITY_OFFICERS_COUNT: 0 } }),
      ],
      code: 'CHIEF_QUALITY_OFFICERS_COUNT',
      types: ['TARGET_BREACHED'],
    },
    { name: 'rating reported', period: '2026-Q1', versions: [version(CON, '2026-Q1', { indicators: { MAJOR_PROJECTS_LEVEL: '国内先进' } })], code: 'MAJOR_PROJECTS_LEVEL', types: [] },
  ];
  it.each(cases)('$name → $types', ({ period, versions, certs, code, types }) => {
    const { alerts } = alertsFor(period, versions, certs);
    expect(alerts.filter((a) => a.indicator === code).map((a) => a.type)).toEqual(types);
  });
});

describe('evaluationAlerts: content', () => {
  it('words a breach with value, unit and target, and carries the evaluation’s facts', () => {
    const { alerts } = alertsFor('2026-Q2', [mfg('2026-Q1', 97, 100), mfg('2026-Q2', 187, 200, 'sub-q2')]);
    const breach = alerts.find((a) => a.type === 'TARGET_BREACHED')!;
    expect(breach).toEqual({
      id: 'TARGET_BREACHED.2026-Q2.market-regulation.MFG_SPOT_CHECK_PASS_RATE',
      type: 'TARGET_BREACHED',
      severity: 'critical',
      period: '2026-Q2',
      department: MR,
      indicator: 'MFG_SPOT_CHECK_PASS_RATE',
      value: 93.5,
      target: 95,
      expected: null,
      message: {
        zh: '2026年第2季度 制造业产品质量监督抽查合格率为 93.50%，低于目标 95%（未达标）',
        en: '2026-Q2 Manufactured product spot-check pass rate is 93.50%, below the target of 95% (breached)',
      },
      createdAt: CREATED,
      source: 'sub-q2',
    });
    const decline = alerts.find((a) => a.type === 'SHARP_DECLINE')!;
    expect(decline.severity).toBe('warning');
    expect(decline.message.en).toBe(
      '2026-Q2 Manufactured product spot-check pass rate is 93.50%, down 3.50 points from 97.00% in 2026-Q1 (sharp decline)',
    );
  });

  it('words a paced at-risk alert with the pace and the plan target', () => {
    const certs = [...brands(13), cert({ certificateNo: 'SB-13', status: 'withdrawn', period: '2026-Q2', submissionId: 'sub-w' })];
    const { alerts } = alertsFor('2026-Q2', [], certs);
    const risk = alerts.find((a) => a.type === 'TARGET_AT_RISK')!;
    expect(risk.message).toEqual({
      zh: '2026年第2季度 获“上海品牌”认证的服务和产品总数为 12 个，略低于当期进度 13 个（规划目标 22 个）（有风险）',
      en: '2026-Q2 Products and services certified “Shanghai Brand” is 12, slightly below the pace of 13 for this quarter (plan target 22) (at risk)',
    });
    expect([risk.value, risk.target, risk.expected, risk.source]).toEqual([12, 22, 13, 'sub-w']);
  });

  it('addresses an indicator’s alerts to its owner and lets the caller name the source', () => {
    const result = evaluatePeriod({
      plan,
      period: '2026-Q1',
      facts: factsOf(version(MR, '2026-Q1', { buildingMaterial: [90, 100], id: 'rows-from-mr' })),
      certificates: [],
    });
    const alerts = evaluationAlerts(result, plan, CREATED, (code) => (code === 'BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE' ? 'given' : undefined));
    const breach = alerts.find((a) => a.indicator === 'BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE')!;
    expect([breach.type, breach.department, breach.source]).toEqual(['TARGET_BREACHED', CON, 'given']);
    expectValid(alerts);
  });

  it('gives the same ids on every run', () => {
    const versions = [mfg('2026-Q1', 97, 100), mfg('2026-Q2', 187, 200)];
    const first = alertsFor('2026-Q2', versions).alerts.map((a) => a.id);
    const second = alertsFor('2026-Q2', versions).alerts.map((a) => a.id);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('never flags a flow or a rating as declining', () => {
    const base: IndicatorEvaluation = {
      code: 'STANDARDS_LED_COUNT', name: '标准', nameEn: 'Standards', unit: '项', kind: 'flow', owner: MR,
      status: 'met', value: 3, quarter: 3, cumulative: 3, target: 50, baseline: null, expected: 2.5,
      previous: { period: '2026-Q1', value: 50, status: 'met' }, yearToDate: 3, series: [], sources: [], notes: [],
    };
    const rating: IndicatorEvaluation = {
      ...base, code: 'MAJOR_PROJECTS_LEVEL', unit: 'rating', kind: 'qualitative', status: 'needs_review',
      value: '一般', target: '国内领先水平', expected: null, previous: { period: '2026-Q1', value: '国内领先', status: 'needs_review' },
    };
    const alerts = evaluationAlerts({ plan: '15th', period: '2026-Q2', indicators: [base, rating] }, plan, CREATED);
    expect(alerts).toEqual([]);
  });
});

describe('rejectionAlert', () => {
  it('tells the department its submission was rejected, identified by the submission', () => {
    const v: SubmissionVersion = { ...version(CON, '2026-Q1', { id: 'sub-123', status: 'rejected' }), errors: 3, warnings: 1, fileName: '建管委一季度.xlsx' };
    const alert = rejectionAlert(v, CREATED);
    expect(alert).toEqual({
      id: 'SUBMISSION_REJECTED.2026-Q1.construction.sub-123',
      type: 'SUBMISSION_REJECTED',
      severity: 'info',
      period: '2026-Q1',
      department: CON,
      message: {
        zh: '区建设管理委 报送的2026年第1季度数据文件“建管委一季度.xlsx”未通过校验（错误 3 项，警告 1 项），已整体退回；请按校验报告修改后重新上传',
        en: 'The 2026-Q1 file “建管委一季度.xlsx” from District Construction Management Commission was rejected (3 errors, 1 warning); fix it as the validation report shows and upload it again',
      },
      createdAt: CREATED,
      source: 'sub-123',
    });
    expectValid([alert]);
    expect(rejectionAlert({ ...v, submissionId: 'sub-124' }, CREATED).id).not.toBe(alert.id);
  });
});

describe('alert.schema.json', () => {
  it('rejects an alert missing its indicator or with the wrong severity', () => {
    const good = rejectionAlert(version(CON, '2026-Q1', { id: 's', status: 'rejected' }), CREATED);
    expect(validateAlert({ ...good, severity: 'critical' })).toBe(false);
    expect(validateAlert({ ...good, type: 'TARGET_BREACHED', severity: 'critical' })).toBe(false);
    expect(validateAlert({ ...good, extra: 1 })).toBe(false);
    expect(validateAlert(good)).toBe(true);
  });
});
