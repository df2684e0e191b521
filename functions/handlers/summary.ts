// Lambda: the quarterly summary, scheduled after each quarter's deadline
// (summarises the quarter that just ended) or invoked with { "period": "2026-Q1" }.
import { lastEndedPeriod, normalizePeriod } from '../core/periods';
import { writeSummary } from '../core/use-cases/summarize';
import { lambdaDeps } from '../runtime/lambda';

export const handler = async (event: { period?: string }) => {
  const deps = lambdaDeps('summary');
  const period = (event?.period && normalizePeriod(event.period)) || lastEndedPeriod(deps.clock.now());
  const { files } = await writeSummary(deps, period);
  return { period, keys: files.map((f) => f.key) };
};
