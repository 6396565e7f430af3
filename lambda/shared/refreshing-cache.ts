/**
 * A keyed cache for values that are expensive to load (the profile index, catalog entries):
 * - fresh for `ttlMs` after the value was built; a miss (`undefined`) for `negativeTtlMs`;
 * - single-flight: concurrent loads of one key share one call;
 * - stale-while-revalidate: for `staleMs` after the TTL the old value is served at once while one
 *   load runs in the background; past that, callers wait for the load;
 * - last good value: when a load fails, the previous value is served (and the failure reported);
 *   after a failure no new load starts for `failureBackoffMs`, so an outage costs one failed load
 *   per key per backoff, not one per request.
 * Time comes from the injected clock (epoch ms).
 */

export interface RefreshingCacheOptions {
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
  readonly staleMs: number;
  readonly failureBackoffMs: number;
  readonly now: () => number;
  /** entries kept at most (the oldest written is dropped first) @default 10,000 */
  readonly maxEntries?: number;
  /** told when a background load fails (the stale value stays served) */
  readonly onBackgroundFailure?: (key: string, error: unknown) => void;
}

/** What a load produces: a value, or `undefined` for "does not exist"; `builtAt` when not now (a snapshot). */
export interface Loaded<V> {
  readonly value: V | undefined;
  readonly builtAt?: number;
}

export type Loader<V> = () => Promise<Loaded<V>>;

/**
 * How a read was answered: `fresh` (within the TTL), `stale` (after the TTL, a refresh started),
 * `loaded` (this read waited for a load, maybe one another read started), `last-good` (the load
 * failed or is backing off; the previous value is served).
 */
export type Freshness = 'fresh' | 'stale' | 'loaded' | 'last-good';

export interface CacheRead<V> {
  readonly value: V | undefined;
  readonly freshness: Freshness;
  /** when the value was built (epoch ms) */
  readonly builtAt: number;
  /** why the last good value is served */
  readonly error?: unknown;
}

interface Entry<V> {
  readonly value: V | undefined;
  readonly builtAt: number;
  /** invalidated: refreshed at the next read */
  expired: boolean;
}

const DEFAULT_MAX_ENTRIES = 10_000;

export class RefreshingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<Entry<V>>>();
  private readonly failures = new Map<string, { readonly at: number; readonly error: unknown }>();
  /** loads started (not joined), for logs and tests */
  private loadCount = 0;

  constructor(private readonly options: RefreshingCacheOptions) {}

  /** Loads started so far (joined loads count once). */
  public get loads(): number {
    return this.loadCount;
  }

  /** The value of a key as it would be served now, without loading. */
  public peek(key: string): { value: V | undefined; builtAt: number } | undefined {
    const entry = this.entries.get(key);
    return entry && { value: entry.value, builtAt: entry.builtAt };
  }

  /** Reads a key: fresh from memory, stale while one refresh runs, or after a (shared) load. */
  public async get(key: string, load: Loader<V>): Promise<CacheRead<V>> {
    const entry = this.entries.get(key);
    if (entry) {
      const age = this.options.now() - entry.builtAt;
      const ttl = entry.value === undefined ? this.options.negativeTtlMs : this.options.ttlMs;
      if (!entry.expired && age < ttl) return { value: entry.value, freshness: 'fresh', builtAt: entry.builtAt };
      if (entry.value !== undefined && age < ttl + this.options.staleMs) {
        this.refreshInBackground(key, load);
        return { value: entry.value, freshness: 'stale', builtAt: entry.builtAt };
      }
    }
    return this.refresh(key, load);
  }

  /**
   * Loads a key now and waits for it (joining a load in flight), e.g. after a miss. Within the
   * failure backoff no load starts: the last good value is served, or the failure thrown again.
   */
  public async refresh(key: string, load: Loader<V>): Promise<CacheRead<V>> {
    const previous = this.entries.get(key);
    const failure = this.failures.get(key);
    if (!this.inflight.has(key) && failure && this.options.now() - failure.at < this.options.failureBackoffMs) {
      if (previous?.value !== undefined) return { value: previous.value, freshness: 'last-good', builtAt: previous.builtAt, error: failure.error };
      throw failure.error;
    }
    try {
      const entry = await this.startOrJoin(key, load);
      return { value: entry.value, freshness: 'loaded', builtAt: entry.builtAt };
    } catch (error) {
      if (previous?.value !== undefined) return { value: previous.value, freshness: 'last-good', builtAt: previous.builtAt, error };
      throw error;
    }
  }

  /** Stores a value built elsewhere (e.g. by the sync's scan). */
  public set(key: string, value: V | undefined, builtAt: number = this.options.now()): void {
    this.store(key, { value, builtAt, expired: false });
    this.failures.delete(key);
  }

  /** Marks one key (or every key) for refresh at its next read; the values stay as last good. */
  public invalidate(key?: string): void {
    for (const [k, entry] of this.entries) if (key === undefined || k === key) entry.expired = true;
  }

  private refreshInBackground(key: string, load: Loader<V>): void {
    if (this.inflight.has(key)) return;
    const failure = this.failures.get(key);
    if (failure && this.options.now() - failure.at < this.options.failureBackoffMs) return;
    this.startOrJoin(key, load).catch((error) => this.options.onBackgroundFailure?.(key, error));
  }

  private startOrJoin(key: string, load: Loader<V>): Promise<Entry<V>> {
    const running = this.inflight.get(key);
    if (running) return running;
    this.loadCount++;
    const promise = (async () => {
      try {
        const loaded = await load();
        const entry: Entry<V> = { value: loaded.value, builtAt: loaded.builtAt ?? this.options.now(), expired: false };
        this.store(key, entry);
        this.failures.delete(key);
        return entry;
      } catch (error) {
        this.failures.set(key, { at: this.options.now(), error });
        throw error;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, promise);
    return promise;
  }

  private store(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    const max = this.options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Keys remembered until they expire (the tag sets and ARNs a rescan did not find), bounded. */
export class ExpiringSet {
  private readonly until = new Map<string, number>();

  constructor(private readonly ttlMs: number, private readonly now: () => number, private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  public has(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(key);
    return false;
  }

  public add(key: string): void {
    this.until.delete(key);
    this.until.set(key, this.now() + this.ttlMs);
    while (this.until.size > this.maxEntries) this.until.delete(this.until.keys().next().value as string);
  }

  public clear(): void {
    this.until.clear();
  }
}
