import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { resolverConfigFromEnv } from '../../lambda/profile-resolver/config';
import { syncConfigFromEnv } from '../../lambda/profile-resolver/sync';
import { CostAllocationTagSchema, ProfileCatalog, ProfileResolver, ProfileResolverProps } from '../../src';
import { SYNC_OWNER_TAG } from '../../src/contracts/profile-resolver';
import { acknowledgeNagFinding } from '../../src/util/nag-acknowledgement';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const ENV = { account: '111122223333', region: 'us-east-1' };
const schema = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting'] });

function build(props: Partial<ProfileResolverProps> & { withCatalog?: boolean } = {}) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const { withCatalog, ...rest } = props;
  const catalog = withCatalog ? new ProfileCatalog(stack, 'Catalog', { prefix: '/bedrock/profiles' }) : undefined;
  const resolver = new ProfileResolver(stack, 'Resolver', { tagSchema: schema, ...(catalog ? { catalog } : {}), ...rest });
  return { stack, catalog, resolver };
}

/** The function's environment with every value a string, as Lambda passes it (tokens replaced by a placeholder). */
function functionEnvironment(stack: Stack): Record<string, string> {
  const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Runtime: 'nodejs24.x' } });
  const [fn] = Object.values(fns);
  const vars = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `<${JSON.stringify(v)}>`]));
}

function policyStatements(stack: Stack, rolePattern: string): Record<string, unknown>[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify((p.Properties as { Roles: unknown }).Roles).includes(rolePattern))
    .flatMap((p) => (p.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } }).PolicyDocument.Statement);
}

