// What the operator watches: an Errors and a Throttles alarm per function, an
// alarm on any dead letter, all notifying the ops topic, and one dashboard.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationsProps {
  /** Functions by short name (ingest, evaluate, …). */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly opsTopic: ITopic;
  /** Alarm evaluation period. @default 5 minutes */
  readonly period?: Duration;
}

export class Operations extends Construct {
  /** Keyed `${name}Errors`, `${name}Throttles`, `DeadLetters`. */
  public readonly alarms: Readonly<Record<string, Alarm>>;
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const action = new SnsAction(props.opsTopic);
    const alarms: Record<string, Alarm> = {};

    // Any occurrence is worth a look: this pipeline runs a few hundred times a quarter.
    const alarmOnAny = (name: string, metric: IMetric, description: string) => {
      const alarm = new Alarm(this, name, {
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      alarms[name] = alarm;
    };

    for (const [name, fn] of Object.entries(props.functions)) {
      const label = capitalise(name);
      alarmOnAny(
        `${label}Errors`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        `qtrack ${name} 函数出错 / ${name} function errors`,
      );
      alarmOnAny(
        `${label}Throttles`,
        fn.metricThrottles({ period, statistic: 'Sum' }),
        `qtrack ${name} 函数被限流 / ${name} function throttled`,
      );
    }
    alarmOnAny(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'qtrack 有上传文件多次处理失败，进入死信队列 / uploads failed ingest and reached the dead-letter queue',
    );
    this.alarms = alarms;

    const fns = Object.entries(props.functions);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new GraphWidget({
            title: 'Invocations / errors',
            left: fns.map(([, fn]) => fn.metricInvocations({ period })),
            right: fns.map(([, fn]) => fn.metricErrors({ period })),
            width: 12,
          }),
          new GraphWidget({
            title: 'Duration (p95)',
            left: fns.map(([, fn]) => fn.metricDuration({ period, statistic: 'p95' })),
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Ingest queue',
            left: [
              props.queue.metricApproximateNumberOfMessagesVisible({ period }),
              props.queue.metricApproximateAgeOfOldestMessage({ period }),
            ],
            right: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period })],
            width: 24,
          }),
        ],
      ],
    });
  }
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
