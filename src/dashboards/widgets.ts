import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { expression, IdentifiedMetric, sumAll, sumOf, usingMetricsOf } from './metric-math';
import { ProfileEntry, UsageSection } from './usage-section';
import { measured, plan, PlannedRow, PlannedWidget, rowsOf } from './widget-plan';
import { PricedTokenMetrics } from '../models/cost-model';
import { costExpression, costTerm, metricsRead } from '../models/cost-terms';
import { CLOUDWATCH_LIMITS } from '../util/cloudwatch-limits';
import { chunk, packByWeight } from '../util/collections';
import { describePeriod } from '../util/durations';
import { IdAllocator, MetricIds } from '../util/metric-ids';
import { TemplateSizer } from '../util/template-size';

/*
 * Widget builders of the usage dashboard (internal, not exported from the package).
 *
 * Every metric math id is made by an IdAllocator of the widget (`n0`, `u0`, `c0` …), so ids
 * are unique per widget and match ^[a-z][a-zA-Z0-9_]*$. Widgets are sized so that none holds
 * more than CLOUDWATCH_LIMITS.metricsPerWidget entries (`plan` counts what CDK renders).
 */

/** What every builder needs. */
export interface BuildOptions {
  readonly period: Duration;
  readonly showCost: boolean;
  /**
   * The Region of the metrics (the stack's; a literal one keeps tokens out of the body, else
   * `Aws.REGION`, which a nested stack resolves itself, without a parameter).
   */
  readonly region: string;
  /** Measures the widgets. @default - not measured */
  readonly sizer?: TemplateSizer;
}

/**
 * The most entries one profile adds to a widget: its estimated cost (the expression and up to
 * four token metrics: input, output, cache read, cache write).
 */
const MAX_ENTRIES_PER_PROFILE = 5;

/**
 * Profiles per section chart: at most 5 entries each, and 2 left for the sum of a cost center
 * and the top cost centers' SORT in the overview → 99.
 */
export const PROFILES_PER_SECTION_WIDGET = Math.floor((CLOUDWATCH_LIMITS.metricsPerWidget - 2) / MAX_ENTRIES_PER_PROFILE);

/** How many top cost centers the overview ranks. */
export const TOP_COST_CENTERS = 10;

/** A profile's token metrics at its price (cost is shown, so it has one). */
function pricedMetrics(entry: ProfileEntry, period: Duration): PricedTokenMetrics {
  if (!entry.price) throw new Error(`internal error: no price for ${entry.profile.node.path}`);
  return { price: entry.price, ...entry.profile.metricTokenCounts({ period }) };
}

/** The entries a profile's estimated cost adds to a widget: the expression and the metrics it reads. */
function costEntries(entry: ProfileEntry): number {
  return 1 + metricsRead(entry.price!);
}

/** A profile's estimated cost (USD per period) with ids from `ids`. */
function costOf(entry: ProfileEntry, ids: MetricIds, period: Duration, label = entry.label): cloudwatch.MathExpression {
  return costExpression([costTerm(pricedMetrics(entry, period), { ids })], { label, period });
}

/** A profile's input + output tokens with ids from `ids`. */
function tokensOf(entry: ProfileEntry, ids: MetricIds, period: Duration, label = entry.label): cloudwatch.MathExpression {
  const n = ids.next('n');
  const u = ids.next('u');
  return expression({
    expression: `${n}+${u}`,
    usingMetrics: { [n]: entry.profile.metricInputTokenCount({ period }), [u]: entry.profile.metricOutputTokenCount({ period }) },
    label,
    period,
  });
}

/**
 * A text widget, measured with `sizer`; `estimate` stands for `markdown` when that is lazy
 * (measuring would resolve it now).
 */
