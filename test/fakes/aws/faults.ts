/**
 * Which calls a fault applies to: `'*'` (every call), an operation name (`'GetResources'`), or a
 * service-qualified one (`'bedrock:TagResource'`, `'ssm:*'`) where operation names are shared.
 */
export type FaultTarget = string;

/** How many calls a fault applies to. */
export interface FaultCount {
  /** The next N matching calls. @default every matching call until `clear()` */
  readonly times?: number;
}

/** Options of `throttle`. */
export interface ThrottleOptions extends FaultCount {
  /** Instead of a count: admit at most N matching calls per second (sliding window), throttle the rest. */
  readonly perSecond?: number;
  /** Error code to answer with. @default the service's modelled throttling error */
  readonly code?: string;
}

/** Options of `serverError`. */
export interface ServerErrorOptions extends FaultCount {
  /** Error code to answer with. @default the service's modelled internal error */
  readonly code?: string;
  /** @default 500 */
  readonly statusCode?: number;
}

/** Options of `latency`. */
export interface LatencyOptions extends FaultCount {
  /** Milliseconds to wait before answering. */
  readonly ms: number;
}

/** What the faults decide for one call. */
export interface FaultPlan {
  /** Destroy the connection without answering. */
  readonly drop: boolean;
  readonly latencyMs: number;
  readonly error?: { readonly kind: 'throttle' | 'server'; readonly code?: string; readonly statusCode?: number };
}

interface Rule {
  readonly kind: 'throttle' | 'server' | 'drop' | 'latency';
  readonly target: FaultTarget;
  remaining?: number;
  readonly perSecond?: number;
  readonly admitted: number[];
  readonly ms?: number;
  readonly code?: string;
  readonly statusCode?: number;
}

function matches(target: FaultTarget, service: string, operation: string): boolean {
  return target === '*' || target === operation || target === `${service}:${operation}` || target === `${service}:*`;
}

/** Fault injection for one fake: throttling, 5xx errors, latency and dropped connections. */
export class Faults {
  private readonly rules: Rule[] = [];

  /** Answers matching calls with the service's throttling error (the next N, all, or those above a rate). */
  public throttle(target: FaultTarget, options: ThrottleOptions = {}): this {
    return this.add({ kind: 'throttle', target, remaining: options.perSecond === undefined ? options.times : undefined, ...options, admitted: [] });
  }

  /** Answers matching calls with a 5xx error. */
  public serverError(target: FaultTarget, options: ServerErrorOptions = {}): this {
    return this.add({ kind: 'server', target, remaining: options.times, code: options.code, statusCode: options.statusCode, admitted: [] });
  }

  /** Destroys the connection of matching calls without an answer. */
  public drop(target: FaultTarget, options: FaultCount = {}): this {
    return this.add({ kind: 'drop', target, remaining: options.times, admitted: [] });
  }

  /** Delays the answer to matching calls. */
  public latency(target: FaultTarget, options: LatencyOptions): this {
    return this.add({ kind: 'latency', target, remaining: options.times, ms: options.ms, admitted: [] });
  }

  /** Removes every fault. */
  public clear(): void {
    this.rules.length = 0;
  }

  /** Decides the faults of one call (and uses up counted faults). */
  public plan(service: string, operation: string, nowMs: number): FaultPlan {
    const live = this.rules.filter(r => matches(r.target, service, operation) && (r.remaining === undefined || r.remaining > 0));
    const take = (rule: Rule) => {
      if (rule.remaining !== undefined) rule.remaining--;
    };
    const drop = live.find(r => r.kind === 'drop');
    if (drop) {
      take(drop);
      return { drop: true, latencyMs: 0 };
    }
    let latencyMs = 0;
    for (const rule of live.filter(r => r.kind === 'latency')) {
      take(rule);
      latencyMs += rule.ms ?? 0;
    }
    for (const rule of live.filter(r => r.kind === 'throttle' || r.kind === 'server')) {
      if (rule.perSecond !== undefined) {
        while (rule.admitted.length && rule.admitted[0] <= nowMs - 1000) rule.admitted.shift();
        if (rule.admitted.length < rule.perSecond) {
          rule.admitted.push(nowMs);
          continue;
        }
      }
      take(rule);
      return { drop: false, latencyMs, error: { kind: rule.kind === 'throttle' ? 'throttle' : 'server', code: rule.code, statusCode: rule.statusCode } };
    }
    return { drop: false, latencyMs };
  }

  private add(rule: Rule): this {
    if (rule.remaining !== undefined && (!Number.isInteger(rule.remaining) || rule.remaining < 1)) throw new Error('times must be a positive integer');
    if (rule.perSecond !== undefined && (!Number.isInteger(rule.perSecond) || rule.perSecond < 1)) throw new Error('perSecond must be a positive integer');
    this.rules.push(rule);
    return this;
  }
}
