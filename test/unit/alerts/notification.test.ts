// The alert e-mail as people read it: every alert type renders Chinese first,
// then English, in plain text (never JSON), under an ASCII subject SNS accepts;
// and the SNS adapter publishes it with the department attribute a
// subscription's filter policy matches (a stubbed client: SNS is not emulated here).
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { SnsAlertPublisher } from '../../../functions/adapters/sns/alert-publisher';
import { evaluationAlerts, rejectionAlert } from '../../../functions/core/alerts/alerts';
import { SUBJECT_MAX, alertEmailBody, alertNotification, alertSubject, asciiSubject } from '../../../functions/core/alerts/notification';
import { DEPARTMENTS, indicator, loadPlan } from '../../../functions/core/catalog';
import { ALERT_TYPE_LABEL } from '../../../functions/core/labels';
import type { Alert, AlertType, IndicatorEvaluation } from '../../../functions/core/model';
import { expiringCertificateAlerts } from '../../../functions/core/monitoring/expiring-certificates';
import { lateSubmissionAlerts } from '../../../functions/core/monitoring/late-submissions';
import { DEFAULT_OFFSETS } from '../../../functions/core/periods';
import { cert, version } from '../evaluation/builders';

const plan = loadPlan('15th');
const CREATED = '2026-07-12T01:00:00.000Z';
const PORTAL = 'https://qtrack.example.cn/';

/** An evaluation of the manufacturing pass rate (a % threshold of market-regulation), as evaluate would give it. */
function passRate(spec: Partial<IndicatorEvaluation>): IndicatorEvaluation {
  const def = indicator(plan, 'MFG_SPOT_CHECK_PASS_RATE')!;
  return {
    code: def.code,
    name: def.name,
    nameEn: def.nameEn,
    unit: def.unit,
    kind: def.kind,
    owner: def.owner,
    status: 'met',
    value: 96,
    quarter: 96,
    cumulative: null,
    target: 95,
    baseline: null,
    expected: null,
    previous: null,
    yearToDate: 96,
    series: [],
    sources: ['20260405T020000Z-abc'],
    notes: [],
    ...spec,
  };
}

function oneOfEach(): Record<AlertType, Alert> {
  const evaluation = evaluationAlerts(
    {
      plan: plan.id,
      period: '2026-Q2',
      indicators: [
        passRate({ status: 'breached', value: 90.5, previous: { period: '2026-Q1', value: 96, status: 'met' } }),
        passRate({ status: 'at_risk', value: 95.4, previous: { period: '2026-Q1', value: 95.8, status: 'met' } }),
        passRate({ status: 'met', value: 97, previous: { period: '2026-Q1', value: 93, status: 'breached' } }),
      ],
    },
    plan,
    CREATED,
  );
  const rejected = rejectionAlert(
    { ...version('construction', '2026-Q2', { id: '20260705T020000Z-def' }), status: 'rejected', fileName: '二季度.xlsx', errors: 3, warnings: 1 },
    CREATED,
  );
  const late = lateSubmissionAlerts({
    date: new Date('2026-07-15T01:00:00Z'),
    plan,
    departments: DEPARTMENTS,
    versionsByPeriod: new Map(),
    offsets: DEFAULT_OFFSETS,
  });
  const expiring = expiringCertificateAlerts({
    date: new Date('2026-07-15T01:00:00Z'),
    certificates: [cert({ certificateNo: 'SB-1', holder: '某某公司', expiresOn: '2026-08-01', period: '2026-Q2' })],
  });
  const all = [...evaluation, rejected, ...late, ...expiring];
  const byType = {} as Record<AlertType, Alert>;
  for (const a of all) byType[a.type] ??= a;
  return byType;
}

const alerts = oneOfEach();

