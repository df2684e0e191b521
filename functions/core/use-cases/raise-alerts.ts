import type { Alert } from '../model';
import { alertKey } from '../object-keys';
import type { Lease } from '../ports';
import type { PipelineDeps } from './deps';

/**
 * How long a run holds the delivery of an alert it claimed: storing one object
 * and publishing one message take well under a second, so a lease still held
 * after two minutes belongs to a run that died. The ingest queue's visibility
 * timeout is longer (infra/constructs/submission-intake.ts), so a redelivered
 * message always finds the leases of the run before it expired.
 */
export const ALERT_LEASE_MS = 2 * 60 * 1000;

type DeliveryDeps = Pick<PipelineDeps, 'alerts' | 'reports' | 'publisher' | 'logger' | 'wallClock'>;

/** One run of delivery: its own owner id, its leases timed by the wall clock. */
class Delivery {
  private readonly owner = globalThis.crypto.randomUUID();

  constructor(private readonly deps: DeliveryDeps) {}

  lease(): Lease {
    const now = (this.deps.wallClock?.now() ?? new Date()).getTime();
    return { owner: this.owner, now, until: now + ALERT_LEASE_MS };
  }

  /** Claims each alert and delivers the ones this run won; returns those. */
  async run(alerts: Alert[], takeOver = false): Promise<Alert[]> {
    const delivered: Alert[] = [];
    for (const candidate of alerts) {
      const alert = await this.deps.alerts.claim(candidate, this.lease(), takeOver);
      if (!alert) continue;
      await this.deliver(alert);
      delivered.push(alert);
    }
    return delivered;
  }

  /**
   * Stores the alert (its key is deterministic: a second run overwrites the same
   * object with the same alert), publishes it, marks it delivered. A run that
   * dies between publishing and marking leaves the one window in which the next
   * run publishes again; that is logged when it is seen.
   */
  private async deliver(alert: Alert): Promise<void> {
    const { deps } = this;
    await deps.reports.put(alertKey(alert), JSON.stringify(alert, null, 2), 'application/json; charset=utf-8');
    await deps.publisher?.publish(alert);
    const own = await deps.alerts.markDelivered(alert, this.owner);
    if (!own) deps.logger.warn('alert delivered by two runs (a lease ran out mid-delivery)', { id: alert.id });
    deps.logger.info('alert raised', { id: alert.id, type: alert.type, period: alert.period, department: alert.department });
  }
}

/**
 * Raises each alert once per identity: the first run to claim it delivers it;
 * a claim left undelivered by a run that died is taken over once its lease ran
 * out. Returns the alerts this call delivered.
 */
export async function raiseAlerts(deps: DeliveryDeps, alerts: Alert[]): Promise<Alert[]> {
  return new Delivery(deps).run(alerts);
}

/** The daily sweep: delivers every recorded alert whose claim ran out undelivered. */
export async function deliverPending(deps: DeliveryDeps): Promise<Alert[]> {
  return new Delivery(deps).run(await deps.alerts.undelivered());
}

/**
 * At the start of a local command: every undelivered claim belongs to a process
 * that died (the data directory's lock lets one process in at a time), so it is
 * taken over at once, lease or not, and delivered.
 */
export async function recoverAlerts(deps: DeliveryDeps): Promise<Alert[]> {
  const recovered = await new Delivery(deps).run(await deps.alerts.undelivered(), true);
  if (recovered.length) deps.logger.info('alerts of an interrupted run delivered', { alerts: recovered.map((a) => a.id) });
  return recovered;
}
