/**
 * The shipped asset-replication bundle (assets/lambda/asset-replication/index.js, rebuilt by
 * `npx projen bundle`) against the local AWS fake: its own S3 client per Region, reached through
 * the endpoint variables, as in a deployed function.
 */
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
const ACCOUNT = '123456789012';
const SOURCE = `cdk-hnb659fds-assets-${ACCOUNT}-us-east-1`;
const KEY = `${'c3'.repeat(32)}.zip`;

let bundle: ShippedBundle<Handler>;
beforeAll(async () => {
  bundle = await loadShippedBundle<Handler>('asset-replication', ACCOUNT);
});
afterAll(async () => bundle.close());

test('Create copies the asset into each Region\'s bucket with a client signed for that Region; a rerun copies nothing', async () => {
  const { fake } = bundle;
  fake.state.createBucket(SOURCE, { region: 'us-east-1' });
  fake.state.createBucket('org-assets-eu-central-1', { region: 'eu-central-1' });
  fake.state.createBucket('org-assets-ap-northeast-1', { region: 'ap-northeast-1' });
  fake.state.objectStore.put({
    bucket: SOURCE,
    key: KEY,
    body: Buffer.from('zip'),
    contentType: 'application/zip',
    sse: 'aws:kms',
    etag: '"x"',
    metadata: {},
    lastModified: new Date(),
    checksums: {},
    storageClass: 'STANDARD',
  });
  const event = {
    RequestType: 'Create',
    ServiceToken: 'x',
    ResponseURL: 'x',
    StackId: 'x',
    RequestId: 'x',
    LogicalResourceId: 'Replication',
    ResourceType: 'Custom::StackSetAssetReplication',
    ResourceProperties: {
      ServiceToken: 'x',
      SchemaVersion: '1',
      BucketPrefix: 'org-assets',
      Regions: ['eu-central-1', 'ap-northeast-1'],
      Assets: [{ SourceBucketName: SOURCE, ObjectKey: KEY }],
      BucketOwner: ACCOUNT,
    },
  };
  expect(await bundle.handler(event)).toEqual({ PhysicalResourceId: 'stackset-assets:org-assets', Data: { Copied: '2', Skipped: '0' } });
  expect(fake.calls.count({ operation: 'CopyObject', region: 'eu-central-1', outcome: 'ok' })).toBe(1);
  expect(fake.calls.count({ operation: 'CopyObject', region: 'ap-northeast-1', outcome: 'ok' })).toBe(1);
  expect(fake.state.objects('org-assets-eu-central-1')).toEqual([expect.objectContaining({ key: KEY, sse: 'AES256' })]);
  expect(await bundle.handler(event)).toMatchObject({ Data: { Copied: '0', Skipped: '2' } });
});
