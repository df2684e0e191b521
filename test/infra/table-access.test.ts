// Each function's role grants exactly the DynamoDB actions its code calls (issue 10),
// on the table and its indexes only; and the table expires what it should by TTL.
import { describe, expect, it } from 'vitest';
import { TABLE } from '../../functions/runtime/contract';
import type { PipelineFunction } from '../../infra/constructs/pipeline-function';
import { actionsOf, buildStack, flatten, logicalId, statementsOf } from './helpers';

const built = buildStack();
const { stack, json } = built;
const { ingest } = stack.intake;
const { evaluate, monitor, summary } = stack.jobs;
const { api } = stack.portal;
const table = logicalId(stack.data.table);

// Written out here, not imported from the stack: the test states the intent.
const expected: [string, PipelineFunction, string[]][] = [
  ['ingest', ingest, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem']],
  ['evaluate', evaluate, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']],
  ['monitor', monitor, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']],
  ['summary', summary, ['dynamodb:GetItem', 'dynamodb:Query']],
  // the portal's API only reads
  ['api', api, ['dynamodb:GetItem', 'dynamodb:Query']],
];

const dynamoStatements = (fn: PipelineFunction) =>
  statementsOf(built, fn).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:') || a === '*'));

describe('DynamoDB grants: exactly the actions each function calls', () => {
  it.each(expected)('%s', (_name, fn, actions) => {
    const statements = dynamoStatements(fn);
    const granted = statements.flatMap(actionsOf);
    expect([...granted].sort()).toEqual([...actions].sort());
    expect(granted).not.toContain('dynamodb:*');
    expect(granted).not.toContain('*');
    expect(granted).not.toContain('dynamodb:Scan');
    expect(granted).not.toContain('dynamodb:BatchGetItem');
    expect(granted.filter((a) => a.includes('*'))).toEqual([]);
    // on this table and its own indexes, nothing else
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      const resources = (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(flatten);
      expect(resources).toEqual([`${table}.Arn`, `${table}.Arn/index/*`]);
    }
  });

  it('grants no function DeleteItem, DescribeTable or ConditionCheckItem', () => {
    for (const [name, fn] of expected) {
      const granted = dynamoStatements(fn).flatMap(actionsOf);
      for (const action of ['dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:ConditionCheckItem', 'dynamodb:GetRecords']) {
        expect(granted, name).not.toContain(action);
      }
    }
  });

  it('grants no other role in the stack DynamoDB access', () => {
    const pipelinePolicies = new Set(expected.map(([, fn]) => logicalId(fn.executionRole.node.findChild('DefaultPolicy'))));
    const others = Object.entries(json.Resources)
      .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && !pipelinePolicies.has(id))
      .flatMap(([, r]) => (r.Properties!.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat()))
      .filter((a) => a.startsWith('dynamodb:'));
    expect(others).toEqual([]);
  });
});

describe('table TTL', () => {
  it(`expires items by the ${TABLE.ttlAttribute} attribute of TABLE`, () => {
    expect(TABLE.ttlAttribute).toBe('expiresAt');
    expect(json.Resources[table].Properties!.TimeToLiveSpecification).toEqual({
      AttributeName: TABLE.ttlAttribute,
      Enabled: true,
    });
  });
});
