import { App, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { BEDROCK_OR_MARKETPLACE, importedProfile, newStack, onlyResource, tag } from './support';
import { ApplicationInferenceProfile, CostCenter, ModelSource } from '../../src';
import {
  BudgetAlert, BudgetAutoAdjust, BudgetEnforcement, BudgetMetric, BudgetPeriod, BudgetScope, BudgetSubscribers, BudgetThreshold, CostCenterBudget,
} from '../../src/budgets';
import { bedrockBillingScope } from '../../src/util/cost-filter';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const CLAIMS = CostCenter.of('claims', { dept: 'claims' });

function budgetOf(template: Template): any {
  return onlyResource(template, 'AWS::Budgets::Budget');
}

describe('FilterExpression', () => {
  test('a single-tag cost center: its tag AND (SERVICE = Amazon Bedrock OR BILLING_ENTITY = AWS Marketplace), plain tag keys', () => {
    const { app, stack } = newStack();
    new CostCenterBudget(stack, 'Claims', { costCenter: CLAIMS, limit: 500 });
    const budget = budgetOf(Template.fromStack(stack)).Budget;
    expect(budget.FilterExpression).toEqual({ And: [tag('dept', 'claims'), BEDROCK_OR_MARKETPLACE] });
    expect(budget.CostFilters).toBeUndefined();
    expect(budget.CostTypes).toBeUndefined();
    expect(JSON.stringify(budget.FilterExpression)).not.toContain('user:');
    expect(budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 500, Unit: 'USD' }, Metrics: ['UnblendedCost'] });
    expectSchemaValid(app);
  });

  test('a multi-tag cost center: every tag AND-ed (sorted by key), flat with the Bedrock condition', () => {
    const { app, stack } = newStack();
    new CostCenterBudget(stack, 'Team', {
      costCenter: CostCenter.of('claims-ai', { team: 'ai', dept: 'claims', env: 'prod' }),
      limit: 100,
    });
    expect(budgetOf(Template.fromStack(stack)).Budget.FilterExpression).toEqual({
      And: [tag('dept', 'claims'), tag('env', 'prod'), tag('team', 'ai'), BEDROCK_OR_MARKETPLACE],
    });
    expectSchemaValid(app);
  });

  test('tags given directly work like a cost center', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'B', { tags: { dept: 'underwriting' }, limit: 100 });
    expect(budgetOf(Template.fromStack(stack)).Budget.FilterExpression).toEqual({ And: [tag('dept', 'underwriting'), BEDROCK_OR_MARKETPLACE] });
  });

  test('BudgetScope.tagsOnly(): the tags alone; one tag is the whole expression', () => {
    const { app, stack } = newStack();
    new CostCenterBudget(stack, 'One', { costCenter: CLAIMS, limit: 100, budgetScope: BudgetScope.tagsOnly() });
    new CostCenterBudget(stack, 'Two', { tags: { dept: 'claims', env: 'prod' }, limit: 100, budgetScope: BudgetScope.tagsOnly() });
    const filters = Object.values(Template.fromStack(stack).findResources('AWS::Budgets::Budget')).map((r) => r.Properties.Budget.FilterExpression);
    expect(filters).toEqual([tag('dept', 'claims'), { And: [tag('dept', 'claims'), tag('env', 'prod')] }]);
    expectSchemaValid(app);
  });

  test('BudgetScope.services(): the tags AND SERVICE in the list', () => {
    const { stack } = newStack();
    const scope = BudgetScope.services(['Amazon Bedrock', 'Claude Sonnet 4.5 (Amazon Bedrock Edition)']);
    new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 100, budgetScope: scope });
    expect(budgetOf(Template.fromStack(stack)).Budget.FilterExpression).toEqual({
      And: [tag('dept', 'claims'), { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock', 'Claude Sonnet 4.5 (Amazon Bedrock Edition)'] } }],
    });
    expect(scope.description).toBe('tags AND SERVICE in ("Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)")');
    expect(BudgetScope.bedrock().description)
      .toBe('tags AND (SERVICE in ("Amazon Bedrock", "Amazon Bedrock Service", "AmazonBedrockFoundationModels") OR BILLING_ENTITY = "AWS Marketplace")');
  });

  test('BudgetScope.bedrock() counts every Bedrock service name (Amazon Bedrock, Amazon Bedrock Service, AmazonBedrockFoundationModels) and Marketplace models', () => {
    const { app, stack } = newStack();
    new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 100, budgetScope: BudgetScope.bedrock() });
    expect(budgetOf(Template.fromStack(stack)).Budget.FilterExpression).toEqual({
      And: [
        { Tags: { Key: 'dept', Values: ['claims'] } },
        {
          Or: [
            { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock', 'Amazon Bedrock Service', 'AmazonBedrockFoundationModels'] } },
            { Dimensions: { Key: 'BILLING_ENTITY', Values: ['AWS Marketplace'] } },
          ],
        },
      ],
    });
    expectSchemaValid(app);
  });

  test('the Bedrock part is the library\'s one Bedrock billing scope (shared with the chargeback report)', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'B', { tags: { team: 'ai' }, limit: 100 });
    expect(budgetOf(Template.fromStack(stack)).Budget.FilterExpression).toEqual({ And: [tag('team', 'ai'), bedrockBillingScope()] });
  });

  test('profiles: each profile\'s tags AND-ed, the profiles OR-ed; identical tag sets once', () => {
    const { app, stack } = newStack();
    const sonnet = importedProfile(stack, 'Sonnet', { dept: 'claims', model: 'sonnet' });
    const nova = importedProfile(stack, 'Nova', { dept: 'claims', model: 'nova' });
    const novaTwin = importedProfile(stack, 'NovaTwin', { model: 'nova', dept: 'claims' });
    new CostCenterBudget(stack, 'B', { profiles: [sonnet, nova, novaTwin], limit: 100 });
    expect(budgetOf(Template.fromStack(stack)).Budget.FilterExpression).toEqual({
      And: [
        { Or: [{ And: [tag('dept', 'claims'), tag('model', 'sonnet')] }, { And: [tag('dept', 'claims'), tag('model', 'nova')] }] },
        BEDROCK_OR_MARKETPLACE,
      ],
    });
    expectSchemaValid(app);
  });

  test('profiles of different cost centers: the budget covers both (tags common to all would be empty)', () => {
    const { stack } = newStack();
    const claims = importedProfile(stack, 'Claims', { dept: 'claims' });
    const pricing = importedProfile(stack, 'Pricing', { dept: 'pricing' });
    new CostCenterBudget(stack, 'B', { profiles: [claims, pricing], limit: 100, budgetScope: BudgetScope.tagsOnly() });
    expect(budgetOf(Template.fromStack(stack)).Budget.FilterExpression).toEqual({ Or: [tag('dept', 'claims'), tag('dept', 'pricing')] });
  });

  test('profiles\' tags are read at synthesis: tags added later with Tags.of() are in the filter; profileTagKeys narrows them', () => {
    const { app, stack } = newStack();
    const profile = new ApplicationInferenceProfile(stack, 'Claims', {
      modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'),
      tags: { dept: 'claims' },
    });
    new CostCenterBudget(stack, 'All', { profiles: [profile], limit: 100, budgetScope: BudgetScope.tagsOnly() });
    new CostCenterBudget(stack, 'DeptOnly', { profiles: [profile], profileTagKeys: ['dept'], limit: 100, budgetScope: BudgetScope.tagsOnly() });
    Tags.of(stack).add('env', 'prod'); // after the budgets
    const t = Template.fromStack(stack);
    const filters = Object.fromEntries(Object.entries(t.findResources('AWS::Budgets::Budget'))
      .map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties.Budget.FilterExpression]));
    expect(filters).toEqual({
      All: { And: [tag('dept', 'claims'), tag('env', 'prod')] },
      DeptOnly: tag('dept', 'claims'),
    });
    expectSchemaValid(app);
  });

  test('a profile without tags (or without any of profileTagKeys) fails validation at synth', () => {
    const { app, stack } = newStack();
    const untagged = importedProfile(stack, 'Untagged', {});
    new CostCenterBudget(stack, 'B', { profiles: [untagged], limit: 100 });
    expect(() => app.synth()).toThrow(/profiles\[0\] \(Stack\/Untagged\) has no tags: the budget identifies a profile's spend by its cost allocation tags/);

    const other = newStack();
    const tagged = importedProfile(other.stack, 'Tagged', { team: 'ai' });
    new CostCenterBudget(other.stack, 'B', { profiles: [tagged], profileTagKeys: ['dept'], limit: 100 });
    expect(() => other.app.synth()).toThrow(/profiles\[0\] \(Stack\/Tagged\) has no tag among profileTagKeys \(dept\)/);
  });
});

