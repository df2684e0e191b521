// The one definition of qtrack's DynamoDB table, used by the CDK stack and by the
// local runner's CreateTable, so the cloud and the embedded server cannot drift.
//
// Item layout (single table):
//   P#{period}  V#{department}#{submissionId}   a submission version (accepted or rejected)
//   P#{period}  C#{department}                  the current accepted version per sheet kind (pointers, rev)
//   S#{submissionId}  S                         where a version is filed (period, department)
//   R#{submissionId}  {kind}#{chunk}            a chunk of accepted records (expiresAt until the version is current)
//   A#{period}  {alertId}                       an alert; gsi1 lists all alerts in time order

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

/** S3 key prefixes, shared by the stack's notification filter and the code. */
export const PREFIX = {
  submissions: 'submissions/',
  reports: 'reports/',
  alerts: 'alerts/',
  summaries: 'summaries/',
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
