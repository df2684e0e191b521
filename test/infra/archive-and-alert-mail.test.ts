// PRODUCT §10's archive bucket (object lock, versioning, colder storage, the two
// prefixes the pipeline may write) and who gets the alert e-mails: the office
// everything, each department's addresses only its own (a filter policy on the
// `department` attribute), and the portal link in the publishing functions.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PREFIX } from '../../functions/core/object-keys';
import { ENV } from '../../functions/runtime/env';
import departmentRegistry from '../../schemas/departments.json';
import { parseDepartmentEmails } from '../../infra/constructs/alerting';
import { ARCHIVE_RETENTION_DAYS } from '../../infra/constructs/data-store';
import { buildStack, environmentOf, grantsOf, logicalId, statementsOf, actionsOf } from './helpers';

const codes = departmentRegistry.departments.map((d) => d.code);

describe('the archive bucket (PRODUCT §10)', () => {
  const built = buildStack();
  const { stack, json, template } = built;
  const archive = logicalId(stack.data.archive);
  const props = json.Resources[archive]!.Properties!;

  it('is versioned, object-locked in GOVERNANCE mode for five years, retained', () => {
    expect(ARCHIVE_RETENTION_DAYS).toBe(1825);
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.ObjectLockEnabled).toBe(true);
    expect(props.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1825 } },
    });
    expect([json.Resources[archive]!.DeletionPolicy, json.Resources[archive]!.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('moves current and earlier versions to Standard-IA at 30 days and Glacier at 180, and never expires them', () => {
    const rules = props.LifecycleConfiguration.Rules as Record<string, unknown>[];
    const colder = rules.find((r) => r.Id === 'colder-storage');
    expect(colder).toMatchObject({
      Status: 'Enabled',
      Transitions: [
        { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
        { StorageClass: 'GLACIER', TransitionInDays: 180 },
      ],
      NoncurrentVersionTransitions: [
        { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
        { StorageClass: 'GLACIER', TransitionInDays: 180 },
      ],
    });
    for (const r of rules) {
      expect(r.ExpirationInDays).toBeUndefined();
      expect(r.NoncurrentVersionExpiration).toBeUndefined();
    }
  });

  it('logs its access to the access-log bucket like the others', () => {
    expect(props.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalId(stack.data.accessLogs) },
      LogFilePrefix: 'archive/',
    });
  });

  it('lets ingest write submissions/ and summary write summaries/ of it, nothing else, and no one delete or change retention', () => {
    const { ingest } = stack.intake;
    const { evaluate, monitor, summary } = stack.jobs;
    const onArchive = (fn: typeof ingest) =>
      statementsOf(built, fn)
        .filter((s) => JSON.stringify(s.Resource).includes(archive))
        .map((s) => ({ actions: actionsOf(s), resources: grantsOf(built, fn, actionsOf(s)[0]!).filter((r) => r.startsWith(archive)) }));
    expect(onArchive(ingest)).toEqual([{ actions: ['s3:PutObject'], resources: [`${archive}.Arn/${PREFIX.submissions}*`] }]);
    expect(onArchive(summary)).toEqual([{ actions: ['s3:PutObject'], resources: [`${archive}.Arn/${PREFIX.summaries}*`] }]);
    expect(onArchive(evaluate)).toEqual([]);
    expect(onArchive(monitor)).toEqual([]);
    expect(environmentOf(built, ingest)[ENV.archiveBucket]).toEqual({ Ref: archive });
    expect(environmentOf(built, summary)[ENV.archiveBucket]).toEqual({ Ref: archive });
    expect(environmentOf(built, evaluate)[ENV.archiveBucket]).toBeUndefined();
  });

  it('is denied without TLS, and exported for the CLI', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: archive },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    expect(json.Outputs?.ArchiveBucketName).toEqual({ Value: { Ref: archive } });
  });
});

