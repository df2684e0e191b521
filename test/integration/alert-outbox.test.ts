// The alert outbox with leases, the same cases against the in-memory fake and
// the DynamoDB adapter on dynalite: a claim is won once, a live lease keeps
// others off, an expired one is taken over (once, however many try), a takeover
// is seen by the run it was taken from, and undelivered claims are listed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertRepository } from '../../functions/adapters/dynamodb/alert-repository';
import { MemoryAlertRepository, MemoryObjectStore, MemoryPublisher, silentLogger } from '../../functions/adapters/memory';
import type { Alert } from '../../functions/core/model';
import type { AlertRepository, Lease } from '../../functions/core/ports';
import { alertKey } from '../../functions/core/object-keys';
import { ALERT_LEASE_MS, deliverPending, raiseAlerts, recoverAlerts } from '../../functions/core/use-cases/raise-alerts';
import { type Embedded, startEmbedded } from '../support/embedded';

const T = Date.parse('2026-04-05T02:00:00Z');
const lease = (owner: string, now = T): Lease => ({ owner, now, until: now + ALERT_LEASE_MS });

function alert(n: number): Alert {
  return {
    id: `TARGET_BREACHED.2026-Q1.market-regulation.X${n}`,
    type: 'TARGET_BREACHED',
    severity: 'critical',
    period: '2026-Q1',
    department: 'market-regulation',
    message: { zh: '未达标', en: 'breached' },
    createdAt: `2026-04-05T02:00:0${n}Z`,
  };
}

let embedded: Embedded;
beforeAll(async () => {
  embedded = await startEmbedded();
}, 60_000);
afterAll(() => embedded?.stop());

const repositories: [string, () => Promise<AlertRepository>][] = [
  ['in memory', async () => new MemoryAlertRepository()],
  ['DynamoDB (dynalite)', async () => new DynamoAlertRepository(embedded.clients.dynamodb, (await embedded.stores()).table)],
];

for (const [name, make] of repositories) {
  describe(`the alert outbox, ${name}`, () => {
    it('the first claim wins; a live lease keeps the others off; after delivery nobody gets it', async () => {
      const repo = await make();
      expect(await repo.claim(alert(1), lease('a'))).toEqual(alert(1));
      expect(await repo.claim({ ...alert(1), createdAt: 'later' }, lease('b', T + 1000))).toBeUndefined();
      expect((await repo.undelivered()).map((a) => a.id)).toEqual([alert(1).id]);
      expect(await repo.markDelivered(alert(1), 'a')).toBe(true);
      expect(await repo.claim(alert(1), lease('c', T + ALERT_LEASE_MS * 10))).toBeUndefined();
      expect(await repo.undelivered()).toEqual([]);
    });

    it('an expired lease is taken over once, with the alert as first recorded; the run it was taken from learns it', async () => {
      const repo = await make();
      await repo.claim(alert(2), lease('dead'));
      const late = T + ALERT_LEASE_MS + 1;
      const won = await Promise.all(['x', 'y', 'z', 'w', 'v'].map((o) => repo.claim({ ...alert(2), createdAt: 'retried' }, lease(o, late))));
      expect(won.filter(Boolean)).toEqual([alert(2)]);
      expect(await repo.markDelivered(alert(2), 'dead')).toBe(false);
    });

    it('five concurrent first claims: one winner', async () => {
      const repo = await make();
      const won = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((o) => repo.claim(alert(3), lease(o))));
      expect(won.filter(Boolean)).toHaveLength(1);
    });

    it('raiseAlerts delivers once; deliverPending finishes an expired claim; recoverAlerts takes over a live one', async () => {
      const repo = await make();
      const reports = new MemoryObjectStore();
      const publisher = new MemoryPublisher();
      const at = (t: number) => ({ now: () => new Date(t) });
      const deps = { alerts: repo, reports, publisher, logger: silentLogger };
      expect(await raiseAlerts({ ...deps, wallClock: at(T) }, [alert(4), alert(4)])).toEqual([alert(4)]);
      // a run that died after claiming: live lease, then expired
      await repo.claim(alert(5), lease('dead', T));
      expect(await deliverPending({ ...deps, wallClock: at(T + 1000) })).toEqual([]);
      expect(await deliverPending({ ...deps, wallClock: at(T + ALERT_LEASE_MS + 1) })).toEqual([alert(5)]);
      await repo.claim(alert(6), lease('dead', T));
      expect(await recoverAlerts({ ...deps, wallClock: at(T + 1) })).toEqual([alert(6)]);
      expect(publisher.published.map((a) => a.id)).toEqual([alert(4).id, alert(5).id, alert(6).id]);
      for (const a of [alert(4), alert(5), alert(6)]) expect(await reports.get(alertKey(a))).toBeDefined();
      expect(await repo.undelivered()).toEqual([]);
    });
  });
}
