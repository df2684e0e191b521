// npm run faults: the fault-injection suite, over the embedded DynamoDB
// (dynalite) and S3 (s3rver). For each scenario — ingest of an accepted
// workbook, a rejected re-upload, a per-kind CSV, an evaluation, the daily
// monitor — a crash-free run gives the expected end state and the numbered
// write steps; then for every step a fresh run dies just before it and just
// after it, and the work is redelivered (as SQS or EventBridge would, once the
// run's leases ran out) until it succeeds. After each, the invariants:
//   - the versions, current pointers and records are those of the crash-free run:
//     no half-stored or incomplete version current, the previous accepted one
//     current after a rejection or a crash;
//   - every record stored once, and read back whole; records of a version that is
//     not current expire, those of a current one do not;
//   - every alert stored once (its object too), none left undelivered, each
//     published once — in the one window (a crash between publishing and marking
//     delivered) at most twice, and then counted;
// and the same event delivered 2, 3 and 5 times at once, and 2, 3 and 5
// concurrent evaluations and monitors, publish each alert once.
// Ends with `faults: H/N crash points hold all invariants`; exits 1 unless H = N.
import { asPeriod } from '../../functions/core/periods';
import { GetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../../functions/core/ports';
import type { PipelineDeps } from '../../functions/core/use-cases/deps';
import { evaluateAndAlert } from '../../functions/core/use-cases/evaluate';
import { ingestSubmission, submissionOf, type UploadedObject } from '../../functions/core/use-cases/ingest';
import { runMonitor } from '../../functions/core/use-cases/monitor';
import { alertKey } from '../../functions/core/object-keys';
import { createIngestHandler } from '../../functions/handlers/ingest';
import { TABLE } from '../../functions/runtime/contract';
import { type Embedded, embeddedDeps, startEmbedded, type Stores } from '../support/embedded';
import { brandCertificate, CERT_HEADERS, type Cell, date, inspectionRows, xlsx } from '../support/workbooks';
import { Crash, faultyClients, Fuse, Outbox, type When } from './faulty';

const PERIOD = '2026-Q1';
const RECEIVED = new Date('2026-04-05T02:00:00Z');
/** after the due date (10 days after the quarter): the monitor finds departments late */
const MONITOR_DAY = new Date('2026-04-15T01:00:00Z');
/** redeliveries come after the visibility timeout, when every lease of the dead run has run out */
const REDELIVERY_DELAY_MS = 10 * 60 * 1000;

// ---------------------------------------------------------------------------
// The case: one set of fresh stores, the runs made on them

class Case {
  readonly outbox = new Outbox();
  readonly errors: string[] = [];
  /** submission ids in a text → their file and receipt (set by observe) */
  rename: (text: string) => string = (t) => t;
  private redeliveries = 0;

  constructor(
    readonly embedded: Embedded,
    readonly stores: Stores,
    readonly now: Date,
  ) {}

  /** The deps of one run, through its fuse; `late` runs see the wall clock past every earlier lease. */
  deps(fuse: Fuse, late = false): PipelineDeps {
    const shift = late ? ++this.redeliveries * REDELIVERY_DELAY_MS : 0;
    const logger: Logger = {
      info() {},
      warn() {},
      error: (message, fields) => {
        const text = `${message} ${JSON.stringify(fields ?? {})}`;
        if (!/Crash/.test(text)) this.errors.push(text);
      },
    };
    return embeddedDeps(faultyClients(this.embedded.clients, fuse), this.stores, this.now, {
      publisher: this.outbox.publisher(fuse),
      wallClock: { now: () => new Date(Date.now() + shift) },
      logger,
    });
  }

  /** Deps without a fuse, for preparing and observing. */
  plain(): PipelineDeps {
    return this.deps(new Fuse());
  }
}

/** Work a crash can interrupt: true when it finished (a handler: no message failed). */
type Work = (deps: PipelineDeps, c: Case) => Promise<boolean>;

interface Scenario {
  name: string;
  now: Date;
  setup(c: Case): Promise<void>;
  work: Work;
}

// ---------------------------------------------------------------------------
// Workbooks and messages

const INDICATOR_HEADERS = ['指标代码', '数值'];

async function marketRegulationBook(passed: number, failed: number): Promise<Uint8Array> {
  return xlsx({
    抽查明细: inspectionRows(passed, failed),
    指标: [INDICATOR_HEADERS, ['STANDARDS_LED_COUNT', 3]],
    认证明细: [CERT_HEADERS, ...Array.from({ length: 13 }, (_, i) => brandCertificate(i + 1, '有效', i === 0 ? '2026-06-30' : '2029-12-31'))],
  });
}

async function rejectedBook(): Promise<Uint8Array> {
  const rows = inspectionRows(50, 0);
  rows[3]![4] = 'not a date';
  rows[7]![4] = date('2025-02-10'); // outside the quarter
  return xlsx({ 抽查明细: rows });
}

function inspectionsCsv(passed: number): Uint8Array {
  const rows: Cell[][] = inspectionRows(passed, 0);
  const text = rows.map((r) => r.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : (v ?? ''))).join(',')).join('\n');
  return new TextEncoder().encode(text);
}

