import type { Alert } from '../model';
import type { PipelineDeps } from './deps';

export function alertKey(alert: Pick<Alert, 'period' | 'id'>): string {
  return `alerts/${alert.period}/${alert.id}.json`;
}

/**
 * Raises each alert once per identity: claims it in the table, then writes it to
 * S3 and publishes it, then marks it delivered. Returns the alerts delivered by this
 * call (new ones, or ones an interrupted earlier call had claimed but not delivered).
 */
export async function raiseAlerts(deps: Pick<PipelineDeps, 'alerts' | 'reports' | 'publisher' | 'logger'>, alerts: Alert[]): Promise<Alert[]> {
  const delivered: Alert[] = [];
  for (const candidate of alerts) {
    const alert = await deps.alerts.claim(candidate);
    if (!alert) continue;
    await deps.reports.put(alertKey(alert), JSON.stringify(alert, null, 2), 'application/json; charset=utf-8');
    await deps.publisher?.publish(alert);
    await deps.alerts.markDelivered(alert);
    deps.logger.info('alert raised', { id: alert.id, type: alert.type, period: alert.period, department: alert.department });
    delivered.push(alert);
  }
  return delivered;
}
