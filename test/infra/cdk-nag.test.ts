// cdk-nag AwsSolutions: no unacknowledged finding, and every acknowledgement is
// narrow (on the construct concerned, never the stack), has a written reason, and
// answers a finding that really exists (no stale acknowledgements).
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it, vi } from 'vitest';
import { MIN_REASON_LENGTH } from '../../infra/nag';
import { buildStack } from './helpers';

interface Ack {
  path: string;
  id: string;
  reason: string;
}

function acknowledgementsIn(root: IConstruct): Ack[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

const acknowledged = buildStack();
const acks = acknowledgementsIn(acknowledged.stack);
const violations = new AwsSolutionsChecks(acknowledged.app).validateScope(acknowledged.stack).violations;

// The same stack with acknowledgements switched off: what cdk-nag really finds.
const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
const bare = buildStack();
spy.mockRestore();
const findings = new AwsSolutionsChecks(bare.app)
  .validateScope(bare.stack)
  .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath })));

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    expect(violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('has findings to acknowledge at all (the checks really ran)', () => {
    expect(findings.length).toBeGreaterThan(20);
    expect(findings).toContainEqual({ id: 'AwsSolutions-L1', path: 'Qtrack/Intake/Ingest/Resource' });
  });

  it('gives every acknowledgement a specific reason', () => {
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
    }
  });

  it('acknowledges on the construct concerned, never on the whole stack or app', () => {
    for (const ack of acks) expect(ack.path.split('/').length, `${ack.id} at ${ack.path}`).toBeGreaterThan(1);
  });

  it('has no stale acknowledgement: each one answers a real finding under it', () => {
    const stale = acks.filter(
      (ack) => !findings.some((f) => f.id === ack.id && (f.path === ack.path || (f.path ?? '').startsWith(`${ack.path}/`))),
    );
    expect(stale).toEqual([]);
  });

  it('never acknowledges a finding on the data itself (buckets, table, queues, topics, key)', () => {
    const stateful = /^Qtrack\/(Data|Alerting|Intake\/(Queue|DeadLetterQueue))(\/|$)/;
    expect(acks.filter((a) => stateful.test(a.path))).toEqual([]);
  });
});
