// `--aws` / QTRACK_STACK: the command line, as a child process, acting on a
// "deployed stack" that is the embedded dynalite and s3rver reached through the
// AWS SDK's endpoint overrides (AWS_ENDPOINT_URL_DYNAMODB, …_S3), so the code
// path is the one that runs against AWS. The one edge that cannot run here,
// CloudFormation's DescribeStacks (and SNS Publish beside it), is a tiny fake
// on 127.0.0.1 speaking the Query/XML protocol the SDK clients send.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../functions/core/model';
import { asPeriod } from '../../functions/core/periods';
import type { PipelineDeps } from '../../functions/core/use-cases/deps';
import { evaluateAndAlert } from '../../functions/core/use-cases/evaluate';
import { ingestSubmission, submissionOf } from '../../functions/core/use-cases/ingest';
import { S3ObjectStore } from '../../functions/adapters/s3/object-store';
import { createIngestHandler } from '../../functions/handlers/ingest';
import { main } from '../../functions/local/cli';
import { ROOT } from '../../scripts/build-cli.mjs';
import { type Embedded, embeddedDeps, startEmbedded, type Stores } from '../support/embedded';
import { brandCertificate, CERT_HEADERS, date, inspectionRows, xlsx } from '../support/workbooks';

const STACK = 'QtrackTest';
const PARTIAL = 'QtrackHalfDeployed';
const PERIOD = '2026-Q1';
const RECEIVED = new Date('2026-04-05T02:00:00Z');
const MR = (file: string) => `submissions/market-regulation/${PERIOD}/${file}`;
const BIN = join(ROOT, 'bin/qtrack.mjs');
const ARCHIVE = 'archive-cli-aws';

/** A market-regulation workbook whose pass rate breaches its target (an alert). */
const breachBook = () =>
  xlsx({
    抽查明细: inspectionRows(170, 30),
    指标: [
      ['指标代码', '数值'],
      ['STANDARDS_LED_COUNT', 3],
    ],
    认证明细: [CERT_HEADERS, ...Array.from({ length: 13 }, (_, i) => brandCertificate(i + 1))],
  });

/** A workbook ingest rejects (a rejection alert). */
async function rejectedBook(): Promise<Uint8Array> {
  const rows = inspectionRows(20, 0);
  rows[3]![4] = 'not a date';
  rows[5]![4] = date('2025-02-10');
  return xlsx({ 抽查明细: rows });
}

// ---------------------------------------------------------------------------
// The fake CloudFormation (DescribeStacks) and SNS (Publish) endpoint

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Fake {
  url: string;
  requests: URLSearchParams[];
  published: URLSearchParams[];
  close(): Promise<void>;
}

