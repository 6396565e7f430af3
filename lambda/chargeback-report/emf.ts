import { REPORT_METRICS, ReportDocument, UNATTRIBUTED } from '../../src/contracts/chargeback-report';

/**
 * The report's metrics as CloudWatch embedded metric format documents, one JSON line each, which
 * CloudWatch Logs turns into metrics from the function's log group — no cloudwatch:PutMetricData
 * (which has no resource type, so `*`) and no extra calls
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * - `BilledCost` per cost center (dimensions Report, TagKey, CostCenter, Period), unattributed
 *   spend as CostCenter `(unattributed)`;
 * - `BilledCostTotal` and `UnattributedPercent` (dimensions Report, Period).
 *
 * Period is `month` or `monthToDate`: the billed cost of the month so far, beside the dashboards'
 * estimated cost. Each cost center is one custom metric.
 */
export function emfDocuments(report: ReportDocument, namespace: string, timestamp: number): string[] {
  const period = report.kind;
  const base = { Report: report.reportName, Period: period };
  const doc = (dimensions: string[], values: Record<string, string | number>, metrics: Array<{ Name: string; Unit: string }>) => JSON.stringify({
    _aws: { Timestamp: timestamp, CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [dimensions], Metrics: metrics }] },
    ...values,
  });
  const perCostCenter = report.costCenters
    .filter((l) => l.amount !== 0 || l.costCenter === UNATTRIBUTED || l.inSchema !== undefined)
    .map((l) => doc(['Report', 'TagKey', 'CostCenter', 'Period'],
      { ...base, TagKey: report.tagKey, CostCenter: l.costCenter, [REPORT_METRICS.costCenterCost]: l.amount },
      [{ Name: REPORT_METRICS.costCenterCost, Unit: 'None' }]));
  const totals = doc(['Report', 'Period'],
    { ...base, [REPORT_METRICS.totalCost]: report.total.amount, [REPORT_METRICS.unattributedPercent]: (report.unattributed.share ?? 0) * 100 },
    [{ Name: REPORT_METRICS.totalCost, Unit: 'None' }, { Name: REPORT_METRICS.unattributedPercent, Unit: 'Percent' }]);
  return [...perCostCenter, totals];
}
