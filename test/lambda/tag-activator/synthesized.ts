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
import { roleStatements } from '../../support/role-statements';

/** The activations of a stack by logical ID: their properties without ServiceToken, as delivered. */
export function deliveredActivations(stack: Stack): Record<string, Record<string, unknown>> {
  const resources = Template.fromStack(stack).findResources(TAG_ACTIVATION_RESOURCE_TYPE);
  return Object.fromEntries(Object.entries(resources).map(([id, r]) => {
    const { ServiceToken: _token, ...properties } = r.Properties as Record<string, unknown>;
    return [id, delivered(properties) as Record<string, unknown>];
  }));
}

/** The Allow statements of the policies attached to the tag-activator handler's role. */
export function handlerRoleStatements(stack: Stack): AllowStatement[] {
  return roleStatements(stack, /TagActivatorHandlerOnEventRole/);
}
