import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { PROFILE_BATCH_RESOURCE_TYPE } from '../../contracts/profile-batch';
import { namedRule, RuleContext } from '../utils/named-rule';
import { asArray, cfnProperties } from '../utils/resolve';
import { tagFindings } from '../utils/tag-findings';

/**
 * Every member of a `Custom::BedrockApplicationInferenceProfileBatch` (its `Members[]`, each
 * with its own `Tags`, src/contracts/profile-batch.ts) carries the cost allocation tags the tag
 * schema requires, with values it allows — as {@link ./profile-cost-allocation-tags} for one
 * profile. Findings: `Member::<key>::MissingTag::<tag>`, `Member::<key>::InvalidTag::<tag>`.
 * Tags that are tokens are not judged.
 */
export default namedRule(__filename, (node: CfnResource, context: RuleContext): NagRuleResult => {
  if (node.cfnResourceType !== PROFILE_BATCH_RESOURCE_TYPE) return NagRuleCompliance.NOT_APPLICABLE;
  const members = cfnProperties(node, false).Members;
  if (!Array.isArray(members)) return NagRuleCompliance.COMPLIANT; // a token: cannot be judged at synth
  const findings: string[] = [];
  for (const member of asArray(members)) {
    const { Key: key, Tags: tags } = (member ?? {}) as { Key?: unknown; Tags?: unknown };
    const label = typeof key === 'string' ? key : '<token>';
    findings.push(...(tagFindings(tags, context.tagSchema) ?? []).map((f) => `Member::${label}::${f}`));
  }
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
});
