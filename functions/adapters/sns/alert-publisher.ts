import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type IndicatorInfo, alertNotification } from '../../core/alerts/notification';
import type { Alert } from '../../core/model';
import type { AlertPublisher } from '../../core/ports';

export interface SnsAlertPublisherOptions {
  /** linked from every e-mail (QTRACK_PORTAL_URL); no link when absent */
  portalUrl?: string;
  /** the plan's indicator by code, to name it and give values with their unit */
  indicator?: (code: string) => IndicatorInfo | undefined;
}

/**
 * Publishes each alert to the SNS alert topic with MessageStructure 'json': e-mail
 * subscribers get readable Chinese-then-English text under an ASCII subject
 * (core/alerts/notification.ts); every other protocol (sqs, lambda, https,
 * email-json) gets the alert itself as JSON ('default'). The message attributes
 * `department`, `type` and `severity` let a subscription filter: a department's
 * e-mails carry a filter policy on `department` (infra/constructs/alerting.ts).
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    private readonly options: SnsAlertPublisherOptions = {},
  ) {}

  async publish(alert: Alert): Promise<void> {
    await this.sns.send(new PublishCommand(publishInput(this.topicArn, alert, this.options)));
  }
}

/** The PublishCommand input for one alert (exported for the adapter's tests). */
export function publishInput(topicArn: string, alert: Alert, options: SnsAlertPublisherOptions = {}) {
  const info = alert.indicator ? options.indicator?.(alert.indicator) : undefined;
  const { subject, body } = alertNotification(alert, { portalUrl: options.portalUrl, ...(info ? { indicator: info } : {}) });
  // SNS refuses an empty attribute value; a filter on the department then simply does not match
  const attribute = (value: string) => ({ DataType: 'String', StringValue: value || 'unknown' });
  return {
    TopicArn: topicArn,
    Subject: subject,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: JSON.stringify(alert), email: body }),
    MessageAttributes: {
      type: attribute(alert.type),
      severity: attribute(alert.severity),
      department: attribute(alert.department),
    },
  };
}
