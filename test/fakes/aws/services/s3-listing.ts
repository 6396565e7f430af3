import type { ListObjectsV2Output, ListObjectsV2Request } from '@aws-sdk/client-s3';
import { decodeToken, encodeToken, fingerprint } from '../paging';
import type { RequestContext } from '../service-definition';
import { bucketFor, s3Arn, s3Error } from './s3-access';
import type { StoredObject } from '../state/object-store';

/** "By default the action returns up to 1,000 key names"; a larger MaxKeys still returns at most 1,000. */
const MAX_KEYS = 1000;

/** A continuation token: after which key (or common prefix) to go on, and the request it belongs to. */
function readToken(token: string | undefined, request: string): string | undefined {
  if (token === undefined) return undefined;
  const payload = decodeToken(token);
  if (!payload || payload.request !== request) throw s3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' });
  return payload.after;
}

/**
 * ListObjectsV2: current versions in UTF-8 binary key order, filtered by Prefix, after StartAfter or
 * the ContinuationToken, grouped by Delimiter into CommonPrefixes (each counts as one key against
 * MaxKeys), `EncodingType=url` percent-encoding the keys. Authorized as s3:ListBucket on the bucket.
 */
export function listObjectsV2(input: ListObjectsV2Request, ctx: RequestContext): ListObjectsV2Output {
  const bucket = bucketFor(ctx, input.Bucket!, 's3:ListBucket', s3Arn(ctx, input.Bucket!));
  const maxKeys = input.MaxKeys ?? MAX_KEYS;
  if (maxKeys < 0) throw s3Error('InvalidArgument', 'Argument maxKeys must be an integer between 0 and 2147483647', 400, { ArgumentName: 'maxKeys' });
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  const request = fingerprint({ bucket: bucket.name, prefix, delimiter: delimiter ?? '', startAfter: input.StartAfter ?? '' });
  const after = readToken(input.ContinuationToken, request) ?? input.StartAfter;
  const limit = Math.min(maxKeys, MAX_KEYS);
  const contents: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let truncated = false;
  for (const object of ctx.state.objectStore.current(bucket.name)) {
    if (!object.key.startsWith(prefix)) continue;
    if (after !== undefined && Buffer.compare(Buffer.from(object.key), Buffer.from(after)) <= 0) continue;
    const cut = delimiter === undefined ? -1 : object.key.indexOf(delimiter, prefix.length);
    const common = cut < 0 ? undefined : object.key.slice(0, cut + delimiter!.length);
    if (common !== undefined && common === commonPrefixes[commonPrefixes.length - 1]) continue;
    // a common prefix returned on an earlier page (the cursor): its keys sort right after it
    if (common !== undefined && common === after) continue;
    if (contents.length + commonPrefixes.length === limit) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      commonPrefixes.push(common);
      last = common;
    } else {
      contents.push(object);
      last = object.key;
    }
  }
  const encode = (s: string | undefined) => (s === undefined || input.EncodingType !== 'url' ? s : encodeURIComponent(s));
  return {
    Name: bucket.name,
    Prefix: encode(prefix),
    Delimiter: encode(delimiter),
    MaxKeys: maxKeys,
    EncodingType: input.EncodingType,
    KeyCount: contents.length + commonPrefixes.length,
    IsTruncated: truncated,
    ContinuationToken: input.ContinuationToken,
    NextContinuationToken: truncated ? encodeToken({ after: last!, request }) : undefined,
    StartAfter: encode(input.StartAfter),
    Contents: contents.length ? contents.map(o => ({
      Key: encode(o.key),
      LastModified: o.lastModified,
      ETag: o.etag,
      Size: o.body.length,
      StorageClass: o.storageClass as 'STANDARD',
      ChecksumAlgorithm: Object.keys(o.checksums).length ? Object.keys(o.checksums) as ['CRC32'] : undefined,
      ChecksumType: Object.keys(o.checksums).length ? 'FULL_OBJECT' : undefined,
      Owner: input.FetchOwner ? { ID: ownerId(bucket.accountId) } : undefined,
    })) : undefined,
    CommonPrefixes: commonPrefixes.length ? commonPrefixes.map(p => ({ Prefix: encode(p) })) : undefined,
  };
}

/** The canonical user ID S3 shows as owner (64 hex characters), stable per account. */
function ownerId(accountId: string): string {
  return Buffer.from(accountId.padEnd(32, '0')).toString('hex').slice(0, 64);
}
