import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { PROFILE_RESOURCE_TYPE } from '../../contracts/profile-resource';
import { namedRule, RuleContext } from '../utils/named-rule';
import { cfnProperties, L1_PROFILE_TYPE } from '../utils/resolve';
import { tagFindings } from '../utils/tag-findings';

/**
 * An application inference profile carries the cost allocation tags the tag schema requires, with
 * values the schema allows: the library's `Custom::BedrockApplicationInferenceProfile` (its
 * `Tags` property, `[{ Key, Value }]`, src/contracts/profile-resource.ts) and the L1
 * `AWS::Bedrock::ApplicationInferenceProfile` (also what `@aws-cdk/aws-bedrock-alpha` builds on).
 * Invoking through the profile puts its tags on the billing record; without them the spend is
 * attributed to no one (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles.html).
 * Findings: `MissingTag::<key>`, `InvalidTag::<key>`. Tag values that are tokens are not judged.
 */
export default namedRule(__filename, (node: CfnResource, context: RuleContext): NagRuleResult => {
  if (node.cfnResourceType !== PROFILE_RESOURCE_TYPE && node.cfnResourceType !== L1_PROFILE_TYPE) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = tagFindings(cfnProperties(node, false).Tags, context.tagSchema);
  if (findings === undefined) return NagRuleCompliance.COMPLIANT; // a token: cannot be judged at synth
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
});