describe('amount, period and metric', () => {
  test.each([
    [BudgetPeriod.DAILY, 'DAILY'], [BudgetPeriod.MONTHLY, 'MONTHLY'], [BudgetPeriod.QUARTERLY, 'QUARTERLY'], [BudgetPeriod.ANNUALLY, 'ANNUALLY'],
  ])('period %s', (period, timeUnit) => {
    const { app, stack } = newStack();
    new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 12.5, period });
    expect(budgetOf(Template.fromStack(stack)).Budget).toMatchObject({ TimeUnit: timeUnit, BudgetLimit: { Amount: 12.5, Unit: 'USD' } });
    expectSchemaValid(app);
  });

  test('metric', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 100, metric: BudgetMetric.NET_AMORTIZED_COST });
    expect(budgetOf(Template.fromStack(stack)).Budget.Metrics).toEqual(['NetAmortizedCost']);
  });

  test('planned limits: 12 months from the first planned one, the others at `limit`, keys in epoch seconds, no BudgetLimit', () => {
    const { app, stack } = newStack();
    new CostCenterBudget(stack, 'B', {
      costCenter: CLAIMS,
      limit: 100,
      plannedLimits: [{ start: '2027-01-01', amount: 150 }, { start: '2027-03-01', amount: 300 }],
    });
    const budget = budgetOf(Template.fromStack(stack)).Budget;
    expect(budget.BudgetLimit).toBeUndefined();
    const months = Object.keys(budget.PlannedBudgetLimits).map((k) => new Date(Number(k) * 1000).toISOString().slice(0, 10));
    expect(months).toEqual(Array.from({ length: 12 }, (_, i) => `2027-${String(i + 1).padStart(2, '0')}-01`));
    expect(Object.values(budget.PlannedBudgetLimits).map((s: any) => s.Amount)).toEqual([150, 100, 300, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    expect(budget.PlannedBudgetLimits[String(Date.UTC(2027, 0, 1) / 1000)]).toEqual({ Amount: 150, Unit: 'USD' });
    expect(budget.TimePeriod).toEqual({ Start: String(Date.UTC(2027, 0, 1) / 1000) });
    expectSchemaValid(app);
  });

  test('planned limits of a quarterly budget cover 4 quarters; with every quarter planned, no limit is needed', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'B', {
      costCenter: CLAIMS,
      period: BudgetPeriod.QUARTERLY,
      plannedLimits: ['2027-04-01', '2027-07-01', '2027-10-01', '2028-01-01'].map((start, i) => ({ start, amount: 1000 * (i + 1) })),
    });
    const planned = budgetOf(Template.fromStack(stack)).Budget.PlannedBudgetLimits;
    expect(Object.entries(planned).map(([k, v]: [string, any]) => [new Date(Number(k) * 1000).toISOString().slice(0, 7), v.Amount]))
      .toEqual([['2027-04', 1000], ['2027-07', 2000], ['2027-10', 3000], ['2028-01', 4000]]);
  });

  test('auto-adjust from history or forecast: AutoAdjustData, no BudgetLimit', () => {
    const { app, stack } = newStack();
    new CostCenterBudget(stack, 'History', { costCenter: CLAIMS, autoAdjust: BudgetAutoAdjust.fromHistory(6) });
    new CostCenterBudget(stack, 'Forecast', { costCenter: CLAIMS, autoAdjust: BudgetAutoAdjust.fromForecast(), alerts: [BudgetAlert.at(BudgetThreshold.actualAmount(1000))] });
    const budgets = Object.values(Template.fromStack(stack).findResources('AWS::Budgets::Budget')).map((r) => r.Properties.Budget);
    expect(budgets.map((b) => [b.AutoAdjustData, b.BudgetLimit])).toEqual([
      [{ AutoAdjustType: 'HISTORICAL', HistoricalOptions: { BudgetAdjustmentPeriod: 6 } }, undefined],
      [{ AutoAdjustType: 'FORECAST' }, undefined],
    ]);
    expectSchemaValid(app);
  });
});

