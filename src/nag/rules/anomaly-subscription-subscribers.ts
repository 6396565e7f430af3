import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
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
 * An `AWS::CE::AnomalySubscription`'s subscribers are of the type its frequency delivers to:
 * SNS topics for IMMEDIATE, email addresses for DAILY and WEEKLY. Others never receive an alert.
 * Findings: `Subscriber::<index>::<type>`, or `Subscribers::none`. Tokens are not judged.
 */
export default namedRule(__filename, (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::CE::AnomalySubscription') return NagRuleCompliance.NOT_APPLICABLE;
  const props = cfnProperties(node);
  const expected = typeof props.Frequency === 'string' ? SUBSCRIBER_TYPE_OF_FREQUENCY[props.Frequency] : undefined;
  if (expected === undefined || (props.Subscribers !== undefined && !Array.isArray(props.Subscribers))) return NagRuleCompliance.COMPLIANT;
  const subscribers = asArray(props.Subscribers);
  if (subscribers.length === 0) return ['Subscribers::none'];
  const findings = subscribers.flatMap((s, i) => {
    const type = ((s ?? {}) as { Type?: unknown }).Type;
    return typeof type === 'string' && type !== expected ? [`Subscriber::${i}::${type}`] : [];
  });
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
});
