import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { EMAIL_RULES } from '../../util/email';
import { namedRule } from '../utils/named-rule';
import { asArray, cfnProperties } from '../utils/resolve';

/**
 * At most this many subscribers of each type per budget notification. Budgets API model,
 * NotificationWithSubscribers: "A notification can have one SNS subscriber and up to 10 email
 * subscribers, for a total of 11 subscribers" (`Subscribers` min 1, max 11;
 * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html).
 * The email limit is the library's `EMAIL_RULES.BUDGETS_SUBSCRIBER.maxCount`.
 */
export const MAX_BUDGET_SUBSCRIBERS: { readonly [type: string]: number } = {
  EMAIL: EMAIL_RULES.BUDGETS_SUBSCRIBER.maxCount!,
  SNS: 1,
};

/**
 * Every notification of an `AWS::Budgets::Budget` has 1 to 11 subscribers: at least one, at most
 * one SNS topic and at most 10 email addresses ({@link MAX_BUDGET_SUBSCRIBERS}). The CloudFormation
 * schema accepts an empty list and sets no maximum: the deployment would fail (and a notification
 * without subscribers alerts no one). Findings: `Notification::<index>` (no subscribers),
 * `Notification::<index>::TooMany::<EMAIL|SNS>`. Tokens are not judged (a token subscriber counts
 * toward no type).
 */
export default namedRule(__filename, (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::Budgets::Budget') return NagRuleCompliance.NOT_APPLICABLE;
  const notifications = cfnProperties(node).NotificationsWithSubscribers;
  if (!Array.isArray(notifications)) return NagRuleCompliance.COMPLIANT;
  const findings = notifications.flatMap((n, i) => {
    const subscribers = ((n ?? {}) as { Subscribers?: unknown }).Subscribers;
    if (subscribers !== undefined && !Array.isArray(subscribers)) return []; // a token
    const list = asArray(subscribers);
    if (list.length === 0) return [`Notification::${i}`];
    const counts = new Map<string, number>();
    for (const s of list) {
      const type = ((s ?? {}) as { SubscriptionType?: unknown }).SubscriptionType;
      if (typeof type === 'string') counts.set(type, (counts.get(type) ?? 0) + 1);
    }
    return Object.entries(MAX_BUDGET_SUBSCRIBERS).filter(([type, max]) => (counts.get(type) ?? 0) > max)
      .map(([type]) => `Notification::${i}::TooMany::${type}`);
  });
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
});