describe('the alert e-mail', () => {
  it('covers every alert type', () => {
    expect(Object.keys(alerts).sort()).toEqual(Object.keys(ALERT_TYPE_LABEL).sort());
  });

  for (const type of Object.keys(ALERT_TYPE_LABEL) as AlertType[]) {
    it(`${type}: Chinese first then English, plain text, the alert's own message, what to do, the portal`, () => {
      const alert = alerts[type];
      const info = alert.indicator ? indicator(plan, alert.indicator) : undefined;
      const body = alertEmailBody(alert, { portalUrl: PORTAL, ...(info ? { indicator: info } : {}) });
      const zhAt = body.indexOf(alert.message.zh);
      const enAt = body.indexOf(alert.message.en);
      expect(zhAt).toBeGreaterThan(-1);
      expect(enAt).toBeGreaterThan(zhAt);
      // the first line is Chinese: type and severity from labels.ts
      expect(body.split('\n')[0]).toContain(ALERT_TYPE_LABEL[type].zh);
      expect(body.indexOf(ALERT_TYPE_LABEL[type].zh)).toBeLessThan(body.toLowerCase().indexOf(ALERT_TYPE_LABEL[type].en));
      expect(body.toLowerCase().indexOf(ALERT_TYPE_LABEL[type].en)).toBeGreaterThan(zhAt);
      expect(body).toMatch(/请办理：/);
      expect(body).toMatch(/What to do: /);
      expect(body.indexOf('请办理：')).toBeLessThan(enAt);
      expect(body).toContain(`查看详情：${PORTAL}`);
      expect(body).toContain(`Details: ${PORTAL}`);
      // not JSON
      expect(body).not.toMatch(/[{}]/);
      expect(body).not.toMatch(/"\w+":/);
      expect(() => JSON.parse(body)).toThrow();
    });
  }

  for (const type of Object.keys(ALERT_TYPE_LABEL) as AlertType[]) {
    it(`${type}: an ASCII subject of at most ${SUBJECT_MAX} characters naming the type and the period`, () => {
      const subject = alertSubject(alerts[type]);
      expect(subject).toMatch(/^[\x20-\x7e]+$/);
      expect(subject.length).toBeLessThanOrEqual(100);
      expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
      expect(subject).toMatch(/^\[qtrack\] /);
      expect(subject.toLowerCase()).toContain(ALERT_TYPE_LABEL[type].en);
      expect(subject).toContain(alerts[type].period);
    });
  }

  it('gives the value against the target with the unit, and the pace of a paced indicator', () => {
    const breached = alerts.TARGET_BREACHED;
    const body = alertEmailBody(breached, { indicator: indicator(plan, breached.indicator!)! });
    expect(body).toContain('本期数值：90.50%；目标：95%');
    expect(body).toContain('Value: 90.50%; target: 95%');
    expect(body).toContain(`指标：${indicator(plan, breached.indicator!)!.name}（MFG_SPOT_CHECK_PASS_RATE）`);
    const paced = alertEmailBody({ ...breached, value: 30, target: 150, expected: 60 }, { indicator: { name: '首席质量官', nameEn: 'chief quality officers', unit: '名' } });
    expect(paced).toContain('本期数值：30 名；目标：150 名；当期进度：60 名');
    expect(paced).toContain('Value: 30; target: 150; pace for this quarter: 60');
  });

  it('leaves the link out when no portal is configured', () => {
    const body = alertEmailBody(alerts.SUBMISSION_REJECTED);
    expect(body).not.toMatch(/查看详情|Details:/);
  });

  it('keeps any subject within the limit and ASCII, whatever the alert carries', () => {
    const long = { ...alerts.CERTIFICATE_EXPIRING, department: '区市场监管局', certificate: `shanghai-brand:${'证'.repeat(40)}${'X'.repeat(200)}` };
    const subject = alertSubject(long);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(subject.endsWith('...')).toBe(true);
    expect(asciiSubject('a\nb\tc 中文 d')).toBe('a b c d');
    expect(alertNotification(alerts.TARGET_RECOVERED).subject).toBe(alertSubject(alerts.TARGET_RECOVERED));
  });
});

describe('SnsAlertPublisher', () => {
  function stubbed() {
    const sent: PublishCommand[] = [];
    const sns = { send: async (command: PublishCommand) => void sent.push(command) } as unknown as SNSClient;
    return { sent, sns };
  }

  it('publishes the e-mail text for email and the alert JSON for everything else, with the filterable attributes', async () => {
    const { sent, sns } = stubbed();
    const alert = alerts.TARGET_BREACHED;
    await new SnsAlertPublisher(sns, 'arn:aws:sns:cn-north-1:1:alerts', { portalUrl: PORTAL, indicator: (code) => indicator(plan, code) }).publish(alert);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PublishCommand);
    const input = sent[0]!.input;
    expect(input.TopicArn).toBe('arn:aws:sns:cn-north-1:1:alerts');
    expect(input.MessageStructure).toBe('json');
    expect(input.Subject).toBe(alertSubject(alert));
    const message = JSON.parse(input.Message!) as { default: string; email: string };
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    expect(JSON.parse(message.default)).toEqual(alert);
    expect(message.email).toBe(alertEmailBody(alert, { portalUrl: PORTAL, indicator: indicator(plan, alert.indicator!)! }));
    expect(input.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'TARGET_BREACHED' },
      severity: { DataType: 'String', StringValue: 'critical' },
      department: { DataType: 'String', StringValue: 'market-regulation' },
    });
  });

  it('addresses a rejection to the department that uploaded it, so its filtered subscription gets it', async () => {
    const { sent, sns } = stubbed();
    const alert = alerts.SUBMISSION_REJECTED;
    expect(alert.department).toBe('construction');
    await new SnsAlertPublisher(sns, 'arn:topic').publish(alert);
    const input = sent[0]!.input;
    expect(input.MessageAttributes?.department).toEqual({ DataType: 'String', StringValue: 'construction' });
    expect(input.MessageAttributes?.type).toEqual({ DataType: 'String', StringValue: 'SUBMISSION_REJECTED' });
    const email = (JSON.parse(input.Message!) as { email: string }).email;
    expect(email.startsWith('【提示】报送被退回')).toBe(true);
    expect(email).toContain('二季度.xlsx');
    // a filter policy { department: ['construction'] } matches it (SNS string matching: exact value)
    const policy = { department: ['construction'] };
    expect(policy.department).toContain(input.MessageAttributes!.department!.StringValue);
  });

  it('never sends an empty attribute value (SNS refuses one)', async () => {
    const { sent, sns } = stubbed();
    await new SnsAlertPublisher(sns, 'arn:topic').publish({ ...alerts.SUBMISSION_REJECTED, department: '' });
    expect(sent[0]!.input.MessageAttributes?.department?.StringValue).toBe('unknown');
  });
});
