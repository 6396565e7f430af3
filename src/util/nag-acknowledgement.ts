import { IConstruct } from 'constructs';

/**
 * The metadata key under which aws-cdk-lib's policy-validation framework (and cdk-nag 3, which
 * plugs into it) reads acknowledged rules. Written directly so that the library never imports
 * cdk-nag at run time.
 */
export const ACKNOWLEDGED_RULES_METADATA_KEY = 'aws:cdk:validation:acknowledged-rules';

/**
 * Acknowledges a cdk-nag finding on a construct, with the reason.
 * @param ruleId e.g. `AwsSolutions-IAM5`
 * @param findingId e.g. `Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/x` — without it the whole rule is acknowledged
 */
export function acknowledgeNagFinding(scope: IConstruct, ruleId: string, reason: string, findingId?: string): void {
  const id = findingId ? `${ruleId}[${findingId}]` : ruleId;
  scope.node.addMetadata(ACKNOWLEDGED_RULES_METADATA_KEY, { id, reason });
}
