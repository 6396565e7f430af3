import { CLOUDWATCH_LIMITS } from './cloudwatch-limits';
import { PlannedRow } from './widgets';

/** One dashboard's rows and what they hold (internal). */
export interface DashboardPage {
  readonly rows: PlannedRow[];
  readonly widgets: number;
  readonly metrics: number;
}

/** Limits a page must stay within. */
export interface PageLimits {
  readonly widgets: number;
  readonly metrics: number;
}

/** The CloudWatch limits, less one widget per page for its header. */
export const PAGE_LIMITS: PageLimits = {
  widgets: CLOUDWATCH_LIMITS.widgetsPerDashboard - 1,
  metrics: CLOUDWATCH_LIMITS.metricsPerDashboard,
};

/**
 * Packs sections (each a list of rows) into as few dashboards as the limits allow, in order.
 * A section starts a new dashboard when it does not fit in the current one but fits in an
 * empty one; a section larger than a dashboard is split between rows. Rows are never split
 * (a row holds at most 4 widgets of at most 500 metrics each, well within a dashboard).
 */
export function packSections(sections: PlannedRow[][], limits: PageLimits = PAGE_LIMITS): DashboardPage[] {
  const pages: Array<{ rows: PlannedRow[]; widgets: number; metrics: number }> = [];
  let page = { rows: [] as PlannedRow[], widgets: 0, metrics: 0 };
  pages.push(page);
  const size = (rows: PlannedRow[]) => ({
    widgets: rows.reduce((n, r) => n + r.length, 0),
    metrics: rows.reduce((n, r) => n + r.reduce((m, w) => m + w.metrics, 0), 0),
  });
  const fits = (w: number, m: number) => page.widgets + w <= limits.widgets && page.metrics + m <= limits.metrics;
  const newPage = () => {
    page = { rows: [], widgets: 0, metrics: 0 };
    pages.push(page);
  };
  const add = (row: PlannedRow) => {
    const s = size([row]);
    if (s.widgets > limits.widgets || s.metrics > limits.metrics) {
      throw new Error(`internal error: a dashboard row (${s.widgets} widgets, ${s.metrics} metrics) exceeds the limits of a dashboard`);
    }
    if (!fits(s.widgets, s.metrics)) newPage();
    page.rows.push(row);
    page.widgets += s.widgets;
    page.metrics += s.metrics;
  };
  for (const section of sections) {
    const s = size(section);
    const fitsEmpty = s.widgets <= limits.widgets && s.metrics <= limits.metrics;
    if (!fits(s.widgets, s.metrics) && fitsEmpty && page.rows.length > 0) newPage();
    for (const row of section) add(row);
  }
  return pages;
}
