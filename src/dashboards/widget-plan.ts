import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CLOUDWATCH_LIMITS } from '../util/cloudwatch-limits';
import { TemplateSize, TemplateSizer } from '../util/template-size';

/*
 * Planning of the usage dashboard's widgets (internal): each widget with the number of metric
 * entries it renders and its estimated size in a template, laid out in rows, so that the packer
 * (`dashboard-packer.ts`) can split the dashboards within CloudWatch's and CloudFormation's limits.
 */

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

/** What positioning adds to a widget's JSON (`"x":…,"y":…,` escaped) and the comma between widgets. */
const POSITION_BYTES = 24;

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

/** The size of rendered widgets in the dashboard body, positions included. */
export function measured(sizer: TemplateSizer, json: unknown[]): TemplateSize {
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
