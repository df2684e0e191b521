// The whole of qtrack in one stack, so `npx cdk deploy` deploys everything. Inside
// it, the stateful resources (DataStore: buckets, table) are one construct kept
// apart from the stateless ones (intake, jobs, alerting, operations, portal; the
// portal's user pool, which holds the people, is retained and deletion-protected).
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PREFIX } from '../../functions/core/object-keys';
import { STACK_OUTPUTS } from '../../functions/runtime/contract';
import { DEFAULT_OFFSETS } from '../../functions/core/periods';
import departmentRegistry from '../../schemas/departments.json';
import { Alerting, type DepartmentEmails } from '../constructs/alerting';
import { DataStore } from '../constructs/data-store';
import { DepartmentUploads, type UploadingDepartment } from '../constructs/department-uploads';
import { Operations } from '../constructs/operations';
import type { PipelineFunction, TableAction } from '../constructs/pipeline-function';
import { Portal, type PortalDomain } from '../constructs/portal';
import { ScheduledJobs } from '../constructs/scheduled-jobs';
import { SubmissionIntake } from '../constructs/submission-intake';
import { acknowledge, stackSingleton } from '../nag';

/** Defaults of the configurable offsets: the core's own (core/periods.ts), not a copy. */
export const DEFAULT_DUE_DAYS = DEFAULT_OFFSETS.dueDays;
export const DEFAULT_SUMMARY_DAYS = DEFAULT_OFFSETS.summaryDays;
export const DEFAULT_PLAN = '15th';
/** 01:00 UTC is 09:00 in Shanghai: runs at the start of the office's working day. */
export const DEFAULT_SCHEDULE_HOUR_UTC = 1;

/**
 * The DynamoDB actions each function's code calls (functions/adapters/dynamodb/),
 * and nothing else: no Scan (the repository's Scan fallback only serves old local
 * data dirs, through the CLI), no BatchGetItem, no DescribeTable, no wildcard.
 */
export const TABLE_ACTIONS = {
  // stores versions, pointers and record chunks, deletes superseded chunks with
  // BatchWriteItem, then evaluates the period and claims and delivers its alerts
  ingest: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
  // reads current versions and records; claims, stores and marks alerts
  evaluate: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  // evaluates the open quarters and delivers pending alerts, as evaluate does
  monitor: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
  // reads versions, records and alerts; writes only to S3
  summary: ['dynamodb:GetItem', 'dynamodb:Query'],
  // the portal's API only reads: versions, current pointers, alerts
  api: ['dynamodb:GetItem', 'dynamodb:Query'],
} as const satisfies Record<string, readonly TableAction[]>;

export interface QtrackStackProps extends StackProps {
  /** Days after a quarter's end by which its submissions are due. @default 10 */
  readonly dueDays?: number;
  /** Days after a quarter's end on which its summary runs. @default 15 */
  readonly summaryDays?: number;
  /** The five-year plan the pipeline tracks (catalog id). @default '15th' */
  readonly plan?: string;
  /** Hour (UTC) of the scheduled monitor and summary runs. @default 1 */
  readonly scheduleHourUtc?: number;
  /** E-mail subscribers of the alert topic. @default - none */
  readonly alertEmails?: readonly string[];
  /** E-mail subscribers of one department's alerts each (filtered on the `department` attribute). @default - none */
  readonly departmentEmails?: DepartmentEmails;
  /** The portal's address, linked from alert e-mails (ENV.portalUrl). @default - the portal distribution's https address */
  readonly portalUrl?: string;
  /** The portal's static files (index.html and the rest). @default - dist/portal, built by `npm run build` */
  readonly portalAssets?: string;
  /** Serve the portal on its own domain with an ACM certificate (us-east-1), which enforces TLS 1.2+. @default - the *.cloudfront.net name */
  readonly portalDomain?: PortalDomain;
  /** ISO country codes the portal is served to (CloudFront geo allowlist). @default - everywhere */
  readonly portalCountries?: readonly string[];
  /** E-mail subscribers of the ops (alarm) topic. @default - none */
  readonly opsEmails?: readonly string[];
  /** Departments that get an upload policy. @default - the registry in schemas/departments.json */
  readonly departments?: readonly UploadingDepartment[];
}

