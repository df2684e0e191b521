// `--aws` / QTRACK_STACK: the command line acting on a deployed stack. The
// stack's outputs (infra/stacks/qtrack-stack.ts) name its buckets, table and
// topic; the pipeline is composed over them as the Lambda functions compose it
// (compose.ts), with the default AWS credential chain. No data directory is
// opened. Endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, …_DYNAMODB,
// …_CLOUDFORMATION, …_SNS) are the SDK's own; with an S3 override, S3 is
// addressed path-style (an S3-compatible server has no per-bucket host names).
// The AWS SDK and the composition are loaded only here, when a command runs.
import { BilingualError } from '../core/errors';
import type { Alert, SubmissionVersion, ValidationReport } from '../core/model';
import type { AlertPublisher, Logger } from '../core/ports';
import type { PipelineDeps } from '../core/use-cases/deps';
import type { IngestResult } from '../core/use-cases/ingest';
import { type GlobalOptions, UsageError } from './args';

/** The stack --aws means when QTRACK_STACK is not set. */
export const DEFAULT_STACK = 'Qtrack';

type Env = Record<string, string | undefined>;

/** The deployed stack cannot be used (missing, incomplete, no credentials), or did not answer in time: exit 2. */
export class StackError extends BilingualError {}

/**
 * The stack a command acts on: QTRACK_STACK, or "Qtrack" for a bare --aws;
 * undefined when neither is given (the local data directory). A data directory
 * given beside a stack is refused: a command acts on one or the other.
 */
export function stackOf(opts: GlobalOptions, env: Env = process.env): string | undefined {
  const named = env.QTRACK_STACK?.trim();
  if (!opts.aws && !named) return undefined;
  if (opts.dataDir !== undefined) {
    throw new UsageError(
      `--data-dir 与 ${opts.aws ? '--aws' : '环境变量 QTRACK_STACK'} 不能同时使用：命令要么作用于本地数据目录，要么作用于已部署的堆栈${opts.aws ? '' : '（使用本地数据请先 unset QTRACK_STACK）'}`,
      `--data-dir and ${opts.aws ? '--aws' : 'QTRACK_STACK'} exclude each other: a command acts on a local data directory or on a deployed stack${opts.aws ? '' : ' (unset QTRACK_STACK for local data)'}`,
    );
  }
  return named || DEFAULT_STACK;
}

/** For the commands that never act on a stack: an explicit --aws is a usage error (QTRACK_STACK in the environment is ignored). */
export function refuseAws(opts: GlobalOptions, command: string, why: { zh: string; en: string }): void {
  if (opts.aws) throw new UsageError(`命令 ${command} 不能加 --aws：${why.zh}`, `command ${command} takes no --aws: ${why.en}`);
}

export interface StackNames {
  stack: string;
  table: string;
  submissionsBucket: string;
  reportsBucket: string;
  alertTopicArn: string;
  /** the archive bucket (ArchiveBucketName), when the stack has one: summary --aws archives as the summary function does */
  archiveBucket?: string;
}

export interface StackPipeline {
  deps: PipelineDeps;
  names: StackNames;
  /**
   * Uploads to the stack's submissions bucket and waits, up to `waitSeconds`, for
   * the cloud's own ingest (S3 → SQS → Lambda) to store the version and its report.
   */
  upload(key: string, body: Uint8Array, waitSeconds: number): Promise<IngestResult>;
  stop(): Promise<void>;
}

export interface StackOptions {
  stack: string;
  now?: Date;
  logger: Logger;
  /** each alert published to the topic is also shown here (not with --json) */
  onAlert?: (alert: Alert) => void;
  env?: Env;
  /** how often submit looks for the ingest result (ms) */
  pollMs?: number;
}

/**
 * One bilingual line for what AWS answered instead: no credentials, no region,
 * no such stack, or what it said about `what` (the call that failed).
 */
