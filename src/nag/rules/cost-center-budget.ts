import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { costCentersOn } from '../utils/app-facts';
import { namedRule, RuleContext } from '../utils/named-rule';

/**
 * Every cost center the app creates profiles for has a budget in the app: a `CostCenterBudget`
 * given the cost center, or profiles of it, or tags the cost center carries. Read from the
 * governance metadata the library's constructs record (src/util/governance-metadata.ts), so it
 * sees only the library's profiles (and L1 profiles imported with a cost center) and budgets.
 * A budget counts where it sees the spend: in the profile's account, in the management account
 * (`ManagementAccount`), or either account unknown at synth; a budget of another member account
 * does not count. Budgets made outside the app cannot be seen: acknowledge the finding then.
 * Findings: `CostCenter::<name>`, on the profile resource (or batch) of the cost center.
 */
export default namedRule(__filename, (node: CfnResource, context: RuleContext): NagRuleResult => {
  const costCenters = costCentersOn(node);
  if (costCenters.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const facts = context.appFacts(node);
  const findings = costCenters.filter((c) => !facts.budgetCovers(node, c)).map((c) => `CostCenter::${c.name}`);
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
});
