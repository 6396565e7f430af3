import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AnomalyAlertFrequency, AnomalyAlertSubscription, AnomalyAlertSubscriptionProps, AnomalyMonitorDimension, AnomalyMonitorScope,
  AnomalyMonitorType, AnomalyThreshold, CostAnomalyMonitor, CostAnomalyMonitorProps,
} from '../../src/anomaly';
import { CostCenter } from '../../src/tags/cost-center';

const ACCOUNT = '111122223333';
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));
const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
const emails = (n: number) => Array.from({ length: n }, (_, i) => `user${i}@example.com`);

// [case, factory, expected message]: scope and threshold factories name the factory, the argument and the rule
const factoryCases: Array<[string, () => unknown, RegExp]> = [
  ['empty tag key', () => AnomalyMonitorScope.costAllocationTag(''), /AnomalyMonitorScope\.costAllocationTag: tagKey must be 1–128 characters long \(got ''\)/],
  ['tag key of 129 characters', () => AnomalyMonitorScope.costAllocationTag('k'.repeat(129)), /tagKey must be 1–128 characters long/],
  ['tag key with the user: prefix', () => AnomalyMonitorScope.costAllocationTag('user:dept'),
    /tagKey 'user:dept' must be the plain tag key \('dept'\): Cost Explorer expressions take keys without the 'user:' prefix/],
  ['no tag values', () => AnomalyMonitorScope.costAllocationTagValues('dept', []),
    /AnomalyMonitorScope\.costAllocationTagValues: values must hold 1–10 values \(got 0\)/],
  ['11 tag values', () => AnomalyMonitorScope.costAllocationTagValues('dept', values(11)), /values must hold 1–10 values \(got 11\)/],
  ['a repeated tag value', () => AnomalyMonitorScope.costAllocationTagValues('dept', ['claims', 'claims']), /values must not repeat 'claims'/],
  ['a tag value of 257 characters', () => AnomalyMonitorScope.costAllocationTagValues('dept', ['v'.repeat(257)]),
    /values 'v+' must be at most 256 characters long \(got 257\)/],
  ['no linked accounts', () => AnomalyMonitorScope.linkedAccounts([]), /AnomalyMonitorScope\.linkedAccounts: accountIds must hold 1–10 values \(got 0\)/],
  ['11 linked accounts', () => AnomalyMonitorScope.linkedAccounts(ids(11)), /accountIds must hold 1–10 values \(got 11\)/],
  ['a short account ID', () => AnomalyMonitorScope.linkedAccounts(['12345']), /accountIds '12345' must be a 12-digit account ID/],
  ['a repeated account ID', () => AnomalyMonitorScope.linkedAccounts([ACCOUNT, ACCOUNT]), /accountIds must not repeat '111122223333'/],
  ['empty cost category name', () => AnomalyMonitorScope.costCategory('', 'x'),
    /AnomalyMonitorScope\.costCategory: costCategoryName must be 1–50 characters long \(got ''\)/],
  ['cost category name starting with a space', () => AnomalyMonitorScope.costCategory(' BU', 'x'),
    /costCategoryName ' BU' must hold only letters, numbers, spaces \(not first or last\), '_' and '-'/],
  ['cost category value with a slash', () => AnomalyMonitorScope.costCategory('BU', 'a/b'), /value 'a\/b' must hold only letters, numbers, spaces/],
  ['cost category value of 51 characters', () => AnomalyMonitorScope.costCategory('BU', 'v'.repeat(51)), /value must be 1–50 characters long/],
  ['cost category name of 51 characters (AWS managed)', () => AnomalyMonitorScope.eachCostCategoryValue('n'.repeat(51)),
    /AnomalyMonitorScope\.eachCostCategoryValue: costCategoryName must be 1–50 characters long/],
  ['cost center of several tags without tagKey', () => AnomalyMonitorScope.costCenter(new CostCenter({ name: 'claims', tags: { dept: 'claims', team: 'fraud' } })),
    /AnomalyMonitorScope\.costCenter: tagKey is required: cost center 'claims' has 2 tags \(dept, team\) and a monitor watches the values of one tag key/],
  ['cost center tagKey it does not have', () => AnomalyMonitorScope.costCenter(new CostCenter({ name: 'claims', tags: { dept: 'claims' } }), 'team'),
    /tagKey 'team' must be one of the tag keys of cost center 'claims' \(dept\)/],
  ['CUSTOM specification with a dimension', () => AnomalyMonitorScope.fromSpecification({
    monitorType: AnomalyMonitorType.CUSTOM, monitorDimension: AnomalyMonitorDimension.TAG, monitorSpecification: '{}',
  }), /AnomalyMonitorScope\.fromSpecification: monitorDimension must not be set for a CUSTOM monitor/],
  ['DIMENSIONAL specification without a dimension', () => AnomalyMonitorScope.fromSpecification({ monitorType: AnomalyMonitorType.DIMENSIONAL }),
    /monitorDimension is required for a DIMENSIONAL monitor/],
  ['TAG dimension without a specification', () => AnomalyMonitorScope.fromSpecification({
    monitorType: AnomalyMonitorType.DIMENSIONAL, monitorDimension: AnomalyMonitorDimension.TAG,
  }), /monitorSpecification is required for a DIMENSIONAL TAG monitor/],
  ['SERVICE dimension with a specification', () => AnomalyMonitorScope.fromSpecification({
    monitorType: AnomalyMonitorType.DIMENSIONAL, monitorDimension: AnomalyMonitorDimension.SERVICE, monitorSpecification: '{}',
  }), /monitorSpecification must not be set for a DIMENSIONAL SERVICE monitor/],
  ['specification that is not JSON', () => AnomalyMonitorScope.fromSpecification({ monitorType: AnomalyMonitorType.CUSTOM, monitorSpecification: '{Tags:' }),
    /monitorSpecification must be a JSON Cost Explorer Expression \(got '\{Tags:'\)/],
  ['specification that is a JSON array', () => AnomalyMonitorScope.fromSpecification({ monitorType: AnomalyMonitorType.CUSTOM, monitorSpecification: '[]' }),
    /monitorSpecification must be a JSON object/],
  ['unknown monitor type (JavaScript)', () => AnomalyMonitorScope.fromSpecification({ monitorType: 'MANAGED' as AnomalyMonitorType }),
    /monitorType must be one of DIMENSIONAL, CUSTOM \(got MANAGED\)/],
  ['threshold of 0 dollars', () => AnomalyThreshold.absoluteUsd(0), /AnomalyThreshold\.absoluteUsd: usd must be a number from 0\.01 to 10,000,000,000 \(got 0\)/],
  ['negative threshold', () => AnomalyThreshold.absoluteUsd(-5), /usd must be a number from 0\.01 to 10,000,000,000 \(got -5\)/],
  ['threshold that is not a number', () => AnomalyThreshold.absoluteUsd(NaN), /usd must be a number .* \(got NaN\)/],
  ['percentage above 10,000,000,000', () => AnomalyThreshold.percentage(1e11), /AnomalyThreshold\.percentage: percent must be a number from 0\.01 to 10,000,000,000/],
  ['infinite percentage', () => AnomalyThreshold.percentage(Infinity), /percent must be a number .* \(got Infinity\)/],
  ['allOf of one threshold', () => AnomalyThreshold.allOf(AnomalyThreshold.absoluteUsd(1)),
    /AnomalyThreshold\.allOf: thresholds must hold at least 2 thresholds to combine \(got 1\)/],
  ['anyOf of nothing', () => AnomalyThreshold.anyOf(), /AnomalyThreshold\.anyOf: thresholds must hold at least 2 thresholds to combine \(got 0\)/],
  ['anyOf of something else (JavaScript)', () => AnomalyThreshold.anyOf(AnomalyThreshold.absoluteUsd(1), 100 as unknown as AnomalyThreshold),
    /thresholds\[1\] must be an AnomalyThreshold \(got 100\)/],
];

