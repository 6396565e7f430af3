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
} as const;

/** The event of the scheduled catalog sync (EventBridge Scheduler target input). */
export interface SyncEvent {
  readonly action: 'sync';
}

/** A profile as the resolver indexes it (from GetResources joined with ListInferenceProfiles). */
export interface ProfileIndexEntry {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly tags: { readonly [key: string]: string };
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
