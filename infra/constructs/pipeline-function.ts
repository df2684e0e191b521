// The one Lambda function shape of qtrack. Every pipeline function gets the same
// runtime, architecture, bundling, logging and tracing from here, and gets access
// to a resource only through a bind* method, which grants the access AND sets the
// environment variable naming the resource in one call, so the two cannot drift.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ENV, type EnvKey } from '../../functions/runtime/env';
import { acknowledge, nagLogicalId } from '../nag';

/** The repository root: holds package-lock.json and functions/handlers/. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the Lambda entry points live; each exports `handler`. */
export const HANDLERS_DIR = join(REPO_ROOT, 'functions', 'handlers');

export const PIPELINE_RUNTIME = Runtime.NODEJS_22_X;

export interface PipelineFunctionProps {
  /** Entry file name under functions/handlers/, without extension, e.g. 'ingest'. */
  readonly handlerName: string;
  /** Shown in the Lambda console. @default - none */
  readonly description?: string;
  /** @default 512 MB */
  readonly memorySize?: number;
  /** @default 1 minute */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default functions/handlers/{handlerName}.ts under the repository root */
  readonly entry?: string;
  /**
   * Bundle the AWS SDK at the lock file's versions instead of using the one the
   * runtime ships (which AWS does not promise, and which need not include the
   * presigner). @default false
   */
  readonly bundleAwsSdk?: boolean;
}

/** Object-key prefixes (from PREFIX) a function may use in one bucket. */
export interface BucketAccess {
  /** s3:GetObject and s3:GetObjectVersion under each prefix. */
  readonly read?: readonly string[];
  /** s3:ListBucket restricted to each prefix. */
  readonly list?: readonly string[];
  /** s3:PutObject under each prefix. */
  readonly write?: readonly string[];
}

/**
 * A DynamoDB action a pipeline function may be granted: the item-level calls the
 * adapters in functions/adapters/dynamodb/ make. Scan, BatchGetItem, DescribeTable
 * and the wildcard are left out on purpose; no function needs them.
 */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query'
  | 'dynamodb:BatchWriteItem';

/** Environment variables that name a bucket; the key a bucket binding sets. */
export type BucketEnvKey = Extract<EnvKey, 'submissionsBucket' | 'reportsBucket' | 'archiveBucket'>;

