import type {
  DimensionValuesWithAttributes, GetCostAndUsageRequest, GetCostAndUsageResponse, GetCostForecastRequest, GetCostForecastResponse,
  Group, GroupDefinition, MetricValue, ResultByTime, StartCostAllocationTagBackfillRequest, StartCostAllocationTagBackfillResponse,
} from '@aws-sdk/client-cost-explorer';
import { decodeToken, encodeToken, fingerprint } from '../paging';
import { operation, OperationHandler, RequestContext, ServiceDefinition } from '../service-definition';
import { serviceError } from '../service-error';
import { costAllocationTagHandlers, UnknownTagKeysMode } from './cost-allocation-tags';
import { checkExpression, costTagValue, dimensionValue, evaluateExpression } from './cost-expression';
import { addDays, checkTimePeriod, daysBetween, formatAmount, isoDay, openBillingMonthStart, Period, splitPeriods } from './cost-periods';
import type { CostRecord } from '../state/billing-book';

/** Metric names GetCostAndUsage accepts (compared without case and underscores). */
const METRICS = ['AmortizedCost', 'BlendedCost', 'NetAmortizedCost', 'NetUnblendedCost', 'NormalizedUsageAmount', 'UnblendedCost', 'UsageQuantity'];
const QUANTITY_METRICS = new Set(['usagequantity', 'normalizedusageamount']);
/** Dimensions GetCostAndUsage can group by (from the GroupBy documentation). */
const GROUP_BY_DIMENSIONS = new Set(['AZ', 'INSTANCE_TYPE', 'LEGAL_ENTITY_NAME', 'INVOICING_ENTITY', 'LINKED_ACCOUNT', 'OPERATION',
  'PLATFORM', 'PURCHASE_TYPE', 'SERVICE', 'TENANCY', 'RECORD_TYPE', 'USAGE_TYPE']);
/** Days of history GetCostForecast averages. */
const FORECAST_HISTORY_DAYS = 30;

/** Options of the Cost Explorer fake. */
export interface CostExplorerFakeOptions {
  /** How UpdateCostAllocationTagsStatus answers keys billing has not seen. @default 'exception' */
  readonly unknownTagKeys?: UnknownTagKeysMode;
}

const normalizeMetric = (m: string) => m.replace(/_/g, '').toLowerCase();

function checkMetrics(metrics: readonly string[]): void {
  if (metrics.length === 0) throw serviceError('ValidationException', 'Metrics must contain at least one metric.');
  const known = new Set(METRICS.map(normalizeMetric));
  for (const m of metrics) {
    if (!known.has(normalizeMetric(m))) throw serviceError('ValidationException', `Invalid metric ${m}. Valid metrics are ${METRICS.join(', ')}.`);
  }
}

function checkGroupBy(groupBy: readonly GroupDefinition[]): void {
  if (groupBy.length > 2) throw serviceError('ValidationException', 'You can only group by up to two different groups (GroupBy has more than 2 elements).');
  for (const g of groupBy) {
    if (!g.Type || !g.Key) throw serviceError('ValidationException', 'Each GroupBy must have a Type and a Key.');
    if (g.Type === 'DIMENSION' && !GROUP_BY_DIMENSIONS.has(g.Key)) {
      throw serviceError('ValidationException', `Group Definition dimension is invalid. Valid values are ${[...GROUP_BY_DIMENSIONS].join(', ')}.`);
    }
    if (g.Type === 'COST_CATEGORY') throw serviceError('ValidationException', 'Cost categories are not supported by this fake.');
  }
}

function metricsOf(records: readonly CostRecord[], metrics: readonly string[]): Record<string, MetricValue> {
  return Object.fromEntries(metrics.map(m => {
    const quantity = QUANTITY_METRICS.has(normalizeMetric(m));
    const sum = records.reduce((acc, r) => acc + (quantity ? r.usageQuantity ?? 0 : r.amount), 0);
    return [m, { Amount: formatAmount(sum), Unit: quantity ? 'N/A' : 'USD' }];
  }));
}

function groupKey(record: CostRecord, g: GroupDefinition, ctx: RequestContext): string {
  return g.Type === 'TAG' ? `${g.Key}$${costTagValue(record, g.Key!, ctx.billing)}` : dimensionValue(record, g.Key!);
}

function filtered(input: { Filter?: GetCostAndUsageRequest['Filter'] }, ctx: RequestContext): CostRecord[] {
  if (input.Filter) checkExpression(input.Filter);
  return ctx.billing.records.filter(r => !input.Filter || evaluateExpression(input.Filter, r, ctx.billing));
}

const inPeriod = (p: Period) => (r: CostRecord) => r.date >= p.start && r.date < p.end;

