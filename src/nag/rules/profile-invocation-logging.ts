import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { namedRule, RuleContext } from '../utils/named-rule';
import { PROFILE_TYPES } from '../utils/resolve';

/**
 * An app that creates application inference profiles configures model invocation logging
 * (`ModelInvocationLogging`) in the same account and Region: the invocation logs are what the
 * spend meter prices, and the only per-request record of who spent what (CloudWatch metrics are
 * per model or profile). Invocation logging is a per-account, per-Region setting with no
 * CloudFormation resource type (PutModelInvocationLoggingConfiguration,
 * https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html), so the
 * pack only sees the library's construct, through its governance metadata: logging configured
 * outside the app (console, CLI, another app) is invisible here — acknowledge the finding then.
 * Checked on every profile resource (custom resources, batches, the L1); an acknowledgement on
 * the stack or the app covers them all.
 */
export default namedRule(__filename, (node: CfnResource, context: RuleContext): NagRuleResult => {
  if (!PROFILE_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
  return context.appFacts(node).invocationLoggingCovers(node) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
});
