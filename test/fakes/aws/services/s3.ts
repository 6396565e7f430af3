import { createHash } from 'node:crypto';
import type {
  CopyObjectOutput, CopyObjectRequest, GetObjectOutput, GetObjectRequest, HeadObjectOutput, HeadObjectRequest, PutObjectOutput, PutObjectRequest,
} from '@aws-sdk/client-s3';
import { randomString } from '../random-id';
import { operation, RequestContext, ServiceDefinition } from '../service-definition';
import { authorizeS3, bucketFor, checkExpectedOwner, mayS3, refuseUnsupported, s3Arn, s3Error } from './s3-access';
import { CHECKSUM_ALGORITHMS, checksum, checksumMember } from './s3-checksums';
import { listObjectsV2 } from './s3-listing';
import type { StoredBucket, StoredObject } from '../state/object-store';

/** "The name for a key is a sequence of Unicode characters whose UTF-8 encoding is at most 1,024 bytes long." */
const MAX_KEY_BYTES = 1024;
const VERSION_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

type PutInput = Omit<PutObjectRequest, 'Body'> & { Body?: Buffer };
type GetOutput = Omit<GetObjectOutput, 'Body'> & { Body?: Buffer };

/** The ARN of the account's AWS managed key for S3 (`aws/s3`), stable per account and Region. */
function awsManagedKey(ctx: RequestContext): string {
  const hex = createHash('md5').update(`aws/s3:${ctx.accountId}:${ctx.region}`).digest('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  return `arn:${ctx.partition}:kms:${ctx.region}:${ctx.accountId}:key/${id}`;
}

/** A key id, alias or ARN as the ARN S3 reports (`key/<id>` or `alias/<name>` in the caller's Region and account). */
function kmsKeyArn(ctx: RequestContext, keyId: string): string {
  if (keyId.startsWith('arn:')) return keyId;
  const resource = keyId.startsWith('alias/') ? keyId : `key/${keyId}`;
  return `arn:${ctx.partition}:kms:${ctx.region}:${ctx.accountId}:${resource}`;
}

/**
 * The encryption of a new object: the request's (SSE-S3 `AES256`, SSE-KMS `aws:kms` with its key,
 * the bucket's default key, or the AWS managed key), else the bucket's default (SSE-KMS with its
 * key, or SSE-S3 as S3 applies to every new object since January 2023).
 */
function encryptionFor(input: Pick<PutInput, 'ServerSideEncryption' | 'SSEKMSKeyId'>, bucket: StoredBucket, ctx: RequestContext): { sse: string; kmsKeyId?: string } {
  const requested = input.ServerSideEncryption;
  if (requested === undefined) {
    if (input.SSEKMSKeyId !== undefined) {
      throw s3Error('InvalidArgument', 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms');
    }
    return bucket.kmsKeyArn ? { sse: 'aws:kms', kmsKeyId: bucket.kmsKeyArn } : { sse: 'AES256' };
  }
  if (requested === 'AES256') {
    if (input.SSEKMSKeyId !== undefined) throw s3Error('InvalidArgument', 'Specifying a KMS key is only valid with aws:kms or aws:kms:dsse encryption');
    return { sse: 'AES256' };
  }
  if (requested === 'aws:kms' || requested === 'aws:kms:dsse') {
    return { sse: requested, kmsKeyId: input.SSEKMSKeyId !== undefined ? kmsKeyArn(ctx, input.SSEKMSKeyId) : bucket.kmsKeyArn ?? awsManagedKey(ctx) };
  }
  throw s3Error('InvalidArgument', 'The encryption method specified is not supported');
}

/** Verifies Content-MD5 and the flexible checksums (`x-amz-checksum-*`, header or aws-chunked trailer); returns those to keep. */
function verifyChecksums(input: PutInput, body: Buffer): Record<string, string> {
  if (input.ContentMD5 !== undefined) {
    const digest = Buffer.from(input.ContentMD5, 'base64');
    if (digest.length !== 16 || digest.toString('base64') !== input.ContentMD5) throw s3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (!digest.equals(createHash('md5').update(body).digest())) throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const given = CHECKSUM_ALGORITHMS.filter(a => (input as Record<string, unknown>)[checksumMember(a)] !== undefined);
  if (given.length > 1) throw s3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const algorithm = input.ChecksumAlgorithm;
  if (algorithm !== undefined && !given.includes(algorithm)) {
    throw s3Error('InvalidRequest', 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
  }
  const kept: Record<string, string> = {};
  for (const a of given) {
    const sent = String((input as Record<string, unknown>)[checksumMember(a)]);
    const actual = checksum(a, body);
    if (actual !== undefined && actual !== sent) throw s3Error('BadDigest', `The ${a} you specified did not match the calculated checksum.`);
    kept[a] = sent;
  }
  return kept;
}

function putObject(input: PutInput, ctx: RequestContext): PutObjectOutput {
  const key = input.Key!;
  const bucket = bucketFor(ctx, input.Bucket!, 's3:PutObject', s3Arn(ctx, input.Bucket!, key));
  checkExpectedOwner(bucket, input.ExpectedBucketOwner);
  refuseUnsupported(input, ['SSECustomerAlgorithm', 'SSECustomerKey', 'SSECustomerKeyMD5', 'IfMatch', 'WriteOffsetBytes', 'ObjectLockMode',
    'ObjectLockRetainUntilDate', 'ObjectLockLegalHoldStatus']);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw s3Error('KeyTooLongError', 'Your key is too long', 400, { Size: Buffer.byteLength(key), MaxSizeAllowed: MAX_KEY_BYTES });
  const body = input.Body ?? Buffer.alloc(0);
  if (input.ContentLength !== undefined && input.ContentLength !== body.length) {
    throw s3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
  }
  if (input.IfNoneMatch !== undefined) {
    if (input.IfNoneMatch !== '*') throw s3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { Header: 'If-None-Match' });
    if (ctx.state.objectStore.get(bucket.name, key)) throw s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-None-Match' });
  }
  const checksums = verifyChecksums(input, body);
  const { sse, kmsKeyId } = encryptionFor(input, bucket, ctx);
  const stored = ctx.state.objectStore.put({
    bucket: bucket.name,
    key,
    body,
    contentType: input.ContentType ?? 'binary/octet-stream',
    sse,
    kmsKeyId,
    versionId: bucket.versioned ? randomString(VERSION_ID_ALPHABET, 32) : undefined,
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    metadata: Object.fromEntries(Object.entries(input.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    lastModified: new Date(Math.floor(ctx.now.getTime() / 1000) * 1000),
    checksums,
    contentEncoding: input.ContentEncoding,
    cacheControl: input.CacheControl,
    contentDisposition: input.ContentDisposition,
    storageClass: input.StorageClass ?? 'STANDARD',
  });
  return {
    ETag: stored.etag,
    ServerSideEncryption: sse as PutObjectOutput['ServerSideEncryption'],
    SSEKMSKeyId: kmsKeyId,
    VersionId: stored.versionId,
    ...checksumOutput(stored),
  };
}

function checksumOutput(object: StoredObject): Record<string, string> {
  const entries = Object.entries(object.checksums).map(([a, v]) => [checksumMember(a), v]);
  return entries.length ? { ...Object.fromEntries(entries), ChecksumType: 'FULL_OBJECT' } : {};
}

/**
 * The object a Get/Head names. A missing key is `NoSuchKey` (404) for callers allowed
 * s3:ListBucket, else `AccessDenied` (403), as S3 answers; a version asked for in a bucket without
 * versioning is `InvalidArgument`, an unknown one `NoSuchVersion`.
 */
function objectFor(input: GetObjectRequest | HeadObjectRequest, ctx: RequestContext): StoredObject {
  const key = input.Key!;
  const action = input.VersionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion';
  const bucket = bucketFor(ctx, input.Bucket!, action, s3Arn(ctx, input.Bucket!, key));
  checkExpectedOwner(bucket, input.ExpectedBucketOwner);
  refuseUnsupported(input, ['Range', 'PartNumber', 'IfMatch', 'IfNoneMatch', 'IfModifiedSince', 'IfUnmodifiedSince', 'SSECustomerAlgorithm',
    'SSECustomerKey', 'SSECustomerKeyMD5', 'ResponseCacheControl', 'ResponseContentDisposition', 'ResponseContentEncoding',
    'ResponseContentLanguage', 'ResponseContentType', 'ResponseExpires']);
  if (input.VersionId !== undefined && !bucket.versioned && input.VersionId !== 'null') {
    throw s3Error('InvalidArgument', 'Invalid version id specified', 400, { ArgumentName: 'versionId', ArgumentValue: input.VersionId });
  }
  const versionId = input.VersionId === 'null' ? undefined : input.VersionId;
  const object = ctx.state.objectStore.get(bucket.name, key, versionId);
  if (object) return object;
  if (versionId !== undefined && ctx.state.objectStore.get(bucket.name, key)) {
    throw s3Error('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId });
  }
  if (!mayS3(ctx, bucket, 's3:ListBucket', s3Arn(ctx, bucket.name))) throw s3Error('AccessDenied', 'Access Denied', 403);
  throw s3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
}

function headOf(object: StoredObject, withChecksums: boolean): HeadObjectOutput {
  return {
    AcceptRanges: 'bytes',
    LastModified: object.lastModified,
    ContentLength: object.body.length,
    ETag: object.etag,
    ContentType: object.contentType,
    ContentEncoding: object.contentEncoding,
    CacheControl: object.cacheControl,
    ContentDisposition: object.contentDisposition,
    VersionId: object.versionId,
    ServerSideEncryption: object.sse as HeadObjectOutput['ServerSideEncryption'],
    SSEKMSKeyId: object.kmsKeyId,
    // S3 leaves the header out for STANDARD
    StorageClass: object.storageClass === 'STANDARD' ? undefined : object.storageClass as HeadObjectOutput['StorageClass'],
    Metadata: Object.keys(object.metadata).length ? { ...object.metadata } : undefined,
    ...(withChecksums ? checksumOutput(object) : {}),
  };
}

/**
 * `x-amz-copy-source`: `<bucket>/<key>` (an optional leading slash), URL-encoded, optionally
 * `?versionId=<id>` (API_CopyObject.html, CopySource).
 */
function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const [path, query] = value.split('?', 2);
  const decoded = decodeURIComponent(path.replace(/^\//, ''));
  const slash = decoded.indexOf('/');
  const versionId = query?.startsWith('versionId=') ? decodeURIComponent(query.slice('versionId='.length)) : undefined;
  if (slash <= 0 || slash === decoded.length - 1 || (query !== undefined && versionId === undefined)) {
    throw s3Error('InvalidArgument', 'Invalid copy source encoding.', 400, { ArgumentName: 'x-amz-copy-source', ArgumentValue: value });
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** The largest object one CopyObject copies (5 GB; larger ones need UploadPartCopy). */
const MAX_COPY_BYTES = 5 * 1024 ** 3;

/**
 * CopyObject: a server-side copy, also from a bucket of another Region (the request is signed for
 * the destination's Region; the source's Region is not checked). Needs `s3:PutObject` on the
 * destination key and `s3:GetObject` (`s3:GetObjectVersion` with a versionId) on the source; a
 * missing source is `NoSuchKey` for callers allowed `s3:ListBucket` on the source bucket, else
 * `AccessDenied`. The copy keeps the source's body, ETag, checksums and (MetadataDirective COPY,
 * the default) metadata and headers; encryption is the request's, else the destination bucket's
 * default (not the source's). Copying an object onto itself without changing anything is S3's
 * `InvalidRequest`. Conditional copies, SSE-C, tagging, ACLs and object lock are `NotImplemented`.
 */
function copyObject(input: CopyObjectRequest, ctx: RequestContext): CopyObjectOutput {
  const key = input.Key!;
  const bucket = bucketFor(ctx, input.Bucket!, 's3:PutObject', s3Arn(ctx, input.Bucket!, key));
  checkExpectedOwner(bucket, input.ExpectedBucketOwner);
  refuseUnsupported(input, ['CopySourceIfMatch', 'CopySourceIfModifiedSince', 'CopySourceIfNoneMatch', 'CopySourceIfUnmodifiedSince',
    'CopySourceSSECustomerAlgorithm', 'CopySourceSSECustomerKey', 'CopySourceSSECustomerKeyMD5', 'SSECustomerAlgorithm', 'SSECustomerKey',
    'SSECustomerKeyMD5', 'ObjectLockMode', 'ObjectLockRetainUntilDate', 'ObjectLockLegalHoldStatus', 'Tagging', 'TaggingDirective', 'ACL',
    'GrantFullControl', 'GrantRead', 'GrantReadACP', 'GrantWriteACP', 'ChecksumAlgorithm', 'IfMatch', 'IfNoneMatch', 'WebsiteRedirectLocation']);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw s3Error('KeyTooLongError', 'Your key is too long', 400, { Size: Buffer.byteLength(key), MaxSizeAllowed: MAX_KEY_BYTES });
  const from = parseCopySource(input.CopySource!);
  const sourceBucket = ctx.state.objectStore.bucket(from.bucket);
  if (!sourceBucket) throw s3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: from.bucket });
  authorizeS3(ctx, sourceBucket, from.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', s3Arn(ctx, from.bucket, from.key));
  checkExpectedOwner(sourceBucket, input.ExpectedSourceBucketOwner);
  const source = ctx.state.objectStore.get(from.bucket, from.key, from.versionId);
  if (!source) {
    if (from.versionId !== undefined && ctx.state.objectStore.get(from.bucket, from.key)) {
      throw s3Error('NoSuchVersion', 'The specified version does not exist.', 404, { Key: from.key, VersionId: from.versionId });
    }
    if (!mayS3(ctx, sourceBucket, 's3:ListBucket', s3Arn(ctx, from.bucket))) throw s3Error('AccessDenied', 'Access Denied', 403);
    throw s3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: from.key });
  }
  if (source.body.length > MAX_COPY_BYTES) {
    throw s3Error('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120', 400);
  }
  const replace = input.MetadataDirective === 'REPLACE';
  if (from.bucket === bucket.name && from.key === key && !replace && input.ServerSideEncryption === undefined && input.StorageClass === undefined) {
    throw s3Error('InvalidRequest', 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s '
      + 'metadata, storage class, website redirect location or encryption attributes.');
  }
  const { sse, kmsKeyId } = encryptionFor(input, bucket, ctx);
  const stored = ctx.state.objectStore.put({
    ...source,
    bucket: bucket.name,
    key,
    sse,
    kmsKeyId,
    versionId: bucket.versioned ? randomString(VERSION_ID_ALPHABET, 32) : undefined,
    lastModified: new Date(Math.floor(ctx.now.getTime() / 1000) * 1000),
    storageClass: input.StorageClass ?? 'STANDARD',
    ...(replace ? {
      contentType: input.ContentType ?? 'binary/octet-stream',
      metadata: Object.fromEntries(Object.entries(input.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      contentEncoding: input.ContentEncoding,
      cacheControl: input.CacheControl,
      contentDisposition: input.ContentDisposition,
    } : {}),
  });
  return {
    CopyObjectResult: { ETag: stored.etag, LastModified: stored.lastModified, ...checksumOutput(stored) },
    VersionId: stored.versionId,
    CopySourceVersionId: source.versionId,
    ServerSideEncryption: sse as CopyObjectOutput['ServerSideEncryption'],
    SSEKMSKeyId: kmsKeyId,
  };
}

/** The S3 fake (rest-xml, path-style): PutObject, CopyObject, GetObject, HeadObject, ListObjectsV2. */
export function s3Service(): ServiceDefinition {
  return {
    key: 's3',
    modelName: 's3',
    validationErrorCode: 'InvalidArgument',
    serializationErrorCode: 'InvalidArgument',
    throttlingErrorCode: 'SlowDown',
    throttling: { statusCode: 503, message: 'Please reduce your request rate.' },
    serverErrorCode: 'InternalError',
    unknownCredentialsErrorCode: 'InvalidAccessKeyId',
    missingAuthErrorCode: 'AccessDenied',
    outputRootElements: { ListObjectsV2: 'ListBucketResult' },
    handlers: {
      PutObject: operation(putObject),
      CopyObject: operation(copyObject),
      GetObject: operation((input: GetObjectRequest, ctx): GetOutput => {
        const object = objectFor(input, ctx);
        return { ...headOf(object, input.ChecksumMode === 'ENABLED'), Body: object.body };
      }),
      HeadObject: operation((input: HeadObjectRequest, ctx): HeadObjectOutput => headOf(objectFor(input, ctx), input.ChecksumMode === 'ENABLED')),
      ListObjectsV2: operation(listObjectsV2),
    },
  };
}

