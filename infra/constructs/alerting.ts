// Where qtrack's messages go: the alert topic (target alerts for the quality
// office) and the ops topic (alarms for the operator), both KMS-encrypted.
import { RemovalPolicy } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertingProps {
  /** E-mail addresses subscribed to target alerts. @default - none */
  readonly alertEmails?: readonly string[];
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
    for (const email of props.alertEmails ?? []) this.alertTopic.addSubscription(new EmailSubscription(email));
    for (const email of props.opsEmails ?? []) this.opsTopic.addSubscription(new EmailSubscription(email));
  }
}
