/**
 * Ids of metrics in CloudWatch metric math (internal).
 *
 * Within one graph or alarm, every metric and expression has an id that is unique there and
 * matches `^[a-z][a-zA-Z0-9_]*$` (PutMetricAlarm / GetMetricData `MetricDataQuery.Id`, in the
 * CloudWatch API model, ../shared/aws-models/cloudwatch.json).
 */
export const METRIC_ID = /^[a-z][a-zA-Z0-9_]*$/;

/** Gives metric math ids: each call a new one. */
export interface MetricIds {
  /** A new id starting with `prefix` (a lowercase letter, then letters, digits and `_`). */
  next(prefix: string): string;
}

/** Allocates ids unique within one widget or alarm: `n0`, `n1`, `u0` … */
export class IdAllocator implements MetricIds {
  private readonly counters = new Map<string, number>();

  public next(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return `${prefix}${n}`;
  }
}

/**
 * Ids unique to one construct in any graph or alarm: `<prefix>_<first 10 hex characters of the
 * construct's address>`, so that the expressions of several constructs can share a graph.
 * Each prefix is given once (the same prefix twice would collide).
 */
export class AddressIds implements MetricIds {
  private readonly given = new Set<string>();

  constructor(private readonly address: string) {}

  public next(prefix: string): string {
    if (this.given.has(prefix)) throw new Error(`internal error: metric id prefix '${prefix}' used twice for one construct`);
    this.given.add(prefix);
    return `${prefix}_${this.address.slice(0, 10)}`;
  }
}
