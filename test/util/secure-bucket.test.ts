import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createSecureBucket } from '../../src/util/secure-bucket';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

function stackWith(options: Partial<Parameters<typeof createSecureBucket>[2]> = {}): Stack {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  createSecureBucket(stack, 'Reports', { description: 'chargeback reports', ...options });
  return stack;
}

describe('createSecureBucket', () => {
  test('SSE-KMS with a Bucket Key, all public access blocked, ACLs off, versioned, lifecycle', () => {
    const template = Template.fromStack(stackWith());
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } })] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('SSL only: the bucket policy denies requests without aws:SecureTransport', () => {
    Template.fromStack(stackWith()).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('a given key and noncurrent-version expiry are used', () => {
    const stack = new Stack(new App(), 'S');
    const logs = new s3.Bucket(stack, 'Logs');
    createSecureBucket(stack, 'Reports', { description: 'x', serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'reports/', noncurrentVersionExpiration: Duration.days(30) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('Logs') }, LogFilePrefix: 'reports/' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
    });
  });

  test('valid against the CloudFormation schemas, cdk-nag clean (access logs acknowledged)', () => {
    const stack = stackWith();
    expectSchemaValid(stack);
    expectNagClean(stack);
  });

  // CT.S3.PR.4 (event notifications) and CT.S3.PR.9 (Object Lock) are choices of the bucket's owner
  // (see createSecureBucket): a user who needs them passes a bucket of their own.
  test('Control Tower: every S3 control but event notifications, Object Lock and (without a log bucket) access logging', () => {
    const ids = (stack: Stack) => controlTowerFindings(stack).map((f) => f.controlId).sort();
    expect(ids(stackWith())).toEqual(['CT.S3.PR.2', 'CT.S3.PR.4', 'CT.S3.PR.9']);
    const stack = new Stack(new App(), 'S');
    createSecureBucket(stack, 'Reports', { description: 'x', serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs') });
    expect(ids(stack)).toEqual(['CT.S3.PR.4', 'CT.S3.PR.9']);
  });
});
