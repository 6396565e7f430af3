import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { statementFindings } from '../utils/iam-policy';
import { namedRule } from '../utils/named-rule';
import { carriesIdentityPolicies, identityPolicyStatements } from '../utils/policy-statements';

/**
 * The conservative half of {@link ./invoke-outside-profiles}: an Allow statement of the invoke
 * actions, without a `bedrock:InferenceProfileArn` condition, on a resource the pack cannot judge
 * at synth — a parameter, an imported value, a custom resource's attribute, a placeholder where
 * the ARN's resource type is (`arn:aws:bedrock:us-east-1::${Param}`). It may be a foundation model.
 * References the construct tree can follow are judged instead: an application inference
 * profile's ARN (the library's custom resources, the L1, batch members' `Fn::Join`) passes, an
 * AWS resource of another service passes. Findings: `Resource::<flattened value>`.
 */
export default namedRule(__filename, (node: CfnResource): NagRuleResult => {
  if (!carriesIdentityPolicies(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = new Set(identityPolicyStatements(node).flatMap((s) => statementFindings(s).unknown));
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
});
