import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { periodTotal } from './caps';
import { NANO_PER_USD } from './pricing';
import { BYPASS_COST_CENTER, METER_DEFAULTS, METER_METRICS, MeterSettings } from '../../src/contracts/spend-meter';
import { CostExplorerReader, queryCosts, tagValueOf } from '../shared/cost-query';
import { Logger } from '../shared/log';
import { RetryOptions } from '../shared/retry';

/**
 * Reconciliation (`{ "action": "reconcile" }`, daily): the meter's estimate of one day against
 * Cost Explorer's billed cost, per cost center, so that a wrong price shows as drift.
 *
 * - The day: today − `lagDays` (UTC), two by default. AWS billing data "is updated up to three
 *   times daily" (https://docs.aws.amazon.com/cost-management/latest/userguide/ce-api-best-practices.html),
 *   so at the daily run yesterday may still be incomplete; the day before is compared.
 * - Billed: the chargeback report's query (lambda/shared/cost-query.ts), grouped by the cost
 *   allocation tag, with the settings' billing scope filter (which should narrow to Amazon
 *   Bedrock and to the meter's account and Region). The untagged group (`<key>$`) is compared with
 *   the meter's `(bypass)` total: spend outside the application profiles carries no profile tag.
 * - Metered: the ledger's day totals (`D#<day>`, summed over the accounts and Regions of the table)
 *   for every cost center billed, configured in the enforcement settings, and `(bypass)` (a cost
 *   center metered but neither billed nor configured is not listed: the ledger has no index of
 *   the cost centers of a day).
 * - Metrics (EMF, dimensions Meter + CostCenter, and Meter alone for the total):
 *   ReconciledMeteredCost, ReconciledBilledCost, CostDrift (metered − billed, USD), CostDriftRatio
 *   (metered ÷ billed, absent when billed is 0), stamped at the run's time (an alarm then sees one
 *   point a day) with the day compared as a property.
 */

export interface ReconcileContext {
  readonly ce: CostExplorerReader;
  readonly dynamodb: DynamoDBClient;
  readonly settings: MeterSettings;
  readonly retry: RetryOptions;
  readonly log: Logger;
  /** epoch ms */
  readonly now: () => number;
  readonly emit: (line: string) => void;
}

export interface ReconciledCostCenter {
  readonly costCenter: string;
  readonly meteredUsd: number;
  readonly billedUsd: number;
  readonly driftUsd: number;
  /** metered ÷ billed; undefined when billed is 0 */
  readonly ratio?: number;
}

export interface ReconcileSummary {
  readonly day: string;
  readonly costCenters: ReconciledCostCenter[];
  readonly total: Omit<ReconciledCostCenter, 'costCenter'>;
  /** Cost Explorer marked the day's cost as estimated */
  readonly estimated: boolean;
  readonly requests: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function reconciledDay(now: number, lagDays: number): string {
  return new Date(now - lagDays * 86_400_000).toISOString().slice(0, 10);
}

export async function reconcile(ctx: ReconcileContext, dayOverride?: string): Promise<ReconcileSummary> {
  const options = ctx.settings.reconciliation ?? {};
  const day = dayOverride ?? reconciledDay(ctx.now(), options.lagDays ?? METER_DEFAULTS.reconciliationLagDays);
  if (!DAY.test(day)) throw new Error(`reconcile: day must be YYYY-MM-DD (got ${day})`);
  const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const tagKey = ctx.settings.tagKey;
  const billed = await queryCosts(ctx.ce, {
    period: { start: day, end },
    metric: options.metric ?? METER_DEFAULTS.reconciliationMetric,
    groupBy: [{ Type: 'TAG', Key: tagKey }],
    filter: options.filter,
  }, ctx.retry, ctx.log);
  const billedBy = new Map<string, number>();
  for (const g of billed.groups) {
    const value = tagValueOf(g.keys[0], tagKey);
    const cc = value === '' ? BYPASS_COST_CENTER : value;
    billedBy.set(cc, (billedBy.get(cc) ?? 0) + g.amount);
  }
  const names = new Set<string>([...billedBy.keys(), ...Object.keys(ctx.settings.enforcement?.costCenters ?? {}), BYPASS_COST_CENTER]);
  const capCtx = { client: ctx.dynamodb, tableName: ctx.settings.tableName, retry: ctx.retry, log: ctx.log };
  const costCenters = await Promise.all([...names].sort().map(async (costCenter) => {
    const meteredUsd = Number(await periodTotal(capCtx, 'CC', costCenter, `D#${day}`)) / NANO_PER_USD;
    return line(costCenter, meteredUsd, billedBy.get(costCenter) ?? 0);
  }));
  const { costCenter: _, ...total } = line('', costCenters.reduce((s, c) => s + c.meteredUsd, 0), costCenters.reduce((s, c) => s + c.billedUsd, 0));
  for (const c of costCenters) ctx.emit(document(ctx, day, c, c.costCenter));
  ctx.emit(document(ctx, day, total));
  const summary = { day, costCenters, total, estimated: billed.estimated, requests: billed.requests };
  ctx.log('INFO', 'reconciled', { day, total, estimated: billed.estimated, costCenters: costCenters.length, requests: billed.requests });
  return summary;
}

function line(costCenter: string, metered: number, billed: number): ReconciledCostCenter {
  return {
    costCenter,
    meteredUsd: round(metered),
    billedUsd: round(billed),
    driftUsd: round(metered - billed),
    ratio: billed > 0 ? round(metered / billed) : undefined,
  };
}

function document(ctx: ReconcileContext, day: string, c: Omit<ReconciledCostCenter, 'costCenter'>, costCenter?: string): string {
  const metrics: string[] = [METER_METRICS.reconciledMetered, METER_METRICS.reconciledBilled, METER_METRICS.costDrift];
  if (c.ratio !== undefined) metrics.push(METER_METRICS.costDriftRatio);
  return JSON.stringify({
    _aws: {
      Timestamp: ctx.now(),
      CloudWatchMetrics: [{
        Namespace: ctx.settings.metricNamespace,
        Dimensions: [costCenter === undefined ? ['Meter'] : ['Meter', 'CostCenter']],
        Metrics: metrics.map((Name) => ({ Name, Unit: 'None' })),
      }],
    },
    Meter: ctx.settings.meterName,
    ...(costCenter === undefined ? {} : { CostCenter: costCenter }),
    ReconciledDay: day,
    [METER_METRICS.reconciledMetered]: c.meteredUsd,
    [METER_METRICS.reconciledBilled]: c.billedUsd,
    [METER_METRICS.costDrift]: c.driftUsd,
    ...(c.ratio !== undefined ? { [METER_METRICS.costDriftRatio]: c.ratio } : {}),
  });
}