export class QtrackStack extends Stack {
  public readonly data: DataStore;
  public readonly alerting: Alerting;
  public readonly intake: SubmissionIntake;
  public readonly jobs: ScheduledJobs;
  public readonly operations: Operations;
  public readonly uploads: DepartmentUploads;
  public readonly portal: Portal;

  constructor(scope: Construct, id: string, props: QtrackStackProps = {}) {
    super(scope, id, {
      description: 'qtrack: quarterly quality-data pipeline of the Changning District quality office',
      ...props,
    });
    const dueDays = props.dueDays ?? DEFAULT_DUE_DAYS;
    const summaryDays = props.summaryDays ?? DEFAULT_SUMMARY_DAYS;
    if (!Number.isInteger(dueDays) || dueDays < 0) throw new Error(`dueDays must be a non-negative integer, got ${dueDays}`);
    // The summary reports who was late, so it must run after the due date has passed.
    if (summaryDays <= dueDays) throw new Error(`summaryDays (${summaryDays}) must be after dueDays (${dueDays})`);

    // Stateful.
    this.data = new DataStore(this, 'Data');
    const { submissions, reports, archive, table } = this.data;

    // Stateless.
    if (props.portalUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(props.portalUrl)) {
      throw new Error(`portalUrl must be an http(s) address, got ${props.portalUrl}`);
    }
    this.alerting = new Alerting(this, 'Alerting', {
      alertEmails: props.alertEmails,
      departmentEmails: props.departmentEmails,
      opsEmails: props.opsEmails,
    });
    const { alertTopic } = this.alerting;
    this.intake = new SubmissionIntake(this, 'Intake', { submissions });
    this.jobs = new ScheduledJobs(this, 'Jobs', {
      summaryDays,
      scheduleHourUtc: props.scheduleHourUtc ?? DEFAULT_SCHEDULE_HOUR_UTC,
    });
    const departments = props.departments ?? departmentRegistry.departments;
    this.portal = new Portal(this, 'Portal', {
      uploads: submissions,
      accessLogs: this.data.accessLogs,
      departments,
      assetsDir: props.portalAssets,
      domain: props.portalDomain,
      allowedCountries: props.portalCountries,
    });
    const { ingest } = this.intake;
    const { evaluate, monitor, summary } = this.jobs;
    const { api } = this.portal;

    // Who may touch what: one line per use, each granting access and naming the
    // resource in the function's environment together.
    const functions: Record<string, PipelineFunction> = { ingest, evaluate, monitor, summary, api };
    for (const fn of Object.values(functions)) {
      fn.configure({ plan: props.plan ?? DEFAULT_PLAN, dueDays: String(dueDays), summaryDays: String(summaryDays) });
    }
    // ingest: reads the uploaded version, writes its report (and alerts after the
    // evaluation it triggers), reads an earlier report back when an event is redelivered.
    ingest
      .bindBucket('submissionsBucket', submissions, { read: [PREFIX.submissions], list: [PREFIX.submissions] })
      .bindBucket('reportsBucket', reports, {
        read: [PREFIX.reports],
        list: [PREFIX.reports],
        write: [PREFIX.reports, PREFIX.alerts],
      })
      // the archive (PRODUCT §10): a locked copy of every raw upload, under submissions/ only
      .bindBucket('archiveBucket', archive, { write: [PREFIX.submissions] })
      .bindTable(table, TABLE_ACTIONS.ingest)
      .bindAlertTopic(alertTopic);
    // the functions that publish alerts link the portal from each e-mail
    for (const fn of [ingest, evaluate, monitor]) fn.configure({ portalUrl: props.portalUrl ?? this.portal.url });
    // evaluate and monitor: read submissions from the table, claim alerts in it,
    // write each alert to alerts/ and publish it.
    evaluate
      .bindTable(table, TABLE_ACTIONS.evaluate)
      .bindBucket('reportsBucket', reports, { write: [PREFIX.alerts] })
      .bindAlertTopic(alertTopic);
    monitor
      .bindTable(table, TABLE_ACTIONS.monitor)
      .bindBucket('reportsBucket', reports, { write: [PREFIX.alerts] })
      .bindAlertTopic(alertTopic);
    // summary: reads versions and alerts from the table, writes summaries/ only; it
    // raises no alerts, so it gets no topic.
    summary
      .bindTable(table, TABLE_ACTIONS.summary)
      .bindBucket('reportsBucket', reports, { write: [PREFIX.summaries] })
      // and a locked copy of every summary it publishes, under summaries/ of the archive only
      .bindBucket('archiveBucket', archive, { write: [PREFIX.summaries] });
    // api: reads versions and alerts from the table; reads reports, alerts and
    // summaries (and signs 5-minute downloads of them); signs browser uploads.
    api
      .bindTable(table, TABLE_ACTIONS.api)
      .bindBucket('reportsBucket', reports, {
        read: [PREFIX.reports, PREFIX.alerts, PREFIX.summaries],
        // so a summary not written yet answers 404 (S3 says 403 to a reader without list)
        list: [PREFIX.summaries],
      })
      // The presigned POST and GET it signs are authorised by its own permissions
      // when the browser uses them: PutObject for uploads (the POST policy pins the
      // key to the caller's own department and period), GetObject(Version) for the
      // download of an original upload by its S3 version id.
      .bindBucket('submissionsBucket', submissions, { write: [PREFIX.submissions], read: [PREFIX.submissions] });

    this.uploads = new DepartmentUploads(this, 'DepartmentUploads', { submissions, reports, departments });

    this.operations = new Operations(this, 'Operations', {
      functions,
      queue: this.intake.queue,
      deadLetterQueue: this.intake.deadLetterQueue,
      opsTopic: this.alerting.opsTopic,
    });

    this.acknowledgeNotificationsHandler();

    // Read by the CLI's --aws mode (QTRACK_STACK): names stay stable.
    const outputs: Record<string, string> = {
      [STACK_OUTPUTS.submissionsBucket]: submissions.bucketName,
      [STACK_OUTPUTS.reportsBucket]: reports.bucketName,
      [STACK_OUTPUTS.archiveBucket]: archive.bucketName,
      [STACK_OUTPUTS.table]: table.tableName,
      [STACK_OUTPUTS.alertTopicArn]: alertTopic.topicArn,
      OpsTopicArn: this.alerting.opsTopic.topicArn,
      IngestFunctionName: ingest.functionName,
      EvaluateFunctionName: evaluate.functionName,
      MonitorFunctionName: monitor.functionName,
      SummaryFunctionName: summary.functionName,
      DeadLetterQueueUrl: this.intake.deadLetterQueue.queueUrl,
      DashboardName: this.operations.dashboard.dashboardName,
      [STACK_OUTPUTS.portalUrl]: this.portal.url,
      [STACK_OUTPUTS.apiUrl]: this.portal.apiUrl,
      [STACK_OUTPUTS.userPoolId]: this.portal.userPool.userPoolId,
      [STACK_OUTPUTS.userPoolClientId]: this.portal.client.userPoolClientId,
      // the CNAME target when the portal has its own domain
      PortalDistributionDomainName: this.portal.distribution.distributionDomainName,
      ApiFunctionName: api.functionName,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });
  }

  /**
   * S3 notifications are configured by a CDK-provided singleton function at the
   * stack root; its role is not ours to set (its s3:PutBucketNotification grant is
   * already scoped to the bucket), so its one finding is acknowledged here, on
   * that construct only.
   */
  private acknowledgeNotificationsHandler(): void {
    acknowledge(
      stackSingleton(this, 'BucketNotificationsHandler'),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK-provided handler that applies the S3 → SQS notification at deploy time; it only writes its own logs with the basic execution policy.',
    );
  }
}
