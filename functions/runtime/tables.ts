// The one definition of qtrack's DynamoDB table, used by the CDK stack and by the
// local runner's CreateTable, so the cloud and the embedded server cannot drift.
//
// Item layout (single table):
//   P#{period}  V#{department}#{submissionId}   a submission version (accepted or rejected)
//   P#{period}  C#{department}                  the current accepted version per sheet kind (pointers, rev)
//   S#{submissionId}  S                         where a version is filed (period, department)
//   R#{submissionId}  {kind}#{chunk}            a chunk of accepted records
//   A#{period}  {alertId}                       an alert; gsi1 lists all alerts in time order

export const TABLE = {
  logicalName: 'qtrack',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
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
