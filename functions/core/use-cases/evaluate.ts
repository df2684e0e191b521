// Evaluate a period against the plan and raise the alerts it calls for.
import { BilingualError } from '../errors';
import { evaluationAlerts } from '../alerts/alerts';
import { evaluatePeriod, type PeriodFacts } from '../evaluation/evaluate';
import type { Alert, EvaluationResult } from '../model';
import { type Period, periodsBetween } from '../periods';
import type { PipelineDeps } from './deps';
import { inPlan, openingPeriod } from '../catalog';
import { currentVersionsBetween, ledgerRows } from './current';
import { raiseAlerts } from './raise-alerts';

export class PeriodOutsidePlanError extends BilingualError {}

/** Loads what evaluation needs for `period` and computes every indicator's status. */
export async function assessPeriod(deps: Pick<PipelineDeps, 'plan' | 'submissions'>, period: Period): Promise<EvaluationResult> {
  const { plan } = deps;
  if (!inPlan(plan, period)) {
    throw new PeriodOutsidePlanError(
      `${period} 不在规划期内（${plan.firstPeriod}–${plan.lastPeriod}）`,
      `${period} is outside the plan (${plan.firstPeriod}–${plan.lastPeriod})`,
    );
  }
  // one read of the current versions serves both the facts and the certificate ledger
  const byPeriod = await currentVersionsBetween(deps.submissions, openingPeriod(plan), period);
  const facts: PeriodFacts[] = periodsBetween(plan.firstPeriod, period).map((p) => ({ period: p, versions: byPeriod.get(p)! }));
  const certificates = await ledgerRows(deps.submissions, [...byPeriod.values()].flat());
  return evaluatePeriod({ plan, period, facts, certificates });
}

export interface EvaluateOutcome {
  result: EvaluationResult;
  raised: Alert[];
}

export async function evaluateAndAlert(deps: PipelineDeps, period: Period): Promise<EvaluateOutcome> {
  const result = await assessPeriod(deps, period);
  const alerts = evaluationAlerts(result, deps.plan, deps.clock.now().toISOString());
  const raised = await raiseAlerts(deps, alerts);
  deps.logger.info('period evaluated', { period, indicators: result.indicators.length, raised: raised.length });
  return { result, raised };
}
