// Records are chunked by bytes: a sheet of 5,000 rows whose text fields are
// 1,000 Chinese characters each is stored through the embedded DynamoDB and
// read back whole, and no item comes near DynamoDB's 400 KB limit. dynalite
// does not enforce the limit as AWS does (it counts UTF-16 units, not UTF-8
// bytes), so the test measures every stored item itself.
import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordSink } from '../../functions/core/model';
import { checkSubmission } from '../../functions/core/submission/check';
import { ingestSubmission, submissionOf } from '../../functions/core/use-cases/ingest';
import { TABLE } from '../../functions/runtime/contract';
import { type Embedded, embeddedDeps, startEmbedded } from '../support/embedded';
import { type Cell, inspectionRows, xlsx } from '../support/workbooks';

const NOW = new Date('2026-04-05T02:00:00Z');
const ITEM_LIMIT = 400 * 1024;

/** DynamoDB's item size: UTF-8 bytes of every attribute name and value (numbers as their digits; a safe overestimate). */
function itemBytes(item: Record<string, AttributeValue>): number {
  let n = 0;
  for (const [name, v] of Object.entries(item)) n += Buffer.byteLength(name) + Buffer.byteLength(v.S ?? v.N ?? JSON.stringify(v));
  return n;
}

/** 1,000 characters of Chinese, different for every row and field (varied, as real text: a repeated pad would trip the zip-bomb ratio). */
let seed = 42;
const cjk = () => String.fromCharCode(0x4e00 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 0x5000));
const long = (i: number, what: string) => `${what}${i}`.padEnd(1000, '·').replace(/·/g, cjk);

let embedded: Embedded;
beforeAll(async () => {
  embedded = await startEmbedded();
}, 60_000);
afterAll(() => embedded?.stop());

describe('record chunks sized by bytes', () => {
  it('5,000 rows of 1,000-character text fields are stored and read back whole, every item under 400 KB', async () => {
    const rows: Cell[][] = inspectionRows(4900, 100).map((r, i) => (i === 0 ? r : [long(i, 'B'), r[1]!, long(i, '企业'), r[3]!, r[4]!, r[5]!, r[6]!, r[7] ? long(i, '项目') : null]));
    const bytes = await xlsx({ 抽查明细: rows });
    const expected: unknown[] = [];
    const sink: RecordSink = {
      add: (kind, r) => void (kind === 'inspections' && expected.push(...r)),
      restart: () => void expected.splice(0),
    };
    const deps = embeddedDeps(embedded.clients, await embedded.stores(), NOW);
    const validated = await checkSubmission(bytes, { fileName: 'q1.xlsx', inflate: deps.inflate, department: 'market-regulation', period: '2026-Q1', now: NOW, plan: deps.plan, sink });
    expect(validated.report.issues.filter((i) => i.severity === "error").map((i) => i.message.en)).toEqual([]);
    expect(expected).toHaveLength(5000);

    const key = 'submissions/market-regulation/2026-Q1/long-text.xlsx';
    await deps.uploads.put(key, bytes, 'application/octet-stream');
    const { version, report, current } = await ingestSubmission(deps, submissionOf({ bucket: 'b', key, eventTime: NOW.toISOString() }));
    expect(report.status).toBe('accepted');
    expect(current).toBe(true);
    expect(await deps.submissions.getRecords(version.submissionId, 'inspections')).toEqual(expected);

    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await embedded.clients.dynamodb.send(
        new QueryCommand({ TableName: (deps.submissions as unknown as { table: string }).table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `R#${version.submissionId}` } }, ExclusiveStartKey: start }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const sizes = items.map(itemBytes);
    expect(items.length).toBeGreaterThan(20); // ~15 MB of JSON: dozens of chunks, not 13 of 400 rows
    expect(Math.max(...sizes)).toBeLessThan(ITEM_LIMIT * 0.8);
    // the version is current: its records do not expire
    expect(items.every((i) => i[TABLE.ttlAttribute] === undefined)).toBe(true);
  }, 120_000);
});
