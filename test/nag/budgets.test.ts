import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import { ENV, findingsOf, newStack } from './support';
import {
  ApplicationInferenceProfile, BudgetSubscribers, CostCenter, CostCenterBudget, InferenceGeo, ManagementAccount, ModelSource, ProfileBatch,
} from '../../src';

const SOURCE = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
const BUDGET: budgets.CfnBudget.BudgetDataProperty = { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 100, unit: 'USD' } };
const NOTIFICATION = { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80 };

describe('CostAttribution-BudgetNotifications', () => {
  test('a CostCenterBudget (alerts by default) complies', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Budget', { costCenter: CostCenter.of('claims', { dept: 'claims' }), limit: 100 });
    expect(findingsOf(stack, 'BudgetNotifications')).toEqual([]);
  });

  test('a budget without notifications is found (also a CostCenterBudget given no alerts)', () => {
    const { stack } = newStack();
    new budgets.CfnBudget(stack, 'Raw', { budget: BUDGET });
    new CostCenterBudget(stack, 'Silent', { costCenter: CostCenter.of('claims', { dept: 'claims' }), limit: 100, alerts: [] });
    expect(findingsOf(stack, 'BudgetNotifications')).toEqual([
      { findingId: 'CostAttribution-BudgetNotifications', constructPath: 'Stack/Raw', severity: 'error' },
      { findingId: 'CostAttribution-BudgetNotifications', constructPath: 'Stack/Silent/Resource', severity: 'error' },
    ]);
  });
});

describe('CostAttribution-BudgetNotificationSubscribers', () => {
  test('the CloudFormation schema accepts an empty Subscribers list (so the rule, not the schema, catches it)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cfn-schemas', 'aws-budgets-budget.json'), 'utf8'));
    const subscribers = schema.definitions.NotificationWithSubscribers.properties.Subscribers;
    expect(subscribers.type).toBe('array');
    expect(subscribers.minItems).toBeUndefined();
    expect(schema.required ?? []).not.toContain('NotificationsWithSubscribers');
  });

  test('the Budgets API model requires 1–11 subscribers per notification (one SNS and up to 10 email) and at most 10 notifications', () => {
    const model = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'aws-models', 'budgets.json'), 'utf8'));
    expect(model.shapes.Subscribers).toMatchObject({ min: 1, max: 11 });
    expect(model.shapes.NotificationWithSubscribers.documentation).toContain('one SNS subscriber and up to 10 email subscribers');
    expect(model.shapes.NotificationWithSubscribersList.max).toBe(10);
  });

  test('notifications with subscribers comply', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'Budget', {
      costCenter: CostCenter.of('claims', { dept: 'claims' }), limit: 100, notify: BudgetSubscribers.emails(['finops@example.com']),
    });
    expect(findingsOf(stack, 'BudgetNotificationSubscribers')).toEqual([]);
  });

  test('a notification without subscribers is found by its index (the Budgets API requires 1–11)', () => {
    const { stack } = newStack();
    new budgets.CfnBudget(stack, 'Raw', {
      budget: BUDGET,
      notificationsWithSubscribers: [
        { notification: NOTIFICATION, subscribers: [{ subscriptionType: 'EMAIL', address: 'finops@example.com' }] },
        { notification: { ...NOTIFICATION, threshold: 100 }, subscribers: [] },
      ],
    });
    expect(findingsOf(stack, 'BudgetNotificationSubscribers')).toEqual([
      { findingId: 'CostAttribution-BudgetNotificationSubscribers[Notification::1]', constructPath: 'Stack/Raw', severity: 'error' },
    ]);
  });

  test('more than 10 email or more than 1 SNS subscribers in a notification are found (10 emails and 1 topic comply)', () => {
    const { stack } = newStack();
    const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ subscriptionType: 'EMAIL', address: `finops${i}@example.com` }));
    const sns = (n: number) => Array.from({ length: n }, (_, i) => ({ subscriptionType: 'SNS', address: `arn:aws:sns:us-east-1:111122223333:t${i}` }));
    new budgets.CfnBudget(stack, 'Raw', {
      budget: BUDGET,
      notificationsWithSubscribers: [
        { notification: NOTIFICATION, subscribers: [...emails(10), ...sns(1)] },
        { notification: { ...NOTIFICATION, threshold: 90 }, subscribers: emails(11) },
        { notification: { ...NOTIFICATION, threshold: 100 }, subscribers: sns(2) },
      ],
    });
    expect(findingsOf(stack, 'BudgetNotificationSubscribers')).toEqual([
      { findingId: 'CostAttribution-BudgetNotificationSubscribers[Notification::1::TooMany::EMAIL]', constructPath: 'Stack/Raw', severity: 'error' },
      { findingId: 'CostAttribution-BudgetNotificationSubscribers[Notification::2::TooMany::SNS]', constructPath: 'Stack/Raw', severity: 'error' },
    ]);
  });
});

