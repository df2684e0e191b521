// The daily monitoring job: late or missing submissions, certificates about to
// expire, the open quarters evaluated again (so that an evaluation that failed
// after an ingest does not wait for the next upload), and every alert whose
// delivery a dead run left unfinished.
import { inPlan, openingPeriod } from '../catalog';
import { ledgerAsOf } from '../ledger';
import type { Alert, SubmissionVersion } from '../model';
import { expiringCertificateAlerts } from '../monitoring/expiring-certificates';
import { lateSubmissionAlerts } from '../monitoring/late-submissions';
import { comparePeriods, currentPeriod, lastEndedPeriod, type Period, periodsBetween } from '../periods';
import type { PipelineDeps } from './deps';
import { loadLedger } from './current';
import { evaluateAndAlert } from './evaluate';
import { deliverPending, raiseAlerts } from './raise-alerts';

export interface MonitorOutcome {
  date: string; // ISO date-time the job ran for
  raised: Alert[];
  /** the quarters evaluated again */
  evaluated: Period[];
}

/**
 * The quarters departments are reporting on: the one that ended last (its
 * submissions are due days after its end) and the current one, where in the
 * plan and holding some current version.
 */
export async function openQuarters(deps: Pick<PipelineDeps, 'plan' | 'submissions'>, now: Date): Promise<Period[]> {
  const open: Period[] = [];
  for (const p of [lastEndedPeriod(now), currentPeriod(now)]) {
    if (inPlan(deps.plan, p) && (await deps.submissions.currentVersions(p)).length > 0) open.push(p);
  }
  return open;
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
  // first what dead runs left undelivered, so that nothing below waits on their leases
  const raised = await deliverPending(deps);
  raised.push(...(await raiseAlerts(deps, alerts)));
  const evaluated = await openQuarters(deps, now);
  for (const p of evaluated) raised.push(...(await evaluateAndAlert(deps, p)).raised);
  deps.logger.info('monitoring done', { date: now.toISOString(), candidates: alerts.length, raised: raised.length, evaluated });
  return { date: now.toISOString(), raised, evaluated };
}
