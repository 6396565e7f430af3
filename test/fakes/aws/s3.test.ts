import { Readable } from 'node:stream';
import {
  CopyObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, paginateListObjectsV2, PutObjectCommand, PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { AwsFake, fastRetries, startAwsFake } from './index';

const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000001';

let fake: AwsFake;
let s3: S3Client;

beforeAll(async () => {
  fake = await startAwsFake();
  s3 = new S3Client({ ...fake.clientConfig(), maxAttempts: 1 });
});
beforeEach(() => {
  fake.state.createBucket('reports');
});
afterEach(() => fake.reset());
afterAll(async () => {
  s3.destroy();
  await fake.stop();
});

const put = (input: Partial<PutObjectCommandInput>) =>
  s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'chargeback/2026-11.csv', Body: 'dept,cost\nclaims,12.50\n', ...input }));

describe('PutObject / GetObject / HeadObject', () => {
  test('a string body round-trips with its type, metadata, ETag and SSE-S3', async () => {
    const out = await put({ ContentType: 'text/csv', Metadata: { Dept: 'claims' } });
    expect(out).toMatchObject({ ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/), ServerSideEncryption: 'AES256' });
    expect(out.VersionId).toBeUndefined();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'chargeback/2026-11.csv' }));
    expect(await got.Body!.transformToString()).toBe('dept,cost\nclaims,12.50\n');
    expect(got).toMatchObject({ ContentType: 'text/csv', ETag: out.ETag, Metadata: { dept: 'claims' }, ServerSideEncryption: 'AES256', ContentLength: 23 });
    expect(got.LastModified).toBeInstanceOf(Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'reports', Key: 'chargeback/2026-11.csv' }));
    expect(head).toMatchObject({ ContentLength: 23, ContentType: 'text/csv', ETag: out.ETag });
    expect(fake.state.objects('reports')).toEqual([expect.objectContaining({
      key: 'chargeback/2026-11.csv', contentType: 'text/csv', sse: 'AES256', kmsKeyId: undefined, versionId: undefined, metadata: { dept: 'claims' },
    })]);
    expect(fake.state.objects('reports')[0].body.toString()).toBe('dept,cost\nclaims,12.50\n');
  });

  test('the ETag is the MD5 of the body in quotes', async () => {
    const out = await put({ Body: 'hello' });
    expect(out.ETag).toBe('"5d41402abc4b2a76b9719d911017c592"');
  });

  test('the SDK sends a CRC32 checksum for a string body; the fake verifies it and returns it on GetObject', async () => {
    const out = await put({ Body: 'hello' });
    expect(out).toMatchObject({ ChecksumCRC32: 'NhCmhg==', ChecksumType: 'FULL_OBJECT' });
    expect(fake.state.objects('reports')[0].checksums).toEqual({ CRC32: 'NhCmhg==' });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'chargeback/2026-11.csv', ChecksumMode: 'ENABLED' }));
    expect(got.ChecksumCRC32).toBe('NhCmhg==');
    expect(await got.Body!.transformToString()).toBe('hello'); // the SDK validates the checksum while reading
  });

  test('binary bodies and streams of known length (aws-chunked with a trailing checksum) are stored byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]);
    await put({ Key: 'bin', Body: bytes });
    await put({ Key: 'stream', Body: Readable.from([Buffer.from('hello '), Buffer.from('world')]), ContentLength: 11 });
    const objects = fake.state.objects('reports');
    expect(objects.find(o => o.key === 'bin')!.body.equals(bytes)).toBe(true);
    expect(objects.find(o => o.key === 'stream')).toMatchObject({ checksums: { CRC32: expect.any(String) } });
    expect(objects.find(o => o.key === 'stream')!.body.toString()).toBe('hello world');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });

  test('a wrong checksum or Content-MD5 is BadDigest', async () => {
    await expect(put({ ChecksumCRC32: 'AAAAAA==' })).rejects.toMatchObject({ name: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.' });
    await expect(put({ ChecksumAlgorithm: 'SHA256', ChecksumSHA256: Buffer.alloc(32).toString('base64') })).rejects.toMatchObject({ name: 'BadDigest' });
    await expect(put({ ContentMD5: Buffer.alloc(16).toString('base64') })).rejects.toMatchObject({ name: 'BadDigest', $metadata: { httpStatusCode: 400 } });
    expect(fake.state.objects('reports')).toEqual([]);
  });

  test('keys with spaces, unicode and slashes keep their name (path-style, percent-encoded)', async () => {
    await put({ Key: 'a dir/ünï code+plus/x?.json', Body: 'x' });
    expect(fake.state.objects('reports').map(o => o.key)).toEqual(['a dir/ünï code+plus/x?.json']);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'a dir/ünï code+plus/x?.json' }));
    expect(await got.Body!.transformToString()).toBe('x');
  });

  test('missing bucket is NoSuchBucket, missing key NoSuchKey (HeadObject: NotFound, no body), both 404', async () => {
    await expect(put({ Bucket: 'nope-bucket' })).rejects.toMatchObject({
      name: 'NoSuchBucket', message: 'The specified bucket does not exist', BucketName: 'nope-bucket', $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'nope' })))
      .rejects.toMatchObject({ name: 'NoSuchKey', message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'reports', Key: 'nope' })))
      .rejects.toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    expect(fake.calls.summary()).toMatchObject({
      's3:PutObject': { errors: { NoSuchBucket: 1 } }, 's3:GetObject': { errors: { NoSuchKey: 1 } }, 's3:HeadObject': { errors: { NoSuchKey: 1 } },
    });
  });

  test('a request signed for another Region than the bucket\'s is AuthorizationHeaderMalformed', async () => {
    const eu = new S3Client({ ...fake.clientConfig({ region: 'eu-west-1' }), maxAttempts: 1 });
    try {
      await expect(eu.send(new PutObjectCommand({ Bucket: 'reports', Key: 'k', Body: 'x' })))
        .rejects.toMatchObject({ name: 'AuthorizationHeaderMalformed', Region: 'us-east-1', $metadata: { httpStatusCode: 400 } });
    } finally {
      eu.destroy();
    }
  });

  test.each<[string, string, Partial<PutObjectCommandInput>, RegExp]>([
    ['an unknown ServerSideEncryption (model enum)', 'InvalidArgument', { ServerSideEncryption: 'aws:bogus' as 'AES256' }, /at 'serverSideEncryption' failed to satisfy constraint: Member must satisfy enum/],
    ['an unknown StorageClass (model enum)', 'InvalidArgument', { StorageClass: 'COLD' as 'STANDARD' }, /storageClass/],
    ['a KMS key without aws:kms', 'InvalidArgument', { SSEKMSKeyId: KMS_KEY }, /requires HTTP header x-amz-server-side-encryption : aws:kms/],
    ['a key over 1024 bytes', 'KeyTooLongError', { Key: 'k'.repeat(1025) }, /Your key is too long/],
    ['SSE-C (not implemented by the fake)', 'NotImplemented', { SSECustomerAlgorithm: 'AES256', SSECustomerKey: 'k'.repeat(32) }, /SSECustomerAlgorithm/],
  ])('%s → %s', async (_label, code, input, message) => {
    await expect(put(input)).rejects.toMatchObject({ name: code, message: expect.stringMatching(message) });
  });

  test('If-None-Match: * refuses to overwrite', async () => {
    await put({ IfNoneMatch: '*' });
    await expect(put({ IfNoneMatch: '*' })).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
  });
});