describe('CostAttribution-CostCenterBudget', () => {
  const claims = CostCenter.of('claims', { dept: 'claims' });

  test('a cost center with a budget (by cost center, by profiles or by its tags) complies', () => {
    const { stack } = newStack();
    const profile = new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    new CostCenterBudget(stack, 'ByCostCenter', { costCenter: claims, limit: 100 });
    expect(findingsOf(stack, 'CostCenterBudget')).toEqual([]);

    const byProfiles = newStack();
    const p2 = new ApplicationInferenceProfile(byProfiles.stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    new CostCenterBudget(byProfiles.stack, 'ByProfiles', { profiles: [p2], limit: 100 });
    expect(findingsOf(byProfiles.stack, 'CostCenterBudget')).toEqual([]);

    const byTags = newStack();
    new ApplicationInferenceProfile(byTags.stack, 'Claims', { modelSource: SOURCE, costCenter: CostCenter.of('claims', { dept: 'claims', team: 'fraud' }) });
    new CostCenterBudget(byTags.stack, 'ByTags', { tags: { dept: 'claims' }, limit: 100 });
    expect(findingsOf(byTags.stack, 'CostCenterBudget')).toEqual([]);
    expect(profile.costCenter).toBe(claims);
  });

  test('a cost center without a budget is a warning on its profile (and on a batch, by member cost center)', () => {
    const { stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    const batch = new ProfileBatch(stack, 'Tenants');
    batch.addProfile('Acme', { key: 'acme', modelSource: SOURCE, costCenter: CostCenter.of('acme', { dept: 'acme' }) });
    batch.addProfile('Globex', { key: 'globex', modelSource: SOURCE, costCenter: claims });
    new CostCenterBudget(stack, 'Other', { tags: { dept: 'underwriting' }, limit: 100 });
    expect(findingsOf(stack, 'CostCenterBudget')).toEqual([
      // cdk-nag groups the resources of one finding ID
      { findingId: 'CostAttribution-CostCenterBudget[CostCenter::claims]', constructPath: 'Stack/Claims/Resource/Default', severity: 'warning' },
      { findingId: 'CostAttribution-CostCenterBudget[CostCenter::claims]', constructPath: 'Stack/Tenants/Resource/Default', severity: 'warning' },
      { findingId: 'CostAttribution-CostCenterBudget[CostCenter::acme]', constructPath: 'Stack/Tenants/Resource/Default', severity: 'warning' },
    ]);
  });

  test('a budget in another stack of the same account counts', () => {
    const { app, stack } = newStack('Profiles');
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    const budgetsStack = new Stack(app, 'Budgets', { env: ENV });
    new CostCenterBudget(budgetsStack, 'Claims', { costCenter: claims, limit: 100 });
    expect(findingsOf(stack, 'CostCenterBudget')).toEqual([]);
  });

  test('a budget in another member account does not count (it sees only that account\'s spend); by cost center or by tags', () => {
    const { app, stack } = newStack('Profiles');
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    const other = new Stack(app, 'OtherAccount', { env: { ...ENV, account: '444455556666' } });
    new CostCenterBudget(other, 'Claims', { costCenter: claims, limit: 100 });
    new CostCenterBudget(other, 'ByTags', { tags: { dept: 'claims' }, limit: 100 });
    expect(findingsOf(stack, 'CostCenterBudget')).toEqual([
      { findingId: 'CostAttribution-CostCenterBudget[CostCenter::claims]', constructPath: 'Profiles/Claims/Resource/Default', severity: 'warning' },
    ]);
  });

  test('a budget in the management account counts for every account (ManagementAccount.set or the context value)', () => {
    const { app, stack } = newStack('Profiles');
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    ManagementAccount.set(app, '999988887777');
    new CostCenterBudget(new Stack(app, 'Payer', { env: { ...ENV, account: '999988887777' } }), 'Claims', { costCenter: claims, limit: 100 });
    expect(findingsOf(stack, 'CostCenterBudget')).toEqual([]);
  });

  test('an account unknown at synth (environment-agnostic stack) on either side counts', () => {
    const { app, stack } = newStack('Profiles');
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    new CostCenterBudget(new Stack(app, 'Agnostic'), 'Claims', { costCenter: claims, limit: 100 });
    expect(findingsOf(stack, 'CostCenterBudget')).toEqual([]);

    const agnostic = newStack('Profiles', {});
    new ApplicationInferenceProfile(agnostic.stack, 'Claims', { modelSource: SOURCE, costCenter: claims });
    new CostCenterBudget(new Stack(agnostic.app, 'Budgets', { env: { ...ENV, account: '444455556666' } }), 'Claims', { costCenter: claims, limit: 100 });
    expect(findingsOf(agnostic.stack, 'CostCenterBudget')).toEqual([]);
  });
});
