// cdk-nag acknowledgements in one place, so every one carries a written reason
// and the infra test can list them all and check that none is blank or generic.
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The shortest reason we accept: a rule name and "ok" is not a reason. */
export const MIN_REASON_LENGTH = 40;

/**
 * Acknowledges one cdk-nag finding on a construct (and its children).
 * Throws on a reason that is too short, so an empty excuse cannot be committed.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`cdk-nag acknowledgement ${id} at ${scope.node.path} needs a specific reason`);
  }
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The logical id cdk-nag prints in a finding (`<LogicalId.Arn>`) for an L2
 * resource of this app, or undefined for an imported one (no CloudFormation resource).
 */
export function nagLogicalId(resource: IConstruct): string | undefined {
  const cfn = resource.node.defaultChild as CfnElement | undefined;
  return cfn ? Stack.of(cfn).getLogicalId(cfn) : undefined;
}

/**
 * A construct CDK puts once at the stack root for its own use (a bucket
 * notifications or bucket deployment handler), found by its id's prefix, so a
 * finding can be acknowledged on it alone; throws when the stack has none.
 */
export function stackSingleton(scope: IConstruct, idPrefix: string): IConstruct {
  const found = Stack.of(scope).node.children.find((c) => c.node.id.startsWith(idPrefix));
  if (!found) throw new Error(`expected the CDK-provided ${idPrefix} construct in the stack`);
  return found;
}
