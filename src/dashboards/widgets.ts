import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CLOUDWATCH_LIMITS } from './cloudwatch-limits';
import { TemplateSize, TemplateSizer } from './template-size';
import { ModelPricing, TokenPrice } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';

/*
 * Widget builders of the usage dashboard (internal, not exported from the package).
 *
 * Every metric math id is made by an IdAllocator of the widget (`n0`, `u0`, `c0` …), so ids
 * are unique per widget and match ^[a-z][a-zA-Z0-9_]*$. Widgets are sized so that none holds
 * more than CLOUDWATCH_LIMITS.metricsPerWidget entries; `metricEntries()` counts what CDK renders.
 */

/** A profile as the dashboard shows it. */
export interface ProfileEntry {
  readonly profile: IApplicationInferenceProfile;
  /** Short human label (the construct id). */
  readonly label: string;
  /** Its price; undefined when cost is not shown. */
  readonly price?: TokenPrice;
}

/** A part of the dashboard: a cost center, or one profile that belongs to none. */
export interface UsageSection {
  readonly title: string;
  readonly profiles: ProfileEntry[];
  /** Markdown of the section's header (may hold a lazy value). */
  readonly markdown: string;
  /** The header as it reads now, to estimate its size when `markdown` is lazy. */
  readonly markdownEstimate?: string;
}

/** A widget, the number of metric entries it renders and what it adds to a template. */
export interface PlannedWidget {
  readonly widget: cloudwatch.IWidget;
  readonly metrics: number;
  /**
   * Its estimated size in a template and its references.
   * @default - nothing (not measured)
   */
  readonly size?: TemplateSize;
}

/** Widgets side by side (at most 24 grid units wide). */
export type PlannedRow = PlannedWidget[];

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

/** What positioning adds to a widget's JSON (`"x":…,"y":…,` escaped) and the comma between widgets. */
const POSITION_BYTES = 24;

/** Profiles per section chart: 3 entries per profile at most (latency, errors, cost) → 480. */
export const PROFILES_PER_SECTION_WIDGET = Math.floor(CLOUDWATCH_LIMITS.metricsPerWidget / 3) - 6;

/** How many top cost centers the overview ranks. */
export const TOP_COST_CENTERS = 10;

