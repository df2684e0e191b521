// The contract between the cloud and the code: the names both sides must spell
// the same — the functions' environment variables (set by the stack, read at
// cold start), the table, its item keys and its TTL attribute, the local bucket
// names, and the queue's redrive setting. The CDK stack, the Lambda and local
// compositions, the DynamoDB adapters and the tests read them from here.
//
// Item layout (single table):
//   P#{period}  V#{department}#{submissionId}   a submission version (accepted or rejected)
//   P#{period}  C#{department}                  the current accepted version per sheet kind (pointers, rev)
//   S#{submissionId}  S                         where a version is filed (period, department)
//   R#{submissionId}  {kind}#{chunk}            a chunk of accepted records (expiresAt until the version is current)
//   A#{period}  {alertId}                       an alert (owner, leaseUntil, claims, delivered); gsi1 lists all alerts in time order

/** The environment variables the stack sets and the functions read. */
export const ENV = {
  tableName: 'QTRACK_TABLE_NAME',
  submissionsBucket: 'QTRACK_SUBMISSIONS_BUCKET',
  reportsBucket: 'QTRACK_REPORTS_BUCKET',
  /** the archive bucket (PRODUCT §10): object-locked copies of raw submissions and published summaries */
  archiveBucket: 'QTRACK_ARCHIVE_BUCKET',
  alertTopicArn: 'QTRACK_ALERT_TOPIC_ARN',
  plan: 'QTRACK_PLAN',
  dueDays: 'QTRACK_DUE_DAYS',
  summaryDays: 'QTRACK_SUMMARY_DAYS',
  /** optional: the portal's address, linked from alert e-mails (cdk context qtrack:portalUrl) */
  portalUrl: 'QTRACK_PORTAL_URL',
} as const;

export type EnvKey = keyof typeof ENV;

/** The stack's outputs the CLI's --aws mode reads (infra/stacks/qtrack-stack.ts writes them under these names). */
export const STACK_OUTPUTS = {
  submissionsBucket: 'SubmissionsBucketName',
  reportsBucket: 'ReportsBucketName',
  archiveBucket: 'ArchiveBucketName',
  table: 'TableName',
  alertTopicArn: 'AlertTopicArn',
  /** the portal's address (https://…/) */
  portalUrl: 'PortalUrl',
  /** the HTTP API's own endpoint of /api (the portal calls /api on its own origin) */
  apiUrl: 'ApiUrl',
  /** the Cognito user pool of the portal's users (`qtrack users add --aws` creates users in it) */
  userPoolId: 'UserPoolId',
  /** the portal's public app client */
  userPoolClientId: 'UserPoolClientId',
} as const;

/** The ingest queue: receives before a message goes to the dead-letter queue (the stack's redrive policy, the local queue). */
export const QUEUE = { maxReceiveCount: 3 } as const;

/** The keys of the table's items (layout above). */
export const ITEM = {
  period: (period: string) => `P#${period}`,
  version: (department: string, submissionId: string) => `V#${department}#${submissionId}`,
  versionPrefix: 'V#',
  current: (department: string) => `C#${department}`,
  currentPrefix: 'C#',
  filed: (submissionId: string) => `S#${submissionId}`,
  filedSort: 'S',
  records: (submissionId: string) => `R#${submissionId}`,
  chunk: (kind: string, index: number) => `${kind}#${String(index).padStart(6, '0')}`,
  alerts: (period: string) => `A#${period}`,
  /** gsi1's partition of every alert */
  alertIndex: 'ALERT',
  alertIndexSort: (period: string, createdAt: string, id: string) => `${period}#${createdAt}#${id}`,
} as const;

export const TABLE = {
  logicalName: 'qtrack',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  /** DynamoDB TTL (epoch seconds): record chunks of a version that never became current expire */
  ttlAttribute: 'expiresAt',
  globalIndexes: [
    {
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
  ],
} as const;

export const BUCKETS = {
  submissions: 'qtrack-submissions',
  reports: 'qtrack-reports',
} as const;

/** The CreateTable request for TABLE (the local servers, the fault-injection suite); `name` defaults to the logical name. */
export function createTableInput(name: string = TABLE.logicalName) {
  const attributes = new Map<string, 'S' | 'N' | 'B'>();
  for (const k of [TABLE.partitionKey, TABLE.sortKey, ...TABLE.globalIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]) attributes.set(k.name, k.type);
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE.globalIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey.name, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey.name, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