describe('KMS encryption', () => {
  test('the bucket\'s default KMS key applies when the request names none; Put, Get and Head report it', async () => {
    fake.state.createBucket('encrypted-reports', { kmsKeyArn: KMS_KEY });
    const out = await put({ Bucket: 'encrypted-reports' });
    expect(out).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KMS_KEY });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'encrypted-reports', Key: 'chargeback/2026-11.csv' }));
    expect(got).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KMS_KEY });
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'encrypted-reports', Key: 'chargeback/2026-11.csv' }));
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KMS_KEY });
    expect(fake.state.objects('encrypted-reports')[0]).toMatchObject({ sse: 'aws:kms', kmsKeyId: KMS_KEY });
  });

  test('a key named in the request wins; aws:kms alone uses the AWS managed key', async () => {
    fake.state.createBucket('encrypted-reports', { kmsKeyArn: KMS_KEY });
    const own = await put({ Bucket: 'encrypted-reports', Key: 'a', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' });
    expect(own.SSEKMSKeyId).toBe('arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const managed = await put({ Key: 'b', ServerSideEncryption: 'aws:kms' });
    expect(managed.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
  });
});

describe('versioning', () => {
  test('a versioned bucket keeps every version; GetObject reads one by VersionId', async () => {
    fake.state.createBucket('versioned-reports', { versioned: true });
    const v1 = await put({ Bucket: 'versioned-reports', Body: 'one' });
    const v2 = await put({ Bucket: 'versioned-reports', Body: 'two' });
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    const old = await s3.send(new GetObjectCommand({ Bucket: 'versioned-reports', Key: 'chargeback/2026-11.csv', VersionId: v1.VersionId }));
    expect(await old.Body!.transformToString()).toBe('one');
    expect(old.VersionId).toBe(v1.VersionId);
    expect(fake.state.objects('versioned-reports').map(o => [o.body.toString(), o.versionId, o.isLatest]))
      .toEqual([['one', v1.VersionId, false], ['two', v2.VersionId, true]]);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'versioned-reports', Key: 'chargeback/2026-11.csv', VersionId: 'x'.repeat(32) })))
      .rejects.toMatchObject({ name: 'NoSuchVersion' });
  });
});

