/**
 * The contract between `StackSetAssetReplication` / `OrganizationAssetBucket` / the stack-set
 * template synthesizer (src/organization) and the asset-replication handler
 * (lambda/asset-replication): the resource type, the schema version, the bucket name scheme and
 * the S3 limits both sides check.
 */

/** The custom resource type of the replication. */
export const ASSET_REPLICATION_RESOURCE_TYPE = 'Custom::StackSetAssetReplication';

/** The newest property schema (SchemaVersion). */
export const ASSET_REPLICATION_SCHEMA_VERSION = 1;

/** Between the prefix and the Region in an asset bucket's name. */
export const ASSET_BUCKET_SEPARATOR = '-';

/**
 * The name of the asset bucket of a Region: `<prefix>-<Region>`. The bucket, the replication's
 * permissions and copies, and the stack-set template's code locations (`Fn::Join` of the prefix
 * and `AWS::Region` with {@link ASSET_BUCKET_SEPARATOR}) all use it.
 */
export function assetBucketName(prefix: string, region: string): string {
  return `${prefix}${ASSET_BUCKET_SEPARATOR}${region}`;
}

/**
 * The longest Region name the prefix must leave room for: `us-isof-south-1` (15 characters; the
 * commercial Regions are at most 14, e.g. `ap-southeast-7`). A new Region with a longer name is
 * still checked exactly where the bucket is made.
 */
export const LONGEST_REGION_NAME = 'us-isof-south-1';

/**
 * The longest bucket prefix: a bucket name is at most 63 characters (S3 general purpose bucket
 * naming rules, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), and
 * `<prefix>-<Region>` must fit for every Region: 63 − 1 − 15 = 47.
 */
export const MAX_ASSET_BUCKET_PREFIX_LENGTH = 63 - ASSET_BUCKET_SEPARATOR.length - LONGEST_REGION_NAME.length;

/** The longest S3 object key: 1,024 bytes of UTF-8 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
export const MAX_OBJECT_KEY_BYTES = 1024;
