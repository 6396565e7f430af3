import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { governanceFactsOf } from '../../util/governance-metadata';
import { namedRule, RuleContext } from '../utils/named-rule';

/**
 * A spend meter that enforces caps reads a log group that a `ModelInvocationLogging` of the app
 * configures Bedrock to write to: the meter prices invocation records from that log group, so
 * without invocation logging into it no cap is ever crossed. A meter given `logging` passes; a
 * meter given only `logGroup` passes when a `ModelInvocationLogging` of the app writes to that
 * log group. Logging configured outside the app cannot be seen (Bedrock invocation logging has no
 * CloudFormation resource type): acknowledge the finding then. Checked on the meter's
 * subscription filter, where its governance metadata is recorded.
 */
export default namedRule(__filename, (node: CfnResource, context: RuleContext): NagRuleResult => {
  const meters = governanceFactsOf(node).filter((f) => f.kind === 'spend-meter');
  if (meters.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const loggedGroups = context.appFacts(node).loggedGroupPaths;
  const unlogged = meters.some((m) => m.kind === 'spend-meter' && m.caps > 0 && !m.viaLogging && !loggedGroups.has(m.logGroupPath));
  return unlogged ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
});