describe('qtrack:departmentEmails', () => {
  it('reads department=emails;… and the cdk.json object form alike', () => {
    const expected = { 'market-regulation': ['a@x.cn', 'b@x.cn'], construction: ['c@x.cn'] };
    expect(parseDepartmentEmails('market-regulation=a@x.cn, b@x.cn; construction=c@x.cn;', codes)).toEqual(expected);
    expect(parseDepartmentEmails({ 'market-regulation': ['a@x.cn', 'b@x.cn'], construction: 'c@x.cn' }, codes)).toEqual(expected);
    expect(parseDepartmentEmails(undefined, codes)).toBeUndefined();
    expect(parseDepartmentEmails('', codes)).toBeUndefined();
  });

  it('refuses an unknown department, a missing =, an empty list and a non-address, naming them', () => {
    expect(() => parseDepartmentEmails('market=a@x.cn', codes)).toThrow(/unknown department "market"; known: market-regulation, construction/);
    expect(() => parseDepartmentEmails('a@x.cn', codes)).toThrow(/"a@x.cn" is not department=email/);
    expect(() => parseDepartmentEmails('construction=', codes)).toThrow(/construction lists no e-mail address/);
    expect(() => parseDepartmentEmails('construction=someone', codes)).toThrow(/"someone" \(department construction\) is not an e-mail address/);
    expect(() => parseDepartmentEmails(['a@x.cn'], codes)).toThrow(/qtrack:departmentEmails must be/);
  });
});

describe('who gets the alert e-mails', () => {
  const built = buildStack({
    alertEmails: ['office@x.cn'],
    departmentEmails: { 'market-regulation': ['mr@x.cn', 'both@x.cn'], construction: ['both@x.cn'] },
    portalUrl: 'https://qtrack.example.cn/',
  });
  const topic = logicalId(built.stack.alerting.alertTopic);
  const subscriptions = Object.values(built.json.Resources)
    .filter((r) => r.Type === 'AWS::SNS::Subscription')
    .map((r) => r.Properties!);

  it('the office address gets every alert, unfiltered', () => {
    const office = subscriptions.find((s) => s.Endpoint === 'office@x.cn');
    expect(office).toMatchObject({ Protocol: 'email', TopicArn: { Ref: topic } });
    expect(office!.FilterPolicy).toBeUndefined();
  });

  it('a department address gets only its departments’ alerts: a filter policy on the department attribute', () => {
    expect(subscriptions).toHaveLength(3);
    const byEndpoint = Object.fromEntries(subscriptions.map((s) => [s.Endpoint, s]));
    expect(byEndpoint['mr@x.cn']).toMatchObject({ Protocol: 'email', TopicArn: { Ref: topic }, FilterPolicy: { department: ['market-regulation'] } });
    // one subscription for an address listed under two departments
    expect(byEndpoint['both@x.cn']!.FilterPolicy).toEqual({ department: ['construction', 'market-regulation'] });
    for (const s of subscriptions) expect(s.FilterPolicyScope ?? 'MessageAttributes').toBe('MessageAttributes');
  });

  it('refuses an address that is both the office’s and a department’s', () => {
    expect(() => buildStack({ alertEmails: ['a@x.cn'], departmentEmails: { construction: ['a@x.cn'] } })).toThrow(/a@x.cn is both an alert e-mail/);
  });

  it('links the portal from the functions that publish alerts: the configured address, else the portal distribution', () => {
    const { ingest } = built.stack.intake;
    const { evaluate, monitor, summary } = built.stack.jobs;
    for (const fn of [ingest, evaluate, monitor]) expect(environmentOf(built, fn)[ENV.portalUrl]).toBe('https://qtrack.example.cn/');
    expect(environmentOf(built, summary)[ENV.portalUrl]).toBeUndefined();
    const plain = buildStack();
    const distribution = logicalId(plain.stack.portal.distribution);
    for (const fn of [plain.stack.intake.ingest, plain.stack.jobs.evaluate, plain.stack.jobs.monitor]) {
      expect(environmentOf(plain, fn)[ENV.portalUrl]).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] });
    }
    expect(() => buildStack({ portalUrl: 'qtrack.example.cn' })).toThrow(/portalUrl must be an http\(s\) address/);
  });
});
