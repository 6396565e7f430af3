import { SSMClient } from '@aws-sdk/client-ssm';
import { readCatalogEntry } from './catalog-entry';
import { ResolverConfig } from './config';
import { ambiguous, notFound, unavailable } from './errors';
import { parameterName, parseRequest, tagSetKey } from './request';
import { SnapshotStore } from './snapshot';
import { APPLICATION_PROFILE_ARN } from '../../src/contracts/bedrock-rules';
import { ProfileIndexEntry, ResolveRequest, ResolveResponse } from '../../src/contracts/profile-resolver';
import { errorMessage, errorName } from '../shared/log';
import { ScanContext, scanProfilesWithStats } from '../shared/profile-index';
import { CacheRead, ExpiringSet, Loaded, RefreshingCache } from '../shared/refreshing-cache';
import { TagIndex } from '../shared/tag-index';

/** Clients, retry settings, logger, clock (epoch ms) and the optional snapshot store. */
export interface ResolverContext extends ScanContext {
  readonly ssm: SSMClient;
  readonly now: () => number;
  readonly snapshot?: SnapshotStore;
}

/**
 * A miss rescans only when the index is at least this old: an index built within the last second
 * already holds what a new scan would find, so a burst of misses for different tag sets right
 * after a scan costs no further scan.
 */
export const MISS_RESCAN_MIN_AGE_MS = 1000;
/** A snapshot stamped this far in the future (clock skew between containers) is still used. */
const MAX_CLOCK_SKEW_MS = 60_000;
const INDEX = 'index';

/** What one request did, for its log line. */
interface Trace {
  index?: CacheRead<TagIndex>['freshness'];
  indexAgeMs?: number;
  profiles?: number;
  rescanned?: boolean;
  catalog?: CacheRead<string>['freshness'];
  /** why a last good value was served */
  lastGood?: string;
}

/**
 * Finds application inference profiles by tags or tenant key from one in-memory index of every
 * profile (one paged scan per TTL per container), with single-flight loads, stale-while-revalidate,
 * a negative cache for misses and the last good index when the APIs fail. One per container.
 */
export class ProfileResolver {
  private readonly index: RefreshingCache<TagIndex>;
  private readonly catalog: RefreshingCache<string>;
  private readonly misses: ExpiringSet;
  private coldStart = true;

  constructor(private readonly ctx: ResolverContext, private readonly config: ResolverConfig) {
    const common = {
      ttlMs: config.ttlMs,
      negativeTtlMs: config.negativeTtlMs,
      staleMs: config.staleMs,
      // after a failed load, the last good value is served for a negative TTL before the next try
      failureBackoffMs: Math.max(config.negativeTtlMs, MISS_RESCAN_MIN_AGE_MS),
      now: ctx.now,
    };
    this.index = new RefreshingCache<TagIndex>({
      ...common,
      maxEntries: 1,
      onBackgroundFailure: (_key, error) => ctx.log('WARN', 'index refresh failed; serving the previous index', {
        error: errorName(error), detail: errorMessage(error), indexBuiltAt: this.builtAtIso(),
      }),
    });
    this.catalog = new RefreshingCache<string>({
      ...common,
      onBackgroundFailure: (key, error) => ctx.log('WARN', 'catalog entry refresh failed; serving the previous value', {
        parameter: key, error: errorName(error),
      }),
    });
    this.misses = new ExpiringSet(config.negativeTtlMs, ctx.now);
  }

  /** Scans started by this container (cold loads, refreshes and rescans; joined loads count once). */
  public get scans(): number {
    return this.index.loads;
  }

  /** Answers one request, or throws a ResolverError; logs one JSON line. */
  public async resolve(event: ResolveRequest): Promise<ResolveResponse> {
    const started = this.ctx.now();
    const trace: Trace = {};
    const request = { tags: event?.tags, tenantKey: event?.tenantKey };
    try {
      const valid = parseRequest(event ?? {}, this.config.schema, this.config.catalog);
      const entry = valid.kind === 'tags' ? await this.byTags(valid.tags, trace) : await this.byTenantKey(valid.tenantKey, trace);
      this.ctx.log(trace.lastGood ? 'WARN' : 'INFO', 'resolved', {
        ...request, ...trace, outcome: 'found', profileArn: entry.arn, durationMs: this.ctx.now() - started,
      });
      return { profileArn: entry.arn, profileId: entry.id, profileName: entry.name, tags: { ...entry.tags } };
    } catch (error) {
      this.ctx.log(trace.lastGood || errorName(error) === 'ResolverUnavailable' ? 'WARN' : 'INFO', 'not resolved', {
        ...request, ...trace, outcome: errorName(error), detail: errorMessage(error), durationMs: this.ctx.now() - started,
      });
      throw error;
    }
  }

  /**
   * Marks the index (and the catalog entries read) for refresh and forgets remembered misses:
   * after an EventBridge event about a change, the next read refreshes (serving the old index
   * meanwhile) and a miss rescans at once.
   */
  public invalidate(): void {
    this.index.invalidate();
    this.catalog.invalidate();
    this.misses.clear();
  }

  /**
   * A new scan for the catalog sync (joining one in flight), which also becomes the index. Throws
   * when the scan fails: a sync must not run on an old index.
   */
  public async scanNow(): Promise<ProfileIndexEntry[]> {
    this.invalidate();
    const read = await this.index.refresh(INDEX, () => this.loadIndex(false));
    if (read.freshness === 'last-good') throw read.error;
    return [...read.value!.entries];
  }

