// Where qtrack's messages go: the alert topic (target alerts for the quality
// office) and the ops topic (alarms for the operator), both KMS-encrypted.
import { RemovalPolicy } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** E-mail addresses per department code: each gets only the alerts whose `department` attribute is that code. */
export type DepartmentEmails = Readonly<Record<string, readonly string[]>>;

const EMAIL = /^[^\s@,;=]+@[^\s@,;=]+\.[^\s@,;=]+$/;

/**
 * Reads the `qtrack:departmentEmails` context: `code=a@x.cn,b@x.cn;code2=c@x.cn`
 * (as `-c` gives it) or, from cdk.json, an object `{ "code": ["a@x.cn"] }` or
 * `{ "code": "a@x.cn,b@x.cn" }`. Every code must be one of `codes` (schemas/departments.json)
 * and every address look like one; otherwise it fails naming what is wrong.
 */
export function parseDepartmentEmails(value: unknown, codes: readonly string[], key = 'qtrack:departmentEmails'): DepartmentEmails | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const entries: [string, string[]][] = [];
  const split = (list: string) => list.split(',').map((s) => s.trim()).filter(Boolean);
  if (typeof value === 'string') {
    for (const part of value.split(';').map((s) => s.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq < 0) throw new Error(`context ${key}: "${part}" is not department=email[,email…] (departments separated by ;)`);
      entries.push([part.slice(0, eq).trim(), split(part.slice(eq + 1))]);
    }
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [code, list] of Object.entries(value as Record<string, unknown>)) {
      if (typeof list === 'string') entries.push([code, split(list)]);
      else if (Array.isArray(list) && list.every((e) => typeof e === 'string')) entries.push([code, (list as string[]).map((e) => e.trim()).filter(Boolean)]);
      else throw new Error(`context ${key}: the e-mails of ${code} must be a list of addresses`);
    }
  } else {
    throw new Error(`context ${key} must be department=email[,email…];… or an object of department → e-mails`);
  }
  const result: Record<string, string[]> = {};
  for (const [code, emails] of entries) {
    if (!codes.includes(code)) throw new Error(`context ${key}: unknown department "${code}"; known: ${codes.join(', ')}`);
    if (emails.length === 0) throw new Error(`context ${key}: department ${code} lists no e-mail address`);
    for (const email of emails) if (!EMAIL.test(email)) throw new Error(`context ${key}: "${email}" (department ${code}) is not an e-mail address`);
    result[code] = [...new Set([...(result[code] ?? []), ...emails])];
  }
  return result;
}

export interface AlertingProps {
  /** E-mail addresses subscribed to every target alert (the quality office), unfiltered. @default - none */
  readonly alertEmails?: readonly string[];
  /**
   * E-mail addresses subscribed per department, each with a filter policy on the
   * `department` message attribute (functions/adapters/sns/alert-publisher.ts). An
   * address listed for several departments gets one subscription for all of them.
   * @default - none
   */
  readonly departmentEmails?: DepartmentEmails;
  /** E-mail addresses subscribed to operational alarms. @default - none */
  readonly opsEmails?: readonly string[];
}

export class Alerting extends Construct {
  /** Customer-managed key: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key. */
  public readonly key: Key;
  /** Target alerts (TARGET_BREACHED, SUBMISSION_LATE, …) for the quality office. */
  public readonly alertTopic: Topic;
  /** CloudWatch alarms (function errors, throttles, dead letters) for the operator. */
  public readonly opsTopic: Topic;

  constructor(scope: Construct, id: string, props: AlertingProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'qtrack: encrypts the alert and ops SNS topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch publishes alarm notifications to the encrypted ops topic.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.alertTopic = new Topic(this, 'AlertTopic', {
      displayName: 'qtrack 质量目标预警 / quality target alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.opsTopic = new Topic(this, 'OpsTopic', {
      displayName: 'qtrack 运行告警 / operations alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    const office = new Set(props.alertEmails ?? []);
    for (const email of office) this.alertTopic.addSubscription(new EmailSubscription(email));
    // one subscription per address (SNS keeps one per topic, protocol and endpoint), allowing its departments
    const departmentsOf = new Map<string, string[]>();
    for (const [code, emails] of Object.entries(props.departmentEmails ?? {})) {
      for (const email of emails) departmentsOf.set(email, [...(departmentsOf.get(email) ?? []), code]);
    }
    for (const [email, codes] of departmentsOf) {
      if (office.has(email)) {
        throw new Error(`${email} is both an alert e-mail (every alert) and a department e-mail (${codes.join(', ')}); list it once`);
      }
      this.alertTopic.addSubscription(
        new EmailSubscription(email, {
          filterPolicy: { department: SubscriptionFilter.stringFilter({ allowlist: [...new Set(codes)].sort() }) },
        }),
      );
    }
    for (const email of props.opsEmails ?? []) this.opsTopic.addSubscription(new EmailSubscription(email));
  }
}
