/**
 * What AWS Cost Anomaly Detection allows, in one place, each with where it is written.
 * Internal to the library (not exported from the package).
 */
export const ANOMALY_LIMITS = {
  /**
   * Values of a customer managed monitor: "your list of up to 10 tag values", "up to 10 account
   * IDs" (Cost Explorer API model, AnomalyMonitor.MonitorSpecification); "You can track up to ten
   * linked accounts / tag values with a single monitor", and "one value" for a cost category.
   * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_CreateAnomalyMonitor.html
   */
  maxTagValues: 10,
  maxLinkedAccounts: 10,
  maxCostCategoryValues: 1,

  /**
   * "up to one AWS Service Monitor and 500 custom monitors (Linked Accounts, Cost Allocation Tags,
   * Cost Categories). You can attach up to the maximum of all 501 monitors to an alert
   * subscription." "For each alert subscription, you can have up to 10 email recipients or 1 SNS
   * topic." https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/
   * AWS managed monitors: one per dimension and account (DESIGN.md, "Facts to build on").
   * The email recipients' rules (1–10, SubscriberAddress) are in `EMAIL_RULES.COST_ANOMALY_SUBSCRIBER`
   * (src/util/email.ts).
   */
  maxCustomerManagedMonitorsPerAccount: 500,
  maxAwsManagedMonitorsPerDimension: 1,
  maxMonitorsPerSubscription: 501,
  maxSnsSubscribers: 1,

  /**
   * Alert subscriptions per account: 100, as issue 6 states it. Not found in the documentation
   * stored for this project; AWS lists Cost Management quotas at
   * https://docs.aws.amazon.com/cost-management/latest/userguide/management-limits.html.
   */
  maxSubscriptionsPerAccount: 100,

  /**
   * ThresholdExpression: "Values must be numbers between 0 and 10,000,000,000 in string format";
   * the match option GREATER_THAN_OR_EQUAL is required (Cost Explorer API model,
   * AnomalySubscription.ThresholdExpression). The library asks for at least 0.01 (a cent, or a
   * hundredth of a percent) so that a threshold is never 0 and is never written with an exponent.
   * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html
   */
  minThreshold: 0.01,
  maxThreshold: 10_000_000_000,

  /** MonitorName and SubscriptionName: GenericString, 0–1024 characters of `[\S\s]*` (the library asks for at least 1). */
  maxNameLength: 1024,

  /**
   * CostCategoryName and CostCategoryValue: 1–50 characters, `^(?! )[\p{L}\p{N}\p{Z}-_]*(?<! )$`
   * (Cost Explorer API model): Unicode letters, numbers, spaces (not first or last), `_` and `-`,
   * as the Billing quotas page lists them
   * (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/billing-limits.html). The
   * model's `-_` reads as a range in a character class; the library follows the documented
   * intent (the two characters).
   */
  costCategoryMaxLength: 50,

  /**
   * Generated monitor and subscription names: an address of up to 200 characters and the
   * 9-character hash suffix (`-` and 8 hex), far below the 1,024 characters MonitorName and
   * SubscriptionName allow.
   */
  generatedNameLength: 209,
} as const;

/** Cost category names and values (see ANOMALY_LIMITS.costCategoryMaxLength). */
export const COST_CATEGORY_NAME = /^(?! )[\p{L}\p{N}\p{Z}_-]*(?<! )$/u;


/**
 * A cost anomaly monitor ARN, `arn:<partition>:ce::<account>:anomalymonitor/<id>` (the API
 * model's Arn pattern narrowed to Cost Explorer monitors).
 */
export const MONITOR_ARN = /^arn:aws[-a-z0-9]*:ce::[0-9]{12}:anomalymonitor\/[-a-zA-Z0-9/:_]+$/;

/** Formats a count with thousands separators, as the messages show limits. */
export function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}
