import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { namedRule } from '../utils/named-rule';
import { cfnProperties } from '../utils/resolve';

/**
 * An `AWS::Budgets::Budget` has notifications (`NotificationsWithSubscribers`): a budget without
 * them alerts no one when spend crosses it. The property is optional in the resource schema
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-budgets-budget.html;
 * a budget holds up to 10 notifications, NotificationWithSubscribersList in the Budgets API model).
 * A value that is a token is not judged.
 */
export default namedRule(__filename, (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::Budgets::Budget') return NagRuleCompliance.NOT_APPLICABLE;
  const notifications = cfnProperties(node).NotificationsWithSubscribers;
  if (notifications === undefined) return NagRuleCompliance.NON_COMPLIANT;
  if (!Array.isArray(notifications)) return NagRuleCompliance.COMPLIANT; // a token: cannot be judged at synth
  return notifications.length === 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
});
