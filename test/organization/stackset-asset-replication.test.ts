import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { App, Aws, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { onEvent } from '../../lambda/asset-replication/on-event';
import { parseReplicationProperties } from '../../lambda/asset-replication/properties';
import { CfnEvent } from '../../lambda/shared/cfn-event';
import { silentLogger } from '../../lambda/shared/log';
import { ASSET_REPLICATION_RESOURCE_TYPE } from '../../src/contracts/asset-replication';
import { OrganizationAssetBucket } from '../../src/organization/organization-asset-bucket';
import { StackSetAssetReplication, StackSetAssetReplicationProps } from '../../src/organization/stackset-asset-replication';
import { AwsFake, startAwsFake } from '../fakes/aws';
import { deliveredProperties } from '../support/cfn-delivery';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';
import { roleStatements } from '../support/role-statements';

const ACCOUNT = '999988887777';
const SOURCE = `cdk-hnb659fds-assets-${ACCOUNT}-us-east-1`;
const KEY_A = 'a1'.repeat(32) + '.zip';
const KEY_B = 'b2'.repeat(32) + '.zip';
const PROPS: StackSetAssetReplicationProps = {
  assets: [{ sourceBucketName: SOURCE, objectKey: KEY_A }, { sourceBucketName: SOURCE, objectKey: KEY_B }],
  bucketPrefix: 'acme-assets',
  regions: ['us-east-1', 'eu-west-1'],
};

function replicationIn(props: StackSetAssetReplicationProps = PROPS, env: { account?: string; region?: string } | null = { account: ACCOUNT, region: 'us-east-1' }) {
  const app = new App();
  const stack = new Stack(app, 'Deploy', env ? { env } : {});
  const replication = new StackSetAssetReplication(stack, 'Replication', props);
  return { stack, replication, template: Template.fromStack(stack) };
}

const statementsOf = (template: Template) => Object.values(template.findResources('AWS::IAM::Policy'))
  .filter((p) => JSON.stringify(p.Properties.Roles).includes('StackSetAssetReplicationProviderHandlerOnEventRole'))
  .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);

