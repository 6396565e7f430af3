import { PlannedRow } from './widget-plan';
import { CLOUDWATCH_LIMITS } from '../util/cloudwatch-limits';
import { NO_SIZE } from '../util/template-size';

/** One dashboard's rows and what they hold (internal). */
export interface DashboardPage {
  readonly rows: PlannedRow[];
  readonly widgets: number;
  readonly metrics: number;
  /** Estimated bytes its rows add to the template the page was packed for (see `PageLimits.nested`). */
  readonly bytes: number;
  /** The distinct references (`Ref` / `Fn::GetAtt`) of its rows. */
  readonly references: ReadonlySet<string>;
  /** The limits it was packed with. */
  readonly limits: PageLimits;
}

/** Limits a page must stay within. */
export interface PageLimits {
  readonly widgets: number;
  readonly metrics: number;
  /**
   * Estimated template bytes of the rows (a row larger than this on its own gets a page of its own).
   * @default - no limit
   */
  readonly bytes?: number;
  /**
   * Distinct references of the rows: in a nested stack, each is a parameter (a row with more on
   * its own gets a page of its own).
   * @default - no limit
   */
  readonly references?: number;
  /**
   * Whether the page goes into a nested stack (its bytes are then measured as there).
   * @default false
   */
  readonly nested?: boolean;
}

/** The CloudWatch limits, less one widget per page for its header. */
export const PAGE_LIMITS: PageLimits = {
  widgets: CLOUDWATCH_LIMITS.widgetsPerDashboard - 1,
  metrics: CLOUDWATCH_LIMITS.metricsPerDashboard,
};

interface Load {
  readonly widgets: number;
  readonly metrics: number;
  readonly inStack: number;
  readonly nested: number;
  readonly references: ReadonlySet<string>;
}

interface OpenPage {
  readonly rows: PlannedRow[];
  widgets: number;
  metrics: number;
  bytes: number;
  readonly references: Set<string>;
  readonly limits: PageLimits;
}

/**
 * Packs sections (each a list of rows) into as few dashboards as the limits allow, in order.
 * A section starts a new dashboard when it does not fit in the current one but fits in an
 * empty one; a section larger than a dashboard is split between rows. Rows are never split
 * (a row holds at most 4 widgets of at most 500 metrics each, well within a dashboard).
 *
 * `limits` may depend on the page (its index from 0): the pages bound for nested stacks count
 * the distinct references of their rows (each a parameter of the nested stack) and measure
 * their bytes as rendered there.
 */
export function packSections(sections: PlannedRow[][], limits: PageLimits | ((page: number) => PageLimits) = PAGE_LIMITS): DashboardPage[] {
  const limitsOf = typeof limits === 'function' ? limits : () => limits;
  const pages: OpenPage[] = [];
  const open = (): OpenPage => {
    const p: OpenPage = { rows: [], widgets: 0, metrics: 0, bytes: 0, references: new Set(), limits: limitsOf(pages.length) };
    pages.push(p);
    return p;
  };
  let page = open();

  const loadOf = (rows: PlannedRow[]): Load => {
    let widgets = 0;
    let metrics = 0;
    let inStack = 0;
    let nested = 0;
    const references = new Set<string>();
    for (const row of rows) {
      for (const w of row) {
        const size = w.size ?? NO_SIZE;
        widgets += 1;
        metrics += w.metrics;
        inStack += size.inStack;
        nested += size.nested;
        for (const r of size.references) references.add(r);
      }
    }
    return { widgets, metrics, inStack, nested, references };
  };
  const bytesIn = (l: Load, p: PageLimits) => (p.nested ? l.nested : l.inStack);
  const newReferences = (p: OpenPage, l: Load) => {
    let n = 0;
    for (const r of l.references) if (!p.references.has(r)) n++;
    return n;
  };
  const fits = (p: OpenPage, l: Load) => p.widgets + l.widgets <= p.limits.widgets
    && p.metrics + l.metrics <= p.limits.metrics
    && (p.limits.bytes === undefined || p.bytes + bytesIn(l, p.limits) <= p.limits.bytes)
    && (p.limits.references === undefined || p.references.size + newReferences(p, l) <= p.limits.references);
  const fitsEmpty = (l: Load, p: PageLimits) => l.widgets <= p.widgets && l.metrics <= p.metrics
    && (p.bytes === undefined || bytesIn(l, p) <= p.bytes)
    && (p.references === undefined || l.references.size <= p.references);

  const add = (row: PlannedRow) => {
    const l = loadOf([row]);
    if (l.widgets > page.limits.widgets || l.metrics > page.limits.metrics) {
      throw new Error(`internal error: a dashboard row (${l.widgets} widgets, ${l.metrics} metrics) exceeds the limits of a dashboard`);
    }
    // a row too large in bytes or references for any page gets one of its own (the caller checks the result)
    if (page.rows.length > 0 && !fits(page, l)) page = open();
    page.rows.push(row);
    page.widgets += l.widgets;
    page.metrics += l.metrics;
    page.bytes += bytesIn(l, page.limits);
    for (const r of l.references) page.references.add(r);
  };
  for (const section of sections) {
    const l = loadOf(section);
    if (page.rows.length > 0 && !fits(page, l) && fitsEmpty(l, limitsOf(pages.length))) page = open();
    for (const row of section) add(row);
  }
  return pages;
}
