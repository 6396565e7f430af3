/**
 * The Allow statements of a synthesized role's policies, with ARNs resolved, for the AWS fake's
 * IAM view (`fake.state.access().setIdentityPolicy(...)`): what the deployed function may do.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { delivered } from './cfn-delivery';
import type { AllowStatement } from '../fakes/aws/state/access-policies';

/**
 * @param rolePattern matches the logical ID of exactly one role
 * @param attributes values of `Ref` / `Fn::GetAtt` of the stack's resources (e.g. a bucket's
 *   `Arn`); a statement on a resource without one gets an `unresolved:` resource, which matches
 *   nothing the handler calls
 */
export function roleStatements(stack: Stack, rolePattern: RegExp, attributes: Record<string, string> = {}): AllowStatement[] {
  const template = Template.fromStack(stack);
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => rolePattern.test(id));
  if (roles.length !== 1) throw new Error(`expected one role matching ${rolePattern}, found ${roles.join(', ') || 'none'}`);
  const policies = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref?: string }>).some((r) => r.Ref === roles[0]));
  const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
  const resolve = (value: unknown): string => {
    try {
      return String(delivered(value, { region: stack.region, accountId: stack.account, attributes }));
    } catch {
      return `unresolved:${JSON.stringify(value)}`;
    }
  };
  return policies.flatMap((p) => (p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>)
    .filter((s) => s.Effect === 'Allow')
    .map((s) => ({ actions: list(s.Action as string | string[]), resources: list(s.Resource).map(resolve) })));
}
