// The CDK app (cdk.json "app"). One stack, `Qtrack`: `npx cdk deploy` deploys it all.
// Environment-agnostic, so `npx cdk synth` works offline without credentials.
//
// Optional context (cdk.json or -c key=value):
//   qtrack:dueDays, qtrack:summaryDays, qtrack:plan, qtrack:scheduleHourUtc
//   qtrack:alertEmails, qtrack:opsEmails   comma-separated e-mail addresses (alertEmails: every alert)
//   qtrack:departmentEmails   per department, filtered on its alerts:
//                             market-regulation=a@x.cn,b@x.cn;construction=c@x.cn
//   qtrack:portalUrl          https address linked from alert e-mails (default: the portal's own)
//   qtrack:portalDomain, qtrack:portalCertificateArn
//                             serve the portal on its own domain, with an ACM certificate
//                             in us-east-1 (CloudFront's requirement); enforces TLS 1.2+
//   qtrack:portalCountries    comma-separated ISO country codes the portal is served to (e.g. CN)
//
// The portal's static files must be built first (`npm run build` writes dist/portal).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import departmentRegistry from '../schemas/departments.json';
import { parseDepartmentEmails } from './constructs/alerting';
import type { PortalDomain } from './constructs/portal';
import { QtrackStack } from './stacks/qtrack-stack';

const app = new App();

function intContext(key: string): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`context ${key} must be an integer, got ${String(value)}`);
  return n;
}

function listContext(key: string): string[] | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function portalDomain(): PortalDomain | undefined {
  const domainName = (app.node.tryGetContext('qtrack:portalDomain') as string | undefined) || undefined;
  const certificateArn = (app.node.tryGetContext('qtrack:portalCertificateArn') as string | undefined) || undefined;
  if (!domainName && !certificateArn) return undefined;
  if (!domainName || !certificateArn) {
    throw new Error('qtrack:portalDomain and qtrack:portalCertificateArn go together: give both or neither');
  }
  return { domainName, certificateArn };
}

new QtrackStack(app, 'Qtrack', {
  dueDays: intContext('qtrack:dueDays'),
  summaryDays: intContext('qtrack:summaryDays'),
  plan: app.node.tryGetContext('qtrack:plan') as string | undefined,
  scheduleHourUtc: intContext('qtrack:scheduleHourUtc'),
  alertEmails: listContext('qtrack:alertEmails'),
  opsEmails: listContext('qtrack:opsEmails'),
  departmentEmails: parseDepartmentEmails(
    app.node.tryGetContext('qtrack:departmentEmails'),
    departmentRegistry.departments.map((d) => d.code),
  ),
  portalUrl: (app.node.tryGetContext('qtrack:portalUrl') as string | undefined) || undefined,
  portalDomain: portalDomain(),
  portalCountries: listContext('qtrack:portalCountries')?.map((c) => c.toUpperCase()),
});

// cdk-nag 3: the AWS Solutions checks run at synth; an unacknowledged finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
