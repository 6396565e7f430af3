import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { assetBucketName, ReplicatedAsset, ReplicationSpec } from './properties';
import { errorMessage, errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

/**
 * The largest object one CopyObject copies: "You create a copy of your object up to 5 GB in size in
 * a single atomic action using this API. However, to copy an object greater than 5 GB, you must use
 * the multipart upload Upload Part - Copy (UploadPartCopy) API."
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html). S3 counts GB as 2^30 bytes.
 */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 ** 3;

/** Copies at once: a few, to keep the function's sockets and S3's per-prefix request rate modest. */
export const DEFAULT_CONCURRENCY = 4;

export interface ReplicationContext {
  /**
   * An S3 client for a Region. Each copy is sent to the destination bucket's Region: CopyObject
   * copies from a bucket of another Region server-side ("Both the Region that you want to copy the
   * object from and the Region that you want to copy the object to must be enabled for your account",
   * API_CopyObject.html), while a request signed for another Region than the bucket's is refused.
   */
  readonly s3For: (region: string) => S3Client;
  /** The Region of the source (bootstrap) buckets: the deploying stack's, where the function runs. */
  readonly sourceRegion: string;
  readonly retry: RetryOptions;
  readonly log: Logger;
  /** Copies at once. @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
}

/** What a replication did. */
export interface ReplicationResult {
  /** `<bucket>/<key>` of each object copied. */
  readonly copied: string[];
  /** `<bucket>/<key>` of each object already in place. */
  readonly skipped: string[];
}

/** A failure that names the asset, the bucket and the Region it concerns. */
export class ReplicationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicationError';
  }
}

/**
 * Copies every asset to `<prefix>-<Region>/<key>` in every Region, skipping objects already there
 * (a key is the content hash of the asset: the same key holds the same bytes). Every failure is
 * collected, and one error lists them all.
 */
export async function replicateAssets(spec: ReplicationSpec, ctx: ReplicationContext): Promise<ReplicationResult> {
  const concurrency = ctx.concurrency ?? DEFAULT_CONCURRENCY;
  const failures: string[] = [];
  const readable: ReplicatedAsset[] = [];
  await runLimited(spec.assets, concurrency, async (asset) => {
    try {
      await checkSource(asset, spec, ctx);
      readable.push(asset);
    } catch (error) {
      failures.push(errorMessage(error));
    }
  });
  const pairs = readable.flatMap((asset) => spec.regions.map((region) => ({ asset, region })));
  const copied: string[] = [];
  const skipped: string[] = [];
  await runLimited(pairs, concurrency, async ({ asset, region }) => {
    try {
      const done = await copyTo(asset, region, spec, ctx);
      (done ? copied : skipped).push(`${assetBucketName(spec.bucketPrefix, region)}/${asset.objectKey}`);
    } catch (error) {
      failures.push(errorMessage(error));
    }
  });
  if (failures.length) {
    throw new ReplicationError(`${failures.length} asset cop${failures.length === 1 ? 'y' : 'ies'} failed: ${failures.join('; ')}`);
  }
  return { copied: copied.sort(), skipped: skipped.sort() };
}

/** The source object exists, can be read, and is small enough for one CopyObject. */
async function checkSource(asset: ReplicatedAsset, spec: ReplicationSpec, ctx: ReplicationContext): Promise<void> {
  const where = `asset s3://${asset.sourceBucketName}/${asset.objectKey}`;
  let size: number | undefined;
  try {
    const head = await withLoggedRetry(() => ctx.s3For(ctx.sourceRegion).send(new HeadObjectCommand({
      Bucket: asset.sourceBucketName, Key: asset.objectKey, ExpectedBucketOwner: spec.bucketOwner,
    })), 'HeadObject', ctx.retry, ctx.log);
    size = head.ContentLength;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) throw new ReplicationError(`${where} was not found in its source bucket (was it published by cdk deploy?)`);
    if (status === 403) {
      throw new ReplicationError(`${where} cannot be read (403: S3 answers so for a missing object to a caller without s3:ListBucket, `
        + 'or the role lacks s3:GetObject on it or kms:Decrypt on the bucket\'s key)');
    }
    throw new ReplicationError(`${where}: HeadObject failed: ${errorName(error)}: ${errorMessage(error)}`);
  }
  if (size !== undefined && size > MAX_COPY_OBJECT_BYTES) {
    throw new ReplicationError(`${where} is ${size} bytes: CopyObject copies at most 5 GB (${MAX_COPY_OBJECT_BYTES} bytes); `
      + 'larger objects need a multipart copy (UploadPartCopy), which this replication does not do');
  }
}

/** Copies one asset into one Region's bucket; false when the object was there already. */
async function copyTo(asset: ReplicatedAsset, region: string, spec: ReplicationSpec, ctx: ReplicationContext): Promise<boolean> {
  const bucket = assetBucketName(spec.bucketPrefix, region);
  const target = `s3://${bucket}/${asset.objectKey} (Region ${region})`;
  const s3 = ctx.s3For(region);
  try {
    await withLoggedRetry(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: asset.objectKey, ExpectedBucketOwner: spec.bucketOwner })),
      'HeadObject', ctx.retry, ctx.log);
    return false;
  } catch (error) {
    // 404: no such key, or no such bucket (HeadObject has no body to tell them apart); CopyObject says which
    if (statusOf(error) !== 404) throw new ReplicationError(`${target}: HeadObject failed: ${errorName(error)}: ${errorMessage(error)}`);
  }
  try {
    await withLoggedRetry(() => s3.send(new CopyObjectCommand({
      Bucket: bucket,
      Key: asset.objectKey,
      CopySource: copySource(asset.sourceBucketName, asset.objectKey),
      // the destination's own SSE-S3, never the source's key: member accounts cannot use the deploying account's KMS keys
      ServerSideEncryption: 'AES256',
      ExpectedBucketOwner: spec.bucketOwner,
      ExpectedSourceBucketOwner: spec.bucketOwner,
    })), 'CopyObject', ctx.retry, ctx.log);
  } catch (error) {
    const name = errorName(error);
    if (name === 'NoSuchBucket') {
      throw new ReplicationError(`the asset bucket ${bucket} of Region ${region} does not exist: deploy an OrganizationAssetBucket with `
        + `bucketPrefix '${spec.bucketPrefix}' in a stack of ${region} first (copying asset ${asset.objectKey})`);
    }
    if (name === 'NoSuchKey') throw new ReplicationError(`asset s3://${asset.sourceBucketName}/${asset.objectKey} vanished from its source bucket`);
    throw new ReplicationError(`${target}: CopyObject failed: ${name}: ${errorMessage(error)}`);
  }
  ctx.log('INFO', 'copied', { bucket, region, key: asset.objectKey });
  return true;
}

/**
 * The `x-amz-copy-source` value: `<bucket>/<key>`, URL-encoded ("The value must be URL-encoded",
 * API_CopyObject.html, CopySource); slashes of the key are kept.
 */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
