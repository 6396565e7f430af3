import { ProfileIndexEntry } from '../../src/contracts/profile-resolver';
import { Logger, errorMessage, errorName } from '../shared/log';
import { ScanContext, scanProfiles } from '../shared/profile-index';
import { RefreshingCache } from '../shared/refreshing-cache';
import { TagIndex } from '../shared/tag-index';

/**
 * The meter's view of the account's application inference profiles: the resolver's index (the
 * same paged scan, the same TagIndex, the same refreshing cache), held per container and
 * refreshed every `ttlMs`, never scanned per record. A profile ID the index does not know (a
 * profile created since the scan) triggers one rescan, at most once per `missRescanMs`, so a
 * batch of records of an unknown profile costs one scan, not one per record.
 */
export interface ProfileDirectoryOptions {
  readonly scan: ScanContext;
  readonly now: () => number;
  readonly ttlMs: number;
  /** the least time between two rescans caused by unknown profiles (default 60 s) */
  readonly missRescanMs?: number;
  /** replaces the scan (tests) */
  readonly load?: () => Promise<ProfileIndexEntry[]>;
}

const KEY = 'index';
const DEFAULT_MISS_RESCAN_MS = 60_000;

export class ProfileDirectory {
  private readonly cache: RefreshingCache<TagIndex>;
  private lastMissRescan = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ProfileDirectoryOptions) {
    const log: Logger = options.scan.log;
    this.cache = new RefreshingCache<TagIndex>({
      ttlMs: options.ttlMs,
      negativeTtlMs: 0,
      staleMs: options.ttlMs,
      failureBackoffMs: options.missRescanMs ?? DEFAULT_MISS_RESCAN_MS,
      now: options.now,
      maxEntries: 1,
      onBackgroundFailure: (_key, error) => log('WARN', 'profile index refresh failed; the previous index is used', {
        error: errorName(error), detail: errorMessage(error),
      }),
    });
  }

  /** Scans started (cold loads, refreshes and rescans). */
  public get scans(): number {
    return this.cache.loads;
  }

  /** The profile of an application inference profile ID, rescanning once (rate-limited) when it is unknown. */
  public async profileById(id: string): Promise<ProfileIndexEntry | undefined> {
    const index = (await this.cache.get(KEY, () => this.loadIndex())).value!;
    const found = index.byProfileId(id);
    if (found) return found;
    const now = this.options.now();
    if (now - this.lastMissRescan < (this.options.missRescanMs ?? DEFAULT_MISS_RESCAN_MS)) return undefined;
    this.lastMissRescan = now;
    const read = await this.cache.refresh(KEY, () => this.loadIndex());
    return read.value?.byProfileId(id);
  }

  private async loadIndex(): Promise<{ value: TagIndex }> {
    const builtAt = this.options.now();
    const entries = this.options.load ? await this.options.load() : await scanProfiles(this.options.scan);
    return { value: new TagIndex(entries, builtAt) };
  }
}
