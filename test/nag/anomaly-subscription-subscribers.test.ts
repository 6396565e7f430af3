import * as fs from 'fs';
import * as path from 'path';
import * as ce from 'aws-cdk-lib/aws-ce';
import { findingsOf, newStack } from './support';
import { AnomalyAlertFrequency, AnomalyAlertSubscription, AnomalyMonitorScope, AnomalyThreshold, CostAnomalyMonitor } from '../../src';
import { MAX_ANOMALY_SUBSCRIBERS, SUBSCRIBER_TYPE_OF_FREQUENCY } from '../../src/nag/rules/anomaly-subscription-subscribers';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:cost-alerts';

function raw(frequency: string, subscribers: ce.CfnAnomalySubscription.SubscriberProperty[]): ce.CfnAnomalySubscriptionProps {
  return { subscriptionName: 'raw', frequency, monitorArnList: ['arn:aws:ce::111122223333:anomalymonitor/abc'], subscribers, threshold: 100 };
}

describe('CostAttribution-AnomalySubscriptionSubscribers', () => {
  test('the Cost Explorer model: IMMEDIATE notifies over SNS, DAILY and WEEKLY over email (the model\'s three frequencies)', () => {
    expect(SUBSCRIBER_TYPE_OF_FREQUENCY).toEqual({ IMMEDIATE: 'SNS', DAILY: 'EMAIL', WEEKLY: 'EMAIL' });
    const fixtures = path.join(__dirname, '..', 'fixtures');
    const model = JSON.parse(fs.readFileSync(path.join(fixtures, 'aws-models', 'ce.json'), 'utf8'));
    expect(model.shapes.AnomalySubscription.members.Frequency.documentation)
      .toContain('Notifications are sent either over email (for DAILY and WEEKLY frequencies) or SNS (for IMMEDIATE frequency)');
    expect([...model.shapes.AnomalySubscriptionFrequency.enum].sort()).toEqual(Object.keys(SUBSCRIBER_TYPE_OF_FREQUENCY).sort());
    expect([...model.shapes.SubscriberType.enum].sort()).toEqual(['EMAIL', 'SNS']);
    const schema = JSON.parse(fs.readFileSync(path.join(fixtures, 'cfn-schemas', 'aws-ce-anomalysubscription.json'), 'utf8'));
    expect([...schema.properties.Frequency.enum].sort()).toEqual(['DAILY', 'IMMEDIATE', 'WEEKLY']);
    expect([...schema.definitions.Subscriber.properties.Type.enum].sort()).toEqual(['EMAIL', 'SNS']);
  });

  test('the library\'s subscriptions (IMMEDIATE to the topic, DAILY to email) and fitting raw ones comply', () => {
    const { stack } = newStack();
    const monitor = new CostAnomalyMonitor(stack, 'ByDept', { monitorScope: AnomalyMonitorScope.costAllocationTag('dept') });
    new AnomalyAlertSubscription(stack, 'Immediate', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(100) });
    new AnomalyAlertSubscription(stack, 'Daily', {
      monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(100), frequency: AnomalyAlertFrequency.DAILY, emails: ['finops@example.com'],
    });
    new ce.CfnAnomalySubscription(stack, 'Weekly', raw('WEEKLY', [{ type: 'EMAIL', address: 'finops@example.com' }]));
    expect(findingsOf(stack, 'AnomalySubscriptionSubscribers')).toEqual([]);
  });

  test('IMMEDIATE with email, DAILY with SNS, and no subscribers are found', () => {
    const { stack } = newStack();
    new ce.CfnAnomalySubscription(stack, 'ImmediateEmail', raw('IMMEDIATE', [{ type: 'SNS', address: TOPIC }, { type: 'EMAIL', address: 'a@example.com' }]));
    new ce.CfnAnomalySubscription(stack, 'DailySns', raw('DAILY', [{ type: 'SNS', address: TOPIC }]));
    new ce.CfnAnomalySubscription(stack, 'Nobody', raw('WEEKLY', []));
    expect(findingsOf(stack, 'AnomalySubscriptionSubscribers')).toEqual([
      { findingId: 'CostAttribution-AnomalySubscriptionSubscribers[Subscriber::1::EMAIL]', constructPath: 'Stack/ImmediateEmail', severity: 'error' },
      { findingId: 'CostAttribution-AnomalySubscriptionSubscribers[Subscriber::0::SNS]', constructPath: 'Stack/DailySns', severity: 'error' },
      { findingId: 'CostAttribution-AnomalySubscriptionSubscribers[Subscribers::none]', constructPath: 'Stack/Nobody', severity: 'error' },
    ]);
  });

  test('more than 10 email recipients or more than 1 SNS topic are found (the FAQ\'s limit; the model sets no maximum)', () => {
    const model = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'aws-models', 'ce.json'), 'utf8'));
    expect(model.shapes.Subscribers.max).toBeUndefined();
    expect(MAX_ANOMALY_SUBSCRIBERS).toEqual({ EMAIL: 10, SNS: 1 });
    const { stack } = newStack();
    const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'EMAIL', address: `finops${i}@example.com` }));
    new ce.CfnAnomalySubscription(stack, 'Ten', raw('DAILY', emails(10)));
    new ce.CfnAnomalySubscription(stack, 'Eleven', raw('WEEKLY', emails(11)));
    new ce.CfnAnomalySubscription(stack, 'TwoTopics', raw('IMMEDIATE', [{ type: 'SNS', address: TOPIC }, { type: 'SNS', address: `${TOPIC}-2` }]));
    expect(findingsOf(stack, 'AnomalySubscriptionSubscribers')).toEqual([
      { findingId: 'CostAttribution-AnomalySubscriptionSubscribers[Subscribers::TooMany::EMAIL]', constructPath: 'Stack/Eleven', severity: 'error' },
      { findingId: 'CostAttribution-AnomalySubscriptionSubscribers[Subscribers::TooMany::SNS]', constructPath: 'Stack/TwoTopics', severity: 'error' },
    ]);
  });
});