export function text(markdown: string, height: number, sizer?: TemplateSizer, estimate?: string): PlannedWidget {
  const widget = new cloudwatch.TextWidget({ markdown, width: 24, height });
  if (!sizer) return { widget, metrics: 0 };
  const json = estimate === undefined ? widget.toJson() : new cloudwatch.TextWidget({ markdown: estimate, width: 24, height }).toJson();
  return { widget, metrics: 0, size: measured(sizer, json) };
}

/** The rows of one section: header, then usage, cost, latency, errors and throttles. */
export function sectionRows(section: UsageSection, options: BuildOptions): PlannedRow[] {
  const { period, showCost } = options;
  const parts = chunk(section.profiles, PROFILES_PER_SECTION_WIDGET);
  const rows: PlannedRow[] = [[text(section.markdown, 2, options.sizer, section.markdownEstimate)]];
  parts.forEach((profiles, i) => {
    const suffix = parts.length > 1 ? ` (${i + 1}/${parts.length})` : '';
    const graph = (title: string, left: cloudwatch.IMetric[], width: number, extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      plan(new cloudwatch.GraphWidget({ title: `${section.title}: ${title}${suffix}`, left, width, height: 6, period, region: options.region, ...extra }), options.sizer);
    const usage: PlannedWidget[] = [
      graph('invocations', profiles.map((p) => p.profile.metricInvocations({ period, label: p.label })), showCost ? 8 : 12),
      graph('input, output and prompt cache tokens', profiles.flatMap((p) => [
        p.profile.metricInputTokenCount({ period, label: `${p.label} input` }),
        p.profile.metricOutputTokenCount({ period, label: `${p.label} output` }),
        p.profile.metricCacheReadInputTokenCount({ period, label: `${p.label} cache read` }),
        p.profile.metricCacheWriteInputTokenCount({ period, label: `${p.label} cache write` }),
      ]), showCost ? 8 : 12),
    ];
    if (showCost) {
      const ids = new IdAllocator();
      usage.push(graph(`estimated cost (USD per ${describePeriod(period)})`, profiles.map((p) => costOf(p, ids, period)), 8, { stacked: true }));
    }
    rows.push(...rowsOf(usage));
    rows.push(...rowsOf([
      graph('latency p50 / p90 / p99 (ms)', profiles.flatMap((p) => ['p50', 'p90', 'p99'].map((statistic) =>
        p.profile.metricInvocationLatency({ period, statistic, label: `${p.label} ${statistic}` }))), 12),
      graph('client errors, server errors, throttles', profiles.flatMap((p) => [
        p.profile.metricInvocationClientErrors({ period, label: `${p.label} client errors` }),
        p.profile.metricInvocationServerErrors({ period, label: `${p.label} server errors` }),
        p.profile.metricInvocationThrottles({ period, label: `${p.label} throttles` }),
      ]), 12),
    ]));
  });
  return rows;
}

/** Totals over the dashboard's time range, by groups of profiles when they are many. */
export function totalsRows(sections: UsageSection[], options: BuildOptions): PlannedRow[] {
  const { period, showCost } = options;
  const all = sections.flatMap((s) => s.profiles);
  const sums = showCost ? 4 : 3;
  // per profile: invocations, input, output and, with cost, the cache metrics it reads and its cost expression
  const parts = packByWeight(all, (p) => (showCost ? 1 + costEntries(p) : 3), CLOUDWATCH_LIMITS.metricsPerWidget - sums);
  let first = 0;
  return parts.map((profiles) => {
    const ids = new IdAllocator();
    const invocations: IdentifiedMetric[] = [];
    const input: IdentifiedMetric[] = [];
    const output: IdentifiedMetric[] = [];
    const cost: IdentifiedMetric[] = [];
    for (const p of profiles) {
      invocations.push({ id: ids.next('i'), metric: p.profile.metricInvocations({ period }) });
      if (showCost) {
        // the cost expression and the token sums share the token metrics under the same ids: CDK renders them once
        const term = costTerm(pricedMetrics(p, period), { ids });
        for (const m of term.metrics) {
          if (m.kind.usage === 'inputTokens') input.push(m);
          if (m.kind.usage === 'outputTokens') output.push(m);
        }
        cost.push({ id: ids.next('c'), metric: costExpression([term], { period }) });
      } else {
        input.push({ id: ids.next('n'), metric: p.profile.metricInputTokenCount({ period }) });
        output.push({ id: ids.next('u'), metric: p.profile.metricOutputTokenCount({ period }) });
      }
    }
    const metrics = [
      sumAll(invocations, 'Invocations', period),
      sumAll(input, 'Input tokens', period),
      sumAll(output, 'Output tokens', period),
      ...(showCost ? [sumAll(cost, 'Estimated cost (USD)', period)] : []),
    ];
    const title = parts.length > 1
      ? `Totals over the time range, profiles ${first + 1}–${first + profiles.length} of ${all.length}`
      : 'Totals over the time range';
    first += profiles.length;
    const widget = new cloudwatch.SingleValueWidget({ title, metrics, setPeriodToTimeRange: true, width: 24, height: 4, region: options.region });
    return [plan(widget, options.sizer)];
  });
}

/** Estimated cost (or tokens) by cost center, stacked, and the top cost centers over the time range. */
export function byCostCenterRows(sections: UsageSection[], options: BuildOptions): PlannedRow[] {
  const { period, showCost } = options;
  const measure = showCost ? `estimated cost (USD per ${describePeriod(period)})` : `tokens (per ${describePeriod(period)})`;
  // one series per section, or several for a section too large for one widget
  const units: Array<{ title: string; profiles: ProfileEntry[] }> = sections.flatMap((s) => {
    const parts = chunk(s.profiles, PROFILES_PER_SECTION_WIDGET);
    return parts.map((profiles, i) => ({ title: parts.length > 1 ? `${s.title} (${i + 1}/${parts.length})` : s.title, profiles }));
  });
  // a unit's series: each profile's expression and the metrics it reads, and their sum; one entry is kept for the SORT
  const weight = (u: typeof units[number]) => u.profiles.reduce((n, p) => n + (showCost ? costEntries(p) : 3), 0) + 1;
  const groups = packByWeight(units, weight, CLOUDWATCH_LIMITS.metricsPerWidget - 1);
  const rows: PlannedRow[] = [];
  const series = (group: typeof units, ids: IdAllocator) => group.map((unit) => {
    const parts = unit.profiles.map((p) => ({ id: ids.next('c'), metric: showCost ? costOf(p, ids, period) : tokensOf(p, ids, period) }));
    return { id: ids.next('s'), metric: sumOf(parts, unit.title, period) };
  });
  // each group's chart is followed by its top cost centers: both show the same profiles, so a
  // page of a nested stack holds them with the same parameters
  groups.forEach((group, i) => {
    const suffix = groups.length > 1 ? ` (${i + 1}/${groups.length})` : '';
    rows.push([plan(new cloudwatch.GraphWidget({
      title: `${capitalize(measure)} by cost center${suffix}`,
      left: series(group, new IdAllocator()).map((s) => s.metric),
      stacked: true,
      width: 24,
      height: 6,
      period,
      region: options.region,
    }), options.sizer)]);
    if (units.length === 1) return;
    const all = series(group, new IdAllocator());
    const top = expression({
      expression: `SORT([${all.map((s) => s.id).join(',')}],SUM,DESC,${TOP_COST_CENTERS})`,
      usingMetrics: usingMetricsOf(all),
      label: '',
      period,
    });
    rows.push([plan(new cloudwatch.GraphWidget({
      title: `Top ${TOP_COST_CENTERS} cost centers by ${showCost ? 'estimated cost' : 'tokens'} over the time range${suffix}`,
      left: [top],
      view: cloudwatch.GraphWidgetView.BAR,
      setPeriodToTimeRange: true,
      width: 24,
      height: 6,
      period,
      region: options.region,
    }), options.sizer)]);
  });
  return rows;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