describe('alerts and subscribers', () => {
  test('default alerts: actual > 80 %, actual > 100 %, forecasted > 100 %, to the stack\'s CostAlertTopic', () => {
    const { app, stack } = newStack();
    new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 100 });
    const t = Template.fromStack(stack);
    const topicRef = { Ref: stack.getLogicalId(stack.node.findChild('BedrockCostAlertTopic').node.findChild('Topic').node.defaultChild as any) };
    const n = (type: string, threshold: number) => ({
      Notification: { NotificationType: type, ComparisonOperator: 'GREATER_THAN', Threshold: threshold, ThresholdType: 'PERCENTAGE' },
      Subscribers: [{ SubscriptionType: 'SNS', Address: topicRef }],
    });
    expect(budgetOf(t).NotificationsWithSubscribers).toEqual([n('ACTUAL', 80), n('ACTUAL', 100), n('FORECASTED', 100)]);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    expectSchemaValid(app);
  });

  test('percent and absolute alerts, a budget-wide topic with emails, and an alert with its own subscribers', () => {
    const { app, stack } = newStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Team', { masterKey: key, enforceSSL: true });
    new CostCenterBudget(stack, 'B', {
      costCenter: CLAIMS,
      limit: 1000,
      notify: BudgetSubscribers.topic(topic, ['finops@example.com']),
      alerts: [
        BudgetAlert.at(BudgetThreshold.actual(50)),
        BudgetAlert.at(BudgetThreshold.forecasted(110)),
        BudgetAlert.at(BudgetThreshold.actualAmount(900)),
        BudgetAlert.at(BudgetThreshold.forecastedAmount(1200), { notify: BudgetSubscribers.emails(['lead@example.com', 'cfo@example.com']) }),
        BudgetAlert.at(BudgetThreshold.actual(150), { notify: BudgetSubscribers.costAlertTopic(['oncall@example.com']) }),
      ],
    });
    const t = Template.fromStack(stack);
    const teamTopic = { Ref: stack.getLogicalId(topic.node.defaultChild as any) };
    const costAlertTopic = { Ref: stack.getLogicalId(stack.node.findChild('BedrockCostAlertTopic').node.findChild('Topic').node.defaultChild as any) };
    expect(budgetOf(t).NotificationsWithSubscribers).toEqual([
      {
        Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 50, ThresholdType: 'PERCENTAGE' },
        Subscribers: [{ SubscriptionType: 'SNS', Address: teamTopic }, { SubscriptionType: 'EMAIL', Address: 'finops@example.com' }],
      },
      {
        Notification: { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 110, ThresholdType: 'PERCENTAGE' },
        Subscribers: [{ SubscriptionType: 'SNS', Address: teamTopic }, { SubscriptionType: 'EMAIL', Address: 'finops@example.com' }],
      },
      {
        Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 900, ThresholdType: 'ABSOLUTE_VALUE' },
        Subscribers: [{ SubscriptionType: 'SNS', Address: teamTopic }, { SubscriptionType: 'EMAIL', Address: 'finops@example.com' }],
      },
      {
        Notification: { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 1200, ThresholdType: 'ABSOLUTE_VALUE' },
        Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'lead@example.com' }, { SubscriptionType: 'EMAIL', Address: 'cfo@example.com' }],
      },
      {
        Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 150, ThresholdType: 'PERCENTAGE' },
        Subscribers: [{ SubscriptionType: 'SNS', Address: costAlertTopic }, { SubscriptionType: 'EMAIL', Address: 'oncall@example.com' }],
      },
    ]);
    expectSchemaValid(app);
  });

  test('a daily budget\'s default alerts are on actual spend only', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 20, period: BudgetPeriod.DAILY });
    const notifications = budgetOf(Template.fromStack(stack)).NotificationsWithSubscribers;
    expect(notifications.map((n: any) => [n.Notification.NotificationType, n.Notification.Threshold]))
      .toEqual([['ACTUAL', 80], ['ACTUAL', 100]]);
  });

  test('no alerts: the budget has no notifications, and no topic is created', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 100, alerts: [] });
    const t = Template.fromStack(stack);
    expect(budgetOf(t).NotificationsWithSubscribers).toEqual([]);
    t.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('one CostAlertTopic per stack, however many budgets', () => {
    const { stack } = newStack();
    for (const dept of ['claims', 'underwriting', 'pricing']) {
      new CostCenterBudget(stack, dept, { tags: { dept }, limit: 100 });
    }
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Budgets::Budget', 3);
    t.resourceCountIs('AWS::SNS::Topic', 1);
  });
});

