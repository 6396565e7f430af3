/**
 * The dimension an AWS managed (`DIMENSIONAL`) cost anomaly monitor watches
 * (`MonitorDimension` of AWS::CE::AnomalyMonitor; the Cost Explorer API model's
 * `MonitorDimension` enum).
 *
 * @see https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalyMonitor.html
 */
export enum AnomalyMonitorDimension {
  /** each AWS service on its own */
  SERVICE = 'SERVICE',
  /** each linked (member) account on its own; management account only */
  LINKED_ACCOUNT = 'LINKED_ACCOUNT',
  /** each value of one cost allocation tag key on its own; management account only */
  TAG = 'TAG',
  /** each value of one cost category on its own; management account only */
  COST_CATEGORY = 'COST_CATEGORY',
}