describe('ListObjectsV2', () => {
  const keys = [...Array.from({ length: 7 }, (_, i) => `chargeback/2026-${String(i + 1).padStart(2, '0')}.csv`), 'chargeback/archive/old.csv', 'other/x.csv'];
  beforeEach(async () => {
    for (const key of keys) await put({ Key: key, Body: key });
  });

  test('Prefix and MaxKeys page through with ContinuationToken; the paginator sees every key once', async () => {
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'reports', Prefix: 'chargeback/', MaxKeys: 3 }));
    expect(first).toMatchObject({ Name: 'reports', Prefix: 'chargeback/', MaxKeys: 3, KeyCount: 3, IsTruncated: true });
    expect(first.Contents!.map(c => c.Key)).toEqual(keys.slice(0, 3));
    expect(first.Contents![0]).toMatchObject({ Size: keys[0].length, StorageClass: 'STANDARD', ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    expect(first.Contents![0].LastModified).toBeInstanceOf(Date);
    const second = await s3.send(new ListObjectsV2Command({ Bucket: 'reports', Prefix: 'chargeback/', MaxKeys: 3, ContinuationToken: first.NextContinuationToken }));
    expect(second.Contents!.map(c => c.Key)).toEqual(keys.slice(3, 6));
    expect(second.ContinuationToken).toBe(first.NextContinuationToken);
    const seen: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket: 'reports', Prefix: 'chargeback/' })) {
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      seen.push(...(page.Contents ?? []).map(c => c.Key!));
    }
    expect(seen).toEqual(keys.slice(0, 8));
  });

  test('the last page is not truncated; an empty prefix match lists nothing', async () => {
    const all = await s3.send(new ListObjectsV2Command({ Bucket: 'reports' }));
    expect(all).toMatchObject({ KeyCount: 9, IsTruncated: false });
    expect(all.NextContinuationToken).toBeUndefined();
    const none = await s3.send(new ListObjectsV2Command({ Bucket: 'reports', Prefix: 'missing/' }));
    expect(none).toMatchObject({ KeyCount: 0, IsTruncated: false });
    expect(none.Contents).toBeUndefined();
  });

  test('Delimiter groups CommonPrefixes, which count against MaxKeys and are not repeated across pages', async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: 'reports', Delimiter: '/' }));
    expect(out.CommonPrefixes).toEqual([{ Prefix: 'chargeback/' }, { Prefix: 'other/' }]);
    const seen: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 3 }, { Bucket: 'reports', Prefix: 'chargeback/', Delimiter: '/' })) {
      seen.push(...(page.Contents ?? []).map(c => c.Key!), ...(page.CommonPrefixes ?? []).map(p => p.Prefix!));
    }
    expect(seen.sort()).toEqual([...keys.slice(0, 7), 'chargeback/archive/'].sort());
  });

  test('a token from another listing is InvalidArgument; a missing bucket NoSuchBucket', async () => {
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'reports', MaxKeys: 1 }));
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'reports', Prefix: 'other/', ContinuationToken: first.NextContinuationToken })))
      .rejects.toMatchObject({ name: 'InvalidArgument', message: 'The continuation token provided is incorrect' });
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'nope-bucket' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('IAM', () => {
  const principal = 'arn:aws:sts::123456789012:assumed-role/ChargebackReport/report';
  beforeEach(() => fake.state.access().setPrincipal(principal));

  test('identity policy: s3:PutObject on the key, s3:GetObject, s3:ListBucket on the bucket', async () => {
    fake.state.access().setIdentityPolicy([{ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::reports/chargeback/*'] }]);
    await expect(put({})).resolves.toBeDefined();
    await expect(put({ Key: 'elsewhere.csv' })).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: ${principal} is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::reports/elsewhere.csv because no identity-based policy allows the s3:PutObject action`,
      $metadata: { httpStatusCode: 403 },
    });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'chargeback/2026-11.csv' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    // HEAD answers carry no body, so the SDK sees only the status, as with S3
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'reports', Key: 'chargeback/2026-11.csv' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'reports' }))).rejects.toMatchObject({
      name: 'AccessDenied', message: expect.stringContaining('s3:ListBucket on resource: arn:aws:s3:::reports because'),
    });
  });

  test('a missing key is AccessDenied without s3:ListBucket, NoSuchKey with it', async () => {
    fake.state.access().setIdentityPolicy([{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::reports/*'] }]);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'nope' }))).rejects.toMatchObject({ name: 'AccessDenied', message: 'Access Denied' });
    fake.state.access().setIdentityPolicy([{ actions: ['s3:GetObject', 's3:ListBucket'] }]);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'nope' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  test('an explicit deny in an SCP, and a bucket of another account', async () => {
    fake.state.access().deny({ actions: ['s3:*'], policyType: 'service control policy', policyArn: 'arn:aws:organizations::111111111111:policy/o-a/service_control_policy/p-1' });
    await expect(put({})).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringMatching(/with an explicit deny in a service control policy: arn:aws:organizations::/) });
    fake.state.access().clear();
    fake.state.createBucket('their-reports', { accountId: '999988887777' });
    await expect(put({ Bucket: 'their-reports' })).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringMatching(/no resource-based policy allows the s3:PutObject action$/) });
  });
});

describe('faults', () => {
  test('throttling is SlowDown (503), server errors InternalError (500); a retrying client gets through', async () => {
    fake.faults.throttle('s3:*', { times: 1 });
    await expect(put({})).rejects.toMatchObject({ name: 'SlowDown', message: 'Please reduce your request rate.', $metadata: { httpStatusCode: 503 } });
    fake.faults.serverError('s3:GetObject', { times: 1 });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'x' }))).rejects.toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    const retrying = new S3Client({ ...fake.clientConfig(), maxAttempts: 3, retryStrategy: fastRetries(3) });
    try {
      fake.faults.throttle('s3:PutObject', { times: 2 });
      await expect(retrying.send(new PutObjectCommand({ Bucket: 'reports', Key: 'k', Body: 'x' }))).resolves.toMatchObject({ $metadata: { attempts: 3 } });
    } finally {
      retrying.destroy();
    }
    expect(fake.calls.summary()['s3:PutObject']).toMatchObject({ ok: 1, errors: { SlowDown: 3 } });
  });
});

describe('CopyObject', () => {
  const euClient = () => new S3Client({ ...fake.clientConfig({ region: 'eu-west-1' }), maxAttempts: 1 });

  test('copies across Regions server-side (signed for the destination), keeping body, ETag and metadata, with the destination\'s encryption', async () => {
    fake.state.createBucket('assets-eu-west-1', { region: 'eu-west-1', versioned: true });
    const source = await put({ Key: 'abc.zip', Body: 'code', ContentType: 'application/zip', Metadata: { Hash: 'abc' } });
    const eu = euClient();
    const out = await eu.send(new CopyObjectCommand({ Bucket: 'assets-eu-west-1', Key: 'abc.zip', CopySource: 'reports/abc.zip' }));
    expect(out.CopyObjectResult).toMatchObject({ ETag: source.ETag, ChecksumCRC32: source.ChecksumCRC32 });
    expect(out.CopyObjectResult!.LastModified).toBeInstanceOf(Date);
    expect(out.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(out.ServerSideEncryption).toBe('AES256');
    const head = await eu.send(new HeadObjectCommand({ Bucket: 'assets-eu-west-1', Key: 'abc.zip' }));
    expect(head).toMatchObject({ ContentType: 'application/zip', Metadata: { hash: 'abc' }, ContentLength: 4 });
    expect(fake.state.objects('assets-eu-west-1')[0].body.toString()).toBe('code');
    eu.destroy();
  });

  test('the request must be signed for the destination bucket\'s Region', async () => {
    fake.state.createBucket('assets-eu-west-1', { region: 'eu-west-1' });
    await put({ Key: 'abc.zip', Body: 'code' });
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'assets-eu-west-1', Key: 'abc.zip', CopySource: 'reports/abc.zip' })))
      .rejects.toMatchObject({ name: 'AuthorizationHeaderMalformed' });
  });

  test('a missing source key is NoSuchKey, a missing source or destination bucket NoSuchBucket', async () => {
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'b', CopySource: 'reports/missing' })))
      .rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'b', CopySource: 'nowhere/a' })))
      .rejects.toMatchObject({ name: 'NoSuchBucket', BucketName: 'nowhere' });
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'nowhere', Key: 'b', CopySource: 'reports/a' })))
      .rejects.toMatchObject({ name: 'NoSuchBucket', BucketName: 'nowhere' });
  });

  test('IAM: s3:GetObject on the source and s3:PutObject on the destination; a missing source without s3:ListBucket is AccessDenied', async () => {
    await put({ Key: 'src/a b.zip', Body: 'x' });
    fake.state.access().setIdentityPolicy([{ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::reports/dst/*'] }]);
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'dst/a', CopySource: 'reports/src/a%20b.zip' })))
      .rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('s3:GetObject on resource: arn:aws:s3:::reports/src/a b.zip') });
    fake.state.access().setIdentityPolicy([{ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::reports/dst/*'] },
      { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::reports/src/*'] }]);
    await s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'dst/a', CopySource: 'reports/src/a%20b.zip' }));
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'dst/b', CopySource: 'reports/src/missing' })))
      .rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  });

  test('ExpectedBucketOwner and ExpectedSourceBucketOwner of another account are AccessDenied', async () => {
    await put({ Key: 'a', Body: 'x' });
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'b', CopySource: 'reports/a', ExpectedBucketOwner: '111111111111' })))
      .rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'b', CopySource: 'reports/a', ExpectedSourceBucketOwner: '111111111111' })))
      .rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'reports', Key: 'a', ExpectedBucketOwner: '111111111111' })))
      .rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'b', CopySource: 'reports/a', ExpectedBucketOwner: '123456789012' }));
  });

  test('copying an object onto itself unchanged is InvalidRequest; members the fake does not implement are NotImplemented', async () => {
    await put({ Key: 'a', Body: 'x' });
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'a', CopySource: 'reports/a' })))
      .rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'b', CopySource: 'reports/a', TaggingDirective: 'REPLACE' })))
      .rejects.toMatchObject({ name: 'NotImplemented' });
  });

  test('the model is enforced: a CopySource without a key is refused', async () => {
    await expect(s3.send(new CopyObjectCommand({ Bucket: 'reports', Key: 'b', CopySource: 'reports' })))
      .rejects.toMatchObject({ name: 'InvalidArgument' });
  });
});
