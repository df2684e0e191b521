// Shared helpers of the infra tests: build a stack without bundling, and read
// a function's IAM statements and environment out of the synthesised template.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { PipelineFunction } from '../../infra/constructs/pipeline-function';
import { QtrackStack, type QtrackStackProps } from '../../infra/stacks/qtrack-stack';

export interface Built {
  readonly app: App;
  readonly stack: QtrackStack;
  readonly template: Template;
  readonly json: CfnTemplate;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

let portalFixture: string | undefined;

/**
 * A stand-in for dist/portal (a one-file portal in a temp dir), so the infra
 * tests neither need `npm run build` nor depend on what it produced.
 */
export function portalAssetsFixture(): string {
  if (!portalFixture) {
    portalFixture = mkdtempSync(join(tmpdir(), 'qtrack-portal-'));
    writeFileSync(join(portalFixture, 'index.html'), '<!doctype html><title>qtrack</title>\n');
  }
  return portalFixture;
}

/** Bundling is skipped: the tests read the template, not the code assets. */
export function buildStack(props: QtrackStackProps = {}): Built {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new QtrackStack(app, 'Qtrack', { portalAssets: portalAssetsFixture(), ...props });
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON() as CfnTemplate };
}

export function logicalId(construct: IConstruct): string {
  const cfn = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(cfn).getLogicalId(cfn);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of the function's own role policy. */
export function statementsOf(built: Built, fn: PipelineFunction): Statement[] {
  const policy = fn.executionRole.node.tryFindChild('DefaultPolicy');
  if (!policy) return [];
  const doc = built.json.Resources[logicalId(policy)].Properties!.PolicyDocument as { Statement: Statement[] };
  return doc.Statement;
}

export function actionsOf(s: Statement): string[] {
  return Array.isArray(s.Action) ? s.Action : [s.Action];
}

/** The statements that allow `action`, with their resources as flat JSON strings. */
export function grantsOf(built: Built, fn: PipelineFunction, action: string): string[] {
  return statementsOf(built, fn)
    .filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
    .map((r) => flatten(r));
}

/** `{"Fn::Join":["",[{"Fn::GetAtt":["X","Arn"]},"/alerts/*"]]}` → `X.Arn/alerts/*`. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
  if (v['Fn::GetAtt']) return `${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}`;
  if (v.Ref) return `${v.Ref}`;
  return JSON.stringify(value);
}

export function environmentOf(built: Built, fn: PipelineFunction): Record<string, unknown> {
  return built.json.Resources[logicalId(fn)].Properties!.Environment.Variables;
}
