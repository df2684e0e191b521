// The quarterly summary: evaluation, who submitted, alerts and data quality, in four formats.
import type { Period } from '../periods';
import type { IssueCode } from '../model';
import { currentData, submissionStatuses } from '../submission-status';
import { type DataQualityRow, type Summary, SUMMARY_FORMATS, buildSummary } from '../summary';
import { summaryKey } from '../object-keys';
import type { PipelineDeps } from './deps';
import { assessPeriod } from './evaluate';

export interface SummaryFile {
  name: string; // summary.json …
  key: string; // summaries/{period}/summary.json
  body: Uint8Array | string;
  contentType: string;
}

export async function writeSummary(deps: PipelineDeps, period: Period): Promise<{ summary: Summary; files: SummaryFile[] }> {
  const evaluation = await assessPeriod(deps, period);
  const versions = await deps.submissions.allVersions(period);
  const dataQuality: DataQualityRow[] = [];
  for (const v of versions) {
    for (const [key, count] of Object.entries(v.issueCounts)) {
      const [severity, code] = key.split(':') as ['error' | 'warning', IssueCode];
      const row = dataQuality.find((r) => r.department === v.department && r.code === code && r.severity === severity);
      if (row) row.count += count;
      else dataQuality.push({ department: v.department, code, severity, count });
    }
  }
  const current = await deps.submissions.currentVersions(period);
  const summary = buildSummary({
    plan: deps.plan,
    period,
    generatedAt: deps.clock.now().toISOString(),
    evaluation,
    // departments that own no indicator are listed only when they submitted something
    submissions: submissionStatuses(period, deps.clock.now(), versions, deps.departments, deps.plan, deps.offsets)
      .filter((s) => s.owns || s.versions > 0)
      .map((s) => ({ ...s, ...currentData(deps.plan, s.department, current) })),
    alerts: await deps.alerts.list(period),
    dataQuality,
  });
  const files: SummaryFile[] = [];
  for (const f of SUMMARY_FORMATS) files.push({ name: f.name, key: summaryKey(period, f.name), body: await f.render(summary), contentType: f.contentType });
  for (const f of files) await deps.reports.put(f.key, f.body, f.contentType);
  // the archive keeps every summary published (its versions, locked), under the same keys
  if (deps.archive) for (const f of files) await deps.archive.put(f.key, f.body, f.contentType);
  deps.logger.info('summary written', { period, files: files.length, archived: deps.archive ? files.length : 0 });
  return { summary, files };
}