export class PipelineFunction extends NodejsFunction {
  /** The function's own role: no managed policies, only what bind* grants. */
  public readonly executionRole: Role;
  /** The function's log group (Function.logGroup is typed as the interface). */
  public readonly logs: LogGroup;
  /** The configured timeout, never undefined, so queues can size their visibility timeout from it. */
  public readonly timeoutDuration: Duration;
  private readonly bound = new Map<string, string>();

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    // Role and log group are created beside the function (they must exist before
    // super()): an explicit role avoids the AWS-managed basic execution policy,
    // an explicit log group avoids the log-retention custom resource.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `qtrack ${props.handlerName} function`,
    });
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const timeout = props.timeout ?? Duration.minutes(1);

    super(scope, id, {
      entry: props.entry ?? join(HANDLERS_DIR, `${props.handlerName}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: PIPELINE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        // Stack traces point at the TypeScript source, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: OutputFormat.CJS,
        // The Node 22 runtime ships AWS SDK v3 clients; bundling them would only add
        // size — except where a function needs more than the clients (bundleAwsSdk).
        externalModules: props.bundleAwsSdk ? [] : ['@aws-sdk/*'],
        // esbuild is installed locally; never fall back to Docker.
        forceDockerBundling: false,
      },
    });
    this.executionRole = role;
    this.logs = logGroup;
    this.timeoutDuration = timeout;
    logGroup.grantWrite(role);

    acknowledge(
      this,
      'AwsSolutions-L1',
      'Node.js 22 is pinned on purpose: the bundle targets node22 and the project toolchain (vitest 4, Node 20/22 locally) is verified on it; move to 24 with the toolchain.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which do not support resource-level permissions.',
    );
  }

  /** Sets an environment variable from the shared contract; refuses a conflicting rebind. */
  public setEnv(key: EnvKey, value: string): this {
    const name = ENV[key];
    const previous = this.bound.get(name);
    if (previous !== undefined && previous !== value) {
      throw new Error(`${this.node.path}: ${name} is already bound to a different value`);
    }
    this.bound.set(name, value);
    this.addEnvironment(name, value);
    return this;
  }

  /**
   * Grants exactly the listed DynamoDB actions on the table and its indexes, and
   * sets ENV.tableName. Narrower than table.grantReadData/grantReadWriteData, which
   * add Scan, BatchGetItem, DescribeTable, ConditionCheckItem and more.
   */
  public bindTable(table: ITable, actions: readonly TableAction[]): this {
    if (actions.length === 0) throw new Error(`${this.node.path}: bindTable grants nothing`);
    if (new Set(actions).size !== actions.length) throw new Error(`${this.node.path}: bindTable lists an action twice`);
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [...actions],
        resources: [table.tableArn, `${table.tableArn}/index/*`],
      }),
    );
    // Only for a customer-managed table key (qtrack's table uses the AWS-owned one).
    if (table.encryptionKey) {
      if (actions.some((a) => a !== 'dynamodb:GetItem' && a !== 'dynamodb:Query')) table.encryptionKey.grantEncryptDecrypt(this);
      else table.encryptionKey.grantDecrypt(this);
    }
    this.setEnv('tableName', table.tableName);
    const tableId = nagLogicalId(table);
    if (tableId) {
      acknowledge(
        this.executionRole,
        `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        `The grant of ${actions.join(', ')} extends to this table's own global secondary indexes (queries by gsi1), nothing outside this table.`,
      );
    }
    return this;
  }

  /**
   * Grants exactly the object actions needed under the given key prefixes and sets
   * the bucket's environment variable. Narrower than bucket.grantRead/grantPut,
   * which add s3:List*, s3:GetBucket*, s3:Abort*, legal hold and retention.
   */
  public bindBucket(key: BucketEnvKey, bucket: IBucket, access: BucketAccess): this {
    const prefixes = [...(access.read ?? []), ...(access.write ?? []), ...(access.list ?? [])];
    if (prefixes.length === 0) throw new Error(`${this.node.path}: bindBucket(${key}) grants nothing`);
    for (const prefix of prefixes) {
      if (prefix === '' || !prefix.endsWith('/')) {
        throw new Error(`${this.node.path}: bucket prefix "${prefix}" must be a folder ending in /`);
      }
    }
    const objects = (list: readonly string[]) => list.map((p) => bucket.arnForObjects(`${p}*`));
    if (access.read?.length) {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          // GetObjectVersion: ingest reads the exact version named in the S3 event.
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: objects(access.read),
        }),
      );
    }
    if (access.write?.length) {
      this.addToRolePolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject'], resources: objects(access.write) }),
      );
    }
    if (access.list?.length) {
      this.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': access.list.map((p) => `${p}*`) } },
        }),
      );
    }
    this.setEnv(key, bucket.bucketName);

    const bucketId = nagLogicalId(bucket);
    if (bucketId) {
      for (const prefix of new Set([...(access.read ?? []), ...(access.write ?? [])])) {
        acknowledge(
          this.executionRole,
          `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
          `Object keys under ${prefix} carry department, period and ids chosen at run time; the grant is confined to that one prefix of this bucket.`,
        );
      }
    }
    return this;
  }

  /** Grants sns:Publish (and use of the topic's KMS key) and sets ENV.alertTopicArn. */
  public bindAlertTopic(topic: ITopic): this {
    topic.grantPublish(this);
    this.setEnv('alertTopicArn', topic.topicArn);
    if (topic.masterKey) {
      acknowledge(
        this.executionRole,
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'Publishing to a KMS-encrypted SNS topic needs the GenerateDataKey family on that one key; the grant is scoped to the key ARN.',
      );
    }
    return this;
  }

  /** Sets plain configuration (no resource) from the shared contract. */
  public configure(values: Partial<Record<EnvKey, string>>): this {
    for (const [key, value] of Object.entries(values) as [EnvKey, string | undefined][]) {
      if (value !== undefined) this.setEnv(key, value);
    }
    return this;
  }
}
