/**
 * How often an anomaly alert subscription notifies (`Frequency` of AWS::CE::AnomalySubscription).
 *
 * Notifications go to email for DAILY and WEEKLY, and to an Amazon SNS topic for IMMEDIATE.
 *
 * @see https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html
 */
export enum AnomalyAlertFrequency {
  /** one alert per anomaly, as soon as it is detected, published to an Amazon SNS topic */
  IMMEDIATE = 'IMMEDIATE',
  /** a daily summary, sent by email */
  DAILY = 'DAILY',
  /** a weekly summary, sent by email */
  WEEKLY = 'WEEKLY',
}
