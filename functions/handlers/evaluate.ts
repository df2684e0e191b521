// Lambda: evaluate a period on demand ({ "period": "2026-Q1" }; default the last ended quarter).
import { evaluateAndAlert } from '../core/use-cases/evaluate';
import { lastEndedPeriod, normalizePeriod } from '../core/periods';
import { lambdaDeps } from '../runtime/lambda';

export const handler = async (event: { period?: string }) => {
  const deps = lambdaDeps('evaluate');
  const period = (event.period && normalizePeriod(event.period)) || lastEndedPeriod(deps.clock.now());
  const { result, raised } = await evaluateAndAlert(deps, period);
  return { period, indicators: result.indicators.map(({ code, status, value, target, expected }) => ({ code, status, value, target, expected })), alerts: raised };
};