async function fakeAws(stacks: Record<string, Record<string, string>>): Promise<Fake> {
  const requests: URLSearchParams[] = [];
  const published: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      requests.push(form);
      const send = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'fake' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
      };
      const action = form.get('Action');
      if (action === 'DescribeStacks') {
        const name = form.get('StackName') ?? '';
        const outputs = stacks[name];
        if (!outputs) {
          send(
            400,
            `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xmlEscape(name)} does not exist</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
          );
          return;
        }
        const members = Object.entries(outputs)
          .map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${xmlEscape(v)}</OutputValue></member>`)
          .join('');
        send(
          200,
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${name}</StackName><StackId>arn:aws:cloudformation:us-east-1:000000000000:stack/${name}/1</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`,
        );
      } else if (action === 'Publish') {
        published.push(form);
        send(200, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${published.length}</MessageId></PublishResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></PublishResponse>`);
      } else {
        send(400, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not faked: ${xmlEscape(action ?? '')}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    published,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------
// The stores, seeded by a real pipeline run, and the CLI as a child process

let embedded: Embedded;
let stores: Stores;
let deps: PipelineDeps;
let fake: Fake;
let seeded: Alert[];
let acceptedId: string;

beforeAll(async () => {
  embedded = await startEmbedded();
  stores = await embedded.stores();
  deps = embeddedDeps(embedded.clients, stores, RECEIVED);
  const upload = async (key: string, bytes: Uint8Array, at: Date) => {
    await deps.uploads.put(key, bytes, 'application/octet-stream');
    return ingestSubmission(deps, submissionOf({ bucket: stores.uploads, key, eventTime: at.toISOString() }));
  };
  const accepted = await upload(MR('q1.xlsx'), await breachBook(), RECEIVED);
  expect(accepted.report.status).toBe('accepted');
  acceptedId = accepted.version.submissionId;
  expect((await upload(MR('q1-bad.xlsx'), await rejectedBook(), new Date(RECEIVED.getTime() + 60_000))).report.status).toBe('rejected');
  await evaluateAndAlert(deps, asPeriod(PERIOD));
  seeded = await deps.alerts.list();
  expect(seeded.map((a) => a.type)).toEqual(expect.arrayContaining(['SUBMISSION_REJECTED', 'TARGET_BREACHED']));
  expect(seeded.length).toBeGreaterThan(1);
  await embedded.clients.s3.send(new CreateBucketCommand({ Bucket: ARCHIVE }));
  const outputs = {
    SubmissionsBucketName: stores.uploads,
    ArchiveBucketName: ARCHIVE,
    ReportsBucketName: stores.reports,
    TableName: stores.table,
    AlertTopicArn: 'arn:aws:sns:us-east-1:000000000000:qtrack-alerts',
    DashboardName: 'qtrack',
  };
  fake = await fakeAws({ [STACK]: outputs, [PARTIAL]: { TableName: stores.table } });
}, 120_000);

afterAll(async () => {
  await fake?.close();
  await embedded?.stop();
});

/** The environment of a shell set up for the stack: none of the caller's AWS settings, the endpoints overridden, dummy credentials. */
function stackEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('QTRACK_')) env[k] = v;
  Object.assign(env, {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    QTRACK_STACK: STACK,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_CONFIG_FILE: join(tmpdir(), 'qtrack-no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'qtrack-no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_CLOUDFORMATION: fake.url,
    AWS_ENDPOINT_URL_SNS: fake.url,
    AWS_ENDPOINT_URL_DYNAMODB: embedded.endpoints.dynamodb,
    // by host name, not IP: the SDK would address a bucket as uploads-1.localhost unless path style is forced
    AWS_ENDPOINT_URL_S3: embedded.endpoints.s3.replace('127.0.0.1', 'localhost'),
    // s3rver stores aws-chunked framing verbatim: the SDK's own switch for S3-compatible servers
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
  cwd: string;
}

/** `node bin/qtrack.mjs …` in a fresh folder; the child, for a caller that acts while it runs. */
function start(argv: string[], env = stackEnv()): { child: ChildProcess; done: Promise<Run> } {
  const cwd = mkdtempSync(join(tmpdir(), 'qtrack-cli-aws-'));
  const child = spawn(process.execPath, [BIN, ...argv], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, out, err, cwd })));
  return { child, done };
}

const qtrack = (argv: string[], env?: NodeJS.ProcessEnv) => start(argv, env).done;

/** A round trip through JSON, as the CLI prints it. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('qtrack --aws reads the deployed stack', () => {
  it('alerts --aws lists exactly what the stack holds, and opens no data directory', async () => {
    const r = await qtrack(['alerts', '--aws', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ alerts: asJson(seeded) });
    expect(existsSync(join(r.cwd, '.qtrack'))).toBe(false);
    // the stack was looked up by its name, through the overridden CloudFormation endpoint
    expect(fake.requests.some((f) => f.get('Action') === 'DescribeStacks' && f.get('StackName') === STACK)).toBe(true);
  });

  it('QTRACK_STACK alone switches to the stack; --period filters', async () => {
    const r = await qtrack(['alerts', '--period', PERIOD, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ alerts: asJson(await deps.alerts.list(PERIOD)) });
    const text = await qtrack(['alerts', '--aws']);
    expect(text.code).toBe(0);
    for (const a of seeded) expect(text.out).toContain(a.department);
  });

  it('versions --aws and report --aws read the versions and files ingest stored', async () => {
    const v = await qtrack(['versions', '--aws', '--period', PERIOD, '--json']);
    expect(v.code).toBe(0);
    const listed = JSON.parse(v.out) as { versions: { submissionId: string; status: string }[] };
    expect(listed.versions.map((x) => [x.submissionId, x.status])).toEqual((await deps.submissions.allVersions(PERIOD)).map((x) => [x.submissionId, x.status]));

    const out = mkdtempSync(join(tmpdir(), 'qtrack-cli-aws-report-'));
    const r = await qtrack(['report', acceptedId, '--aws', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const version = (await deps.submissions.findVersion(acceptedId))!;
    const stored = JSON.parse(new TextDecoder().decode(await deps.reports.get(version.reportKey)));
    expect(JSON.parse(r.out)).toEqual(stored);
    expect(new Uint8Array(readFileSync(join(out, `${acceptedId}.original.xlsx`)))).toEqual(await deps.uploads.get(version.objectKey));
  });

  it('evaluate --aws evaluates the stack’s data; alerts already raised are not raised again', async () => {
    const r = await qtrack(['evaluate', '--aws', '--period', PERIOD, '--json']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { indicators: { code: string; status: string }[]; alerts: unknown[]; sources: { submissionId: string }[] };
    const { result } = await evaluateAndAlert(deps, asPeriod(PERIOD));
    expect(printed.indicators.map((i) => [i.code, i.status])).toEqual(result.indicators.map((i) => [i.code, i.status]));
    expect(printed.alerts).toEqual([]);
    expect(printed.sources.every((s) => s.submissionId === acceptedId)).toBe(true);
    expect(await deps.alerts.list()).toHaveLength(seeded.length);
  });

  it('monitor --aws stores what it raises in the stack and publishes it to the stack’s alert topic', async () => {
    const before = fake.published.length;
    const r = await qtrack(['monitor', '--aws', '--now', '2026-04-16T09:00:00+08:00', '--json']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { date: string; alerts: Alert[] };
    expect(printed.date).toBe('2026-04-16');
    expect(printed.alerts.length).toBeGreaterThan(0); // departments late for 2026-Q1
    const sent = fake.published.slice(before);
    expect(sent.map((f) => f.get('TopicArn'))).toEqual(printed.alerts.map(() => 'arn:aws:sns:us-east-1:000000000000:qtrack-alerts'));
    const stored = new Set((await deps.alerts.list()).map((a) => a.id));
    for (const a of printed.alerts) expect(stored.has(a.id)).toBe(true);
  });

  it('summary --aws writes the summary to the stack’s reports bucket, and archives it as the summary function does', async () => {
    const r = await qtrack(['summary', '--aws', '--period', PERIOD]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`s3://${stores.reports}/summaries/${PERIOD}/summary.json`);
    const written = await deps.reports.get(`summaries/${PERIOD}/summary.json`);
    expect(written).toBeDefined();
    expect(await new S3ObjectStore(embedded.clients.s3, ARCHIVE).get(`summaries/${PERIOD}/summary.json`)).toEqual(written);
  });

  it('validate --aws checks against the deployed ledger', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtrack-cli-aws-validate-'));
    const file = join(dir, 'q1.xlsx');
    writeFileSync(file, await breachBook());
    const r = await qtrack(['validate', file, '--aws', '--department', 'market-regulation', '--period', PERIOD, '--now', '2026-04-05', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { status: string; notes?: { en: string }[] };
    expect(report.status).toBe('accepted');
    // with the ledger at hand, nothing is noted as unchecked (a file checked alone says so)
    const alone = await qtrack(['validate', file, '--department', 'market-regulation', '--period', PERIOD, '--now', '2026-04-05', '--json'], stackEnv({ QTRACK_STACK: undefined }));
    expect(JSON.parse(alone.out).notes?.length ?? 0).toBeGreaterThan(report.notes?.length ?? 0);
  });
});

describe('qtrack submit --aws', () => {
  /** The cloud's ingest: once the object is in the submissions bucket, the real handler gets its S3 → SQS message. */
  async function ingestWhenUploaded(key: string, until: Promise<unknown>): Promise<boolean> {
    let finished = false;
    void until.then(() => (finished = true));
    while (!finished) {
      const bytes = await deps.uploads.get(key);
      if (bytes) {
        const body = JSON.stringify({
          Records: [
            {
              eventName: 'ObjectCreated:Put',
              eventTime: new Date(RECEIVED.getTime() + 3600_000).toISOString(),
              s3: { bucket: { name: stores.uploads }, object: { key: key.split('/').map(encodeURIComponent).join('/'), size: bytes.byteLength, sequencer: '0A1' } },
            },
          ],
        });
        const event = { Records: [{ messageId: 'm-1', receiptHandle: 'r', body, attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn', awsRegion: 'us-east-1' }] } as unknown as SQSEvent;
        const out = await createIngestHandler(() => deps)(event);
        return out.batchItemFailures.length === 0;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  it('uploads to the stack’s bucket and prints the report the cloud’s ingest stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtrack-cli-aws-submit-'));
    const file = join(dir, 'q1-again.xlsx');
    writeFileSync(file, await breachBook());
    const { done } = start(['submit', file, '--aws', '--department', 'market-regulation', '--period', PERIOD, '--wait', '60', '--json']);
    const ingested = await ingestWhenUploaded(MR('q1-again.xlsx'), done);
    const r = await done;
    expect(ingested).toBe(true);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { status: string; submissionId: string; file: string };
    expect(report.status).toBe('accepted');
    expect(report.file).toBe(MR('q1-again.xlsx'));
    const version = (await deps.submissions.findVersion(report.submissionId))!;
    expect(version.objectKey).toBe(MR('q1-again.xlsx'));
    expect(existsSync(join(dir, 'q1-again.report.json'))).toBe(true);
    expect(existsSync(join(r.cwd, '.qtrack'))).toBe(false);
  });

  it('says so in one bilingual line (exit 2) when no ingest result appears in time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtrack-cli-aws-submit-'));
    const file = join(dir, 'never-ingested.xlsx');
    writeFileSync(file, await breachBook());
    const r = await qtrack(['submit', file, '--aws', '--department', 'market-regulation', '--period', PERIOD, '--wait', '2']);
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n').filter((l) => !l.startsWith('上传 / uploading'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/已上传 s3:\/\/uploads-\d+\/submissions\/market-regulation\/2026-Q1\/never-ingested\.xlsx.*2 秒内未见入库结果.*no ingest result appeared within 2 s/);
    expect(await deps.uploads.get(MR('never-ingested.xlsx'))).toBeDefined();
  });
});

