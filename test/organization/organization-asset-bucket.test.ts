import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  assetBucketPrefixProblem, MAX_ASSET_BUCKET_PREFIX_LENGTH, OrganizationAssetBucket, OrganizationAssetBucketProps, organizationAssetBucketName,
} from '../../src/organization/organization-asset-bucket';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const ORG = 'o-a1b2c3d4e5';
const PROPS: OrganizationAssetBucketProps = { bucketPrefix: 'acme-bedrock-assets', organizationId: ORG };

function bucketIn(props: OrganizationAssetBucketProps = PROPS, region: string | null = 'eu-west-1') {
  const app = new App();
  const stack = new Stack(app, 'Assets', { env: region ? { account: '999988887777', region } : undefined });
  const bucket = new OrganizationAssetBucket(stack, 'AssetBucket', props);
  return { stack, bucket, template: Template.fromStack(stack) };
}

describe('OrganizationAssetBucket', () => {
  test('the bucket is <prefix>-<Region>, versioned, SSE-S3, with every public access block and ACLs disabled; retained by default', () => {
    const { bucket, template } = bucketIn();
    expect(bucket.bucketName).toBe('acme-bedrock-assets-eu-west-1');
    expect(organizationAssetBucketName('acme-bedrock-assets', 'eu-west-1')).toBe(bucket.bucketName);
    expect(OrganizationAssetBucket.bucketNameFor('acme-bedrock-assets', 'eu-west-1')).toBe(bucket.bucketName);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketName: 'acme-bedrock-assets-eu-west-1',
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
    });
  });

  test('the policy lets the organization read objects (s3:GetObject only, on <bucket>/*) and denies every request without TLS', () => {
    const { template } = bucketIn();
    const policies = template.findResources('AWS::S3::BucketPolicy');
    const statements = Object.values(policies)[0].Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual({
      Sid: 'OrganizationReadsAssets',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.any(String), 'Arn'] }, '/*']] },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
    });
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
  });

  test('the removal policy and server access logs can be chosen', () => {
    const app = new App();
    const stack = new Stack(app, 'Assets', { env: { region: 'us-east-1' } });
    const logs = new s3.Bucket(stack, 'Logs');
    new OrganizationAssetBucket(stack, 'AssetBucket', {
      ...PROPS, removalPolicy: RemovalPolicy.DESTROY, serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'assets/',
    });
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: { BucketName: 'acme-bedrock-assets-us-east-1', LoggingConfiguration: { LogFilePrefix: 'assets/' } },
    });
  });

  test('a stack without a literal Region is refused, naming the construct path and the prop', () => {
    expect(() => bucketIn(PROPS, null)).toThrow(/^Assets\/AssetBucket: env.region of the stack must be a literal Region/);
  });

  test.each([
    ['Acme', /'Acme' must match \^\[a-z0-9\]\[a-z0-9-\]\*\$/],
    ['acme.assets', /dots are refused/],
    ['-acme', /must match/],
    ['xn--acme', /must not start with 'xn--' \(reserved by S3\)/],
    ['sthree-acme', /must not start with 'sthree-'/],
    ['', /must be 1–47 characters long \(got 0\)/],
    ['a'.repeat(48), /must be 1–47 characters long \(got 48\)/],
  ])('bucketPrefix %j is refused naming the rule', (prefix, rule) => {
    expect(() => bucketIn({ ...PROPS, bucketPrefix: prefix })).toThrow(/^Assets\/AssetBucket: bucketPrefix /);
    expect(() => bucketIn({ ...PROPS, bucketPrefix: prefix })).toThrow(rule);
  });

  test('the longest prefix fits 63 characters with the longest Region name', () => {
    expect(MAX_ASSET_BUCKET_PREFIX_LENGTH).toBe(47);
    expect(OrganizationAssetBucket.MAX_PREFIX_LENGTH).toBe(47);
    const name = organizationAssetBucketName('a'.repeat(47), 'us-isof-south-1');
    expect(name).toHaveLength(63);
    expect(assetBucketPrefixProblem('a'.repeat(47), 'us-isof-south-1')).toBeUndefined();
    expect(bucketIn({ ...PROPS, bucketPrefix: 'a'.repeat(47) }, 'ap-southeast-7').bucket.bucketName).toHaveLength(62);
  });

  test('organizationId must be an organization ID', () => {
    expect(() => bucketIn({ ...PROPS, organizationId: 'o-short' }))
      .toThrow('Assets/AssetBucket: organizationId \'o-short\' must match ^o-[a-z0-9]{10,32}$ (an AWS Organizations organization ID)');
    expect(() => bucketIn({ ...PROPS, organizationId: '123456789012' })).toThrow(/organizationId/);
  });

  test('tokens are not judged: a parameter as organization ID and as prefix', () => {
    const app = new App();
    const stack = new Stack(app, 'Assets', { env: { region: 'eu-west-1' } });
    const org = new CfnParameter(stack, 'OrgId');
    const prefix = new CfnParameter(stack, 'Prefix');
    new OrganizationAssetBucket(stack, 'AssetBucket', { bucketPrefix: prefix.valueAsString, organizationId: org.valueAsString });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: { 'Fn::Join': ['', [{ Ref: 'Prefix' }, '-eu-west-1']] } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrgId' } } } })]) },
    });
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding (S1 acknowledged with its reason); the template matches the CloudFormation schemas', () => {
    const { stack } = bucketIn();
    expectNagClean(stack);
    expectSchemaValid(stack);
  });
});