interface Upload {
  key: string;
  bytes: Uint8Array;
  at: Date;
}

/** Puts the object (crash-free: the upload happened) and returns its object-created event. */
async function put(c: Case, u: Upload): Promise<UploadedObject> {
  const deps = c.plain();
  await deps.uploads.put(u.key, u.bytes, 'application/octet-stream');
  const head = await c.embedded.clients.s3.send(new HeadObjectCommand({ Bucket: c.stores.uploads, Key: u.key }));
  return { bucket: c.stores.uploads, key: u.key, eTag: head.ETag?.replace(/"/g, ''), size: u.bytes.byteLength, sequencer: u.at.getTime().toString(16).toUpperCase(), eventTime: u.at.toISOString() };
}

function sqsEvent(object: UploadedObject, messageId: string): SQSEvent {
  const key = object.key.split('/').map((p) => encodeURIComponent(p).replace(/%20/g, '+')).join('/');
  const body = JSON.stringify({
    Records: [{ eventName: 'ObjectCreated:Put', eventTime: object.eventTime, s3: { bucket: { name: object.bucket }, object: { key, eTag: object.eTag, size: object.size, sequencer: object.sequencer } } }],
  });
  return { Records: [{ messageId, receiptHandle: messageId, body, attributes: {} as never, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:local:0:qtrack-ingest', awsRegion: 'local' }] };
}

/** The ingest Lambda handling one message. */
function deliver(object: UploadedObject): Work {
  return async (deps) => {
    const out = await createIngestHandler(() => deps)(sqsEvent(object, `m-${object.sequencer}`));
    return out.batchItemFailures.length === 0;
  };
}

const MR = (file: string) => `submissions/market-regulation/${PERIOD}/${file}`;

// ---------------------------------------------------------------------------
// Scenarios

function scenarios(): Scenario[] {
  const later = new Date(RECEIVED.getTime() + 3600_000);
  const breach = () => marketRegulationBook(1700, 300);
  /** The first upload delivered (crash-free), then the second, whose delivery is the work. */
  const reupload = (name: string, second: () => Promise<Upload>): Scenario => {
    let event: UploadedObject;
    return {
      name,
      now: later,
      async setup(c) {
        const first = await put(c, { key: MR('q1.xlsx'), bytes: await breach(), at: RECEIVED });
        if (!(await deliver(first)(c.plain(), c))) throw new Error(`${name}: setup failed`);
        event = await put(c, await second());
      },
      work: (deps, c) => deliver(event)(deps, c),
    };
  };
  /** One upload stored without the evaluation ingest triggers; `work` runs on it. */
  const stored = (name: string, now: Date, work: Work): Scenario => ({
    name,
    now,
    async setup(c) {
      await ingestSubmission(c.plain(), submissionOf(await put(c, { key: MR('q1.xlsx'), bytes: await breach(), at: RECEIVED })));
    },
    work,
  });
  let accepted: UploadedObject;
  return [
    {
      name: 'ingest of an accepted workbook that breaches a target',
      now: RECEIVED,
      async setup(c) {
        accepted = await put(c, { key: MR('q1.xlsx'), bytes: await breach(), at: RECEIVED });
      },
      work: (deps, c) => deliver(accepted)(deps, c),
    },
    reupload('a rejected re-upload: the accepted version stays current', async () => ({ key: MR('q1-fixed.xlsx'), bytes: await rejectedBook(), at: later })),
    reupload('a CSV replaces its own sheet kind only', async () => ({ key: MR('inspections.csv'), bytes: inspectionsCsv(800), at: later })),
    stored('an evaluation of the quarter', later, async (deps) => (await evaluateAndAlert(deps, asPeriod(PERIOD)), true)),
    stored('the daily monitor (late departments, an expiring certificate, the open quarters)', MONITOR_DAY, async (deps) => (await runMonitor(deps), true)),
  ];
}

// ---------------------------------------------------------------------------
// What a case ends with

interface State {
  versions: unknown[];
  current: unknown[];
  records: Record<string, unknown>;
  /** per accepted version: whether its record chunks expire ('all'), not ('none') or some do ('mixed') */
  expiry: Record<string, string>;
  alerts: string[];
  undelivered: string[];
  missingObjects: string[];
}

async function observe(c: Case): Promise<State> {
  const deps = c.plain();
  const periods = [PERIOD];
  const versions = (await Promise.all(periods.map((p) => deps.submissions.allVersions(p)))).flat();
  const current = (await Promise.all(periods.map((p) => deps.submissions.currentVersions(p)))).flat();
  const records: Record<string, unknown> = {};
  for (const v of current) for (const kind of v.currentFor) records[`${v.submissionId}/${kind}`] = await deps.submissions.getRecords(v.submissionId, kind);
  const expiry: Record<string, string> = {};
  for (const v of versions.filter((x) => x.status === 'accepted')) {
    const items = await chunkItems(c, v.submissionId);
    const expiring = items.filter((i) => i[TABLE.ttlAttribute] !== undefined).length;
    expiry[v.submissionId] = items.length === 0 ? 'no records' : expiring === items.length ? 'all' : expiring === 0 ? 'none' : 'mixed';
  }
  const alerts = await deps.alerts.list();
  const missingObjects: string[] = [];
  for (const a of alerts) if (!(await deps.reports.get(alertKey(a)))) missingObjects.push(a.id);
  const reportsMissing: string[] = [];
  for (const v of versions) if (!(await deps.reports.get(v.reportKey))) reportsMissing.push(v.submissionId);
  // submission ids hash the bucket's name, which is new in every case: they are compared by file and receipt
  const names = new Map(versions.map((v) => [v.submissionId, `${v.department}/${v.fileName}@${v.receivedAt}`]));
  c.rename = (text) => text.replace(/\d{8}T\d{6}Z-[0-9a-f]{10}/g, (id) => names.get(id) ?? id);
  const state: State = {
    versions: versions.map((v) => ({ id: v.submissionId, status: v.status, errors: v.errors, warnings: v.warnings, reportMissing: reportsMissing.includes(v.submissionId) })),
    current: current.map((v) => ({ department: v.department, id: v.submissionId, currentFor: v.currentFor })),
    records,
    expiry,
    alerts: alerts.map((a) => a.id).sort(),
    undelivered: (await deps.alerts.undelivered()).map((a) => a.id),
    missingObjects,
  };
  return JSON.parse(c.rename(JSON.stringify(state))) as State;
}

async function chunkItems(c: Case, submissionId: string): Promise<Record<string, AttributeValue>[]> {
  const out = await c.embedded.clients.dynamodb.send(
    new QueryCommand({ TableName: c.stores.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `R#${submissionId}` } }, ProjectionExpression: 'sk, #ttl', ExpressionAttributeNames: { '#ttl': TABLE.ttlAttribute }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

/** How many runs claimed the alert (the outbox item's claims counter). */
async function claims(c: Case, period: string, id: string): Promise<number> {
  const out = await c.embedded.clients.dynamodb.send(new GetItemCommand({ TableName: c.stores.table, Key: { pk: { S: `A#${period}` }, sk: { S: id } }, ConsistentRead: true }));
  return Number(out.Item?.claims?.N ?? 0);
}

/** What differs from the crash-free run's state; the publications checked against the window. */
function violations(state: State, expected: State, c: Case, window: Set<string>): string[] {
  const wrong: string[] = [];
  for (const k of Object.keys(expected) as (keyof State)[]) {
    if (!isDeepStrictEqual(state[k], expected[k])) wrong.push(`${k}: ${JSON.stringify(state[k]).slice(0, 300)} ≠ expected ${JSON.stringify(expected[k]).slice(0, 300)}`);
  }
  if (state.undelivered.length) wrong.push(`undelivered alerts: ${state.undelivered.join(', ')}`);
  if (state.missingObjects.length) wrong.push(`alerts without their object: ${state.missingObjects.join(', ')}`);
  const published = new Map([...c.outbox.published].map(([id, n]) => [c.rename(id), n]));
  const inWindow = new Set([...window].map(c.rename));
  for (const id of state.alerts) {
    const n = published.get(id) ?? 0;
    const allowed = inWindow.has(id) ? 2 : 1;
    if (n < 1 || n > allowed) wrong.push(`alert ${id} published ${n} times${inWindow.has(id) ? ' (in the window)' : ''}`);
  }
  for (const id of published.keys()) if (!state.alerts.includes(id)) wrong.push(`published but not stored: ${id}`);
  wrong.push(...c.errors.map((e) => `logged error: ${e.slice(0, 300)}`));
  return wrong;
}

// ---------------------------------------------------------------------------
// Running

async function fresh(embedded: Embedded, s: Scenario): Promise<Case> {
  const c = new Case(embedded, await embedded.stores(), s.now);
  await s.setup(c);
  return c;
}

/** Runs the work; a crash of the run counts as not finished (what a dead Lambda reports). */
async function attempt(work: Work, deps: PipelineDeps, c: Case): Promise<boolean> {
  try {
    return await work(deps, c);
  } catch (err) {
    if (err instanceof Crash) return false;
    c.errors.push(`thrown: ${String(err)}`);
    return false;
  }
}

/** Redelivers until the work finishes: at most 3 receives in all, as the queue's redrive policy. */
async function redeliver(work: Work, c: Case, receives: number): Promise<boolean> {
  for (let n = receives; n < 3; n++) if (await attempt(work, c.deps(new Fuse(), true), c)) return true;
  return false;
}

interface Outcome {
  label: string;
  wrong: string[];
}

async function crashPoints(embedded: Embedded, s: Scenario): Promise<Outcome[]> {
  // the crash-free run: the expected state and the steps to crash at
  const ref = await fresh(embedded, s);
  const fuse = new Fuse();
  if (!(await attempt(s.work, ref.deps(fuse), ref))) throw new Error(`${s.name}: the crash-free run failed: ${ref.errors.join('; ')}`);
  const expected = await observe(ref);
  const refWrong = violations(expected, expected, ref, new Set());
  if (refWrong.length) throw new Error(`${s.name}: the crash-free run breaks an invariant: ${refWrong.join('; ')}`);
  if (expected.alerts.length === 0) throw new Error(`${s.name}: raises no alert; the scenario tests nothing of delivery`);
  if (process.env.FAULTS_VERBOSE) console.log(`${s.name}\n  steps: ${fuse.steps.map(ref.rename).join('\n         ')}\n  alerts: ${expected.alerts.join(', ')}`);
  const outcomes: Outcome[] = [];
  for (let step = 1; step <= fuse.steps.length; step++) {
    for (const when of ['before', 'after'] as When[]) {
      const c = await fresh(embedded, s);
      const crashed = new Fuse({ step, when });
      const finished = await attempt(s.work, c.deps(crashed), c);
      const label = `${s.name}: crash ${when} step ${step}/${fuse.steps.length} (${crashed.steps[step - 1] ?? fuse.steps[step - 1]})`;
      const wrong: string[] = [];
      if (finished && crashed.blown) wrong.push('the work reported success after its run died');
      if (!(finished || (await redeliver(s.work, c, 1)))) wrong.push('the redeliveries did not finish the work');
      // the window: the crash fell between a publish and the mark that follows it
      const publishAt = when === 'after' ? step : step - 1;
      const window = new Set<string>();
      const m = /^Publish (.+)$/.exec(crashed.steps[publishAt - 1] ?? '');
      if (m) window.add(m[1]!);
      wrong.push(...violations(await observe(c), expected, c, window));
      for (const id of window) if ((c.outbox.published.get(id) ?? 0) > 1) windowDuplicates.push(`${c.rename(id)} (claims: ${await claims(c, id.split(".")[1]!, id)})`);
      outcomes.push({ label, wrong });
    }
  }
  return outcomes;
}

const windowDuplicates: string[] = [];

async function concurrent(embedded: Embedded, s: Scenario, n: number): Promise<Outcome> {
  const ref = await fresh(embedded, s);
  await attempt(s.work, ref.plain(), ref);
  const expected = await observe(ref);
  const c = await fresh(embedded, s);
  const done = await Promise.all(Array.from({ length: n }, () => attempt(s.work, c.deps(new Fuse()), c)));
  // a run that lost a race and failed is redelivered, as SQS would
  for (const ok of done) if (!ok) await redeliver(s.work, c, 1);
  return { label: `${s.name}: ${n} at once`, wrong: violations(await observe(c), expected, c, new Set()) };
}

async function main(): Promise<number> {
  const started = Date.now();
  const embedded = await startEmbedded();
  try {
    const all = scenarios();
    const points: Outcome[] = [];
    for (const s of all.filter((x) => !process.env.FAULTS_ONLY || x.name.includes(process.env.FAULTS_ONLY))) {
      const t = Date.now();
      const outcomes = await crashPoints(embedded, s);
      points.push(...outcomes);
      const held = outcomes.filter((o) => !o.wrong.length).length;
      console.log(`  ${held}/${outcomes.length}  ${s.name}  (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    }
    const races: Outcome[] = [];
    for (const s of all.filter((x) => x.name !== 'a rejected re-upload: the accepted version stays current')) {
      for (const n of [2, 3, 5]) races.push(await concurrent(embedded, s, n));
    }
    const racesHeld = races.filter((o) => !o.wrong.length).length;
    console.log(`  ${racesHeld}/${races.length}  concurrent runs of the same work (2, 3 and 5 at once)`);
    for (const o of [...points, ...races].filter((x) => x.wrong.length)) {
      console.log(`\n✗ ${o.label}`);
      for (const w of o.wrong) console.log(`    ${w}`);
    }
    if (windowDuplicates.length) console.log(`  published twice in the window between publishing and marking delivered: ${windowDuplicates.length} (${windowDuplicates.slice(0, 3).join(', ')}${windowDuplicates.length > 3 ? ', …' : ''})`);
    const total = points.length + races.length;
    const held = points.filter((o) => !o.wrong.length).length + racesHeld;
    console.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`faults: ${held}/${total} crash points hold all invariants`);
    return held === total ? 0 : 1;
  } finally {
    await embedded.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);

