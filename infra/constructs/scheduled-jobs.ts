// The functions that are not driven by uploads: evaluate (on demand), monitor
// (daily) and summary (once a quarter, summaryDays after the quarter ends).
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { PipelineFunction } from './pipeline-function';

/** The months in which a quarter's follow-up days fall: the month after each quarter ends. */
const MONTHS_AFTER_QUARTER_END = '1,4,7,10';

export interface JobSchedule {
  /** Daily monitoring run. */
  readonly monitor: string;
  /** Quarterly summary run. */
  readonly summary: string;
}

/**
 * The EventBridge cron expressions (UTC) for the given offsets. Every quarter ends
 * on the last day of a month and the next month has at least 28 days, so
 * "summaryDays after the quarter's end" is day `summaryDays` of months 1, 4, 7, 10
 * whenever summaryDays ≤ 28; larger offsets are refused rather than scheduled wrong.
 */
export function jobSchedule(summaryDays: number, hourUtc: number): JobSchedule {
  if (!Number.isInteger(summaryDays) || summaryDays < 1 || summaryDays > 28) {
    throw new Error(`summaryDays must be an integer from 1 to 28, got ${summaryDays}`);
  }
  if (!Number.isInteger(hourUtc) || hourUtc < 0 || hourUtc > 23) {
    throw new Error(`scheduleHourUtc must be an integer from 0 to 23, got ${hourUtc}`);
  }
  return {
    monitor: `cron(0 ${hourUtc} * * ? *)`,
    summary: `cron(0 ${hourUtc} ${summaryDays} ${MONTHS_AFTER_QUARTER_END} ? *)`,
  };
}

export interface ScheduledJobsProps {
  /** Days after a quarter's end on which its summary runs. */
  readonly summaryDays: number;
  /** Hour (UTC) of the daily and quarterly runs. 1 = 09:00 in Shanghai. */
  readonly scheduleHourUtc: number;
}

export class ScheduledJobs extends Construct {
  /** Evaluates a period's targets; invoked by the CLI's --aws mode (and by operators). */
  public readonly evaluate: PipelineFunction;
  public readonly monitor: PipelineFunction;
  public readonly summary: PipelineFunction;
  public readonly monitorRule: Rule;
  public readonly summaryRule: Rule;

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    const schedule = jobSchedule(props.summaryDays, props.scheduleHourUtc);

    this.evaluate = new PipelineFunction(this, 'Evaluate', {
      handlerName: 'evaluate',
      description: 'qtrack: evaluate a period against the plan targets and raise alerts',
      timeout: Duration.minutes(2),
    });
    this.monitor = new PipelineFunction(this, 'Monitor', {
      handlerName: 'monitor',
      description: 'qtrack: daily check for late submissions and expiring certificates',
      timeout: Duration.minutes(2),
    });
    this.summary = new PipelineFunction(this, 'Summary', {
      handlerName: 'summary',
      description: 'qtrack: write the quarterly summary (json, xlsx, csv, html)',
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });

    // Retries cover a transient failure; a persistent one shows on the Errors alarm.
    const target = (fn: PipelineFunction) =>
      new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(6) });

    this.monitorRule = new Rule(this, 'MonitorDaily', {
      description: 'qtrack: daily monitoring (late submissions, expiring certificates)',
      schedule: Schedule.expression(schedule.monitor),
      targets: [target(this.monitor)],
    });
    this.summaryRule = new Rule(this, 'SummaryQuarterly', {
      description: `qtrack: quarterly summary, ${props.summaryDays} days after each quarter ends`,
      schedule: Schedule.expression(schedule.summary),
      targets: [target(this.summary)],
    });
  }
}
