/** One request the fake received. */
export interface CallRecord {
  /** `bedrock`, `tagging`, `ce`, `ssm`, `sts`, `s3`, `sns`, `iam`, or `unknown` when no service matched. */
  readonly service: string;
  /** The operation name, or `unknown`. */
  readonly operation: string;
  readonly accountId?: string;
  readonly region?: string;
  /** `ok`, `error` (answered with an error) or `dropped` (connection destroyed). */
  readonly outcome: 'ok' | 'error' | 'dropped';
  /** The error code when `outcome` is `error`. */
  readonly errorCode?: string;
  /** The HTTP status answered (absent when dropped). */
  readonly statusCode?: number;
  /** Whether an injected fault decided the outcome. */
  readonly injected: boolean;
  /** When the request arrived (wall clock, not the fake's clock). */
  readonly at: Date;
  /**
   * `performance.now()` when the request arrived: monotonic, and right even while a test fakes
   * `Date` (jest fake timers), for latency measurements against the test's own `performance.now()`.
   */
  readonly arrivedAtMs: number;
  /** Milliseconds from arrival to answer (including injected latency). */
  readonly durationMs: number;
}

/** Per-operation totals. */
export interface CallSummary {
  total: number;
  ok: number;
  dropped: number;
  /** Error answers by code. */
  errors: Record<string, number>;
}

/** A filter for counting calls. */
export type CallFilter = Partial<Pick<CallRecord, 'service' | 'operation' | 'outcome' | 'errorCode' | 'accountId' | 'region'>>;

/** The calls one fake received (including rejected and dropped ones), for assertions and benchmarks. */
export class CallLog {
  private readonly records: CallRecord[] = [];

  public record(call: CallRecord): void {
    this.records.push(call);
  }

  /** Every call, oldest first. */
  public all(): readonly CallRecord[] {
    return this.records;
  }

  /** Counts calls: `count('GetResources')`, `count({ operation: 'PutParameter', outcome: 'error' })`. */
  public count(filter: string | CallFilter = {}): number {
    const f: CallFilter = typeof filter === 'string' ? { operation: filter } : filter;
    return this.records.filter(r => (Object.keys(f) as Array<keyof CallFilter>).every(k => r[k] === f[k])).length;
  }

  /** Totals by `service:operation`. */
  public summary(): Record<string, CallSummary> {
    const out: Record<string, CallSummary> = {};
    for (const r of this.records) {
      const s = (out[`${r.service}:${r.operation}`] ??= { total: 0, ok: 0, dropped: 0, errors: {} });
      s.total++;
      if (r.outcome === 'ok') s.ok++;
      else if (r.outcome === 'dropped') s.dropped++;
      else s.errors[r.errorCode ?? 'unknown'] = (s.errors[r.errorCode ?? 'unknown'] ?? 0) + 1;
    }
    return out;
  }

  public clear(): void {
    this.records.length = 0;
  }
}
