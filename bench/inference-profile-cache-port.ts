/**
 * A faithful TypeScript port of the usual reference pattern for finding an application inference
 * profile by tags: a Python `InferenceProfileCache` —
 *
 * ```python
 * class InferenceProfileCache:
 *     def __init__(self, ttl_seconds=300):
 *         self._cache = {}                      # frozenset(tags.items()) -> (arn, fetched_at)
 *         self._lock = threading.Lock()
 *         self._client = boto3.client("resourcegroupstaggingapi")
 *         self._ttl = ttl_seconds
 *
 *     def get_profile_arn(self, tags):
 *         key = frozenset(tags.items())
 *         with self._lock:                      # held around the check AND the call
 *             hit = self._cache.get(key)
 *             if hit and time.time() - hit[1] < self._ttl:
 *                 return hit[0]
 *             resp = self._client.get_resources(
 *                 TagFilters=[{"Key": k, "Values": [v]} for k, v in tags.items()],
 *                 ResourceTypeFilters=["bedrock:application-inference-profile"])
 *             arns = [r["ResourceARN"] for r in resp["ResourceTagMappingList"]]
 *             if not arns:
 *                 return None                   # misses are not cached
 *             self._cache[key] = (arns[0], time.time())
 *             return arns[0]                    # first ARN, no status check
 * ```
 *
 * The lock becomes an async mutex (FIFO): every lookup, hit or miss, waits for the call in
 * progress. boto3's default ("legacy") retry mode makes 5 attempts; the port's client makes 5
 * attempts with the SDK v3 standard backoff (shorter than legacy's `rand·2^n` seconds), which
 * flatters the port.
 */
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';

/** A FIFO async mutex: `threading.Lock` for an event loop. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  public async run<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => { release = resolve; });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

export class InferenceProfileCachePort {
  private readonly cache = new Map<string, { arn: string; fetchedAt: number }>();
  private readonly lock = new Mutex();

  constructor(private readonly client: ResourceGroupsTaggingAPIClient, private readonly ttlSeconds = 300) {}

  public getProfileArn(tags: Record<string, string>): Promise<string | undefined> {
    // frozenset(tags.items()): order-independent
    const key = JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return this.lock.run(async () => {
      const hit = this.cache.get(key);
      if (hit && (Date.now() - hit.fetchedAt) / 1000 < this.ttlSeconds) return hit.arn;
      const out = await this.client.send(new GetResourcesCommand({
        TagFilters: Object.entries(tags).map(([Key, value]) => ({ Key, Values: [value] })),
        ResourceTypeFilters: ['bedrock:application-inference-profile'],
      }));
      const arns = (out.ResourceTagMappingList ?? []).map((r) => r.ResourceARN!);
      if (arns.length === 0) return undefined;
      this.cache.set(key, { arn: arns[0], fetchedAt: Date.now() });
      return arns[0];
    });
  }
}
