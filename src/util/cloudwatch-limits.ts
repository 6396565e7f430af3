/**
 * CloudWatch limits the library's metric math, dashboards and alarms are built to respect (internal).
 *
 * - Dashboards: up to 500 widgets per dashboard and up to 500 metrics per widget (CloudWatch
 *   service quotas, "Dashboards"); a `DashboardBody` "can include an array of between 0 and 500
 *   widget objects"; and 2,500 metrics per dashboard across all widgets (listed in the same quota
 *   entry; that part of its text could not be re-read verbatim when this was written).
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 * - A metric math expression is at most 2,048 characters (`MetricExpression` in the CloudWatch
 *   API model, ../shared/aws-models/cloudwatch.json).
 * - "Alarms based on metric math expressions can reference a maximum of 10 metrics" (a hard
 *   limit); an expression that contains SEARCH cannot be used in an alarm.
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 *   https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudwatch.MathExpressionProps.html
 * - An alarm's period × evaluation periods is at most one day.
 * - Dashboard names: 1–255 characters of A-Z, a-z, 0-9, `-` and `_` (PutDashboard).
 *
 * A metric widget's "metrics" are counted as the entries of its `metrics` array: every metric
 * and every math expression (a math expression brings the metrics it uses as entries of their
 * own), which is at least what CloudWatch counts.
 */
export const CLOUDWATCH_LIMITS = {
  widgetsPerDashboard: 500,
  metricsPerDashboard: 2500,
  metricsPerWidget: 500,
  expressionLength: 2048,
  metricsPerAlarm: 10,
  alarmEvaluationSeconds: 86400,
  dashboardNameLength: 255,
} as const;

/** Dashboard names, as PutDashboard accepts them. */
export const DASHBOARD_NAME = /^[A-Za-z0-9_-]+$/;