/** One page entry: a period with one of its groups, or a whole period when there is no GroupBy. */
interface Entry {
  readonly period: number;
  readonly group?: Group;
}

function getCostAndUsage(input: GetCostAndUsageRequest, ctx: RequestContext): GetCostAndUsageResponse {
  const metrics = input.Metrics!;
  const groupBy = input.GroupBy ?? [];
  checkMetrics(metrics);
  checkGroupBy(groupBy);
  const periods = splitPeriods(checkTimePeriod(input.TimePeriod!), input.Granularity!);
  const records = filtered(input, ctx);

  const entries: Entry[] = [];
  periods.forEach((p, period) => {
    const here = records.filter(inPeriod(p));
    if (groupBy.length === 0) return void entries.push({ period });
    const groups = new Map<string, { keys: string[]; records: CostRecord[] }>();
    for (const r of here) {
      const keys = groupBy.map(g => groupKey(r, g, ctx));
      const id = JSON.stringify(keys);
      const group = groups.get(id) ?? { keys, records: [] };
      group.records.push(r);
      groups.set(id, group);
    }
    const sorted = [...groups.values()].sort((a, b) => (a.keys.join('\u0000') < b.keys.join('\u0000') ? -1 : 1));
    if (sorted.length === 0) entries.push({ period });
    for (const g of sorted) entries.push({ period, group: { Keys: g.keys, Metrics: metricsOf(g.records, metrics) } });
  });

  const request = fingerprint({ ...input, NextPageToken: undefined });
  let start = 0;
  if (input.NextPageToken !== undefined) {
    const token = decodeToken(input.NextPageToken);
    if (!token) throw serviceError('InvalidNextTokenException', 'The pagination token is invalid. Try again without a pagination token.');
    if (token.request !== request) {
      throw serviceError('RequestChangedException', 'Your request parameters changed between pages. Try again with the old parameters or without a pagination token.');
    }
    start = Number(token.after);
  }
  const size = ctx.state.limits.costAndUsagePageSize;
  const page = entries.slice(start, start + size);
  const openMonth = openBillingMonthStart(ctx.now, ctx.state.limits.monthFinalAfterDays);
  const results: ResultByTime[] = [];
  for (const entry of page) {
    const p = periods[entry.period];
    let result = results[results.length - 1];
    if (!result || result.TimePeriod!.Start !== p.start) {
      result = {
        TimePeriod: { Start: p.start, End: p.end },
        Total: groupBy.length === 0 ? metricsOf(records.filter(inPeriod(p)), metrics) : {},
        Groups: [],
        Estimated: p.end > openMonth,
      };
      results.push(result);
    }
    if (entry.group) result.Groups!.push(entry.group);
  }
  const accountAttributes = groupBy.findIndex(g => g.Type === 'DIMENSION' && g.Key === 'LINKED_ACCOUNT');
  let attributes: DimensionValuesWithAttributes[] | undefined;
  if (accountAttributes >= 0) {
    const accounts = new Set(page.flatMap(e => (e.group ? [e.group.Keys![accountAttributes]] : [])));
    attributes = [...accounts].map(account => {
      const named = records.find(r => r.linkedAccount === account && r.dimensions?.LINKED_ACCOUNT_NAME);
      return { Value: account, Attributes: { description: named?.dimensions?.LINKED_ACCOUNT_NAME ?? account } };
    });
  }
  return {
    GroupDefinitions: groupBy.length ? groupBy : undefined,
    ResultsByTime: results,
    DimensionValueAttributes: attributes ?? [],
    NextPageToken: start + size < entries.length ? encodeToken({ after: String(start + size), request }) : undefined,
  };
}

