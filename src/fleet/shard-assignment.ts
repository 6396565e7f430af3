import { createHash } from 'crypto';

/**
 * Where a cost center lives in a fleet: a shard (a nested stack) and a profile batch within it,
 * both from a hash of its name alone. Nothing else enters (not the order of the rows, not their
 * number), so adding or removing a cost center never moves another: a shard or batch may gain or
 * lose a member, its other members stay where they are.
 */
export interface ShardAssignment {
  /** 0 … shards − 1 */
  readonly shard: number;
  /** 0 … PROFILE_BATCHES_PER_SHARD − 1 */
  readonly batch: number;
}

/**
 * Profile batches per shard: members are spread over this many batch resources (by another part
 * of the same hash), so that a shard of a large fleet does not exceed a batch's 100 profiles and
 * its batches provision in parallel. Fixed: changing it would move profiles between batches.
 */
export const PROFILE_BATCHES_PER_SHARD = 4;

/** The shard and batch of a cost center (sha256 of its name: the first 4 bytes pick the shard, the next 4 the batch). */
export function assignShard(name: string, shards: number): ShardAssignment {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  return { shard: digest.readUInt32BE(0) % shards, batch: digest.readUInt32BE(4) % PROFILE_BATCHES_PER_SHARD };
}
