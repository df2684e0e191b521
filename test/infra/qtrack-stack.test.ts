// The synthesised Qtrack stack states the product's intent (PRODUCT.md §2, §10):
// what each function may touch, how uploads reach ingest, the schedules, and the
// settings that keep data safe.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/runtime/env';
import { TABLE } from '../../functions/runtime/contract';
import { PREFIX } from '../../functions/core/object-keys';
import departmentRegistry from '../../schemas/departments.json';
import type { PipelineFunction } from '../../infra/constructs/pipeline-function';
import { actionsOf, buildStack, environmentOf, grantsOf, logicalId, statementsOf } from './helpers';

const built = buildStack();
const { stack, template, json } = built;
const { ingest } = stack.intake;
const { evaluate, monitor, summary } = stack.jobs;
const { api } = stack.portal;
const pipeline: Record<string, PipelineFunction> = { ingest, evaluate, monitor, summary };
/** The pipeline's functions and the portal's API function: every PipelineFunction of the stack. */
const all: Record<string, PipelineFunction> = { ...pipeline, api };

const ids = {
  submissions: logicalId(stack.data.submissions),
  reports: logicalId(stack.data.reports),
  archive: logicalId(stack.data.archive),
  accessLogs: logicalId(stack.data.accessLogs),
  table: logicalId(stack.data.table),
  alertTopic: logicalId(stack.alerting.alertTopic),
  opsTopic: logicalId(stack.alerting.opsTopic),
  key: logicalId(stack.alerting.key),
  queue: logicalId(stack.intake.queue),
  dlq: logicalId(stack.intake.deadLetterQueue),
};
const objects = (bucket: string, prefix: string) => `${bucket}.Arn/${prefix}*`;

/** Every resource (action target) the function can reach, flattened. */
function allResources(fn: PipelineFunction): string[] {
  return statementsOf(built, fn).flatMap((s) =>
    (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => JSON.stringify(r)),
  );
}

describe('functions', () => {
  it('has exactly the four pipeline functions and the API function, each on nodejs22.x, arm64, active tracing, source maps', () => {
    // The other functions are CDK's own deploy-time handlers: S3 notifications and
    // the portal's file deployment (Python), and the AwsCustomResource provider that
    // sets the submissions bucket's CORS rule (Node.js, a singleton under this id).
    const awsCustomResourceProvider = /^AWS679f53fac002430cb0da5b7982bd2287/;
    const nodeFns = Object.entries(json.Resources).filter(
      ([id, r]) =>
        r.Type === 'AWS::Lambda::Function' && String(r.Properties?.Runtime).startsWith('nodejs') && !awsCustomResourceProvider.test(id),
    );
    expect(nodeFns.map(([id]) => id).sort()).toEqual(Object.values(all).map((fn) => logicalId(fn)).sort());
    for (const fn of Object.values(all)) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Role: { 'Fn::GetAtt': [logicalId(fn.executionRole), 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: logicalId(fn.logs) } },
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
    }
  });

  it('gives ingest 4,096 MB and 180 s (sized by bench/ingest.ts), the others their own sizes', () => {
    const props = (fn: PipelineFunction) => json.Resources[logicalId(fn)].Properties!;
    expect([props(ingest).MemorySize, props(ingest).Timeout]).toEqual([4096, 180]);
    expect([props(evaluate).MemorySize, props(evaluate).Timeout]).toEqual([512, 120]);
    expect([props(monitor).MemorySize, props(monitor).Timeout]).toEqual([512, 120]);
    expect([props(summary).MemorySize, props(summary).Timeout]).toEqual([1024, 300]);
  });

  it('keeps logs for one month and gives each function a role with no AWS-managed policy', () => {
    for (const fn of Object.values(all)) {
      expect(json.Resources[logicalId(fn.logs)].Properties!.RetentionInDays).toBe(30);
      expect(json.Resources[logicalId(fn.executionRole)].Properties!.ManagedPolicyArns).toBeUndefined();
      expect(grantsOf(built, fn, 'logs:PutLogEvents')).toEqual([`${logicalId(fn.logs)}.Arn`]);
    }
  });
});

