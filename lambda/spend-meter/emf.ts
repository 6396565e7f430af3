import { Charge } from './ledger';
import { NANO_PER_USD } from './pricing';
import { BYPASS_COST_CENTER, METER_METRICS } from '../../src/contracts/spend-meter';

/**
 * The meter's metrics as CloudWatch embedded metric format documents, one JSON line each, which
 * CloudWatch Logs turns into metrics from the function's log group
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 *
 * - `MeteredCost` (USD) per cost center and minute of invocation (dimensions Meter, CostCenter),
 *   bypass spend as CostCenter `(bypass)`: a Sum over 1 minute is the cost per minute;
 * - `BypassCost` (USD) and `BypassInvocations` (count) per principal's role or user (dimensions
 *   Meter, Principal): bounded by the roles and users, not by session names;
 * - `PrincipalCost` (USD) per principal (session) only for principals whose month's total has
 *   reached the threshold: session names are unbounded, and each dimension value is a custom metric;
 * - `MeterRecords`, `MalformedRecords`, `DuplicateRecords`, `UnpricedRecords` per batch (dimension Meter).
 *
 * Only charges counted by this invocation are in them (duplicates add nothing).
 */
export interface MetricInput {
  readonly namespace: string;
  readonly meterName: string;
  readonly counted: readonly Charge[];
  /** principals (by name) whose month's total reached the threshold */
  readonly principalsOverThreshold: ReadonlySet<string>;
  readonly counts: { readonly records: number; readonly malformed: number; readonly duplicates: number; readonly unpriced: number };
  /** epoch ms, for the batch's counters */
  readonly now: number;
}

/** The sum of one metric's values in one minute. */
interface Group {
  readonly time: number;
  readonly dims: Record<string, string>;
  nano: number;
  count: number;
}

export function meterEmfDocuments(input: MetricInput): string[] {
  const doc = (timestamp: number, dimensions: string[], values: Record<string, string | number>, metrics: string[], unit = 'None') => JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: input.namespace, Dimensions: [dimensions], Metrics: metrics.map((Name) => ({ Name, Unit: unit })) }],
    },
    Meter: input.meterName,
    ...values,
  });
  const sum = (groups: Map<string, Group>, key: string, time: number, dims: Record<string, string>, nano: number) => {
    const g = groups.get(key) ?? { time, dims, nano: 0, count: 0 };
    g.nano += nano;
    g.count++;
    groups.set(key, g);
  };
  const byCostCenter = new Map<string, Group>();
  const bypass = new Map<string, Group>();
  const principals = new Map<string, Group>();
  for (const c of input.counted) {
    const minute = Math.floor(c.time / 60_000) * 60_000;
    sum(byCostCenter, `${c.costCenter}\u0000${minute}`, minute, { CostCenter: c.costCenter }, c.costNanoUsd);
    if (c.bypass || c.costCenter === BYPASS_COST_CENTER) sum(bypass, `${c.principal.owner}\u0000${minute}`, minute, { Principal: c.principal.owner }, c.costNanoUsd);
    if (input.principalsOverThreshold.has(c.principal.name)) sum(principals, `${c.principal.name}\u0000${minute}`, minute, { Principal: c.principal.name }, c.costNanoUsd);
  }
  const lines: string[] = [];
  const emit = (groups: typeof byCostCenter, dimension: string, metric: string) => {
    for (const g of groups.values()) lines.push(doc(g.time, ['Meter', dimension], { ...g.dims, [metric]: g.nano / NANO_PER_USD }, [metric]));
  };
  emit(byCostCenter, 'CostCenter', METER_METRICS.costCenterCost);
  for (const g of bypass.values()) {
    lines.push(JSON.stringify({
      _aws: {
        Timestamp: g.time,
        CloudWatchMetrics: [{
          Namespace: input.namespace,
          Dimensions: [['Meter', 'Principal']],
          Metrics: [{ Name: METER_METRICS.bypassCost, Unit: 'None' }, { Name: METER_METRICS.bypassInvocations, Unit: 'Count' }],
        }],
      },
      Meter: input.meterName,
      ...g.dims,
      [METER_METRICS.bypassCost]: g.nano / NANO_PER_USD,
      [METER_METRICS.bypassInvocations]: g.count,
    }));
  }
  emit(principals, 'Principal', METER_METRICS.principalCost);
  lines.push(doc(input.now, ['Meter'], {
    [METER_METRICS.records]: input.counts.records,
    [METER_METRICS.malformed]: input.counts.malformed,
    [METER_METRICS.duplicates]: input.counts.duplicates,
    [METER_METRICS.unpriced]: input.counts.unpriced,
  }, [METER_METRICS.records, METER_METRICS.malformed, METER_METRICS.duplicates, METER_METRICS.unpriced], 'Count'));
  return lines;
}