describe('budget name', () => {
  const nameOf = (alerts?: BudgetAlert[], id = 'Claims', budgetName?: string): string => {
    const { stack } = newStack();
    return new CostCenterBudget(stack, id, { costCenter: CLAIMS, limit: 100, alerts, budgetName }).budgetName;
  };

  test('derived from the construct path and a hash of the alerts: stable, and new when the alerts change', () => {
    const name = nameOf();
    expect(name).toMatch(/^Stack-Claims-[0-9A-F]{8}-[0-9a-f]{8}$/);
    expect(nameOf()).toBe(name);
    const defaults = [BudgetThreshold.actual(80), BudgetThreshold.actual(100), BudgetThreshold.forecasted(100)].map((t) => BudgetAlert.at(t));
    expect(nameOf(defaults)).toBe(name);
    expect(nameOf([BudgetAlert.at(BudgetThreshold.actual(90))])).not.toBe(name);
    expect(nameOf([BudgetAlert.at(BudgetThreshold.actual(80), { notify: BudgetSubscribers.emails(['a@example.com']) })]))
      .not.toBe(nameOf([BudgetAlert.at(BudgetThreshold.actual(80), { notify: BudgetSubscribers.emails(['b@example.com']) })]));
    expect(nameOf(undefined, 'Pricing')).not.toBe(name);
  });

  test('the limit and the filter are not in the hash (they are updated in place)', () => {
    const a = newStack();
    const b = newStack();
    const one = new CostCenterBudget(a.stack, 'Claims', { costCenter: CLAIMS, limit: 100 });
    const two = new CostCenterBudget(b.stack, 'Claims', { tags: { dept: 'other' }, limit: 900, budgetScope: BudgetScope.tagsOnly() });
    expect(one.budgetName).toBe(two.budgetName);
  });

  test('a generated name fits 100 characters even for a deep construct path', () => {
    const name = nameOf(undefined, 'x'.repeat(200));
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name).not.toMatch(/[:\\]|\/action\//);
  });

  test('names are byte-identical to those of the previous name scheme (deployed budgets keep their names)', () => {
    expect(nameOf()).toBe('Stack-Claims-2B72D7F9-eb2f968f');
    expect(nameOf(undefined, 'x'.repeat(200))).toBe(`Stack-${'x'.repeat(75)}-0C94D42B-eb2f968f`);
  });

  test('a given name is used as is, for the budget and its template', () => {
    const { stack } = newStack();
    new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 100, budgetName: 'claims-bedrock-monthly' });
    expect(budgetOf(Template.fromStack(stack)).Budget.BudgetName).toBe('claims-bedrock-monthly');
  });
});

