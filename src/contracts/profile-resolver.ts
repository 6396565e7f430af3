/**
 * The contract between the catalog constructs (src/catalog: ProfileCatalog, ProfileResolver) and
 * the profile-resolver handler (lambda/profile-resolver): the one source both import.
 * Dependency-free (bundled into the handler by esbuild).
 */

/** What a caller sends: exactly one of `tags` and `tenantKey`. */
export interface ResolveRequest {
  /** cost allocation tags the profile must carry (all of them, exact values) */
  readonly tags?: { readonly [key: string]: string };
  /** a key of the profile catalog */
  readonly tenantKey?: string;
}

/** What the resolver answers. */
export interface ResolveResponse {
  readonly profileArn: string;
  readonly profileId: string;
  readonly profileName: string;
  /** every tag of the profile */
  readonly tags: { readonly [key: string]: string };
}

/**
 * The names of the errors the function throws (Lambda reports them as `errorType` of a failed
 * invocation, and SDKs raise them by that name), so that callers can act on them.
 */
export const RESOLVER_ERRORS = {
  /** no active profile carries the tags / the tenant key is not in the catalog */
  notFound: 'ProfileNotFound',
  /** several active profiles carry the tags: the message lists them */
  ambiguous: 'AmbiguousProfile',
  /** not exactly one of tags/tenantKey, tag keys outside the schema, values the schema refuses */
  invalidRequest: 'InvalidResolveRequest',
  /** the AWS APIs keep failing and no earlier index exists */
  unavailable: 'ResolverUnavailable',
  /** the function's own settings (TAG_SCHEMA, CATALOG_PREFIX, …) are not valid: a deployment problem, not the caller's */
  misconfigured: 'ResolverMisconfigured',
} as const;

/** One key of the tag schema the resolver checks requests against (a subset of the construct's TagKeySpec). */
export interface ResolverTagKey {
  readonly key: string;
  /** a profile must carry it; a request may still name only some keys (several matches are then ambiguous) */
  readonly required?: boolean;
  /** the only values a request may ask for */
  readonly allowedValues?: readonly string[];
  /** a regular expression the whole value must match (anchored by the resolver) */
  readonly pattern?: string;
}

/** The JSON of `TAG_SCHEMA` (RESOLVER_ENV.tagSchema). */
export interface ResolverTagSchema {
  readonly keys: readonly ResolverTagKey[];
  /** whether a request may name keys outside `keys` */
  readonly allowUnknownKeys: boolean;
}

/** Defaults of the cache settings (RESOLVER_ENV), in seconds. */
export const RESOLVER_DEFAULTS = {
  ttlSeconds: 300,
  negativeTtlSeconds: 30,
  /** after the TTL, how long the old index is still served while one refresh runs */
  staleWhileRevalidateSeconds: 300,
} as const;

/**
 * The optional index snapshot (one S3 object at SNAPSHOT_BUCKET/SNAPSHOT_KEY): what a container
 * built from its last scan, so that a cold container can skip its first scan.
 */
export interface IndexSnapshot {
  readonly version: 1;
  /** ISO 8601 time of the scan */
  readonly builtAt: string;
  readonly entries: readonly ProfileIndexEntry[];
}

/**
 * The event of the scheduled catalog sync (EventBridge Scheduler target input). Events of
 * EventBridge rules (anything with a `source`, e.g. tag changes) run the sync too, after the
 * index is invalidated.
 */
export interface SyncEvent {
  readonly action: 'sync';
}

/** A profile as the resolver indexes it (from GetResources joined with ListInferenceProfiles). */
export interface ProfileIndexEntry {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly tags: { readonly [key: string]: string };
  /**
   * the foundation-model ARNs the profile routes to (ListInferenceProfiles' `models`), which the
   * spend meter prices by; absent in snapshots written before it was added
   */
  readonly modelArns?: readonly string[];
}

/** Environment variables the ProfileResolver construct sets on the function. */
export const RESOLVER_ENV = {
  /** JSON of the tag schema: `{ keys: [{ key, required?, allowedValues?, pattern? }], allowUnknownKeys }` */
  tagSchema: 'TAG_SCHEMA',
  /** the catalog's parameter prefix (`/a/b`), when a catalog is attached */
  catalogPrefix: 'CATALOG_PREFIX',
  /** seconds an index is fresh (default 300) */
  ttlSeconds: 'CACHE_TTL_SECONDS',
  /** seconds a miss is remembered (default 30) */
  negativeTtlSeconds: 'NEGATIVE_CACHE_TTL_SECONDS',
  /** seconds the old index is still served after its TTL while one refresh runs (default 300) */
  staleWhileRevalidateSeconds: 'STALE_WHILE_REVALIDATE_SECONDS',
  /** the bucket and key of the optional index snapshot */
  snapshotBucket: 'SNAPSHOT_BUCKET',
  snapshotKey: 'SNAPSHOT_KEY',
  /** JSON list of the tag keys whose values, joined by `/`, make a synced entry's tenant key */
  tenantKeyTags: 'TENANT_KEY_TAGS',
  /** the owner value the sync writes on, and looks for in, the entries it owns */
  syncOwner: 'SYNC_OWNER',
  /** PutParameter calls per second the sync keeps to */
  syncPutsPerSecond: 'SYNC_PUTS_PER_SECOND',
} as const;

/** The tag the sync puts on every catalog entry it creates; it never touches an entry without it. */
export const SYNC_OWNER_TAG = 'cdk-bedrock-cost-governance:catalog-owner';