describe('qtrack --aws when the stack cannot be used', () => {
  it.each([
    ['a stack that does not exist', { QTRACK_STACK: 'Nope' }, /没有名为“Nope”的 CloudFormation 堆栈.*no CloudFormation stack "Nope" in region us-east-1/],
    ['a stack without qtrack’s outputs', { QTRACK_STACK: PARTIAL }, /缺少输出 SubmissionsBucketName、ReportsBucketName、AlertTopicArn.*has no output SubmissionsBucketName, ReportsBucketName, AlertTopicArn/],
    ['no credentials', { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }, /未找到 AWS 凭证.*no AWS credentials found/],
    ['no region', { AWS_REGION: undefined }, /未设置 AWS 区域.*no AWS region set/],
  ])('%s → exit 2, one bilingual line, no stack trace', async (_, env, message) => {
    const r = await qtrack(['alerts', '--aws'], stackEnv(env));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^错误：/);
    expect(r.err).toMatch(message);
  });

  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it.each([
    [['demo', '--aws'], /命令 demo 不能加 --aws.*command demo takes no --aws/],
    [['template', '--aws', '--department', 'market-regulation'], /命令 template 不能加 --aws.*command template takes no --aws/],
    [['inspect', 'x.xlsx', '--aws'], /命令 inspect 不能加 --aws.*command inspect takes no --aws/],
    [['alerts', '--aws', '--data-dir', 'x'], /--data-dir 与 --aws 不能同时使用.*--data-dir and --aws exclude each other/],
    [['submit', 'x.xlsx', '--department', 'market-regulation', '--period', PERIOD, '--wait', '5'], /--wait 只能与 --aws.*--wait goes with --aws/],
    [['submit', 'x.xlsx', '--aws', '--department', 'market-regulation', '--period', PERIOD, '--now', '2026-04-05'], /不能加 --now.*takes no --now/],
    [['submit', 'x.xlsx', '--aws', '--department', 'market-regulation', '--period', PERIOD, '--wait', 'soon'], /--wait 的值“soon”.*not a positive number/],
  ])('%j → a usage error, exit 2, before anything is read or sent', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