describe('Region: AWS::Budgets::* exist in some Regions only (guardRegion)', () => {
  test('a budget in a Region whose CloudFormation lacks AWS::Budgets::Budget fails at synth, saying to use us-east-1', () => {
    const stack = new Stack(new App(), 'Billing', { env: { account: '111122223333', region: 'eu-north-1' } });
    expect(() => new CostCenterBudget(stack, 'B', { costCenter: CLAIMS, limit: 100 }))
      .toThrow(/^Billing\/B\/Resource: AWS::Budgets::Budget exists only in us-east-1, .*this stack deploys to eu-north-1.*region: 'us-east-1'/);
  });

  test('a stack whose Region is a token gets a warning for the budget and its action', () => {
    const stack = new Stack(new App(), 'Billing');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new CostCenterBudget(stack, 'B', {
      profiles: [importedProfile(stack, 'P', { dept: 'claims' })],
      limit: 100,
      enforcement: BudgetEnforcement.denyInvocation({ roles: [role] }),
    });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Billing/B/Resource', Match.stringLikeRegexp('AWS::Budgets::Budget exists only in .*not known at synth'));
    annotations.hasWarning('/Billing/B/Enforcement/Action', Match.stringLikeRegexp('AWS::Budgets::BudgetsAction exists only in .*not known at synth'));
  });
});

describe('compliance', () => {
  test('cdk-nag clean, schema-valid, and no AWS Control Tower control fails', () => {
    const { app, stack } = newStack();
    const profile = importedProfile(stack, 'Claims', { dept: 'claims' });
    new CostCenterBudget(stack, 'B', {
      profiles: [profile],
      limit: 100,
      alerts: [BudgetAlert.at(BudgetThreshold.actual(80), { notify: BudgetSubscribers.costAlertTopic(['finops@example.com']) }), BudgetAlert.at(BudgetThreshold.forecasted(100))],
    });
    expectNagClean(stack);
    expectSchemaValid(app);
    expect(controlTowerFindings(app)).toEqual([]);
  });
});
