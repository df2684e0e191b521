// The stateful part of qtrack: the buckets and the table. Nothing here is ever
// replaced or deleted by a deploy (RETAIN), so an accepted submission is never lost.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
  StorageClass,
  type IBucket,
  type Transition,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE } from '../../functions/runtime/contract';

export interface SecureBucketProps {
  /** Where S3 server access logs go. @default - none (the log bucket itself) */
  readonly accessLogs?: IBucket;
  /** Key prefix for this bucket's access logs. @default - `${id}/` */
  readonly accessLogsPrefix?: string;
  /** Delete current objects after this many days. @default - never */
  readonly expireAfterDays?: number;
  /** Object lock with this default retention (object lock needs versioning, which every SecureBucket has). @default - no object lock */
  readonly objectLockDefaultRetention?: ObjectLockRetention;
  /** Move current and noncurrent versions to colder storage classes. @default - none */
  readonly transitions?: readonly Transition[];
  /**
   * Only for a log destination that a service can write to with ACLs alone:
   * CloudFront's standard logs need ACLs enabled (BUCKET_OWNER_PREFERRED).
   * @default ObjectOwnership.BUCKET_OWNER_ENFORCED (ACLs disabled)
   */
  readonly objectOwnership?: ObjectOwnership;
}

/**
 * The bucket defaults of this project in one place: versioned, SSE-S3, public
 * access blocked, TLS 1.2+ only, bucket-owner-enforced, retained on delete.
 */
export class SecureBucket extends Bucket {
  constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    super(scope, id, {
      versioned: true,
      // SSE-S3: server access logs can only be delivered to SSE-S3 buckets, and the
      // other buckets need no key policy for S3 → SQS notifications or for readers.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: props.objectOwnership ?? ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.objectLockDefaultRetention
        ? { objectLockEnabled: true, objectLockDefaultRetention: props.objectLockDefaultRetention }
        : {}),
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: props.accessLogs ? (props.accessLogsPrefix ?? `${id.toLowerCase()}/`) : undefined,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...(props.expireAfterDays
          ? [
              {
                id: 'expire',
                expiration: Duration.days(props.expireAfterDays),
                noncurrentVersionExpiration: Duration.days(props.expireAfterDays),
              },
            ]
          : []),
        ...(props.transitions?.length
          ? [
              {
                id: 'colder-storage',
                transitions: [...props.transitions],
                noncurrentVersionTransitions: props.transitions.map((t) => ({
                  storageClass: t.storageClass,
                  transitionAfter: t.transitionAfter ?? Duration.days(0),
                })),
              },
            ]
          : []),
      ],
    });
  }
}

/**
 * How long the archive keeps every object version locked (GOVERNANCE): five
 * years, the span of one five-year plan, so whatever a plan's quarters were
 * judged on can be shown until the next plan is well under way. GOVERNANCE, not
 * COMPLIANCE: an operator holding s3:BypassGovernanceRetention can still remove
 * a file uploaded by mistake (personal data in the wrong place); nobody else can.
 */
export const ARCHIVE_RETENTION_DAYS = 5 * 365;

/**
 * When archived objects move to colder storage: Standard-IA after 30 days (S3's
 * minimum for Standard-IA; a quarter's files are still read while it is
 * reviewed), Glacier Flexible Retrieval after 180 days (two quarters on, an
 * archived file is read only on an audit, and hours of retrieval are fine).
 */
export const ARCHIVE_TRANSITIONS: readonly Transition[] = [
  { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
  { storageClass: StorageClass.GLACIER, transitionAfter: Duration.days(180) },
];

/** Maps the shared table definition's attribute type letters to CDK's enum. */
export function attributeType(type: 'S' | 'N' | 'B'): AttributeType {
  switch (type) {
    case 'S':
      return AttributeType.STRING;
    case 'N':
      return AttributeType.NUMBER;
    case 'B':
      return AttributeType.BINARY;
  }
}

export interface DataStoreProps {
  /** Days to keep S3 server access logs. @default 365 */
  readonly accessLogDays?: number;
}

export class DataStore extends Construct {
  /** Receives the server access logs of the other buckets. */
  public readonly accessLogs: SecureBucket;
  /**
   * Department uploads under submissions/{department}/{period}/; every version kept.
   * Its CORS rule (browser uploads from the portal) is applied by the Portal
   * construct at deploy time, not here: see infra/constructs/portal.ts. Do not
   * add CORS rules to this bucket's template; the two would overwrite each other.
   */
  public readonly submissions: SecureBucket;
  /** Validation reports, alerts and quarterly summaries. */
  public readonly reports: SecureBucket;
  /**
   * PRODUCT §10: every raw submission (submissions/{department}/{period}/{submissionId}/{file})
   * and every published summary (summaries/{period}/{file}), versioned, object-locked
   * (GOVERNANCE, ARCHIVE_RETENTION_DAYS) and moved to colder storage (ARCHIVE_TRANSITIONS).
   */
  public readonly archive: SecureBucket;
  /** The single table described by TABLE in functions/runtime/contract.ts. */
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: DataStoreProps = {}) {
    super(scope, id);
    // Deliver access logs under a bucket policy, not the legacy LogDeliveryWrite ACL,
    // which would clash with ObjectOwnership.BUCKET_OWNER_ENFORCED (ACLs disabled).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    // cdk-nag's S1 accepts this bucket without logs of its own: it is the log destination.
    this.accessLogs = new SecureBucket(this, 'AccessLogs', { expireAfterDays: props.accessLogDays ?? 365 });
    this.submissions = new SecureBucket(this, 'Submissions', { accessLogs: this.accessLogs });
    this.reports = new SecureBucket(this, 'Reports', { accessLogs: this.accessLogs });
    this.archive = new SecureBucket(this, 'Archive', {
      accessLogs: this.accessLogs,
      objectLockDefaultRetention: ObjectLockRetention.governance(Duration.days(ARCHIVE_RETENTION_DAYS)),
      transitions: ARCHIVE_TRANSITIONS,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey.name, type: attributeType(TABLE.partitionKey.type) },
      sortKey: { name: TABLE.sortKey.name, type: attributeType(TABLE.sortKey.type) },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Record chunks of a version that never became current (rejected, superseded
      // before it was current, or left by a crash) carry an expiry once its report is
      // stored; DynamoDB deletes them after it, at no write cost. Versions, pointers,
      // alerts and the chunks of current versions carry none and stay.
      timeToLiveAttribute: TABLE.ttlAttribute,
    });
    for (const index of TABLE.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey.type) },
        sortKey: { name: index.sortKey.name, type: attributeType(index.sortKey.type) },
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