/** Allocates metric math ids unique within one widget or alarm. */
export class IdAllocator {
  private readonly counters = new Map<string, number>();
  public next(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return `${prefix}${n}`;
  }
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The number of entries of the `metrics` arrays a widget renders (metrics and expressions). */
export function metricEntries(widget: cloudwatch.IWidget): number {
  return entriesOf(widget.toJson());
}

/** The number of entries of the `metrics` arrays of rendered widgets. */
function entriesOf(json: unknown[]): number {
  let total = 0;
  for (const w of json) {
    const metrics = (w as { properties?: { metrics?: unknown[] } }).properties?.metrics;
    total += Array.isArray(metrics) ? metrics.length : 0;
  }
  return total;
}

/** Plans a widget, checking the per-widget limit (a failed check is a bug of the builders), measured with `sizer`. */
export function plan(widget: cloudwatch.IWidget, sizer?: TemplateSizer): PlannedWidget {
  const json = widget.toJson();
  const metrics = entriesOf(json);
  if (metrics > CLOUDWATCH_LIMITS.metricsPerWidget) {
    throw new Error(`internal error: a usage dashboard widget has ${metrics} metrics (limit ${CLOUDWATCH_LIMITS.metricsPerWidget})`);
  }
  return { widget, metrics, ...(sizer ? { size: measured(sizer, json) } : {}) };
}

function measured(sizer: TemplateSizer, json: unknown[]): TemplateSize {
  const size = sizer.measure(json);
  // the array brackets of `json` are not in the body; positions are
  const extra = POSITION_BYTES * json.length - 2;
  return { inStack: size.inStack + extra, nested: size.nested + extra, references: size.references };
}

/** Lays widgets out in rows of at most 24 grid units. */
export function rowsOf(widgets: PlannedWidget[]): PlannedRow[] {
  const rows: PlannedRow[] = [];
  let row: PlannedWidget[] = [];
  let width = 0;
  for (const w of widgets) {
    if (width + w.widget.width > 24 && row.length > 0) {
      rows.push(row);
      row = [];
      width = 0;
    }
    row.push(w);
    width += w.widget.width;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** `SUM([a,b,…])` over expressions, or the only one relabelled. */
export function sumOf(parts: Array<{ id: string; metric: cloudwatch.MathExpression }>, label: string, period: Duration): cloudwatch.MathExpression {
  if (parts.length === 1) return parts[0].metric.with({ label });
  return sumAll(parts, label, period);
}

/** A math expression, checked against the expression length limit. */
export function expression(props: cloudwatch.MathExpressionProps): cloudwatch.MathExpression {
  if (props.expression.length > CLOUDWATCH_LIMITS.expressionLength) {
    throw new Error(`internal error: a metric math expression has ${props.expression.length} characters (limit ${CLOUDWATCH_LIMITS.expressionLength})`);
  }
  return new cloudwatch.MathExpression(props);
}

/** A profile's estimated cost (USD per period) with ids from `ids`. */
export function costOf(entry: ProfileEntry, ids: IdAllocator, period: Duration, label = entry.label): cloudwatch.MathExpression {
  if (!entry.price) throw new Error(`internal error: no price for ${entry.profile.node.path}`);
  return ModelPricing.estimatedCostExpression(entry.price,
    entry.profile.metricInputTokenCount({ period }),
    entry.profile.metricOutputTokenCount({ period }),
    { inputTokensId: ids.next('n'), outputTokensId: ids.next('u'), label, period });
}

/** A profile's input + output tokens with ids from `ids`. */
export function tokensOf(entry: ProfileEntry, ids: IdAllocator, period: Duration, label = entry.label): cloudwatch.MathExpression {
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
      graph('input and output tokens', profiles.flatMap((p) => [
        p.profile.metricInputTokenCount({ period, label: `${p.label} input` }),
        p.profile.metricOutputTokenCount({ period, label: `${p.label} output` }),
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

/** Totals over the dashboard's time range, by chunks of profiles when they are many. */
export function totalsRows(sections: UsageSection[], options: BuildOptions): PlannedRow[] {
  const { period, showCost } = options;
  const all = sections.flatMap((s) => s.profiles);
  const perProfile = showCost ? 4 : 3;
  const size = Math.floor((CLOUDWATCH_LIMITS.metricsPerWidget - 4) / perProfile);
  const parts = chunk(all, size);
  return parts.map((profiles, i) => {
    const ids = new IdAllocator();
    type Part = { id: string; metric: cloudwatch.IMetric };
    const invocations: Part[] = [];
    const input: Part[] = [];
    const output: Part[] = [];
    const cost: Part[] = [];
    for (const p of profiles) {
      invocations.push({ id: ids.next('i'), metric: p.profile.metricInvocations({ period }) });
      const n = { id: ids.next('n'), metric: p.profile.metricInputTokenCount({ period }) };
      const u = { id: ids.next('u'), metric: p.profile.metricOutputTokenCount({ period }) };
      input.push(n);
      output.push(u);
      if (showCost) {
        // the cost expression reuses the token metrics under the same ids: CDK renders them once
        cost.push({
          id: ids.next('c'),
          metric: ModelPricing.estimatedCostExpression(p.price!, n.metric, u.metric, { inputTokensId: n.id, outputTokensId: u.id, period }),
        });
      }
    }
    const metrics = [
      sumAll(invocations, 'Invocations', period),
      sumAll(input, 'Input tokens', period),
      sumAll(output, 'Output tokens', period),
      ...(showCost ? [sumAll(cost, 'Estimated cost (USD)', period)] : []),
    ];
    const title = parts.length > 1
      ? `Totals over the time range, profiles ${i * size + 1}–${i * size + profiles.length} of ${all.length}`
      : 'Totals over the time range';
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
  const groups = packUnits(units, (u) => u.profiles.length * 3 + 1, CLOUDWATCH_LIMITS.metricsPerWidget - 1);
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
    const ids = new IdAllocator();
    const all = series(group, ids);
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    for (const s of all) usingMetrics[s.id] = s.metric;
    const top = expression({
      expression: `SORT([${all.map((s) => s.id).join(',')}],SUM,DESC,${TOP_COST_CENTERS})`,
      usingMetrics,
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

/** `SUM([…])` of series (also of a single one, so the label is the sum's). */
function sumAll(parts: Array<{ id: string; metric: cloudwatch.IMetric }>, label: string, period: Duration): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const p of parts) usingMetrics[p.id] = p.metric;
  return expression({ expression: `SUM([${parts.map((p) => p.id).join(',')}])`, usingMetrics, label, period });
}

/** Greedy packing of units into groups whose weight stays within `capacity`. */
function packUnits<T>(units: T[], weight: (u: T) => number, capacity: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let load = 0;
  for (const u of units) {
    const w = weight(u);
    if (load + w > capacity && current.length > 0) {
      groups.push(current);
      current = [];
      load = 0;
    }
    current.push(u);
    load += w;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** "5 minutes", "1 hour". */
export function describePeriod(period: Duration): string {
  const seconds = period.toSeconds();
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
