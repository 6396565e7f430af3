/**
 * The properties of `Custom::StackSetAssetReplication` as `StackSetAssetReplication`
 * (src/organization/stackset-asset-replication.ts) writes them, and their parser. The construct's
 * test feeds its synthesized properties to {@link parseReplicationProperties}, so that the two sides
 * cannot drift.
 */
import {
  ASSET_REPLICATION_SCHEMA_VERSION, assetBucketName, MAX_ASSET_BUCKET_PREFIX_LENGTH, MAX_OBJECT_KEY_BYTES,
} from '../../src/contracts/asset-replication';
import { REGION_NAME } from '../../src/contracts/region-name';
import { InvalidPropertiesError, schemaVersionProblem } from '../shared/properties';

export { ASSET_REPLICATION_SCHEMA_VERSION };

/** One asset: where the CDK published it, and the key it keeps in every Region's asset bucket. */
export interface ReplicatedAsset {
  readonly sourceBucketName: string;
  readonly objectKey: string;
}

/** What to copy where. */
export interface ReplicationSpec {
  /** The asset buckets are `<bucketPrefix>-<Region>`. */
  readonly bucketPrefix: string;
  readonly regions: string[];
  readonly assets: ReplicatedAsset[];
  /** The account that owns the source and destination buckets (S3's ExpectedBucketOwner), when given. */
  readonly bucketOwner?: string;
}

export { assetBucketName };

const ACCOUNT_ID = /^[0-9]{12}$/;
/** What a bucket name (3–63 characters) can hold; S3 judges the rest. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads and checks the properties; every problem is reported at once, each naming its field. */
export function parseReplicationProperties(props: Record<string, unknown> | undefined): ReplicationSpec {
  const p = props ?? {};
  const problems: string[] = [];
  const version = schemaVersionProblem(p.SchemaVersion, ASSET_REPLICATION_SCHEMA_VERSION);
  if (version) problems.push(version);

  const prefix = p.BucketPrefix;
  if (typeof prefix !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(prefix) || prefix.length > MAX_ASSET_BUCKET_PREFIX_LENGTH) {
    problems.push(`BucketPrefix '${String(prefix)}' must be 1–${MAX_ASSET_BUCKET_PREFIX_LENGTH} lowercase letters, digits or hyphens, starting with a letter or digit`);
  }

  const regions: string[] = [];
  if (!Array.isArray(p.Regions) || p.Regions.length === 0) {
    problems.push('Regions must be a non-empty list of Region names');
  } else {
    p.Regions.forEach((r, i) => {
      if (typeof r !== 'string' || !REGION_NAME.test(r)) problems.push(`Regions[${i}] '${String(r)}' must be a Region name`);
      else if (regions.includes(r)) problems.push(`Regions[${i}] '${r}' is listed twice`);
      else regions.push(r);
    });
  }

  const assets: ReplicatedAsset[] = [];
  if (!Array.isArray(p.Assets) || p.Assets.length === 0) {
    problems.push('Assets must be a non-empty list of { SourceBucketName, ObjectKey }');
  } else {
    p.Assets.forEach((a, i) => {
      const asset = (a ?? {}) as Record<string, unknown>;
      const bucket = asset.SourceBucketName;
      const key = asset.ObjectKey;
      if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket)) problems.push(`Assets[${i}].SourceBucketName '${String(bucket)}' must be a bucket name`);
      if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > MAX_OBJECT_KEY_BYTES) {
        problems.push(`Assets[${i}].ObjectKey '${String(key)}' must be an S3 key of 1–${MAX_OBJECT_KEY_BYTES.toLocaleString('en-US')} bytes`);
      }
      if (typeof bucket === 'string' && typeof key === 'string') assets.push({ sourceBucketName: bucket, objectKey: key });
    });
  }

  const owner = p.BucketOwner;
  if (owner !== undefined && (typeof owner !== 'string' || !ACCOUNT_ID.test(owner))) {
    problems.push(`BucketOwner '${String(owner)}' must be a 12-digit account ID`);
  }
  if (problems.length) throw new InvalidPropertiesError('the stack-set asset replication', problems);
  return { bucketPrefix: prefix as string, regions, assets, bucketOwner: owner as string | undefined };
}
