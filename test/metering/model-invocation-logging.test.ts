import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ModelInvocationLogging, ProviderOptions } from '../../src';
import { INVOCATION_LOGGING_RESOURCE_TYPE } from '../../src/contracts/invocation-logging';
import { acknowledgeNagFinding } from '../../src/util/nag-acknowledgement';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const ENV = { account: '111122223333', region: 'us-east-1' };
const stackOf = () => new Stack(new App(), 'Stack', { env: ENV });
const SOURCE_CONDITIONS = {
  StringEquals: { 'aws:SourceAccount': '111122223333' },
  ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1:111122223333:*']] } },
};

function loggingRolePolicy(template: Template) {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'bedrock.amazonaws.com' } })] } },
  });
  const [roleId] = Object.keys(roles);
  const [policy] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
  return { role: roles[roleId], statements: policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>> };
}

describe('ModelInvocationLogging', () => {
  test('defaults: a KMS-encrypted log group kept a year, metadata only, no S3, no adoption', () => {
    const stack = stackOf();
    const logging = new ModelInvocationLogging(stack, 'Logging');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    template.hasResourceProperties(INVOCATION_LOGGING_RESOURCE_TYPE, {
      SchemaVersion: '1',
      LogGroupName: { Ref: Match.stringLikeRegexp('^LoggingLogs') },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoggingRole'), 'Arn'] },
      BucketName: Match.absent(),
      TextDataDelivery: false,
      ImageDataDelivery: false,
      EmbeddingDataDelivery: false,
      VideoDataDelivery: false,
      AudioDataDelivery: false,
      AdoptExisting: false,
    });
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect([logging.textDataDelivery, logging.imageDataDelivery, logging.embeddingDataDelivery, logging.videoDataDelivery, logging.audioDataDelivery])
      .toEqual([false, false, false, false, false]);
    expect(logging.bucket).toBeUndefined();
    // the log group's key lets CloudWatch Logs of this account and Region use it
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchLogsOfThisAccountAndRegion', Principal: { Service: 'logs.us-east-1.amazonaws.com' } })]) },
    });
  });

  test('the role trusts Bedrock of this account and Region only, and may write only to Bedrock\'s log stream', () => {
    const stack = stackOf();
    new ModelInvocationLogging(stack, 'Logging');
    const { role, statements } = loggingRolePolicy(Template.fromStack(stack));
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Condition: SOURCE_CONDITIONS },
    ]);
    expect(statements).toEqual([{
      Sid: 'WriteInvocationLogStream',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111122223333:log-group:', { Ref: expect.stringMatching(/^LoggingLogs/) }, ':log-stream:aws/bedrock/modelinvocations']] },
    }]);
  });

  test('the handler may manage the configuration, pass the logging role to Bedrock only, and keep its one state parameter', () => {
    const stack = stackOf();
    new ModelInvocationLogging(stack, 'Logging');
    const template = Template.fromStack(stack);
    const roleId = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => /InvocationLoggingHandlerOnEventRole/.test(id))!;
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
    const bySid = Object.fromEntries((policy.Properties.PolicyDocument.Statement as Array<{ Sid: string }>).map((s) => [s.Sid, s]));
    expect(bySid.ManageInvocationLogging).toMatchObject({ Resource: '*' });
    expect(bySid.KeepLoggingState).toMatchObject({
      Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:111122223333:parameter/cdk-bedrock-cost-governance/invocation-logging/state']] },
    });
    expect(bySid.PassLoggingRole).toMatchObject({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LoggingRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    });
    expect(bySid.PassAdoptedLoggingRole).toBeUndefined();
  });

  test('adoptExisting lets the handler pass any role of the account to Bedrock (to restore the adopted configuration)', () => {
    const stack = stackOf();
    new ModelInvocationLogging(stack, 'Logging', { adoptExisting: true });
    const template = Template.fromStack(stack);
    template.hasResourceProperties(INVOCATION_LOGGING_RESOURCE_TYPE, { AdoptExisting: true });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'PassAdoptedLoggingRole',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:role/*']] },
          Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
        })]),
      },
    });
  });

  test('S3 delivery: a secure bucket, a bucket policy and key policy for Bedrock of this account and Region, the role may write large data', () => {
    const stack = stackOf();
    const logging = new ModelInvocationLogging(stack, 'Logging', { s3Delivery: true, textDataDelivery: true });
    const template = Template.fromStack(stack);
    expect(logging.keyPrefix).toBe('bedrock-invocation-logs');
    template.hasResourceProperties(INVOCATION_LOGGING_RESOURCE_TYPE, {
      BucketName: { Ref: Match.stringLikeRegexp('^LoggingBucket') }, KeyPrefix: 'bedrock-invocation-logs', TextDataDelivery: true,
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'AmazonBedrockLogsWrite',
          Effect: 'Allow',
          Principal: { Service: 'bedrock.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LoggingBucket'), 'Arn'] }, '/bedrock-invocation-logs/AWSLogs/111122223333/BedrockModelInvocationLogs/*']] },
          Condition: SOURCE_CONDITIONS,
        }]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'AmazonBedrockLogsEncrypt', Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: 'kms:GenerateDataKey', Resource: '*', Condition: SOURCE_CONDITIONS,
        }]),
      },
    });
    const { statements } = loggingRolePolicy(template);
    expect(statements.map((s) => s.Sid)).toEqual(['WriteInvocationLogStream', 'WriteLargeData', 'EncryptLargeData']);
    // the configuration is put after the role's policy and the bucket policy exist
    const [resource] = Object.values(template.findResources(INVOCATION_LOGGING_RESOURCE_TYPE));
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^LoggingRoleDefaultPolicy/), expect.stringMatching(/^LoggingBucketPolicy/)]));
  });

  test('a given log group and bucket are used as they are', () => {
    const stack = stackOf();
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Existing', '/org/bedrock');
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'org-bedrock-logs');
    const logging = new ModelInvocationLogging(stack, 'Logging', { logGroup, bucket, keyPrefix: 'team/a' });
    const template = Template.fromStack(stack);
    expect(logging.logGroup).toBe(logGroup);
    template.resourceCountIs('AWS::Logs::LogGroup', 2); // the provider's two, none for the records
    template.hasResourceProperties(INVOCATION_LOGGING_RESOURCE_TYPE, { LogGroupName: '/org/bedrock', BucketName: 'org-bedrock-logs', KeyPrefix: 'team/a' });
  });

  test.each<[string, (stack: Stack) => object, string]>([
    ['bucket without S3 delivery', (s) => ({ s3Delivery: false, bucket: s3.Bucket.fromBucketName(s, 'B', 'b-b-b') }),
      'Stack/Logging: bucket is given but s3Delivery is false: remove one of them'],
    ['keyPrefix without S3', () => ({ keyPrefix: 'p' }), 'Stack/Logging: keyPrefix needs S3 delivery (s3Delivery: true or a bucket)'],
    ['keyPrefix with slashes', () => ({ s3Delivery: true, keyPrefix: '/p/' }), 'Stack/Logging: keyPrefix \'/p/\' must not start or end with \'/\''],
    ['keyPrefix too long', () => ({ s3Delivery: true, keyPrefix: 'p'.repeat(1025) }), 'Stack/Logging: keyPrefix must be 1–1024 characters long (got 1025; Bedrock\'s KeyPrefix)'],
    ['retention with a given log group', (s) => ({ logGroup: logs.LogGroup.fromLogGroupName(s, 'L', 'x'), logRetention: logs.RetentionDays.ONE_DAY }),
      'Stack/Logging: logRetention applies to the created log group only: remove it or logGroup'],
    ['log group of another Region', (s) => ({ logGroup: logs.LogGroup.fromLogGroupArn(s, 'L', 'arn:aws:logs:eu-west-1:111122223333:log-group:x:*') }),
      'Stack/Logging: logGroup must be in the stack\'s account and Region (111122223333, us-east-1), not (111122223333, eu-west-1): '
      + 'Bedrock delivers invocation logs only to destinations of the same account and Region'],
  ])('validation: %s', (_what, props, message) => {
    const stack = stackOf();
    expect(() => new ModelInvocationLogging(stack, 'Logging', props(stack))).toThrow(message);
  });

  test('a second one in the stack is a synth error naming the first', () => {
    const stack = stackOf();
    new ModelInvocationLogging(stack, 'Logging');
    expect(() => new ModelInvocationLogging(stack, 'Again')).toThrow(
      'Stack/Again: ModelInvocationLogging is one per account and Region (Bedrock keeps one model invocation logging configuration), '
      + 'and Stack/Logging configures it in stack Stack already');
  });

  test('a token key prefix is not judged', () => {
    const stack = stackOf();
    expect(() => new ModelInvocationLogging(stack, 'Logging', { s3Delivery: true, keyPrefix: stack.stackName })).not.toThrow();
  });

  test('templates validate against the schemas, cdk-nag is clean, Control Tower passes in a VPC', () => {
    const stack = stackOf();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    acknowledgeNagFinding(vpc, 'AwsSolutions-VPC7', 'The VPC is the test\'s stand-in for the user\'s network; its flow logs are the user\'s choice.');
    const providerOptions: ProviderOptions = { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } };
    new ModelInvocationLogging(stack, 'Logging', { s3Delivery: true, adoptExisting: true, providerOptions });
    expectSchemaValid(stack);
    expectNagClean(stack);
    // CT.EC2.PR.11 concerns the public subnets of the test's VPC. Pinned: the created bucket has no server access
    // logs (S3.PR.2, acknowledged in createSecureBucket; pass a bucket of your own to have them), and event
    // notifications (S3.PR.4) and Object Lock (S3.PR.9) are left to the bucket's owner (createSecureBucket)
    const failing = controlTowerFindings(stack, { exempt: ['CT.EC2.PR.11'] });
    expect([...new Set(failing.map((f) => f.controlId))].sort()).toEqual(['CT.S3.PR.2', 'CT.S3.PR.4', 'CT.S3.PR.9']);
  });

  test('defaults fail only CT.LAMBDA.PR.3 (Lambda in a VPC needs the user\'s network)', () => {
    const stack = stackOf();
    new ModelInvocationLogging(stack, 'Logging');
    expect([...new Set(controlTowerFindings(stack).map((f) => f.controlId))]).toEqual(['CT.LAMBDA.PR.3']);
    expectNagClean(stack);
  });
});
