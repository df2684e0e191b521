// The composition root for AWS Lambda: clients and adapters are built once per
// cold start from the environment contract; a missing variable fails loudly.
import { S3ObjectStore } from '../adapters/s3/object-store';
import { SnsAlertPublisher } from '../adapters/sns/alert-publisher';
import { indicator, loadPlan } from '../core/catalog';
import type { ObjectStore } from '../core/ports';
import type { PipelineDeps } from '../core/use-cases/deps';
import { awsClients, type Clients } from './clients';
import { awsStores, composePipeline } from './compose';
import { ENV, intEnv, requireEnv } from './env';
import { jsonLogger } from './logger';

let deps: PipelineDeps | undefined;
let clients: Clients | undefined;

/** The SDK clients of this container, built once. */
export function lambdaClients(): Clients {
  clients ??= awsClients();
  return clients;
}

/** Only the ingest function is given the submissions bucket; the others get a store that says so. */
const denied = () => Promise.reject(new Error('this function has no access to the submissions bucket'));
const notGranted: ObjectStore = { put: denied, get: denied, read: denied };

export type FunctionRole = 'ingest' | 'evaluate' | 'monitor' | 'summary' | 'api';

export function lambdaDeps(role: FunctionRole, env: Record<string, string | undefined> = process.env): PipelineDeps {
  if (deps) return deps;
  const clients = lambdaClients();
  const stores = awsStores(clients, {
    table: requireEnv(env, 'tableName'),
    submissionsBucket: role === 'ingest' ? requireEnv(env, 'submissionsBucket') : '',
    reportsBucket: requireEnv(env, 'reportsBucket'),
  });
  const archiveBucket = env[ENV.archiveBucket] || undefined;
  const plan = loadPlan(env[ENV.plan] || undefined);
  const portalUrl = env[ENV.portalUrl] || undefined;
  deps = composePipeline({
    ...stores,
    uploads: role === 'ingest' ? stores.uploads : notGranted,
    // ingest and summary are given the archive bucket (raw submissions, summaries)
    ...(archiveBucket ? { archive: new S3ObjectStore(clients.s3, archiveBucket) } : {}),
    // the summary and API functions only read alerts; they are given no topic
    publisher:
      role === 'summary' || role === 'api'
        ? undefined
        : new SnsAlertPublisher(clients.sns!, requireEnv(env, 'alertTopicArn'), {
            ...(portalUrl ? { portalUrl } : {}),
            indicator: (code) => indicator(plan, code),
          }),
    plan: env[ENV.plan] || undefined,
    offsets: { dueDays: intEnv(env, 'dueDays'), summaryDays: intEnv(env, 'summaryDays') },
    logger: jsonLogger({ service: 'qtrack' }),
  });
  return deps;
}
