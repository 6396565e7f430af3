import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ACCOUNT, newStack, onlyResource } from './support';
import { CostAlertTopic } from '../../src';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

function topicRef(stack: Stack, alerts: CostAlertTopic) {
  return { Ref: stack.getLogicalId(alerts.topic.node.defaultChild as any) };
}

describe('CostAlertTopic', () => {
  test('one topic per stack: of() returns the same construct', () => {
    const { stack } = newStack();
    const a = CostAlertTopic.of(stack);
    const b = CostAlertTopic.of(stack);
    expect(a).toBe(b);
    expect(a.node.path).toBe('Stack/BedrockCostAlertTopic');
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('the topic is encrypted with a new customer managed key with rotation', () => {
    const { stack } = newStack();
    const alerts = CostAlertTopic.of(stack);
    const t = Template.fromStack(stack);
    const keyId = stack.getLogicalId(alerts.masterKey.node.defaultChild as any);
    expect(onlyResource(t, 'AWS::SNS::Topic')).toEqual({ DisplayName: 'Bedrock cost alerts', KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(onlyResource(t, 'AWS::KMS::Key')).toMatchObject({ EnableKeyRotation: true });
  });

  test('the topic policy: budgets, cost anomaly detection and CloudWatch may publish, each limited to this account and its own resources; TLS only', () => {
    const { stack } = newStack();
    const alerts = CostAlertTopic.of(stack);
    const topic = topicRef(stack, alerts);
    const publish = (sid: string, service: string, sourceArn: object) => ({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sns:Publish',
      Resource: topic,
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': sourceArn } },
    });
    const statements = onlyResource(Template.fromStack(stack), 'AWS::SNS::TopicPolicy').PolicyDocument.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      publish('AllowBudgets', 'budgets.amazonaws.com', partitionArn(`:budgets::${ACCOUNT}:*`)),
      publish('AllowCostAnomalyDetection', 'costalerts.amazonaws.com', partitionArn(`:ce::${ACCOUNT}:anomalysubscription/*`)),
      publish('AllowCloudWatchAlarms', 'cloudwatch.amazonaws.com', partitionArn(`:cloudwatch:us-east-1:${ACCOUNT}:alarm:*`)),
      {
        Sid: 'AllowPublishThroughSSLOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: topic,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]));
    expect(statements).toHaveLength(4);
  });

  test('the key policy lets the three services use the key for this account only, and limits grants to AWS services', () => {
    const { stack } = newStack();
    CostAlertTopic.of(stack);
    const statements = onlyResource(Template.fromStack(stack), 'AWS::KMS::Key').KeyPolicy.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      {
        Sid: 'AllowCostAlertPublishers',
        Effect: 'Allow',
        Principal: { Service: ['budgets.amazonaws.com', 'costalerts.amazonaws.com', 'cloudwatch.amazonaws.com'] },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      },
      expect.objectContaining({ Sid: 'LimitGrantsToAwsServices', Effect: 'Deny', Action: 'kms:CreateGrant' }),
    ]));
    // nothing but the account root has kms:* on the key
    const wide = statements.filter((s: any) => s.Action === 'kms:*');
    expect(wide).toEqual([expect.objectContaining({ Principal: { AWS: partitionArn(`:iam::${ACCOUNT}:root`) } })]);
  });

  test('a given key is used as is (no key is created)', () => {
    const { stack } = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    const alerts = new CostAlertTopic(stack, 'Alerts', { masterKey: key, displayName: 'FinOps' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 0);
    expect(alerts.masterKey).toBe(key);
    t.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'FinOps', KmsMasterKeyId: key.keyArn });
  });

  test('email addresses are subscribed', () => {
    const { stack } = newStack();
    new CostAlertTopic(stack, 'Alerts', { emails: ['finops@example.com', 'cfo@example.com'] });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'finops@example.com', TopicArn: Match.anyValue() });
  });

  test.each([
    ['no @', 'finops.example.com'],
    ['no domain dot', 'finops@example'],
    ['a space', 'fin ops@example.com'],
    ['empty', ''],
  ])('a malformed email address (%s) fails with the path, the prop and the rule', (_name, email) => {
    const { stack } = newStack();
    expect(() => new CostAlertTopic(stack, 'Alerts', { emails: [email] }))
      .toThrow(`Stack/Alerts: emails '${email}' must be an email address`);
  });

  test('cdk-nag clean, schema-valid, no AWS Control Tower control fails', () => {
    const { app, stack } = newStack();
    new CostAlertTopic(stack, 'Alerts', { emails: ['finops@example.com'] });
    expectNagClean(stack);
    expectSchemaValid(app);
    expect(controlTowerFindings(app)).toEqual([]);
  });
});
