// The daily monitoring job: late or missing submissions, certificates about to expire.
import { openingPeriod } from '../catalog';
import { ledgerAsOf } from '../ledger';
import type { Alert, SubmissionVersion } from '../model';
import { expiringCertificateAlerts } from '../monitoring/expiring-certificates';
import { lateSubmissionAlerts } from '../monitoring/late-submissions';
import { comparePeriods, currentPeriod, periodsBetween } from '../periods';
import type { PipelineDeps } from './deps';
import { loadLedger } from './current';
import { raiseAlerts } from './raise-alerts';

export interface MonitorOutcome {
  date: string; // ISO date-time the job ran for
  raised: Alert[];
}

export async function runMonitor(deps: PipelineDeps): Promise<MonitorOutcome> {
  const now = deps.clock.now();
  const today = currentPeriod(now);
  const { plan } = deps;
  const alerts: Alert[] = [];
  if (comparePeriods(today, plan.firstPeriod) >= 0) {
    const last = comparePeriods(today, plan.lastPeriod) > 0 ? plan.lastPeriod : today;
    const versionsByPeriod = new Map<string, SubmissionVersion[]>();
    for (const p of periodsBetween(plan.firstPeriod, last)) versionsByPeriod.set(p, await deps.submissions.allVersions(p));
    alerts.push(
      ...lateSubmissionAlerts({ date: now, plan, departments: deps.departments, versionsByPeriod, offsets: deps.offsets }),
    );
  }
  const ledger = ledgerAsOf(await loadLedger(deps.submissions, openingPeriod(plan), today), today);
  alerts.push(...expiringCertificateAlerts({ date: now, certificates: ledger }));
  const raised = await raiseAlerts(deps, alerts);
  deps.logger.info('monitoring done', { date: now.toISOString(), candidates: alerts.length, raised: raised.length });
  return { date: now.toISOString(), raised };
}
