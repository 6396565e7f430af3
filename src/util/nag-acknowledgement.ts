import { Stack, Validations } from 'aws-cdk-lib';
import { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on a construct, with the reason, without importing cdk-nag:
 * cdk-nag 3 reads acknowledgements from aws-cdk-lib's validation metadata
 * (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, a `{ findingId: reason }` map). The metadata is
 * written directly because `Validations.acknowledge()` rejects finding IDs with several `::`
 * (every ARN with a token) in aws-cdk-lib 2.257/2.258.
 *
 * @param ruleId e.g. `AwsSolutions-IAM5`
 * @param finding e.g. `Resource::*`; a token-bearing value is flattened the way cdk-nag shows it
 *   (`Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/x`). Without it the whole rule
 *   is acknowledged (finding-level rules such as IAM5 need it).
 */
export function acknowledgeNagFinding(scope: IConstruct, ruleId: string, reason: string, finding?: string): void {
  const id = finding === undefined ? ruleId : `${ruleId}[${flattenForNag(scope, finding)}]`;
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
}

/**
 * A value as cdk-nag writes it in finding IDs: `Ref` as `<Name>`, `Fn::GetAtt` as
 * `<Resource.Attribute>`, `Fn::Join` joined, `Fn::Sub` with `${x}` as `<x>`.
 */
export function flattenForNag(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const obj = node as Record<string, unknown>;
  if (obj['Fn::Join']) {
    const [delimiter, items] = obj['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (obj['Fn::Sub']) return flatten(obj['Fn::Sub']);
  if (obj['Fn::GetAtt']) {
    const [resource, attribute] = obj['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (obj['Fn::ImportValue']) return flatten(obj['Fn::ImportValue']);
  if (obj.Ref) return `<${flatten(obj.Ref)}>`;
  return JSON.stringify(node);
}

/**
 * Acknowledges IAM5 findings on the default policy of a grantee of this app (a role, user or
 * group; a Lambda function's principal is its role), where a grant put a wildcard resource. Does
 * nothing for principals outside the app (they have no policy here).
 */
export function acknowledgeOnGranteePolicy(grantee: IGrantable, resources: readonly string[], reason: string): void {
  const principal = grantee.grantPrincipal;
  const policy = Construct.isConstruct(principal) ? principal.node.tryFindChild('DefaultPolicy') : undefined;
  if (!policy) return;
  for (const resource of resources) acknowledgeNagFinding(policy, 'AwsSolutions-IAM5', reason, `Resource::${resource}`);
}
