// The composition root for AWS Lambda: clients and adapters are built once per
// cold start from the environment contract; a missing variable fails loudly.
import { DynamoAlertRepository } from '../adapters/dynamodb/alert-repository';
import { DynamoSubmissionRepository } from '../adapters/dynamodb/submission-repository';
import { S3ObjectStore } from '../adapters/s3/object-store';
import { SnsAlertPublisher } from '../adapters/sns/alert-publisher';
import { nodeInflate } from '../adapters/zlib/inflate';
import { nodeDeflate } from '../adapters/zlib/deflate';
import { DEPARTMENTS, loadPlan } from '../core/catalog';
import type { ObjectStore } from '../core/ports';
import type { PipelineDeps } from '../core/use-cases/deps';
import { awsClients } from './clients';
import { ENV, intEnv, requireEnv } from './env';
import { jsonLogger } from './logger';

const systemClock = { now: () => new Date() };

let deps: PipelineDeps | undefined;

/** Only the ingest function is given the submissions bucket; the others get a store that says so. */
const notGranted: ObjectStore = {
  put: () => Promise.reject(new Error('this function has no access to the submissions bucket')),
  get: () => Promise.reject(new Error('this function has no access to the submissions bucket')),
};

export type FunctionRole = 'ingest' | 'evaluate' | 'monitor' | 'summary';

export function lambdaDeps(role: FunctionRole, env: Record<string, string | undefined> = process.env): PipelineDeps {
  if (deps) return deps;
  const clients = awsClients();
  const table = requireEnv(env, 'tableName');
  deps = {
    plan: loadPlan(env[ENV.plan] || undefined),
    departments: DEPARTMENTS,
    inflate: nodeInflate,
    deflate: nodeDeflate,
    offsets: { dueDays: intEnv(env, 'dueDays', 10), summaryDays: intEnv(env, 'summaryDays', 15) },
    submissions: new DynamoSubmissionRepository(clients.dynamodb, table),
    alerts: new DynamoAlertRepository(clients.dynamodb, table),
    uploads: role === 'ingest' ? new S3ObjectStore(clients.s3, requireEnv(env, 'submissionsBucket')) : notGranted,
    reports: new S3ObjectStore(clients.s3, requireEnv(env, 'reportsBucket')),
    // the summary function only reads alerts; it is given no topic
    publisher: role === 'summary' ? undefined : new SnsAlertPublisher(clients.sns!, requireEnv(env, 'alertTopicArn')),
    clock: systemClock,
    logger: jsonLogger({ service: 'qtrack' }),
  };
  return deps;
}
