// Lambda: the daily monitoring job (EventBridge schedule).
import { runMonitor } from '../core/use-cases/monitor';
import { lambdaDeps } from '../runtime/lambda';

export const handler = async () => {
  const { date, raised } = await runMonitor(lambdaDeps('monitor'));
  return { date, alerts: raised };
};
