import { App, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CostAlertTopic } from '../../src/alerts/cost-alert-topic';
import {
  AnomalyAlertFrequency, AnomalyAlertSubscription, AnomalyMonitorScope, AnomalyThreshold, CostAnomalyMonitor, ICostAnomalyMonitor,
} from '../../src/anomaly';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const SUBSCRIPTION = 'AWS::CE::AnomalySubscription';
const ACCOUNT = '111122223333';

function setup(): { stack: Stack; monitor: CostAnomalyMonitor } {
  const stack = new Stack(new App(), 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const monitor = new CostAnomalyMonitor(stack, 'ByDept', { monitorScope: AnomalyMonitorScope.costAllocationTag('dept') });
  return { stack, monitor };
}

describe('IMMEDIATE alerts go to an SNS topic', () => {
  test('by default IMMEDIATE, to the stack\'s CostAlertTopic, created before the subscription', () => {
    const { stack, monitor } = setup();
    const subscription = new AnomalyAlertSubscription(stack, 'Alerts', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(100) });
    new AnomalyAlertSubscription(stack, 'More', { monitors: [monitor], threshold: AnomalyThreshold.percentage(50) });
    expect(subscription.frequency).toBe(AnomalyAlertFrequency.IMMEDIATE);
    expect(subscription.topic).toBe(CostAlertTopic.of(stack).topic);
    const t = Template.fromStack(stack);
    const topicId = stack.getLogicalId(CostAlertTopic.of(stack).topic.node.defaultChild as never);
    t.hasResource(SUBSCRIPTION, {
      Properties: {
        Frequency: 'IMMEDIATE',
        MonitorArnList: [{ 'Fn::GetAtt': [stack.getLogicalId(monitor.node.defaultChild as never), 'MonitorArn'] }],
        Subscribers: [{ Type: 'SNS', Address: { Ref: topicId } }],
        ThresholdExpression: '{"Dimensions":{"Key":"ANOMALY_TOTAL_IMPACT_ABSOLUTE","MatchOptions":["GREATER_THAN_OR_EQUAL"],"Values":["100"]}}',
        SubscriptionName: Match.stringLikeRegexp('^Test-Alerts-[A-Z0-9]{8}-[0-9a-f]{8}$'),
      },
      DependsOn: Match.arrayWith([topicId]),
    });
    // the topic's policy lets Cost Anomaly Detection publish, for this account's subscriptions only
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'costalerts.amazonaws.com' },
          Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': ACCOUNT } }),
        })]),
      },
    });
    // one topic however many subscriptions
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.resourceCountIs(SUBSCRIPTION, 2);
  });

  test('a topic of the app gets a policy statement for costalerts.amazonaws.com', () => {
    const { stack, monitor } = setup();
    const topic = new sns.Topic(stack, 'Ops', { masterKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }), enforceSSL: true });
    new AnomalyAlertSubscription(stack, 'Alerts', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(10), topic });
    new AnomalyAlertSubscription(stack, 'Alerts2', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(20), topic });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    const [policy] = Object.values(t.findResources('AWS::SNS::TopicPolicy'));
    const statements = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Principal?.Service === 'costalerts.amazonaws.com');
    expect(statements).toEqual([{
      Sid: 'AllowCostAnomalyDetection',
      Effect: 'Allow',
      Action: 'sns:Publish',
      Principal: { Service: 'costalerts.amazonaws.com' },
      Resource: { Ref: stack.getLogicalId(topic.node.defaultChild as never) },
      Condition: {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ce::${ACCOUNT}:anomalysubscription/*`]] } },
      },
    }]);
    expectSchemaValid(stack);
  });

  test('an imported topic cannot be given a policy: synth warns', () => {
    const { stack, monitor } = setup();
    const topic = sns.Topic.fromTopicArn(stack, 'Imported', `arn:aws:sns:us-east-1:${ACCOUNT}:ops`);
    new AnomalyAlertSubscription(stack, 'Alerts', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(10), topic });
    Template.fromStack(stack).hasResourceProperties(SUBSCRIPTION, { Subscribers: [{ Type: 'SNS', Address: `arn:aws:sns:us-east-1:${ACCOUNT}:ops` }] });
    Annotations.fromStack(stack).hasWarning('/Test/Alerts', Match.stringLikeRegexp('its policy must let costalerts.amazonaws.com publish'));
  });

  test('the CostAlertTopic passed explicitly gets no second statement', () => {
    const { stack, monitor } = setup();
    new AnomalyAlertSubscription(stack, 'Alerts', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(10), topic: CostAlertTopic.of(stack).topic });
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'));
    const statements = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Principal?.Service === 'costalerts.amazonaws.com');
    expect(statements).toHaveLength(1);
    expect(statements[0].Sid).toBe('AllowCostAnomalyDetection');
  });
});

describe('DAILY and WEEKLY summaries go to email', () => {
  test.each([AnomalyAlertFrequency.DAILY, AnomalyAlertFrequency.WEEKLY])('%s', (frequency) => {
    const { stack, monitor } = setup();
    const subscription = new AnomalyAlertSubscription(stack, 'Summary', {
      monitors: [monitor],
      threshold: AnomalyThreshold.percentage(10),
      frequency,
      emails: ['finops@example.com', 'claims.lead@example.co.uk'],
    });
    expect(subscription.topic).toBeUndefined();
    const t = Template.fromStack(stack);
    t.hasResourceProperties(SUBSCRIPTION, {
      Frequency: frequency,
      Subscribers: [{ Type: 'EMAIL', Address: 'finops@example.com' }, { Type: 'EMAIL', Address: 'claims.lead@example.co.uk' }],
    });
    // no topic is created for email-only subscriptions
    t.resourceCountIs('AWS::SNS::Topic', 0);
    expectSchemaValid(stack);
  });
});

describe('subscriptions', () => {
  test('several monitors, one subscription; names differ when used twice', () => {
    const { stack, monitor } = setup();
    const other = new CostAnomalyMonitor(stack, 'Claims', { monitorScope: AnomalyMonitorScope.costAllocationTagValues('dept', ['claims']) });
    const a = new AnomalyAlertSubscription(stack, 'A', { monitors: [monitor, other], threshold: AnomalyThreshold.absoluteUsd(1) });
    const b = new AnomalyAlertSubscription(stack, 'B', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(1) });
    expect(a.subscriptionName).not.toBe(b.subscriptionName);
    const id = (m: CostAnomalyMonitor) => stack.getLogicalId(m.node.defaultChild as never);
    Template.fromStack(stack).hasResourceProperties(SUBSCRIPTION, {
      MonitorArnList: [{ 'Fn::GetAtt': [id(monitor), 'MonitorArn'] }, { 'Fn::GetAtt': [id(other), 'MonitorArn'] }],
    });
  });

  test('imported monitors of the same account are accepted', () => {
    const { stack } = setup();
    const imported: ICostAnomalyMonitor = CostAnomalyMonitor.fromMonitorArn(stack, 'Default', `arn:aws:ce::${ACCOUNT}:anomalymonitor/abc-123`);
    new AnomalyAlertSubscription(stack, 'Alerts', { monitors: [imported], threshold: AnomalyThreshold.absoluteUsd(1), subscriptionName: 'default services' });
    Template.fromStack(stack).hasResourceProperties(SUBSCRIPTION, {
      MonitorArnList: [`arn:aws:ce::${ACCOUNT}:anomalymonitor/abc-123`],
      SubscriptionName: 'default services',
    });
  });

  test('the 101st subscription of a stack fails synth, and only it', () => {
    const { stack, monitor } = setup();
    for (let i = 0; i < 101; i++) {
      new AnomalyAlertSubscription(stack, `S${i}`, { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(i + 1) });
    }
    const errors = stack.node.findAll().flatMap((c) => c.node.validate());
    expect(errors).toEqual(['Test/S100: is anomaly alert subscription number 101 of stack Test: an account can have at most 100']);
  });

  test('Tags.of() reaches the subscription as ResourceTags', () => {
    const { stack, monitor } = setup();
    new AnomalyAlertSubscription(stack, 'Alerts', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(1) });
    Tags.of(stack).add('cost-center', 'finops');
    Template.fromStack(stack).hasResourceProperties(SUBSCRIPTION, { ResourceTags: [{ Key: 'cost-center', Value: 'finops' }] });
    expectSchemaValid(stack);
  });
});

test('monitors and subscriptions of every kind: schema-valid and cdk-nag clean', () => {
  const { stack, monitor } = setup();
  const services = new CostAnomalyMonitor(stack, 'Services', { monitorScope: AnomalyMonitorScope.services() });
  const accounts = new CostAnomalyMonitor(stack, 'Accounts', { monitorScope: AnomalyMonitorScope.linkedAccounts(['000011112222']) });
  new AnomalyAlertSubscription(stack, 'Immediate', {
    monitors: [monitor, services, accounts],
    threshold: AnomalyThreshold.allOf(AnomalyThreshold.absoluteUsd(100), AnomalyThreshold.percentage(20)),
  });
  new AnomalyAlertSubscription(stack, 'Weekly', {
    monitors: [services], threshold: AnomalyThreshold.absoluteUsd(1000), frequency: AnomalyAlertFrequency.WEEKLY, emails: ['finops@example.com'],
  });
  expectSchemaValid(stack);
  expectNagClean(stack);
});