describe('bad scopes and thresholds fail with the factory, the argument and the rule', () => {
  test.each(factoryCases)('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

function newStack(context?: Record<string, unknown>): Stack {
  return new Stack(new App({ context }), 'Stack', { env: { account: ACCOUNT, region: 'us-east-1' } });
}

function monitor(props: Partial<CostAnomalyMonitorProps>, context?: Record<string, unknown>): void {
  new CostAnomalyMonitor(newStack(context), 'Monitor', { monitorScope: AnomalyMonitorScope.services(), ...props });
}

// [case, construct, expected message]: construct errors name the path, the prop and the rule
const monitorCases: Array<[string, () => void, RegExp]> = [
  ['empty monitorName', () => monitor({ monitorName: '' }), /Stack\/Monitor: monitorName must be 1–1024 characters long \(got 0\)/],
  ['monitorName of 1,025 characters', () => monitor({ monitorName: 'm'.repeat(1025) }), /Stack\/Monitor: monitorName must be 1–1024 characters long \(got 1025\)/],
  ['managementAccountId that is not an account ID', () => monitor({ managementAccountId: 'mgmt' }),
    /Stack\/Monitor: managementAccountId 'mgmt' must be a 12-digit account ID/],
  ['management account context that is not an account ID', () => monitor({}, { 'cdk-bedrock-cost-governance:managementAccountId': '123' }),
    /Stack\/Monitor: context cdk-bedrock-cost-governance:managementAccountId '123' must be a 12-digit account ID/],
  ['no monitorScope (JavaScript)', () => monitor({ monitorScope: undefined }), /Stack\/Monitor: monitorScope is required \(an AnomalyMonitorScope/],
  ['import of an ARN of another service', () => CostAnomalyMonitor.fromMonitorArn(newStack(), 'Imported', `arn:aws:sns:us-east-1:${ACCOUNT}:ops`),
    /Stack\/Imported: monitorArn 'arn:aws:sns:us-east-1:111122223333:ops' must be a cost anomaly monitor ARN \(arn:<partition>:ce::<account>:anomalymonitor\/<id>\)/],
];

function subscription(props: Partial<AnomalyAlertSubscriptionProps>): void {
  const stack = newStack();
  const m = new CostAnomalyMonitor(stack, 'Monitor', { monitorScope: AnomalyMonitorScope.services() });
  new AnomalyAlertSubscription(stack, 'Alerts', { monitors: [m], threshold: AnomalyThreshold.absoluteUsd(100), ...props });
}

function withMonitors(make: (stack: Stack) => CostAnomalyMonitor[]): () => void {
  return () => {
    const stack = newStack();
    new AnomalyAlertSubscription(stack, 'Alerts', { monitors: make(stack), threshold: AnomalyThreshold.absoluteUsd(100) });
  };
}

const subscriptionCases: Array<[string, () => void, RegExp]> = [
  ['no monitors', () => subscription({ monitors: [] }), /Stack\/Alerts: monitors must hold 1–501 monitors \(got 0\)/],
  ['502 monitors', withMonitors((stack) => Array.from({ length: 502 }, (_, i) => CostAnomalyMonitor.fromMonitorArn(stack, `M${i}`,
    `arn:aws:ce::${ACCOUNT}:anomalymonitor/m${i}`) as CostAnomalyMonitor)), /monitors must hold 1–501 monitors \(got 502\)/],
  ['the same monitor twice', withMonitors((stack) => {
    const m = new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.services() });
    return [m, m];
  }), /Stack\/Alerts: monitors must not hold the same monitor twice \(Stack\/M\)/],
  ['a monitor of another account', withMonitors((stack) => [
    CostAnomalyMonitor.fromMonitorArn(stack, 'Other', 'arn:aws:ce::444455556666:anomalymonitor/x') as CostAnomalyMonitor,
  ]), /Stack\/Alerts: monitors must be in the subscription's account 111122223333: Stack\/Other is in account 444455556666/],
  ['emails with IMMEDIATE', () => subscription({ emails: ['finops@example.com'] }),
    /Stack\/Alerts: emails are not notified of IMMEDIATE alerts, which go to an Amazon SNS topic: set frequency to DAILY or WEEKLY/],
  ['a topic with DAILY', () => subscription({
    frequency: AnomalyAlertFrequency.DAILY,
    emails: ['finops@example.com'],
    topic: sns.Topic.fromTopicArn(new Stack(), 'T', `arn:aws:sns:us-east-1:${ACCOUNT}:ops`),
  }), /Stack\/Alerts: topic is only notified of IMMEDIATE alerts: DAILY summaries go to emails/],
  ['DAILY without emails', () => subscription({ frequency: AnomalyAlertFrequency.DAILY }),
    /^Stack\/Alerts: emails must hold 1–10 email addresses for DAILY summaries \(got 0\)$/],
  ['WEEKLY with 11 emails', () => subscription({ frequency: AnomalyAlertFrequency.WEEKLY, emails: emails(11) }),
    /^Stack\/Alerts: emails must hold 1–10 email addresses for WEEKLY summaries \(got 11\)$/],
  ['a malformed email', () => subscription({ frequency: AnomalyAlertFrequency.DAILY, emails: ['finops@localhost'] }),
    /^Stack\/Alerts: emails 'finops@localhost' must be an email address \(name@domain\.tld, no spaces\)$/],
  ['an email shorter than Cost Explorer\'s SubscriberAddress (6–302)', () => subscription({ frequency: AnomalyAlertFrequency.DAILY, emails: ['a@b.c'] }),
    /^Stack\/Alerts: emails 'a@b\.c' must be 6–302 characters long for a Cost Anomaly Detection subscriber \(got 5\)$/],
  ['an email of 303 characters', () => subscription({ frequency: AnomalyAlertFrequency.WEEKLY, emails: [`${'a'.repeat(291)}@example.com`] }),
    /emails 'a+@example\.com' must be 6–302 characters long for a Cost Anomaly Detection subscriber \(got 303\)/],
  ['an email outside SubscriberAddress\'s pattern', () => subscription({ frequency: AnomalyAlertFrequency.DAILY, emails: ['fin"ops@example.com'] }),
    /^Stack\/Alerts: emails 'fin"ops@example\.com' must match .* \(the Cost Anomaly Detection subscriber address pattern\)$/],
  ['a repeated email', () => subscription({ frequency: AnomalyAlertFrequency.DAILY, emails: ['a@example.com', 'A@example.com'] }),
    /^Stack\/Alerts: emails 'A@example\.com' appears twice \(addresses are compared case-insensitively\)$/],
  ['no threshold (JavaScript)', () => subscription({ threshold: undefined }), /Stack\/Alerts: threshold is required \(an AnomalyThreshold/],
  ['unknown frequency (JavaScript)', () => subscription({ frequency: 'HOURLY' as AnomalyAlertFrequency }),
    /Stack\/Alerts: frequency must be one of IMMEDIATE, DAILY, WEEKLY \(got HOURLY\)/],
  ['empty subscriptionName', () => subscription({ subscriptionName: '' }), /Stack\/Alerts: subscriptionName must be 1–1024 characters long \(got 0\)/],
];

describe('bad construct props fail at synth with the path, the prop and the rule', () => {
  test.each([...monitorCases, ...subscriptionCases])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });
});

test('at least 10 bad inputs are covered', () => {
  expect(factoryCases.length + monitorCases.length + subscriptionCases.length).toBeGreaterThanOrEqual(10);
});

test('values that are tokens are not judged', () => {
  const stack = newStack();
  const param = (id: string) => new CfnParameter(stack, id).valueAsString;
  const m = new CostAnomalyMonitor(stack, 'M', {
    monitorScope: AnomalyMonitorScope.costCategory(param('Category'), param('Value')),
    monitorName: param('Name'),
    managementAccountId: param('Management'),
  });
  expect(() => AnomalyMonitorScope.costAllocationTagValues(param('Key'), [param('V1'), param('V2')])).not.toThrow();
  expect(() => new AnomalyAlertSubscription(stack, 'S', {
    monitors: [m, CostAnomalyMonitor.fromMonitorArn(stack, 'I', param('Arn'))],
    threshold: AnomalyThreshold.percentage(new CfnParameter(stack, 'Pct', { type: 'Number' }).valueAsNumber),
    frequency: AnomalyAlertFrequency.WEEKLY,
    emails: [param('Email')],
    subscriptionName: param('SubscriptionName'),
  })).not.toThrow();
});
