// The Lambda composition (functions/runtime/lambda.ts) as the stack configures
// it: each function's environment is read out of the synthesised template, its
// resource references replaced by the embedded table and buckets, and the AWS
// SDK pointed at dynalite, s3rver and a stub SNS by its standard endpoint
// variables (AWS_ENDPOINT_URL_<SERVICE>) — the runtime code is unchanged. Then
// the deployed ingest handler runs on an SQS batch of S3 notifications.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoSubmissionRepository } from '../../functions/adapters/dynamodb/submission-repository';
import type { S3ObjectStore } from '../../functions/adapters/s3/object-store';
import { ENV, MissingEnvError } from '../../functions/runtime/env';
import type { FunctionRole } from '../../functions/runtime/lambda';
import type { PipelineFunction } from '../../infra/constructs/pipeline-function';
import { buildStack, environmentOf } from '../infra/helpers';
import { type Embedded, type Stores, startEmbedded } from '../support/embedded';
import { inspectionRows, xlsx } from '../support/workbooks';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:qtrack-alerts';

/** A stand-in for SNS (query protocol): records every Publish, answers with a message id. */
function snsStub(): Promise<{ server: Server; url: string; published: Record<string, string>[] }> {
  const published: Record<string, string>[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      if (params.Action !== 'Publish') {
        res.writeHead(400, { 'content-type': 'text/xml' }).end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${params.Action}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
        return;
      }
      published.push(params);
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(`<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${published.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, published })));
}

let embedded: Embedded;
let stores: Stores;
let sns: Awaited<ReturnType<typeof snsStub>>;
const saved = { ...process.env };
/** Each function's environment as the stack sets it, on the embedded stores. */
const envOf = {} as Record<FunctionRole, Record<string, string>>;

beforeAll(async () => {
  embedded = await startEmbedded();
  stores = await embedded.stores();
  sns = await snsStub();
  // the SDK's own configuration: region, credentials (s3rver checks its own), endpoints, s3rver's checksum quirk
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: embedded.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: embedded.endpoints.s3,
    AWS_ENDPOINT_URL_SNS: sns.url,
    // anything else the code might reach goes to the stub, never to AWS
    AWS_ENDPOINT_URL: sns.url,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });
  const built = buildStack({ dueDays: 12, summaryDays: 20, portalUrl: 'https://portal.example/' });
  const resources: Record<string, string> = {
    [ENV.tableName]: stores.table,
    [ENV.submissionsBucket]: stores.uploads,
    [ENV.reportsBucket]: stores.reports,
    // the embedded servers have no archive bucket of their own: the composition only needs a name
    [ENV.archiveBucket]: stores.reports,
    [ENV.alertTopicArn]: TOPIC,
  };
  const fns: Record<FunctionRole, PipelineFunction> = {
    ingest: built.stack.intake.ingest,
    evaluate: built.stack.jobs.evaluate,
    monitor: built.stack.jobs.monitor,
    summary: built.stack.jobs.summary,
    api: built.stack.portal.api,
  };
  for (const [role, fn] of Object.entries(fns) as [FunctionRole, PipelineFunction][]) {
    envOf[role] = Object.fromEntries(
      Object.entries(environmentOf(built, fn)).map(([name, value]) => {
        if (typeof value === 'string') return [name, value];
        if (!(name in resources)) throw new Error(`${role}: ${name} is a reference this test does not map: ${JSON.stringify(value)}`);
        return [name, resources[name]!];
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  await new Promise((r) => sns?.server.close(r));
  await embedded?.stop();
});

/** lambda.ts as a fresh cold start: it keeps its deps for the life of the module. */
async function coldStart() {
  vi.resetModules();
  return import('../../functions/runtime/lambda');
}

describe('the Lambda composition, from the environment the stack sets', () => {
  it('the stack names the resources each role needs, and only those', () => {
    const resources = (role: FunctionRole) => [ENV.tableName, ENV.submissionsBucket, ENV.reportsBucket, ENV.alertTopicArn].filter((n) => n in envOf[role]);
    expect(resources('ingest')).toEqual([ENV.tableName, ENV.submissionsBucket, ENV.reportsBucket, ENV.alertTopicArn]);
    expect(resources('evaluate')).toEqual([ENV.tableName, ENV.reportsBucket, ENV.alertTopicArn]);
    expect(resources('monitor')).toEqual([ENV.tableName, ENV.reportsBucket, ENV.alertTopicArn]);
    expect(resources('summary')).toEqual([ENV.tableName, ENV.reportsBucket]);
    // the API signs uploads to the submissions bucket and downloads from both; it publishes nothing
    expect(resources('api')).toEqual([ENV.tableName, ENV.submissionsBucket, ENV.reportsBucket]);
  });

  it('api: composes the pipeline with the signers, uploads unreadable, no publisher', async () => {
    vi.resetModules();
    const { lambdaApiDeps } = await import('../../functions/runtime/lambda-api');
    const deps = lambdaApiDeps(envOf.api);
    expect([deps.uploadSigner.constructor.name, deps.downloadSigner.constructor.name]).toEqual(['S3UploadSigner', 'S3DownloadSigner']);
    expect(deps.publisher).toBeUndefined();
    await expect(deps.uploads.get('submissions/x')).rejects.toThrow(/no access to the submissions bucket/);
    expect(await deps.submissions.allVersions('2030-Q4')).toEqual([]); // it reaches dynalite
    const grant = await deps.uploadSigner.grant({ key: 'submissions/construction/2026-Q1/a.xlsx', maxBytes: 10, metadata: {}, expiresInSeconds: 60 });
    expect(grant.url).toBe(`${embedded.endpoints.s3}/${stores.uploads}`); // the endpoint override, path style
    expect(lambdaApiDeps(envOf.api)).toBe(deps);
  });

  for (const role of ['ingest', 'evaluate', 'monitor', 'summary'] as const) {
    it(`${role}: composes from its environment — plan, offsets, stores, publisher — once per cold start`, async () => {
      const { lambdaDeps } = await coldStart();
      const deps = lambdaDeps(role, envOf[role]);
      expect(deps.plan.id).toBe('15th');
      expect(deps.offsets).toEqual({ dueDays: 12, summaryDays: 20 });
      // a fresh module graph: compare class names, not identities
      expect([deps.submissions.constructor.name, deps.alerts.constructor.name, deps.reports.constructor.name]).toEqual(['DynamoSubmissionRepository', 'DynamoAlertRepository', 'S3ObjectStore']);
      expect((deps.reports as S3ObjectStore).bucket).toBe(stores.reports);
      expect(await deps.reports.get('reports/none.json')).toBeUndefined(); // it reaches s3rver
      expect(await deps.submissions.allVersions('2030-Q4')).toEqual([]); // and dynalite
      if (role === 'ingest') expect((deps.uploads as S3ObjectStore).bucket).toBe(stores.uploads);
      else await expect(deps.uploads.get('submissions/x')).rejects.toThrow(/no access to the submissions bucket/);
      expect(deps.publisher?.constructor.name).toBe(role === 'summary' ? undefined : 'SnsAlertPublisher');
      // the archive (PRODUCT §10) for the two functions that write to it, from ENV.archiveBucket
      expect(deps.archive?.constructor.name).toBe(role === 'ingest' || role === 'summary' ? 'S3ObjectStore' : undefined);
      expect(lambdaDeps(role, envOf[role])).toBe(deps);
    });
  }

  it('a variable the role needs, missing, fails the cold start naming it', async () => {
    for (const [role, name] of [
      ['ingest', ENV.submissionsBucket],
      ['evaluate', ENV.tableName],
      ['monitor', ENV.alertTopicArn],
      ['summary', ENV.reportsBucket],
    ] as const) {
      const { lambdaDeps } = await coldStart();
      const env = { ...envOf[role], [name]: undefined };
      expect(() => lambdaDeps(role, env)).toThrow(new MissingEnvError(name));
    }
  });

  it('an offset that is not an integer fails the cold start', async () => {
    const { lambdaDeps } = await coldStart();
    expect(() => lambdaDeps('evaluate', { ...envOf.evaluate, [ENV.dueDays]: 'ten' })).toThrow(/QTRACK_DUE_DAYS/);
  });
});

describe('the deployed ingest handler on the embedded stores', () => {
  it('an SQS batch of S3 notifications: the workbooks are ingested, reported, evaluated; a rejection is published to the topic', async () => {
    // the handler reads process.env, as in Lambda
    Object.assign(process.env, envOf.ingest);
    vi.resetModules();
    const { handler } = await import('../../functions/handlers/ingest');
    const good = 'submissions/market-regulation/2026-Q1/第一季度 报表.xlsx';
    const bad = 'submissions/market-regulation/2026-Q1/bad.xlsx';
    const put = (Key: string, Body: Uint8Array) => embedded.clients.s3.send(new PutObjectCommand({ Bucket: stores.uploads, Key, Body }));
    await put(good, await xlsx({ 抽查明细: inspectionRows(20, 0) }));
    await put(bad, await xlsx({ 抽查明细: [...inspectionRows(3, 0), ['B9', '电子电器', '企业', 'NOT-A-CODE', new Date('2026-02-10'), '区', '合格', null]] }));
    const notification = (key: string, at: string) =>
      JSON.stringify({
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            eventTime: at,
            s3: { bucket: { name: stores.uploads }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size: 1, eTag: at, sequencer: at } },
          },
        ],
      });
    const event = {
      Records: [
        { messageId: 'm1', body: notification(good, '2026-04-05T02:00:00.000Z') },
        { messageId: 'm2', body: notification(bad, '2026-04-06T02:00:00.000Z') },
        { messageId: 'm3', body: JSON.stringify({ Event: 's3:TestEvent' }) },
      ],
    } as SQSEvent;
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      expect(await handler(event)).toEqual({ batchItemFailures: [] });
    } finally {
      log.mockRestore();
    }
    // the composed logger: one JSON line per event, tagged with the service
    expect(lines.map((l) => JSON.parse(l) as { service: string; message: string })).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'qtrack', message: 'submission accepted and current' }), expect.objectContaining({ message: 'submission rejected' })]),
    );

    const repo = new DynamoSubmissionRepository(embedded.clients.dynamodb, stores.table);
    const versions = await repo.allVersions('2026-Q1');
    expect(versions.map((v) => [v.objectKey, v.status])).toEqual([
      [good, 'accepted'],
      [bad, 'rejected'],
    ]);
    expect((await repo.currentVersions('2026-Q1')).map((v) => v.objectKey)).toEqual([good]);
    const report = await embedded.clients.s3.send(new GetObjectCommand({ Bucket: stores.reports, Key: versions[0]!.reportKey }));
    expect(JSON.parse(await report.Body!.transformToString())).toMatchObject({ status: 'accepted', department: 'market-regulation', period: '2026-Q1' });

    const rejected = sns.published.filter((p) => p.Subject?.startsWith('[qtrack] Submission rejected - 2026-Q1'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.TopicArn).toBe(TOPIC);
    expect(rejected[0]!.MessageStructure).toBe('json');
    const message = JSON.parse(rejected[0]!.Message!) as { default: string; email: string };
    expect(JSON.parse(message.default)).toMatchObject({ type: 'SUBMISSION_REJECTED', department: 'market-regulation', period: '2026-Q1' });
    expect(message.email).toMatch(/^【提示】报送被退回/);
    // the department attribute a department's filtered subscription matches
    const attributes = Object.fromEntries(
      Object.keys(rejected[0]!)
        .filter((k) => /^MessageAttributes\.entry\.\d+\.Name$/.test(k))
        .map((k) => [rejected[0]![k], rejected[0]![k.replace('.Name', '.Value.StringValue')]]),
    );
    expect(attributes).toEqual({ type: 'SUBMISSION_REJECTED', severity: 'info', department: 'market-regulation' });
  });
});
