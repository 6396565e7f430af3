import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { ANOMALY_LIMITS } from '../../anomaly/anomaly-limits';
import { EMAIL_RULES } from '../../util/email';
import { namedRule } from '../utils/named-rule';
import { asArray, cfnProperties } from '../utils/resolve';

/**
 * The subscriber type an anomaly subscription's frequency delivers to. Cost Explorer API model,
 * AnomalySubscription.Frequency: "Notifications are sent either over email (for DAILY and WEEKLY
 * frequencies) or SNS (for IMMEDIATE frequency)"
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html,
 * https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html). The frequencies
 * (DAILY, IMMEDIATE, WEEKLY) and subscriber types (EMAIL, SNS) are the enums of the Cost Explorer
 * model and of the AWS::CE::AnomalySubscription resource schema.
 */
export const SUBSCRIBER_TYPE_OF_FREQUENCY: { readonly [frequency: string]: string } = {
  IMMEDIATE: 'SNS',
  DAILY: 'EMAIL',
  WEEKLY: 'EMAIL',
};

/**
 * At most this many subscribers of each type per alert subscription: "For each alert subscription,
 * you can have up to 10 email recipients or 1 SNS topic"
 * (https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/; the library's
 * `EMAIL_RULES.COST_ANOMALY_SUBSCRIBER.maxCount` and `ANOMALY_LIMITS.maxSnsSubscribers`). The Cost
 * Explorer API model (AnomalySubscription.Subscribers, `Subscribers` list) and the
 * AWS::CE::AnomalySubscription schema set no maximum.
 */
export const MAX_ANOMALY_SUBSCRIBERS: { readonly [type: string]: number } = {
  EMAIL: EMAIL_RULES.COST_ANOMALY_SUBSCRIBER.maxCount!,
  SNS: ANOMALY_LIMITS.maxSnsSubscribers,
};

/**
 * An `AWS::CE::AnomalySubscription`'s subscribers are of the type its frequency delivers to:
 * SNS topics for IMMEDIATE, email addresses for DAILY and WEEKLY. Others never receive an alert.
 * At most 10 email recipients and 1 SNS topic ({@link MAX_ANOMALY_SUBSCRIBERS}).
 * Findings: `Subscriber::<index>::<type>`, `Subscribers::none`, `Subscribers::TooMany::<EMAIL|SNS>`.
 * Tokens are not judged.
 */
export default namedRule(__filename, (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::CE::AnomalySubscription') return NagRuleCompliance.NOT_APPLICABLE;
  const props = cfnProperties(node);
  const expected = typeof props.Frequency === 'string' ? SUBSCRIBER_TYPE_OF_FREQUENCY[props.Frequency] : undefined;
  if (expected === undefined || (props.Subscribers !== undefined && !Array.isArray(props.Subscribers))) return NagRuleCompliance.COMPLIANT;
  const subscribers = asArray(props.Subscribers);
  if (subscribers.length === 0) return ['Subscribers::none'];
  const counts = new Map<string, number>();
  const findings = subscribers.flatMap((s, i) => {
    const type = ((s ?? {}) as { Type?: unknown }).Type;
    if (typeof type === 'string') counts.set(type, (counts.get(type) ?? 0) + 1);
    return typeof type === 'string' && type !== expected ? [`Subscriber::${i}::${type}`] : [];
  });
  findings.push(...Object.entries(MAX_ANOMALY_SUBSCRIBERS).filter(([type, max]) => (counts.get(type) ?? 0) > max)
    .map(([type]) => `Subscribers::TooMany::${type}`));
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
});
