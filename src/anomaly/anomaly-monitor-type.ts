/**
 * Who chooses what a cost anomaly monitor watches (`MonitorType` of AWS::CE::AnomalyMonitor).
 *
 * @see https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalyMonitor.html
 */
export enum AnomalyMonitorType {
  /**
   * An AWS managed monitor: it watches the top values (up to 5,000) of one dimension, each value
   * on its own, and picks up new values automatically.
   */
  DIMENSIONAL = 'DIMENSIONAL',
  /** A customer managed monitor: it watches the values you list, in aggregate. */
  CUSTOM = 'CUSTOM',
}
