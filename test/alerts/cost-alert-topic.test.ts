import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AnomalyAlertSubscription, AnomalyThreshold, BudgetSubscribers, CostAlertTopic, CostAnomalyMonitor, CostCenter, CostCenterBudget } from '../../src';
import { ACCOUNT, newStack, onlyResource } from '../budgets/support';
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

  test('email addresses are subscribed (emailSubscriptions, or the deprecated emails)', () => {
    for (const props of [{ emailSubscriptions: ['finops@example.com', 'cfo@example.com'] }, { emails: ['finops@example.com', 'cfo@example.com'] }]) {
      const { stack } = newStack();
      new CostAlertTopic(stack, 'Alerts', props);
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::SNS::Subscription', 2);
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'finops@example.com', TopicArn: Match.anyValue() });
    }
  });

  test('emails and emailSubscriptions together fail', () => {
    const { stack } = newStack();
    expect(() => new CostAlertTopic(stack, 'Alerts', { emails: ['a@example.com'], emailSubscriptions: ['b@example.com'] }))
      .toThrow('Stack/Alerts: emails must not be given with emailSubscriptions: emails is the deprecated name of emailSubscriptions');
  });

  test.each([
    ['no @', 'finops.example.com'],
    ['no domain dot', 'finops@example'],
    ['a space', 'fin ops@example.com'],
    ['empty', ''],
  ])('a malformed email address (%s) fails with the path, the prop and the rule', (_name, email) => {
    const { stack } = newStack();
    expect(() => new CostAlertTopic(stack, 'Alerts', { emailSubscriptions: [email] }))
      .toThrow(`Stack/Alerts: emailSubscriptions '${email}' must be an email address (name@domain.tld, no spaces)`);
    const other = newStack();
    expect(() => new CostAlertTopic(other.stack, 'Alerts', { emails: [email] }))
      .toThrow(`Stack/Alerts: emails '${email}' must be an email address (name@domain.tld, no spaces)`);
  });

  test('an address twice (case-insensitively) fails: SNS would subscribe it once', () => {
    const { stack } = newStack();
    expect(() => new CostAlertTopic(stack, 'Alerts', { emailSubscriptions: ['finops@example.com', 'FinOps@example.com'] }))
      .toThrow('Stack/Alerts: emailSubscriptions \'FinOps@example.com\' appears twice (addresses are compared case-insensitively)');
  });

  test('cdk-nag clean, schema-valid, no AWS Control Tower control fails', () => {
    const { app, stack } = newStack();
    new CostAlertTopic(stack, 'Alerts', { emailSubscriptions: ['finops@example.com'] });
    expectNagClean(stack);
    expectSchemaValid(app);
    expect(controlTowerFindings(app)).toEqual([]);
  });
});

describe('CostAlertTopic.configure: the shared topic with settings', () => {
  test('budgets, anomaly subscriptions and alarms of the stack use the configured topic and its email subscriptions; no second topic', () => {
    const { stack } = newStack();
    const configured = CostAlertTopic.configure(stack, { emailSubscriptions: ['finops@example.com'], displayName: 'FinOps alerts' });
    expect(CostAlertTopic.of(stack)).toBe(configured);
    new CostCenterBudget(stack, 'Budget', { costCenter: CostCenter.of('claims', { dept: 'claims' }), limit: 100 });
    const monitor = CostAnomalyMonitor.fromMonitorArn(stack, 'Monitor', `arn:aws:ce::${ACCOUNT}:anomalymonitor/abc`);
    const subscription = new AnomalyAlertSubscription(stack, 'Anomalies', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(10) });
    expect(subscription.topic).toBe(configured.topic);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'FinOps alerts' });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'finops@example.com', TopicArn: topicRef(stack, configured) });
    expect(onlyResource(t, 'AWS::Budgets::Budget').NotificationsWithSubscribers[0].Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: topicRef(stack, configured) }]);
  });

  test('new CostAlertTopic(..., { emails }) makes a second topic that the budget does not use (why configure exists)', () => {
    const { stack } = newStack();
    const separate = new CostAlertTopic(stack, 'Separate', { emailSubscriptions: ['finops@example.com'] });
    new CostCenterBudget(stack, 'Budget', { costCenter: CostCenter.of('claims', { dept: 'claims' }), limit: 100 });
    expect(CostAlertTopic.of(stack)).not.toBe(separate);
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 2);
  });

  test('configure after the topic was created with defaults, or twice, fails and says why', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Budget', { costCenter: CostCenter.of('claims', { dept: 'claims' }), limit: 100 });
    expect(() => CostAlertTopic.configure(stack, { emailSubscriptions: ['finops@example.com'] }))
      .toThrow(/^Stack: CostAlertTopic.configure must be called once per stack, before the first construct that uses it \(it was created with default settings by Stack\/Budget\)$/);
    const other = newStack();
    CostAlertTopic.configure(other.stack);
    expect(() => CostAlertTopic.configure(other.stack)).toThrow(/CostAlertTopic.configure must be called once per stack.*\(it was configured already\)/);
  });

  test('BudgetSubscribers.costAlertTopic(emails): the emails are direct budget subscribers, not subscriptions of the topic', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Budget', {
      costCenter: CostCenter.of('claims', { dept: 'claims' }),
      limit: 100,
      notify: BudgetSubscribers.costAlertTopic(['lead@example.com']),
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(onlyResource(t, 'AWS::Budgets::Budget').NotificationsWithSubscribers[0].Subscribers)
      .toEqual([{ SubscriptionType: 'SNS', Address: topicRef(stack, CostAlertTopic.of(stack)) }, { SubscriptionType: 'EMAIL', Address: 'lead@example.com' }]);
  });

  test('configure checks its email subscriptions like the constructor', () => {
    const { stack } = newStack();
    expect(() => CostAlertTopic.configure(stack, { emailSubscriptions: ['finops.example.com'] }))
      .toThrow("Stack/BedrockCostAlertTopic: emailSubscriptions 'finops.example.com' must be an email address");
  });
});
