// The demo path end to end against the embedded dynalite and s3rver: asserts the
// stored versions, the alert objects and the summary's numbers, then that a second
// command on the same data directory sees the first's data.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../functions/core/model';
import { main } from '../../functions/local/cli';
import { openLocalPipeline, type LocalPipeline } from '../../functions/local/runtime';
import { silentLogger } from '../../functions/adapters/memory';

const dataDir = mkdtempSync(join(tmpdir(), 'qtrack-e2e-'));
const out: string[] = [];
const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };

async function cli(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const code = await main([...argv, '--data-dir', dataDir], { out: (t) => void lines.push(t), err: () => undefined });
  return { code, stdout: lines.join('\n') };
}

describe('demo pipeline, end to end', () => {
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    expect(await main(['demo', '--data-dir', dataDir], io)).toBe(0);
    pipeline = await openLocalPipeline({ dataDir, logger: silentLogger });
  }, 240_000);
  afterAll(async () => pipeline?.stop());

  it('stores one current accepted version per department and quarter, the rejected one kept apart', async () => {
    const q1 = await pipeline.deps.submissions.allVersions('2026-Q1');
    expect(q1.map((v) => [v.department, v.status])).toEqual([
      ['market-regulation', 'accepted'],
      ['construction', 'rejected'],
      ['construction', 'accepted'],
    ]);
    const rejected = q1[1]!;
    expect(rejected.issueCounts['error:INVALID_CREDIT_CODE']).toBe(1);
    const current = await pipeline.deps.submissions.currentVersions('2026-Q1');
    expect(current.map((v) => v.submissionId).sort()).toEqual([q1[0]!.submissionId, q1[2]!.submissionId].sort());
    // rows are stored with where they came from
    const rows = await pipeline.deps.submissions.getRecords<{ batchId: string; src: { sheet: string; row: number } }>(q1[0]!.submissionId, 'inspections');
    expect(rows).toHaveLength(40);
    expect(rows[0]!.src).toEqual({ sheet: '抽查明细', row: 3 });
    // the report of every version stays readable
    const report = JSON.parse(new TextDecoder().decode(await pipeline.deps.reports.get(rejected.reportKey)));
    expect(report.status).toBe('rejected');
    expect(report.issues[0]).toMatchObject({ code: 'INVALID_CREDIT_CODE', sheet: '抽查明细', cell: 'D7' });
  });

  it('raised the alerts of the story, each once, as objects in S3', async () => {
    const alerts = await pipeline.deps.alerts.list();
    const ids = alerts.map((a) => `${a.type} ${a.period} ${a.department}${a.indicator ? ` ${a.indicator}` : ''}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        'SUBMISSION_REJECTED 2026-Q1 construction',
        'SUBMISSION_LATE 2026-Q2 construction',
        'TARGET_BREACHED 2026-Q2 market-regulation MFG_SPOT_CHECK_PASS_RATE',
        'SHARP_DECLINE 2026-Q2 market-regulation MFG_SPOT_CHECK_PASS_RATE',
        'TARGET_BREACHED 2026-Q2 construction CONSTRUCTION_ACCEPTANCE_PASS_RATE',
        'TARGET_RECOVERED 2026-Q3 market-regulation MFG_SPOT_CHECK_PASS_RATE',
        'CERTIFICATE_EXPIRING 2026-Q2 market-regulation',
      ]),
    );
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
    const breach = alerts.find((a) => a.type === 'TARGET_BREACHED' && a.indicator === 'MFG_SPOT_CHECK_PASS_RATE')!;
    expect(breach).toMatchObject({ severity: 'critical', value: 93.33, target: 95 });
    const stored = JSON.parse(new TextDecoder().decode(await pipeline.deps.reports.get(`alerts/2026-Q2/${breach.id}.json`))) as Alert;
    expect(stored).toEqual(breach);
  });

  it('wrote a summary whose numbers are those of the submissions', async () => {
    const bytes = await pipeline.deps.reports.get('summaries/2026-Q2/summary.json');
    const summary = JSON.parse(new TextDecoder().decode(bytes));
    const byCode = Object.fromEntries(summary.indicators.map((i: { code: string }) => [i.code, i]));
    // 28 of 30 product checks passed; all 20 building-material checks; 9 of 10 projects
    expect(byCode.MFG_SPOT_CHECK_PASS_RATE).toMatchObject({ value: 93.33, status: 'breached' });
    expect(byCode.BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE).toMatchObject({ value: 100, status: 'met' });
    expect(byCode.CONSTRUCTION_ACCEPTANCE_PASS_RATE).toMatchObject({ value: 90, status: 'breached' });
    // flows are summed since the plan's start: 3 + 2 standards against a pace of 5
    expect(byCode.STANDARDS_LED_COUNT).toMatchObject({ value: 5, expected: 5, status: 'met' });
    // 13 brand certificates from Q1 and 1 new in Q2 (the one expiring on 2026-06-30 still counts at the end of Q2)
    expect(byCode.SHANGHAI_BRAND_TOTAL).toMatchObject({ value: 14, status: 'met' });
    for (const f of ['summary.csv', 'summary.xlsx', 'summary.html']) {
      expect(existsSync(join(dataDir, 'export', 'summaries', '2026-Q2', f))).toBe(true);
    }
  });

  it('a second command on the same data directory sees the first one’s data, and raises nothing new', async () => {
    await pipeline.stop();
    const listed = await cli('alerts', '--period', '2026-Q2', '--json');
    expect(listed.code).toBe(0);
    const { alerts } = JSON.parse(listed.stdout);
    expect(alerts.length).toBeGreaterThan(3);
    const again = await cli('evaluate', '--period', '2026-Q2', '--now', '2026-07-20', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).alerts).toEqual([]);
    pipeline = await openLocalPipeline({ dataDir, logger: silentLogger });
  }, 60_000);
});