export function awsFailure(err: unknown, what: { zh: string; en: string }, stack?: string, region?: string): StackError {
  const e = err as { name?: string; message?: string };
  const message = e.message ?? String(err);
  if (e.name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new StackError(
      `未找到 AWS 凭证（默认凭证链：环境变量、~/.aws 配置文件、SSO、实例角色），${what.zh}`,
      `no AWS credentials found (the default chain: environment, ~/.aws profiles, SSO, instance role); ${what.en}`,
      { cause: err },
    );
  }
  if (/region is missing/i.test(message)) {
    return new StackError('未设置 AWS 区域（设置 AWS_REGION 或在 ~/.aws/config 中配置）', 'no AWS region set (set AWS_REGION or configure one in ~/.aws/config)', { cause: err });
  }
  if (stack && e.name === 'ValidationError' && /does not exist/i.test(message)) {
    return new StackError(
      `区域 ${region} 中没有名为“${stack}”的 CloudFormation 堆栈（用 QTRACK_STACK 指定堆栈名，或检查 AWS_REGION）`,
      `no CloudFormation stack "${stack}" in region ${region} (name it with QTRACK_STACK, or check AWS_REGION)`,
      { cause: err },
    );
  }
  return new StackError(`${what.zh}：${message}`, `${what.en}: ${e.name ?? 'Error'}: ${message}`, { cause: err });
}

/** The stack's outputs (name → value) and status, by DescribeStacks; a missing stack, no credentials or region are a StackError. */
export async function stackOutputs(stack: string): Promise<{ outputs: Map<string, string>; status: string }> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = new CloudFormationClient({});
  let region = '?';
  try {
    region = await cfn.config.region();
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const found = out.Stacks?.[0];
    if (!found) throw Object.assign(new Error(`Stack with id ${stack} does not exist`), { name: 'ValidationError' });
    return { outputs: new Map((found.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])), status: found.StackStatus ?? '?' };
  } catch (err) {
    throw awsFailure(err, { zh: `无法读取堆栈 ${stack}（区域 ${region}）`, en: `cannot read stack ${stack} (region ${region})` }, stack, region);
  } finally {
    cfn.destroy();
  }
}

/** The stack's outputs, by DescribeStacks; a missing stack or output is a StackError. */
async function stackNames(stack: string): Promise<StackNames> {
  const { STACK_OUTPUTS } = await import('../runtime/contract');
  const { outputs, status } = await stackOutputs(stack);
  // the outputs the pipeline's commands need (the archive is optional; the portal's are read by `users`)
  const needed = [STACK_OUTPUTS.table, STACK_OUTPUTS.submissionsBucket, STACK_OUTPUTS.reportsBucket, STACK_OUTPUTS.alertTopicArn];
  const missing = needed.filter((name) => !outputs.get(name));
  if (missing.length) {
    throw new StackError(
      `堆栈 ${stack} 缺少输出 ${missing.join('、')}（状态 ${status}）：它不是 qtrack 的堆栈，或需要用当前版本重新部署（npx cdk deploy）`,
      `stack ${stack} has no output ${missing.join(', ')} (status ${status}): it is not qtrack's, or needs deploying again with this version (npx cdk deploy)`,
    );
  }
  const get = (k: keyof typeof STACK_OUTPUTS) => outputs.get(STACK_OUTPUTS[k])!;
  const archiveBucket = outputs.get(STACK_OUTPUTS.archiveBucket);
  return {
    stack,
    table: get('table'),
    submissionsBucket: get('submissionsBucket'),
    reportsBucket: get('reportsBucket'),
    alertTopicArn: get('alertTopicArn'),
    ...(archiveBucket ? { archiveBucket } : {}),
  };
}

const CONTENT_TYPES: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

