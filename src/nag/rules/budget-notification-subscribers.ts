import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { namedRule } from '../utils/named-rule';
import { asArray, cfnProperties } from '../utils/resolve';

/**
 * Every notification of an `AWS::Budgets::Budget` has at least one subscriber. The Budgets API
 * requires 1–11 subscribers per notification ("A notification can have one SNS subscriber and up
 * to 10 email subscribers", NotificationWithSubscribers and Subscribers min 1 / max 11 in the
 * Budgets API model, https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html),
 * while the CloudFormation schema accepts an empty list: the deployment would fail, and a
 * notification without subscribers alerts no one. Findings: `Notification::<index>`. Tokens are not judged.
 */
export default namedRule(__filename, (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::Budgets::Budget') return NagRuleCompliance.NOT_APPLICABLE;
  const notifications = cfnProperties(node).NotificationsWithSubscribers;
  if (!Array.isArray(notifications)) return NagRuleCompliance.COMPLIANT;
  const findings = notifications.flatMap((n, i) => {
    const subscribers = (n ?? {}) as { Subscribers?: unknown };
    if (subscribers.Subscribers !== undefined && !Array.isArray(subscribers.Subscribers)) return []; // a token
    return asArray(subscribers.Subscribers).length === 0 ? [`Notification::${i}`] : [];
  });
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
});