describe('environment (names from functions/runtime/env.ts)', () => {
  const config = { [ENV.plan]: '15th', [ENV.dueDays]: '10', [ENV.summaryDays]: '15' };
  // alert e-mails link the portal: by default the distribution's own address
  const portalUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.portal.distribution), 'DomainName'] }, '/']] };

  it('names every resource ingest is granted', () => {
    expect(environmentOf(built, ingest)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      ...config,
      [ENV.submissionsBucket]: { Ref: ids.submissions },
      [ENV.reportsBucket]: { Ref: ids.reports },
      [ENV.archiveBucket]: { Ref: ids.archive },
      [ENV.tableName]: { Ref: ids.table },
      [ENV.alertTopicArn]: { Ref: ids.alertTopic },
      [ENV.portalUrl]: portalUrl,
    });
  });

  it('gives evaluate and monitor no submissions bucket', () => {
    for (const fn of [evaluate, monitor]) {
      expect(environmentOf(built, fn)).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        ...config,
        [ENV.reportsBucket]: { Ref: ids.reports },
        [ENV.tableName]: { Ref: ids.table },
        [ENV.alertTopicArn]: { Ref: ids.alertTopic },
        [ENV.portalUrl]: portalUrl,
      });
    }
  });

  it('gives summary no topic and no submissions bucket', () => {
    expect(environmentOf(built, summary)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      ...config,
      [ENV.reportsBucket]: { Ref: ids.reports },
      [ENV.archiveBucket]: { Ref: ids.archive },
      [ENV.tableName]: { Ref: ids.table },
    });
  });
});

describe('least privilege', () => {
  it('lets ingest read exactly the uploaded versions under submissions/', () => {
    expect(grantsOf(built, ingest, 's3:GetObject')).toEqual([
      objects(ids.submissions, PREFIX.submissions),
      objects(ids.reports, PREFIX.reports),
    ]);
    expect(grantsOf(built, ingest, 's3:GetObjectVersion')).toContain(objects(ids.submissions, PREFIX.submissions));
    expect(grantsOf(built, ingest, 's3:PutObject').sort()).toEqual(
      [objects(ids.reports, PREFIX.reports), objects(ids.reports, PREFIX.alerts), objects(ids.archive, PREFIX.submissions)].sort(),
    );
  });

  it('never lets a pipeline function write the submissions bucket, or any function delete an object', () => {
    // (the API function's PutObject, for the uploads it signs, is tested in portal.test.ts)
    for (const fn of Object.values(all)) {
      const actions = statementsOf(built, fn).flatMap(actionsOf);
      expect(actions.filter((a) => /^s3:(Delete|\*)/.test(a) || a === 's3:*' || a === '*')).toEqual([]);
    }
    for (const fn of Object.values(pipeline)) {
      expect(grantsOf(built, fn, 's3:PutObject').filter((r) => r.startsWith(ids.submissions))).toEqual([]);
    }
  });

  it('gives evaluate and monitor no access at all to the submissions bucket', () => {
    for (const fn of [evaluate, monitor, summary]) {
      expect(allResources(fn).filter((r) => r.includes(ids.submissions))).toEqual([]);
    }
  });

  it('lets evaluate and monitor write alerts/ only, claim alerts in the table and publish them', () => {
    for (const fn of [evaluate, monitor]) {
      expect(grantsOf(built, fn, 's3:PutObject')).toEqual([objects(ids.reports, PREFIX.alerts)]);
      expect(grantsOf(built, fn, 's3:GetObject')).toEqual([]);
      expect(grantsOf(built, fn, 'dynamodb:PutItem')).toContain(`${ids.table}.Arn`);
      expect(grantsOf(built, fn, 'sns:Publish')).toEqual([ids.alertTopic]);
      expect(grantsOf(built, fn, 'kms:GenerateDataKey*')).toEqual([`${ids.key}.Arn`]);
    }
  });

  it('lets summary only read the table, write summaries/ and publish nothing', () => {
    expect(grantsOf(built, summary, 'dynamodb:Query')).toEqual([`${ids.table}.Arn`, `${ids.table}.Arn/index/*`]);
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(grantsOf(built, summary, write)).toEqual([]);
    }
    expect(grantsOf(built, summary, 's3:PutObject')).toEqual([objects(ids.reports, PREFIX.summaries), objects(ids.archive, PREFIX.summaries)]);
    expect(grantsOf(built, summary, 'sns:Publish')).toEqual([]);
  });

  it('lets ingest consume the queue and publish alerts', () => {
    expect(grantsOf(built, ingest, 'sqs:ReceiveMessage')).toEqual([`${ids.queue}.Arn`]);
    expect(grantsOf(built, ingest, 'sqs:DeleteMessage')).toEqual([`${ids.queue}.Arn`]);
    expect(grantsOf(built, ingest, 'sns:Publish')).toEqual([ids.alertTopic]);
    expect(grantsOf(built, ingest, 'dynamodb:UpdateItem')).toContain(`${ids.table}.Arn`);
  });

  it('confines each department to its own upload and report folders', () => {
    const codes = departmentRegistry.departments.map((d) => d.code);
    expect([...stack.uploads.policies.keys()]).toEqual(codes);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', codes.length);
    const doc = json.Resources[logicalId(stack.uploads.policies.get('construction')!)].Properties!.PolicyDocument;
    expect(doc.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.submissions, 'Arn'] }, '/submissions/construction/*']] },
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [ids.submissions, 'Arn'] },
        Condition: { StringLike: { 's3:prefix': ['submissions/construction/*'] } },
      },
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.reports, 'Arn'] }, '/reports/construction/*']] },
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [ids.reports, 'Arn'] },
        Condition: { StringLike: { 's3:prefix': ['reports/construction/*'] } },
      },
    ]);
  });
});