  private async byTags(tags: Readonly<Record<string, string>>, trace: Trace): Promise<ProfileIndexEntry> {
    let index = await this.readIndex(trace);
    let matches = index.match(tags);
    const missKey = `tags:${tagSetKey(tags)}`;
    if (matches.length === 0 && !this.misses.has(missKey)) {
      const rescanned = await this.rescan(index, trace);
      if (rescanned) {
        index = rescanned;
        matches = index.match(tags);
        if (matches.length === 0) this.misses.add(missKey);
      }
    }
    if (matches.length === 0) {
      throw notFound(`no active application inference profile carries ${describeTags(tags)} (${index.size} profiles indexed at `
        + `${new Date(index.builtAt).toISOString()}; a miss is remembered for ${this.config.negativeTtlMs / 1000} s)`);
    }
    if (matches.length > 1) {
      throw ambiguous(`${matches.length} active profiles carry ${describeTags(tags)}: `
        + `${matches.map((m) => `${m.name} (${m.arn})`).join(', ')}; add tags to the request to choose one`);
    }
    return matches[0];
  }

  private async byTenantKey(tenantKey: string, trace: Trace): Promise<ProfileIndexEntry> {
    const name = parameterName(this.config.catalog!.prefix, tenantKey);
    let read: CacheRead<string>;
    try {
      read = await this.catalog.get(name, async (): Promise<Loaded<string>> => ({ value: await readCatalogEntry(this.ctx, name) }));
    } catch (error) {
      throw unavailable(`the catalog entry ${name} could not be read (${errorName(error)}: ${errorMessage(error)}); retry later`);
    }
    trace.catalog = read.freshness;
    if (read.freshness === 'last-good') trace.lastGood = `GetParameter: ${errorName(read.error)}`;
    const arn = read.value;
    if (arn === undefined) throw notFound(`tenant key '${tenantKey}' is not in the catalog (no parameter ${name})`);
    if (!APPLICATION_PROFILE_ARN.test(arn)) {
      throw notFound(`catalog entry ${name} holds '${arn.slice(0, 200)}', which is not an application inference profile ARN`);
    }
    let index = await this.readIndex(trace);
    let entry = index.byProfileArn(arn);
    const missKey = `arn:${arn}`;
    if (!entry && !this.misses.has(missKey)) {
      const rescanned = await this.rescan(index, trace);
      if (rescanned) {
        index = rescanned;
        entry = index.byProfileArn(arn);
        if (!entry) this.misses.add(missKey);
      }
    }
    if (!entry) {
      throw notFound(`catalog entry ${name} is stale: it points to ${arn}, which is not an active, tagged application inference `
        + 'profile (deleted, or its tags removed); update or delete the entry');
    }
    return entry;
  }

  /** The index, loading it when there is none or it is past its stale window. */
  private async readIndex(trace: Trace): Promise<TagIndex> {
    let read: CacheRead<TagIndex>;
    try {
      read = await this.index.get(INDEX, () => this.loadIndex(true));
    } catch (error) {
      throw unavailable('the Resource Groups Tagging and Bedrock APIs failed and this container has no earlier index '
        + `(${errorName(error)}: ${errorMessage(error)}); retry later`);
    }
    this.note(read, trace);
    return read.value!;
  }

  /**
   * A new scan after a miss (joining one in flight), unless the index is younger than
   * MISS_RESCAN_MIN_AGE_MS and not stale. Undefined when the scan failed (the old index is served, and the miss
   * is not remembered).
   */
  private async rescan(current: TagIndex, trace: Trace): Promise<TagIndex | undefined> {
    // a stale index (past its TTL, or invalidated) has a refresh in flight: the miss waits for it
    if (trace.index !== 'stale' && this.ctx.now() - current.builtAt < MISS_RESCAN_MIN_AGE_MS) return current;
    trace.rescanned = true;
    const read = await this.index.refresh(INDEX, () => this.loadIndex(false));
    this.note(read, trace);
    return read.freshness === 'last-good' ? undefined : read.value;
  }

  private note(read: CacheRead<TagIndex>, trace: Trace): void {
    trace.index = read.freshness;
    trace.indexAgeMs = this.ctx.now() - read.builtAt;
    trace.profiles = read.value?.size;
    if (read.freshness === 'last-good') trace.lastGood = `scan: ${errorName(read.error)}: ${errorMessage(read.error)}`;
  }

  /** A scan, or on a cold start a snapshot younger than the TTL; a scan is written to the snapshot. */
  private async loadIndex(snapshotAllowed: boolean): Promise<Loaded<TagIndex>> {
    const cold = this.coldStart;
    this.coldStart = false;
    if (cold && snapshotAllowed && this.ctx.snapshot) {
      const snapshot = await this.ctx.snapshot.read();
      const age = snapshot ? this.ctx.now() - snapshot.builtAt : undefined;
      if (snapshot && age! < this.config.ttlMs && age! > -MAX_CLOCK_SKEW_MS) {
        this.ctx.log('INFO', 'index from snapshot', { profiles: snapshot.entries.length, ageMs: age });
        const builtAt = Math.min(snapshot.builtAt, this.ctx.now());
        return { value: new TagIndex(snapshot.entries, builtAt), builtAt };
      }
    }
    const builtAt = this.ctx.now();
    const { entries, stats } = await scanProfilesWithStats(this.ctx);
    this.ctx.log('INFO', 'scan', { profiles: entries.length, ...stats });
    await this.ctx.snapshot?.write(entries, builtAt);
    return { value: new TagIndex(entries, builtAt), builtAt };
  }

  private builtAtIso(): string | undefined {
    const built = this.index.peek(INDEX)?.builtAt;
    return built === undefined ? undefined : new Date(built).toISOString();
  }
}

function describeTags(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags).sort().map((k) => `${k}=${tags[k]}`).join(', ');
}