export async function openStackPipeline(options: StackOptions): Promise<StackPipeline> {
  const env = options.env ?? process.env;
  const names = await stackNames(options.stack);
  const [{ PutObjectCommand }, { SnsAlertPublisher }, { S3ObjectStore }, { awsStores, composePipeline, replayClock }, { awsClients }, { intEnv, ENV }, { indicator, loadPlan }, { submissionOf }] =
    await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../adapters/sns/alert-publisher'),
      import('../adapters/s3/object-store'),
      import('../runtime/compose'),
      import('../runtime/clients'),
      import('../runtime/env'),
      import('../core/catalog'),
      import('../core/use-cases/ingest'),
    ]);
  // the default credential chain and region; endpoints from the environment when overridden
  const clients = awsClients(env);
  // the plan, offsets and portal link the stack's functions are given (QTRACK_PLAN, …), when set here too
  const planId = env[ENV.plan] || undefined;
  const plan = loadPlan(planId);
  const portalUrl = env[ENV.portalUrl] || undefined;
  const sns = new SnsAlertPublisher(clients.sns!, names.alertTopicArn, { ...(portalUrl ? { portalUrl } : {}), indicator: (code) => indicator(plan, code) });
  const publisher: AlertPublisher = {
    async publish(alert) {
      await sns.publish(alert);
      options.onAlert?.(alert);
    },
  };
  const deps = composePipeline({
    ...awsStores(clients, { table: names.table, submissionsBucket: names.submissionsBucket, reportsBucket: names.reportsBucket }),
    ...(names.archiveBucket ? { archive: new S3ObjectStore(clients.s3, names.archiveBucket) } : {}),
    publisher,
    ...(options.now ? { clock: replayClock(options.now) } : {}),
    plan: planId,
    offsets: { dueDays: intEnv(env, 'dueDays'), summaryDays: intEnv(env, 'summaryDays') },
    logger: options.logger,
  });
  const pollMs = options.pollMs ?? 1000;

  /** The versions of this key's department and period that ingest stored for this key (filed where ingest files them). */
  async function versionsOf(key: string): Promise<{ versions: SubmissionVersion[]; period: string }> {
    const sub = submissionOf({ bucket: names.submissionsBucket, key, eventTime: new Date().toISOString() });
    const period = sub.period ?? sub.written.period;
    const versions = (await deps.submissions.allVersions(period)).filter((v) => v.department === sub.department && v.objectKey === key);
    return { versions, period };
  }

  return {
    deps,
    names,
    async upload(key, body, waitSeconds) {
      const before = new Set((await versionsOf(key)).versions.map((v) => v.submissionId));
      const ext = key.split('.').pop()?.toLowerCase() ?? '';
      const put = await clients.s3.send(
        new PutObjectCommand({ Bucket: names.submissionsBucket, Key: key, Body: body, ContentLength: body.byteLength, ContentType: CONTENT_TYPES[ext] ?? 'application/octet-stream' }),
      );
      // the version ingest stores for this upload: its object version (a versioned bucket), else one that was not there before
      const ours = (v: SubmissionVersion) => (put.VersionId ? v.objectVersion === put.VersionId : !before.has(v.submissionId));
      const deadline = Date.now() + waitSeconds * 1000;
      for (;;) {
        const { versions, period } = await versionsOf(key);
        const version = versions.find(ours);
        if (version) {
          const stored = await deps.reports.get(version.reportKey);
          // the version is saved after its report: a missing report is one being rewritten, looked at again
          if (stored) {
            const report = JSON.parse(new TextDecoder().decode(stored)) as ValidationReport;
            const current = (await deps.submissions.currentVersions(period)).find((v) => v.submissionId === version.submissionId);
            const currentFor = current?.currentFor ?? [];
            const p = submissionOf({ bucket: names.submissionsBucket, key, eventTime: version.receivedAt }).period;
            return { version, report, repeated: false, current: currentFor.length > 0, currentFor, ...(p ? { period: p } : {}) };
          }
        }
        if (Date.now() >= deadline) {
          const where = `s3://${names.submissionsBucket}/${key}${put.VersionId ? ` (version ${put.VersionId})` : ''}`;
          throw new StackError(
            `已上传 ${where}，但 ${waitSeconds} 秒内未见入库结果：入库可能仍在进行，稍后用 qtrack versions --aws --period ${period} 查看；一直没有结果时请检查死信队列和入库函数的日志`,
            `uploaded ${where}, but no ingest result appeared within ${waitSeconds} s: ingest may still be running; look later with qtrack versions --aws --period ${period}, and if it never appears check the dead-letter queue and the ingest function's logs`,
          );
        }
        await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
      }
    },
    async stop() {
      clients.dynamodb.destroy();
      clients.s3.destroy();
      clients.sns?.destroy();
    },
  };
}
