import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { statementFindings } from '../utils/iam-policy';
import { namedRule } from '../utils/named-rule';
import { awsManagedPolicies, carriesIdentityPolicies, identityPolicyStatements } from '../utils/policy-statements';

/**
 * No identity-based policy allows invoking a model outside application inference profiles: an
 * Allow statement whose actions include bedrock:InvokeModel or bedrock:InvokeModelWithResponseStream
 * (which also authorize Converse and ConverseStream; by name, `bedrock:Invoke*`, `bedrock:*`, `*`
 * or a `NotAction` that leaves them) on foundation models (`foundation-model/…`), system-defined
 * inference profiles (`inference-profile/…`) or `*`, without a `bedrock:InferenceProfileArn`
 * condition naming application inference profiles. Such spend carries no cost allocation tags.
 * Statements on application inference profiles alone are fine. The AWS facts and their sources
 * are in ../utils/iam-policy.ts. Findings: `Resource::<arn>` (references as `<LogicalId.Attribute>`,
 * as cdk-nag's IAM5 shows them) or `NotResource::<arns>`; and `ManagedPolicy::<name>` for an AWS
 * managed policy attached to a role, user, group or permission set that allows invoking any model
 * (AdministratorAccess, PowerUserAccess, AmazonBedrockFullAccess: ../utils/aws-managed-policies.ts;
 * other AWS managed policies are not read).
 */
export default namedRule(__filename, (node: CfnResource): NagRuleResult => {
  if (!carriesIdentityPolicies(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set(identityPolicyStatements(node).flatMap((s) => statementFindings(s).model));
  for (const { name, statements } of awsManagedPolicies(node)) {
    if (statements.some((s) => statementFindings(s).model.length > 0)) findings.add(`ManagedPolicy::${name}`);
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
});