describe('intake: S3 → SQS → ingest', () => {
  it('notifies the queue of objects created under submissions/ only', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: ids.submissions },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'submissions/' }] } },
            QueueArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
          },
        ],
      },
    });
    template.resourceCountIs('Custom::S3BucketNotifications', 1);
  });

  it('sizes the queue for ingest and dead-letters a message after 3 receives', () => {
    expect(json.Resources[ids.queue].Properties).toEqual({
      VisibilityTimeout: 1080, // 6 × the 180 s ingest timeout, and more than the 2-minute alert lease
      MessageRetentionPeriod: 345600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(json.Resources[ids.dlq].Properties).toEqual({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  it('refuses plain-HTTP access to both queues', () => {
    for (const queue of [ids.queue, ids.dlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('feeds ingest one message at a time, so a hang or out-of-memory takes no neighbour down', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      FunctionName: { Ref: logicalId(ingest) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('schedules', () => {
  const rules = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Events::Rule');
  const scheduleOf = (fn: PipelineFunction) =>
    rules
      .filter((r) => r.Properties!.Targets.some((t: any) => t.Arn['Fn::GetAtt']?.[0] === logicalId(fn)))
      .map((r) => r.Properties!.ScheduleExpression);

  it('runs monitor daily at 01:00 UTC (09:00 Shanghai)', () => {
    expect(scheduleOf(monitor)).toEqual(['cron(0 1 * * ? *)']);
  });

  it('runs summary on the 15th day after each quarter ends', () => {
    expect(scheduleOf(summary)).toEqual(['cron(0 1 15 1,4,7,10 ? *)']);
  });

  it('schedules nothing else', () => {
    expect(rules).toHaveLength(2);
    expect(scheduleOf(ingest)).toEqual([]);
    expect(scheduleOf(evaluate)).toEqual([]);
  });
});

describe('stateful resources', () => {
  it('keeps every bucket versioned, SSE-encrypted, private, TLS-only and retained', () => {
    // the four of DataStore, the portal's files and CloudFront's logs
    template.resourceCountIs('AWS::S3::Bucket', 6);
    const portalFiles = logicalId(stack.portal.bucket);
    for (const bucket of [ids.submissions, ids.reports, ids.archive, ids.accessLogs, portalFiles]) {
      const resource = json.Resources[bucket];
      expect([resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
      expect(resource.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  it('logs access to the submissions and reports buckets', () => {
    expect(json.Resources[ids.submissions].Properties!.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: ids.accessLogs },
      LogFilePrefix: 'submissions/',
    });
    expect(json.Resources[ids.reports].Properties!.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: ids.accessLogs },
      LogFilePrefix: 'reports/',
    });
  });

  it('builds the one table from TABLE: on demand, PITR, encrypted, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    const table = json.Resources[ids.table];
    expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    const gsi = TABLE.globalIndexes[0];
    expect(table.Properties).toEqual({
      KeySchema: [
        { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: gsi.indexName,
          KeySchema: [
            { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: gsi.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });
});

describe('alerting and alarms', () => {
  it('encrypts both topics with the rotating customer key and refuses plain HTTP', () => {
    expect(json.Resources[ids.key].Properties!.EnableKeyRotation).toBe(true);
    for (const topic of [ids.alertTopic, ids.opsTopic]) {
      expect(json.Resources[topic].Properties!.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ids.key, 'Arn'] });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topic }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('lets CloudWatch use the key, so alarms can reach the encrypted ops topic', () => {
    const statements = json.Resources[ids.key].Properties!.KeyPolicy.Statement as any[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  it('alarms on any dead letter, to the ops topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: ids.opsTopic }],
    });
  });

  it('alarms on errors and throttles of every function, to the ops topic', () => {
    for (const fn of Object.values(all)) {
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }],
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [{ Ref: ids.opsTopic }],
        });
      }
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5 * 2 + 1);
  });
});

describe('outputs for the CLI --aws mode', () => {
  it('exports the names the CLI reads', () => {
    expect(json.Outputs).toMatchObject({
      SubmissionsBucketName: { Value: { Ref: ids.submissions } },
      ReportsBucketName: { Value: { Ref: ids.reports } },
      ArchiveBucketName: { Value: { Ref: ids.archive } },
      TableName: { Value: { Ref: ids.table } },
      AlertTopicArn: { Value: { Ref: ids.alertTopic } },
      EvaluateFunctionName: { Value: { Ref: logicalId(evaluate) } },
      MonitorFunctionName: { Value: { Ref: logicalId(monitor) } },
      SummaryFunctionName: { Value: { Ref: logicalId(summary) } },
    });
  });
});
