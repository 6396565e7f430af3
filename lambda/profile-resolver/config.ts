import { misconfigured } from './errors';
import { CatalogLocation } from './request';
import { CompiledTagSchema, parseTagSchema } from './tag-schema';
import { parameterArnPrefixLength, parameterPathProblems, partitionOfRegion } from '../../src/contracts/parameter-store';
import { RESOLVER_DEFAULTS, RESOLVER_ENV } from '../../src/contracts/profile-resolver';

/** The resolver's settings, from the environment the ProfileResolver construct sets (RESOLVER_ENV). */
export interface ResolverConfig {
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
  readonly staleMs: number;
  readonly schema: CompiledTagSchema;
  /** the catalog (its parameter prefix); tenantKey lookups need it */
  readonly catalog?: CatalogLocation;
  /** where the optional index snapshot lives */
  readonly snapshot?: { readonly bucket: string; readonly key: string };
}

/** The snapshot's object key when SNAPSHOT_BUCKET is set without SNAPSHOT_KEY. */
export const DEFAULT_SNAPSHOT_KEY = 'profile-resolver/index.json';
/** A day: the longest TTL accepted (profiles change rarely, but a day-old index is not an index). */
const MAX_SECONDS = 86_400;

/** Reads and checks the settings; a bad one is ResolverMisconfigured (the deployment's problem, not the caller's). */
export function resolverConfigFromEnv(env: Record<string, string | undefined>): ResolverConfig {
  const seconds = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > MAX_SECONDS) {
      throw misconfigured(`${name} must be a whole number of seconds from ${min} to ${MAX_SECONDS} (got '${raw}')`);
    }
    return value;
  };
  const ttl = seconds(RESOLVER_ENV.ttlSeconds, RESOLVER_DEFAULTS.ttlSeconds, 1);
  const negativeTtl = seconds(RESOLVER_ENV.negativeTtlSeconds, RESOLVER_DEFAULTS.negativeTtlSeconds, 0);
  const stale = seconds(RESOLVER_ENV.staleWhileRevalidateSeconds, RESOLVER_DEFAULTS.staleWhileRevalidateSeconds, 0);
  const prefix = env[RESOLVER_ENV.catalogPrefix] || undefined;
  const prefixProblems = prefix === undefined ? [] : parameterPathProblems(prefix);
  if (prefixProblems.length > 0) throw misconfigured(`${RESOLVER_ENV.catalogPrefix} '${prefix}' ${prefixProblems.join('; ')}`);
  const region = env.AWS_REGION ?? 'us-east-1';
  const bucket = env[RESOLVER_ENV.snapshotBucket] || undefined;
  return {
    ttlMs: ttl * 1000,
    negativeTtlMs: negativeTtl * 1000,
    staleMs: stale * 1000,
    schema: parseTagSchema(env[RESOLVER_ENV.tagSchema]),
    // the account is 12 digits wherever the function runs
    catalog: prefix === undefined ? undefined : { prefix, arnPrefixLength: parameterArnPrefixLength(partitionOfRegion(region), region, '000000000000') },
    snapshot: bucket ? { bucket, key: env[RESOLVER_ENV.snapshotKey] || DEFAULT_SNAPSHOT_KEY } : undefined,
  };
}
