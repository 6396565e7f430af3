/**
 * What the tag-activator handler receives from a synthesized stack: the activation custom
 * resources' properties as CloudFormation delivers them, and the IAM statements of the handler's
 * role (for the AWS fake's IAM view).
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TAG_ACTIVATION_RESOURCE_TYPE } from '../../../src/contracts/tag-activation';
import type { AllowStatement } from '../../fakes/aws/state/access-policies';
import { delivered } from '../../support/cfn-delivery';

/** The activations of a stack by logical ID: their properties without ServiceToken, as delivered. */
export function deliveredActivations(stack: Stack): Record<string, Record<string, unknown>> {
  const resources = Template.fromStack(stack).findResources(TAG_ACTIVATION_RESOURCE_TYPE);
  return Object.fromEntries(Object.entries(resources).map(([id, r]) => {
    const { ServiceToken: _token, ...properties } = r.Properties as Record<string, unknown>;
    return [id, delivered(properties) as Record<string, unknown>];
  }));
}

/** A policy ARN of a stack with a known environment, resolved; another resource's attribute is not an ARN the handler acts on. */
function resolveArn(value: unknown, stack: Stack): string {
  try {
    return String(delivered(value, { region: stack.region, accountId: stack.account }));
  } catch {
    return `unresolved:${JSON.stringify(value)}`;
  }
}

/** The Allow statements of the policies attached to the tag-activator handler's role. */
export function handlerRoleStatements(stack: Stack): AllowStatement[] {
  const template = Template.fromStack(stack);
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => /TagActivatorHandlerOnEventRole/.test(id));
  if (roles.length !== 1) throw new Error(`expected one tag-activator handler role, found ${roles.join(', ') || 'none'}`);
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref?: string }>).some((r) => r.Ref === roles[0]));
  const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
  return policies.flatMap((p) => (p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>)
    .filter((s) => s.Effect === 'Allow')
    .map((s) => ({ actions: list(s.Action as string | string[]), resources: list(s.Resource).map((r) => resolveArn(r, stack)) })));
}