const ssmArn = (path: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111122223333:parameter/${path}`]] });

describe('ProfileResolver', () => {
  test('the pre-bundled handler on Node.js 24 ARM64, logs encrypted with KMS and kept a year', () => {
    const { stack } = build();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 60,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^ResolverHandlerLogs') } },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResolverHandlerLogKey'), 'Arn'] } });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the environment, as Lambda delivers it, parses in the handler to the settings given', () => {
    const bucket = (stack: Stack) => new s3.Bucket(stack, 'Snapshots', { enforceSSL: true });
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/bedrock/profiles' });
    const resolver = new ProfileResolver(stack, 'Resolver', {
      tagSchema: schema,
      catalog,
      tenantKeyTags: ['dept', 'team'],
      ttl: Duration.minutes(10),
      negativeTtl: Duration.seconds(5),
      staleWhileRevalidate: Duration.minutes(1),
      syncPutsPerSecond: 2,
      snapshotBucket: bucket(stack),
      snapshotKey: 'resolver/index.json',
    });
    const env = functionEnvironment(stack);
    const config = resolverConfigFromEnv(env);
    expect(config).toMatchObject({
      ttlMs: 600_000,
      negativeTtlMs: 5_000,
      staleMs: 60_000,
      catalog: { prefix: '/bedrock/profiles' },
      snapshot: { bucket: expect.stringContaining('Ref'), key: 'resolver/index.json' },
    });
    expect(syncConfigFromEnv({ ...env, AWS_REGION: 'us-east-1' })).toEqual({
      prefix: '/bedrock/profiles',
      tenantKeyTags: ['dept', 'team'],
      owner: resolver.syncOwner,
      putsPerSecond: 2,
      arnPrefixLength: 'arn:aws:ssm:us-east-1:000000000000:parameter/'.length,
    });
    expect(resolver.syncOwner).toMatch(/^Stack-Resolver-[0-9A-F]{8}$/);
    expect(JSON.parse(env.TAG_SCHEMA)).toEqual({
      keys: [
        { key: 'dept', required: true, allowedValues: ['claims', 'underwriting'] },
        { key: 'project', pattern: '[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}' },
        { key: 'environment', allowedValues: ['dev', 'test', 'staging', 'prod'] },
        { key: 'application', pattern: '[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}' },
        { key: 'team', pattern: '[a-z0-9][a-z0-9-]{0,62}' },
      ],
      allowUnknownKeys: true,
    });
  });

  test('without a catalog sync: defaults in the environment, no schedule, no Parameter Store writes', () => {
    const { stack } = build({ withCatalog: true });
    const env = functionEnvironment(stack);
    expect(env).toEqual({
      TAG_SCHEMA: expect.any(String),
      CACHE_TTL_SECONDS: '300',
      NEGATIVE_CACHE_TTL_SECONDS: '30',
      STALE_WHILE_REVALIDATE_SECONDS: '300',
      CATALOG_PREFIX: '/bedrock/profiles',
    });
    expect(syncConfigFromEnv(env)).toBeUndefined();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Scheduler::Schedule', 0);
    t.resourceCountIs('AWS::Events::Rule', 0);
    const actions = policyStatements(stack, 'ResolverHandlerRole').flatMap((s) => [s.Action].flat());
    expect(actions).not.toEqual(expect.arrayContaining(['ssm:PutParameter']));
    expect(actions).not.toEqual(expect.arrayContaining(['ssm:DeleteParameter']));
  });

  test('least privilege: listing profiles on *, the catalog by its prefix, deletions only of entries the sync owns', () => {
    const { stack, resolver } = build({ withCatalog: true, tenantKeyTags: ['dept'] });
    const statements = policyStatements(stack, 'ResolverHandlerRole');
    expect(statements).toEqual([
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ResolverHandlerLogs/), 'Arn'] } },
      { Sid: 'FindProfilesByTags', Effect: 'Allow', Action: ['tag:GetResources', 'bedrock:ListInferenceProfiles'], Resource: '*' },
      { Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'], Resource: [ssmArn('bedrock/profiles'), ssmArn('bedrock/profiles/*')] },
      { Sid: 'WriteCatalogEntries', Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:AddTagsToResource'], Resource: ssmArn('bedrock/profiles/*') },
      {
        Sid: 'DeleteOwnCatalogEntries',
        Effect: 'Allow',
        Action: 'ssm:DeleteParameter',
        Resource: ssmArn('bedrock/profiles/*'),
        Condition: { StringEquals: { [`aws:ResourceTag/${SYNC_OWNER_TAG}`]: resolver.syncOwner } },
      },
      { Sid: 'FindOwnCatalogEntries', Effect: 'Allow', Action: 'ssm:DescribeParameters', Resource: '*' },
    ]);
  });

  test('the schedule invokes the function with { action: "sync" } through a role only EventBridge Scheduler of this account assumes', () => {
    const { stack } = build({ withCatalog: true, tenantKeyTags: ['dept'] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResolverHandlerFunction'), 'Arn'] },
        Input: '{"action":"sync"}',
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResolverSyncScheduleRole'), 'Arn'] },
      },
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        }],
      },
    });
    expect(policyStatements(stack, 'ResolverSyncScheduleRole')).toEqual([{
      Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ResolverHandlerFunction/), 'Arn'] },
    }]);
    t.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900 });
  });

  test('syncOnProfileChanges: a rule on Bedrock\'s profile-changing API calls as CloudTrail delivers them; the event is the input', () => {
    const { stack } = build({ withCatalog: true, tenantKeyTags: ['dept'], syncSchedule: 'cron(0 */2 * * ? *)', syncOnProfileChanges: true });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 */2 * * ? *)' });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.bedrock'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': { eventSource: ['bedrock.amazonaws.com'], eventName: ['CreateInferenceProfile', 'DeleteInferenceProfile', 'TagResource', 'UntagResource'] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResolverHandlerFunction'), 'Arn'] }, Input: Match.absent() })],
    });
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResolverProfileChanges'), 'Arn'] },
    });
  });

  test('grantInvoke allows the function itself, not its versions or aliases', () => {
    const { stack, resolver } = build();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    resolver.grantInvoke(role);
    expect(policyStatements(stack, '"App')).toEqual([{
      Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ResolverHandlerFunction/), 'Arn'] },
    }]);
  });

  test('the snapshot: its object only, read and written; the bucket key when the bucket has one', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const key = new kms.Key(stack, 'BucketKey', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Snapshots', { encryptionKey: key, enforceSSL: true });
    new ProfileResolver(stack, 'Resolver', { tagSchema: schema, snapshotBucket: bucket });
    const env = functionEnvironment(stack);
    expect(env.SNAPSHOT_KEY).toMatch(/^cdk-bedrock-cost-governance\/profile-resolver\/Stack-Resolver-[0-9A-F]{8}\/index\.json$/);
    const statements = policyStatements(stack, 'ResolverHandlerRole');
    expect(statements).toContainEqual({
      Sid: 'KeepIndexSnapshot',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Snapshots/), 'Arn'] }, `/${env.SNAPSHOT_KEY}`]] },
    });
    expect(statements).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^BucketKey/), 'Arn'] },
    }));
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding; every resource schema-valid; Control Tower: only Lambda-in-VPC fails by default', () => {
    const { stack } = build({ withCatalog: true, tenantKeyTags: ['dept'], syncOnProfileChanges: true });
    expectNagClean(stack);
    expectSchemaValid(stack);
    expect([...new Set(controlTowerFindings(stack).map((f) => f.controlId))]).toEqual(['CT.LAMBDA.PR.3']);
  });

  test('in a VPC, with the options of ProviderOptions: every Control Tower control passes and nag stays clean', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    acknowledgeNagFinding(vpc, 'AwsSolutions-VPC7', 'The VPC is the test\'s stand-in for the user\'s network; its flow logs are the user\'s choice.');
    const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/bedrock/profiles' });
    new ProfileResolver(stack, 'Resolver', {
      tagSchema: schema,
      catalog,
      tenantKeyTags: ['dept'],
      providerOptions: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }) });
    expect(controlTowerFindings(stack, { exempt: ['CT.EC2.PR.11'] })).toEqual([]);
    expectNagClean(stack);
  });

  describe('validation names the path, the prop and the rule', () => {
    test.each<[string, Partial<ProfileResolverProps> & { withCatalog?: boolean }, RegExp]>([
      ['tenantKeyTags without a catalog', { tenantKeyTags: ['dept'] }, /tenantKeyTags name the tags of the catalog sync, which needs a catalog/],
      ['syncSchedule without tenantKeyTags', { withCatalog: true, syncSchedule: 'rate(1 day)' }, /syncSchedule applies only to the catalog sync/],
      ['syncOnProfileChanges without tenantKeyTags', { withCatalog: true, syncOnProfileChanges: true }, /syncOnProfileChanges applies only/],
      ['no tenant key tags', { withCatalog: true, tenantKeyTags: [] }, /tenantKeyTags must name at least one tag key/],
      ['a key twice', { withCatalog: true, tenantKeyTags: ['dept', 'dept'] }, /tenantKeyTags must not name a key twice/],
      ['an aws: key', { withCatalog: true, tenantKeyTags: ['aws:x'] }, /tenantKeyTags .*aws:/],
      ['a schedule that is not one', { withCatalog: true, tenantKeyTags: ['dept'], syncSchedule: 'every hour' }, /syncSchedule 'every hour' must be an EventBridge Scheduler rate/],
      ['a pace of 0', { withCatalog: true, tenantKeyTags: ['dept'], syncPutsPerSecond: 0 }, /syncPutsPerSecond 0 must be more than 0 and at most 1000/],
      ['a TTL of a fraction of a second', { ttl: Duration.millis(1500) }, /ttl 1 second 500 millis must be a whole number of seconds from 1 to 86400/],
      ['a TTL over a day', { ttl: Duration.days(2) }, /ttl 2 days must be a whole number of seconds/],
      ['a snapshot key without a bucket', { snapshotKey: 'x.json' }, /snapshotKey applies only with snapshotBucket/],
    ])('%s', (_label, props, message) => {
      expect(() => build(props)).toThrow(new RegExp(`^Stack/Resolver: ${message.source}`));
    });

    test('a tenant key tag the schema cannot hold', () => {
      const closed = new CostAllocationTagSchema({ keys: [{ key: 'dept', required: true }], allowUnknownKeys: false });
      const stack = new Stack(new App(), 'Stack', { env: ENV });
      const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/p' });
      expect(() => new ProfileResolver(stack, 'Resolver', { tagSchema: closed, catalog, tenantKeyTags: ['dept', 'team'] }))
        .toThrow(/^Stack\/Resolver: tenantKeyTags team is not a key of tagSchema, which allows no other keys/);
    });

    test('an environment over Lambda\'s 4 KB', () => {
      const big = new CostAllocationTagSchema({ keys: [{ key: 'dept', allowedValues: Array.from({ length: 300 }, (_, i) => `department-${i}`) }] });
      const stack = new Stack(new App(), 'Stack', { env: ENV });
      expect(() => new ProfileResolver(stack, 'Resolver', { tagSchema: big }))
        .toThrow(/^Stack\/Resolver: tagSchema makes the function's environment \d+ bytes; Lambda allows 4096/);
    });
  });
});
