/**
 * The asset-replication handler with the real @aws-sdk/client-s3 against the local AWS fake: one
 * client per Region, each copy signed for its destination's Region.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { onEvent } from '../../../lambda/asset-replication/on-event';
import { MAX_COPY_OBJECT_BYTES, replicateAssets, ReplicationContext } from '../../../lambda/asset-replication/replicate';
import { CfnEvent } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import { AwsFake, startAwsFake } from '../../fakes/aws';

const ACCOUNT = '123456789012';
const SOURCE = `cdk-hnb659fds-assets-${ACCOUNT}-us-east-1`;
const PREFIX = 'org-assets';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const KEY_A = '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9.zip';
const KEY_B = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100.zip';

let fake: AwsFake;
let clients: Map<string, S3Client>;
let ctx: ReplicationContext;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: ACCOUNT });
});
afterAll(async () => fake.stop());
beforeEach(() => {
  clients = new Map();
  ctx = {
    s3For: (region) => {
      if (!clients.has(region)) clients.set(region, new S3Client({ ...fake.clientConfig({ region }), maxAttempts: 1 }));
      return clients.get(region)!;
    },
    sourceRegion: 'us-east-1',
    retry: { sleep: async () => undefined, maxAttempts: 4 },
    log: silentLogger,
  };
  fake.state.createBucket(SOURCE, { region: 'us-east-1', versioned: true });
  for (const region of REGIONS) fake.state.createBucket(`${PREFIX}-${region}`, { region, versioned: true });
});
afterEach(() => {
  for (const client of clients.values()) client.destroy();
  fake.reset();
});

async function publish(key: string, body: string): Promise<void> {
  await ctx.s3For('us-east-1').send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: body }));
}

const spec = (keys = [KEY_A, KEY_B], regions = REGIONS) => ({
  bucketPrefix: PREFIX,
  regions,
  assets: keys.map((objectKey) => ({ sourceBucketName: SOURCE, objectKey })),
  bucketOwner: ACCOUNT,
});

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x',
  ResponseURL: '...',
  StackId: 's',
  RequestId: 'r',
  LogicalResourceId: 'Replication',
  ResourceType: 'Custom::StackSetAssetReplication',
};
const properties = (extra: Record<string, unknown> = {}) => ({
  ServiceToken: base.ServiceToken,
  SchemaVersion: '1',
  BucketPrefix: PREFIX,
  Regions: REGIONS,
  Assets: [{ SourceBucketName: SOURCE, ObjectKey: KEY_A }],
  BucketOwner: ACCOUNT,
  ...extra,
});

describe('replicateAssets', () => {
  test('every asset lands in every Region\'s bucket, byte for byte, SSE-S3, each copy signed for its destination\'s Region', async () => {
    await publish(KEY_A, 'code A');
    await publish(KEY_B, 'code B');
    const result = await replicateAssets(spec(), ctx);
    expect(result.copied).toHaveLength(6);
    expect(result.skipped).toEqual([]);
    for (const region of REGIONS) {
      const objects = fake.state.objects(`${PREFIX}-${region}`);
      expect(objects.map((o) => [o.key, o.body.toString(), o.sse])).toEqual([[KEY_A, 'code A', 'AES256'], [KEY_B, 'code B', 'AES256']]);
      expect(fake.calls.count({ operation: 'CopyObject', region, outcome: 'ok' })).toBe(2);
    }
  });

  test('a second run copies nothing: HeadObject finds every object in place', async () => {
    await publish(KEY_A, 'code A');
    await publish(KEY_B, 'code B');
    await replicateAssets(spec(), ctx);
    const copies = fake.calls.count('CopyObject');
    const again = await replicateAssets(spec(), ctx);
    expect(again.copied).toEqual([]);
    expect(again.skipped).toHaveLength(6);
    expect(fake.calls.count('CopyObject')).toBe(copies);
  });

  test('a new Region gets only its copies', async () => {
    await publish(KEY_A, 'code A');
    await replicateAssets(spec([KEY_A], ['us-east-1']), ctx);
    const result = await replicateAssets(spec([KEY_A], ['us-east-1', 'eu-west-1']), ctx);
    expect(result.copied).toEqual([`${PREFIX}-eu-west-1/${KEY_A}`]);
    expect(result.skipped).toEqual([`${PREFIX}-us-east-1/${KEY_A}`]);
  });

  test('a missing source fails naming the asset (its bucket and key); the other assets are still copied', async () => {
    await publish(KEY_A, 'code A');
    await expect(replicateAssets(spec(), ctx)).rejects.toThrow(
      new RegExp(`1 asset copy failed: asset s3://${SOURCE}/${KEY_B} was not found in its source bucket`));
    expect(fake.state.objects(`${PREFIX}-eu-west-1`).map((o) => o.key)).toEqual([KEY_A]);
  });

  test('a missing destination bucket fails naming the bucket and its Region', async () => {
    await publish(KEY_A, 'code A');
    const regions = ['eu-west-1', 'ca-central-1'];
    await expect(replicateAssets(spec([KEY_A], regions), ctx)).rejects.toThrow(
      `the asset bucket ${PREFIX}-ca-central-1 of Region ca-central-1 does not exist: deploy an OrganizationAssetBucket with bucketPrefix '${PREFIX}' `
      + `in a stack of ca-central-1 first (copying asset ${KEY_A})`);
    expect(fake.state.objects(`${PREFIX}-eu-west-1`)).toHaveLength(1);
  });

  test('throttling (SlowDown, 503) is retried with backoff until the copy goes through', async () => {
    await publish(KEY_A, 'code A');
    fake.faults.throttle('s3:CopyObject', { times: 2 });
    fake.faults.throttle('s3:HeadObject', { times: 1 });
    const result = await replicateAssets(spec([KEY_A], ['eu-west-1']), ctx);
    expect(result.copied).toEqual([`${PREFIX}-eu-west-1/${KEY_A}`]);
    expect(fake.calls.count({ operation: 'CopyObject', outcome: 'error', errorCode: 'SlowDown' })).toBe(2);
    expect(fake.calls.count({ operation: 'CopyObject', outcome: 'ok' })).toBe(1);
  });

  test('retries are bounded: throttling that does not stop fails the copy', async () => {
    await publish(KEY_A, 'code A');
    fake.faults.throttle('s3:CopyObject');
    await expect(replicateAssets(spec([KEY_A], ['eu-west-1']), ctx)).rejects.toThrow(/CopyObject failed: SlowDown/);
    expect(fake.calls.count('CopyObject')).toBe(4);
  });

  test('a bucket of the same name owned by another account is refused (ExpectedBucketOwner), never written to', async () => {
    fake.reset();
    fake.state.createBucket(SOURCE, { region: 'us-east-1' });
    fake.state.createBucket(`${PREFIX}-eu-west-1`, { region: 'eu-west-1', accountId: '999999999999' });
    await publish(KEY_A, 'code A');
    await expect(replicateAssets(spec([KEY_A], ['eu-west-1']), ctx)).rejects.toThrow(new RegExp(`${PREFIX}-eu-west-1/${KEY_A} \\(Region eu-west-1\\)`));
    expect(fake.state.objects(`${PREFIX}-eu-west-1`)).toEqual([]);
  });

  test('at most `concurrency` copies run at once', async () => {
    await publish(KEY_A, 'code A');
    let running = 0;
    let peak = 0;
    const tracked: ReplicationContext = {
      ...ctx,
      concurrency: 2,
      s3For: (region) => {
        const client = ctx.s3For(region);
        return {
          send: async (command: never) => {
            running++;
            peak = Math.max(peak, running);
            try {
              return await client.send(command);
            } finally {
              running--;
            }
          },
        } as unknown as S3Client;
      },
    };
    for (const region of ['us-west-2', 'eu-central-1', 'ap-northeast-1']) fake.state.createBucket(`${PREFIX}-${region}`, { region });
    await replicateAssets(spec([KEY_A], [...REGIONS, 'us-west-2', 'eu-central-1', 'ap-northeast-1']), tracked);
    expect(peak).toBe(2);
  });

  test('an object over 5 GB is refused before any copy, naming the asset and the limit (CopyObject copies at most 5 GB)', async () => {
    const sent: string[] = [];
    const stub = {
      send: async (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return { ContentLength: MAX_COPY_OBJECT_BYTES + 1 };
      },
    } as unknown as S3Client;
    await expect(replicateAssets(spec([KEY_A], ['eu-west-1']), { ...ctx, s3For: () => stub })).rejects.toThrow(
      `asset s3://${SOURCE}/${KEY_A} is 5368709121 bytes: CopyObject copies at most 5 GB (5368709120 bytes); `
      + 'larger objects need a multipart copy (UploadPartCopy), which this replication does not do');
    expect(sent).toEqual(['HeadObjectCommand']);
  });
});

describe('onEvent', () => {
  test('Create copies and answers a stable physical ID; Update copies what is new and keeps it', async () => {
    await publish(KEY_A, 'code A');
    await publish(KEY_B, 'code B');
    const created = await onEvent({ ...base, RequestType: 'Create', ResourceProperties: properties() } as CfnEvent, ctx);
    expect(created).toEqual({ PhysicalResourceId: `stackset-assets:${PREFIX}`, Data: { Copied: '3', Skipped: '0' } });
    const updated = await onEvent({
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: created.PhysicalResourceId,
      OldResourceProperties: properties(),
      ResourceProperties: properties({ Assets: [{ SourceBucketName: SOURCE, ObjectKey: KEY_A }, { SourceBucketName: SOURCE, ObjectKey: KEY_B }] }),
    } as CfnEvent, ctx);
    expect(updated).toEqual({ PhysicalResourceId: created.PhysicalResourceId, Data: { Copied: '3', Skipped: '3' } });
  });

  test('Delete deletes nothing and calls nothing (the copies may serve other stack set versions or a rollback)', async () => {
    await publish(KEY_A, 'code A');
    await onEvent({ ...base, RequestType: 'Create', ResourceProperties: properties() } as CfnEvent, ctx);
    const calls = fake.calls.all().length;
    const deleted = await onEvent({ ...base, RequestType: 'Delete', PhysicalResourceId: 'stackset-assets:org-assets', ResourceProperties: properties() } as CfnEvent, ctx);
    expect(deleted).toEqual({ PhysicalResourceId: 'stackset-assets:org-assets' });
    expect(fake.calls.all()).toHaveLength(calls);
    expect(fake.state.objects(`${PREFIX}-eu-west-1`)).toHaveLength(1);
  });

  test('invalid properties fail before any call, naming each bad field', async () => {
    const event = {
      ...base,
      RequestType: 'Create',
      ResourceProperties: properties({
        Regions: ['eu-west-1', 'EU'], Assets: [{ SourceBucketName: SOURCE }], BucketOwner: '12', SchemaVersion: '2',
      }),
    } as CfnEvent;
    const error = await onEvent(event, ctx).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid properties of the stack-set asset replication: SchemaVersion 2 is newer than this handler understands/);
    expect(message).toContain('Regions[1] \'EU\' must be a Region name');
    expect(message).toContain('Assets[0].ObjectKey \'undefined\' must be an S3 key of 1–1,024 bytes');
    expect(message).toContain('BucketOwner \'12\' must be a 12-digit account ID');
    expect(fake.calls.all()).toEqual([]);
  });
});
