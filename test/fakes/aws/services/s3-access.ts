import type { RequestContext } from '../service-definition';
import { AwsServiceError } from '../service-error';
import type { StoredBucket } from '../state/object-store';

/** An S3 error with its HTTP status (S3's errors are not modelled in the botocore model, except a few). */
export function s3Error(code: string, message: string, statusCode = 400, fields?: Record<string, unknown>): AwsServiceError {
  return new AwsServiceError(code, message, { statusCode, fields });
}

/** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`. */
export function s3Arn(ctx: RequestContext, bucket: string, key?: string): string {
  return `arn:${ctx.partition}:s3:::${bucket}${key === undefined ? '' : `/${key}`}`;
}

/**
 * IAM's decision on an S3 action, refused as S3 does (`AccessDenied`, 403) in IAM's words: the
 * caller's policies (`fake.state.access()`), and for a bucket of another account the missing bucket
 * policy (the fake keeps no bucket policies: cross-account calls are refused).
 */
export function authorizeS3(ctx: RequestContext, bucket: StoredBucket, action: string, resource: string): void {
  const access = ctx.state.access(ctx.accountId);
  const denial = access.authorize(action, resource);
  if (denial) throw s3Error('AccessDenied', denial.message, 403);
  if (bucket.accountId !== ctx.accountId) {
    throw s3Error('AccessDenied', `User: ${access.principalArn} is not authorized to perform: ${action} on resource: ${resource} `
      + `because no resource-based policy allows the ${action} action`, 403);
  }
}

/** Whether IAM lets the caller do `action` on `resource` (for answers that depend on it, e.g. NoSuchKey vs AccessDenied). */
export function mayS3(ctx: RequestContext, bucket: StoredBucket, action: string, resource: string): boolean {
  try {
    authorizeS3(ctx, bucket, action, resource);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bucket a request names, checked as S3 does before anything else: it exists (`NoSuchBucket`,
 * 404) and the request is signed for its Region (`AuthorizationHeaderMalformed`, 400, with the
 * expected `Region`); then IAM allows `action` on `resource`.
 */
export function bucketFor(ctx: RequestContext, name: string, action: string, resource: string): StoredBucket {
  const bucket = ctx.state.objectStore.bucket(name);
  if (!bucket) throw s3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
  if (bucket.region !== ctx.region) {
    throw s3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${ctx.region}' is wrong; `
      + `expecting '${bucket.region}'`, 400, { Region: bucket.region });
  }
  authorizeS3(ctx, bucket, action, resource);
  return bucket;
}

/**
 * `ExpectedBucketOwner` / `ExpectedSourceBucketOwner`: "If the account ID that you provide does not
 * match the actual owner of the bucket, the request fails with the HTTP status code 403 Forbidden
 * (access denied)" (S3 API reference, e.g. API_HeadObject.html).
 */
export function checkExpectedOwner(bucket: StoredBucket, expected: string | undefined): void {
  if (expected !== undefined && expected !== bucket.accountId) throw s3Error('AccessDenied', 'Access Denied', 403);
}

/** Refuses request members the fake does not implement, rather than ignoring them. */
export function refuseUnsupported(input: object, members: readonly string[]): void {
  const given = members.filter(m => (input as Record<string, unknown>)[m] !== undefined);
  if (given.length) throw s3Error('NotImplemented', `The AWS fake does not implement ${given.join(', ')}.`, 501);
}