describe('StackSetAssetReplication', () => {
  test('one custom resource lists the assets, the Regions, the prefix and the bucket owner', () => {
    const { template, replication } = replicationIn();
    template.resourceCountIs(ASSET_REPLICATION_RESOURCE_TYPE, 1);
    template.hasResource(ASSET_REPLICATION_RESOURCE_TYPE, {
      DeletionPolicy: 'Delete',
      Properties: {
        ServiceToken: Match.anyValue(),
        SchemaVersion: '1',
        BucketPrefix: 'acme-assets',
        Regions: ['us-east-1', 'eu-west-1'],
        Assets: [{ SourceBucketName: SOURCE, ObjectKey: KEY_A }, { SourceBucketName: SOURCE, ObjectKey: KEY_B }],
        BucketOwner: ACCOUNT,
      },
    });
    expect(replication.bucketNames).toEqual(['acme-assets-us-east-1', 'acme-assets-eu-west-1']);
  });

  test('least privilege: GetObject on exactly the source objects; Get/PutObject on the Regions\' asset buckets\' objects; ListBucket on those buckets', () => {
    const { template } = replicationIn();
    const s3Statements = statementsOf(template).filter((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3Statements).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${SOURCE}/${KEY_A}`]] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${SOURCE}/${KEY_B}`]] },
        ],
      },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-assets-us-east-1/*']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-assets-eu-west-1/*']] },
        ],
      },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-assets-us-east-1']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-assets-eu-west-1']] },
        ],
      },
    ]);
    expect(JSON.stringify(statementsOf(template))).not.toMatch(/s3:\*|"Resource":"\*"|s3:PutObjectAcl|s3:PutObjectTagging/);
  });

  test('one provider per stack; a second replication adds only its new ARNs', () => {
    const app = new App();
    const stack = new Stack(app, 'Deploy', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new StackSetAssetReplication(stack, 'One', PROPS);
    new StackSetAssetReplication(stack, 'Two', { ...PROPS, regions: ['eu-west-1', 'ap-southeast-2'], assets: [PROPS.assets[0]] });
    const template = Template.fromStack(stack);
    template.resourceCountIs(ASSET_REPLICATION_RESOURCE_TYPE, 2);
    template.resourceCountIs('AWS::Lambda::Function', 2); // the handler and the Provider framework's function
    const resources = JSON.stringify(statementsOf(template).map((s) => s.Resource));
    expect(resources.match(/acme-assets-eu-west-1\/\*/g)).toHaveLength(1);
    expect(resources).toContain('acme-assets-ap-southeast-2/*');
  });

  test('a dependant can wait for the copies: the custom resource is exposed and the construct works as a dependency', () => {
    const { stack, replication } = replicationIn();
    const after = new OrganizationAssetBucket(new Stack(stack.node.scope as App, 'Other', { env: { region: 'eu-west-2' } }), 'B',
      { bucketPrefix: 'x-assets', organizationId: 'o-a1b2c3d4e5' });
    expect(replication.resource.node.defaultChild).toBeDefined();
    after.node.addDependency(replication);
    expect(after.node.dependencies).toContain(replication);
  });

  test.each([
    [{ regions: [] }, 'Deploy/Replication: regions must name at least one Region'],
    [{ regions: ['us-east-1', 'us-east-1'] }, 'Deploy/Replication: regions name \'us-east-1\' more than once'],
    [{ regions: ['Europe'] }, /^Deploy\/Replication: regions 'Europe' must be a Region name matching/],
    [{ regions: [Aws.REGION] }, /^Deploy\/Replication: regions must be literal Region names, not tokens/],
    [{ assets: [] }, /^Deploy\/Replication: assets must list at least one asset/],
    [{ assets: [{ sourceBucketName: SOURCE, objectKey: '' }] }, /^Deploy\/Replication: assets\[0\]\.objectKey '' must be 1–1024 bytes/],
    [{ assets: [{ sourceBucketName: SOURCE, objectKey: Fn.ref('Key') }] }, /^Deploy\/Replication: assets\[0\]\.objectKey must be a literal key/],
    [{ assets: [PROPS.assets[0], { sourceBucketName: 'other-bucket', objectKey: KEY_A }] }, /assets\[1\]\.objectKey '.*' is listed with two source buckets/],
    [{ bucketPrefix: 'Acme' }, /^Deploy\/Replication: bucketPrefix 'Acme' must match/],
    [{ bucketPrefix: 'a'.repeat(48) }, /^Deploy\/Replication: bucketPrefix '.*' must be 1–47 characters long/],
  ])('%j is refused, naming the path, the prop and the rule', (change, message) => {
    expect(() => replicationIn({ ...PROPS, ...change } as StackSetAssetReplicationProps)).toThrow(message);
  });

  test('the same asset twice is listed once', () => {
    const { template } = replicationIn({ ...PROPS, assets: [PROPS.assets[0], PROPS.assets[0]] });
    template.hasResourceProperties(ASSET_REPLICATION_RESOURCE_TYPE, { Assets: [{ SourceBucketName: SOURCE, ObjectKey: KEY_A }] });
  });

  test('token-aware: an environment-agnostic stack with the bootstrap bucket name made of pseudo parameters', () => {
    const source = `cdk-hnb659fds-assets-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    const { stack, template } = replicationIn({ ...PROPS, assets: [{ sourceBucketName: source, objectKey: KEY_A }] }, null);
    template.hasResourceProperties(ASSET_REPLICATION_RESOURCE_TYPE, {
      Assets: [{ SourceBucketName: { 'Fn::Join': ['', ['cdk-hnb659fds-assets-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] }, ObjectKey: KEY_A }],
      BucketOwner: { Ref: 'AWS::AccountId' },
    });
    expectNagClean(stack);
  });

  test('the synthesized properties, as CloudFormation delivers them, are what the handler parses', () => {
    const { template } = replicationIn();
    const resource = Object.values(template.findResources(ASSET_REPLICATION_RESOURCE_TYPE))[0];
    expect(parseReplicationProperties(deliveredProperties(resource, { accountId: ACCOUNT }))).toEqual({
      bucketPrefix: 'acme-assets',
      regions: ['us-east-1', 'eu-west-1'],
      assets: PROPS.assets,
      bucketOwner: ACCOUNT,
    });
  });

  test('cdk-nag AwsSolutions on a stack with both constructs: no unacknowledged finding; the template matches the CloudFormation schemas', () => {
    const app = new App();
    const stack = new Stack(app, 'Deploy', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const bucket = new OrganizationAssetBucket(stack, 'AssetBucket', { bucketPrefix: 'acme-assets', organizationId: 'o-a1b2c3d4e5' });
    const replication = new StackSetAssetReplication(stack, 'Replication', { ...PROPS, regions: ['us-east-1'] });
    replication.node.addDependency(bucket);
    expectNagClean(stack);
    expectSchemaValid(stack);
  });
});

describe('the handler with the synthesized role\'s permissions, against the AWS fake', () => {
  let fake: AwsFake;
  beforeAll(async () => {
    fake = await startAwsFake({ accountId: ACCOUNT });
  });
  afterAll(async () => fake.stop());

  test('the copies succeed with exactly the granted permissions', async () => {
    const { stack, template } = replicationIn();
    fake.state.createBucket(SOURCE, { region: 'us-east-1' });
    fake.state.createBucket('acme-assets-us-east-1', { region: 'us-east-1' });
    fake.state.createBucket('acme-assets-eu-west-1', { region: 'eu-west-1' });
    const clients = new Map<string, S3Client>();
    const s3For = (region: string) => {
      if (!clients.has(region)) clients.set(region, new S3Client({ ...fake.clientConfig({ region }), maxAttempts: 1 }));
      return clients.get(region)!;
    };
    for (const key of [KEY_A, KEY_B]) await s3For('us-east-1').send(new PutObjectCommand({ Bucket: SOURCE, Key: key, Body: key }));
    fake.state.access().setIdentityPolicy(roleStatements(stack, /^StackSetAssetReplicationProviderHandlerOnEventRole/));
    const resource = Object.values(template.findResources(ASSET_REPLICATION_RESOURCE_TYPE))[0];
    const event = {
      RequestType: 'Create',
      ServiceToken: 'x',
      ResponseURL: 'x',
      StackId: 'x',
      RequestId: 'x',
      LogicalResourceId: 'Replication',
      ResourceType: ASSET_REPLICATION_RESOURCE_TYPE,
      ResourceProperties: deliveredProperties(resource, { accountId: ACCOUNT }),
    } as CfnEvent;
    const ctx = { s3For, sourceRegion: 'us-east-1', retry: { sleep: async () => undefined }, log: silentLogger };
    expect(await onEvent(event, ctx)).toMatchObject({ Data: { Copied: '4', Skipped: '0' } });
    expect(await onEvent(event, ctx)).toMatchObject({ Data: { Copied: '0', Skipped: '4' } });
    // the only errors: the first run's HeadObject of each destination (404, not there yet); never AccessDenied
    expect(fake.calls.count({ outcome: 'error', errorCode: 'AccessDenied' })).toBe(0);
    expect(fake.calls.count({ outcome: 'error' })).toBe(fake.calls.count({ outcome: 'error', operation: 'HeadObject', errorCode: 'NoSuchKey' }));
    expect(fake.calls.count({ outcome: 'error' })).toBe(4);
    expect(fake.state.objects('acme-assets-eu-west-1').map((o) => o.key)).toEqual([KEY_A, KEY_B]);
    for (const client of clients.values()) client.destroy();
  });
});