function getCostForecast(input: GetCostForecastRequest, ctx: RequestContext): GetCostForecastResponse {
  const range = checkTimePeriod(input.TimePeriod!);
  const today = isoDay(ctx.now);
  if (range.start < today) throw serviceError('ValidationException', 'Start date must be equal to or later than the current date.');
  const periods = splitPeriods(range, input.Granularity!);
  const quantity = input.Metric === 'USAGE_QUANTITY' || input.Metric === 'NORMALIZED_USAGE_AMOUNT';
  const history = filtered(input, ctx).filter(inPeriod({ start: addDays(today, -FORECAST_HISTORY_DAYS), end: today }));
  if (history.length === 0) throw serviceError('DataUnavailableException', 'Insufficient amount of historical data to generate forecast.');
  const daily = history.reduce((acc, r) => acc + (quantity ? r.usageQuantity ?? 0 : r.amount), 0) / FORECAST_HISTORY_DAYS;
  // A deterministic interval: half-width grows with the requested confidence (51–99, default 80).
  const spread = ((input.PredictionIntervalLevel ?? 80) - 50) / 100;
  const unit = quantity ? 'N/A' : 'USD';
  const results = periods.map(p => {
    const mean = daily * daysBetween(p.start, p.end);
    return {
      TimePeriod: { Start: p.start, End: p.end },
      MeanValue: formatAmount(mean),
      PredictionIntervalLowerBound: formatAmount(mean * (1 - spread)),
      PredictionIntervalUpperBound: formatAmount(mean * (1 + spread)),
    };
  });
  return { Total: { Amount: formatAmount(daily * daysBetween(range.start, range.end)), Unit: unit }, ForecastResultsByTime: results };
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** StartCostAllocationTagBackfill: "Dates can't precede the previous twelve months" (CE model). */
const BACKFILL_MAX_MONTHS = 12;

/**
 * StartCostAllocationTagBackfill: BackfillFrom must be the first day of a month, neither in the
 * future nor before the previous twelve months; "You can request a backfill once every 24 hours"
 * (CE model) — a request within 24 hours of the last is BackfillLimitExceededException. A member
 * account is refused like the other cost allocation tag operations (the exact wording for this
 * operation is assumed, not observed).
 */
function startCostAllocationTagBackfill(input: StartCostAllocationTagBackfillRequest, ctx: RequestContext): StartCostAllocationTagBackfillResponse {
  if (ctx.billing.memberAccount) {
    throw serviceError('AccessDeniedException', 'Failed to backfill Cost Allocation Tags: Linked account doesn\'t have access to cost allocation tags.');
  }
  const from = new Date(input.BackfillFrom!);
  const earliest = Date.UTC(ctx.now.getUTCFullYear(), ctx.now.getUTCMonth() - BACKFILL_MAX_MONTHS, 1);
  const firstOfMonth = from.getUTCDate() === 1 && from.getUTCHours() === 0 && from.getUTCMinutes() === 0 && from.getUTCSeconds() === 0;
  if (Number.isNaN(from.getTime()) || !firstOfMonth || from.getTime() < earliest || from > ctx.now) {
    throw serviceError('ValidationException', 'BackfillFrom must be the first day of a month (a billing start date), not in the future and not before the previous twelve months.');
  }
  const last = ctx.billing.backfills[ctx.billing.backfills.length - 1];
  if (last && ctx.now.getTime() - last.requestedAt.getTime() < DAY_MS) {
    throw serviceError('BackfillLimitExceededException', 'A request to backfill is already in progress. Once the previous request is complete, you can create another request.');
  }
  ctx.billing.backfills.push({ backfillFrom: input.BackfillFrom!, requestedAt: ctx.now });
  const at = ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { BackfillRequest: { BackfillFrom: input.BackfillFrom, RequestedAt: at, LastUpdatedAt: at, BackfillStatus: 'PROCESSING' } };
}

/**
 * Checks the caller's IAM view (`fake.state.access(accountId)`) before the operation, as IAM does
 * before the service: a refusal is AccessDeniedException in IAM's words, with Cost Explorer's
 * resource form `arn:<partition>:ce:<region>:<account>:/<Operation>`.
 */
function authorized(name: string, handler: OperationHandler): OperationHandler {
  return (input, ctx) => {
    const denial = ctx.state.access(ctx.accountId).authorize(`ce:${name}`, `arn:${ctx.partition}:ce:${ctx.region}:${ctx.accountId}:/${name}`);
    if (denial) throw serviceError('AccessDeniedException', denial.message);
    return handler(input, ctx);
  };
}

/** The Cost Explorer fake (json 1.1): costs from seeded records, forecasts, cost allocation tags and their backfill. */
export function costExplorerService(options: CostExplorerFakeOptions = {}): ServiceDefinition {
  const handlers: Record<string, OperationHandler> = {
    GetCostAndUsage: operation(getCostAndUsage),
    GetCostForecast: operation(getCostForecast),
    StartCostAllocationTagBackfill: operation(startCostAllocationTagBackfill),
    ...costAllocationTagHandlers(options.unknownTagKeys ?? 'exception'),
  };
  return {
    key: 'ce',
    modelName: 'ce',
    validationErrorCode: 'ValidationException',
    serializationErrorCode: 'SerializationException',
    throttlingErrorCode: 'LimitExceededException',
    serverErrorCode: 'InternalServerException',
    unknownCredentialsErrorCode: 'UnrecognizedClientException',
    missingAuthErrorCode: 'MissingAuthenticationTokenException',
    handlers: Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, authorized(name, handler)])),
  };
}
