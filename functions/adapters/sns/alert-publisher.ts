import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../../core/model';
import type { AlertPublisher } from '../../core/ports';

/** Publishes each alert to the SNS alert topic: subject in Chinese, the alert JSON as the body. */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: Alert): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // SNS subjects: ASCII-safe is not required, but at most 100 characters
        Subject: `[qtrack] ${alert.type} ${alert.period}`.slice(0, 100),
        Message: JSON.stringify(alert, null, 2),
        MessageAttributes: {
          type: { DataType: 'String', StringValue: alert.type },
          severity: { DataType: 'String', StringValue: alert.severity },
          department: { DataType: 'String', StringValue: alert.department },
        },
      }),
    );
  }
}
