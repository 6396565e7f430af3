import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  AnomalyAlertFrequency, CostAllocationTagSchema, CostCenterTable, CostCenterTableFormat, ManagementAccount,
} from '../../src';
import { CentralCostControls, CentralCostControlsProps } from '../../src/organization';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const MANAGEMENT = '999988887777';
const MEMBER_A = '111111111111';
const MEMBER_B = '222222222222';
const MEMBER_C = '333333333333';
const SCHEMA = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting', 'marketing'] });

/** The Bedrock scope as budgets write it (written out, so a change of the scope shows here). */
const BEDROCK_OR_MARKETPLACE = {
  Or: [
    { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock', 'Amazon Bedrock Service', 'AmazonBedrockFoundationModels'] } },
    { Dimensions: { Key: 'BILLING_ENTITY', Values: ['AWS Marketplace'] } },
  ],
};

/** A stack in its own App whose management account is MANAGEMENT (unless `setManagement` is false); `null` account and Region: environment-agnostic. */
function stackIn(account: string | null = MANAGEMENT, region: string | null = 'us-east-1', setManagement = true): { app: App; stack: Stack } {
  const app = new App();
  if (setManagement) ManagementAccount.set(app, MANAGEMENT);
  const env = account === null && region === null ? undefined : { account: account ?? undefined, region: region ?? undefined };
  return { app, stack: new Stack(app, 'Central', { env }) };
}

const TABLE = CostCenterTable.fromString(JSON.stringify({
  schemaVersion: 1,
  costCenters: [
    { name: 'claims', tags: { dept: 'claims' }, monthlyBudget: 5000, accounts: [MEMBER_A, MEMBER_B] },
    { name: 'underwriting', tags: { dept: 'underwriting' }, monthlyBudget: 2000, accounts: [MEMBER_A, MEMBER_B, MEMBER_C] },
    { name: 'marketing', tags: { dept: 'marketing' }, monthlyBudget: 800 },
    { name: 'no-budget', tags: { dept: 'marketing' }, accounts: [MEMBER_C] },
  ],
}), CostCenterTableFormat.JSON, 'cost-centers.json');

function central(stack: Stack, props: Partial<CentralCostControlsProps> = {}): CentralCostControls {
  return new CentralCostControls(stack, 'Central', { tagSchema: SCHEMA, table: TABLE, ...props });
}

function budgets(template: Template): Array<{ name: string; limit: number; filter: any }> {
  return Object.values(template.findResources('AWS::Budgets::Budget')).map((r: any) => ({
    name: r.Properties.Budget.BudgetName,
    limit: r.Properties.Budget.BudgetLimit.Amount,
    filter: r.Properties.Budget.FilterExpression,
  }));
}

describe('CentralCostControls: budgets per linked account and cost center', () => {
  const { stack } = stackIn();
  const controls = central(stack, { accountBudgets: { [MEMBER_A]: 3000, [MEMBER_C]: 400 } });
  const template = Template.fromStack(stack);
  const all = budgets(template);

  test('one budget per (account, cost center), one organization-wide per row without accounts, one per account budget', () => {
    // claims 2 + underwriting 3 + marketing 1 (organization-wide) + 2 account budgets; no-budget has none
    expect(all).toHaveLength(8);
    expect(controls.budgets).toHaveLength(8);
    expect(controls.budgets.map((b) => `${b.costCenter ?? '-'}@${b.accountId ?? '*'}`)).toEqual([
      `claims@${MEMBER_A}`, `claims@${MEMBER_B}`,
      `underwriting@${MEMBER_A}`, `underwriting@${MEMBER_B}`, `underwriting@${MEMBER_C}`,
      'marketing@*', `-@${MEMBER_A}`, `-@${MEMBER_C}`,
    ]);
  });

  test('a cost center budget counts its tags AND the linked account AND the Bedrock scope', () => {
    const budget = controls.costCenterBudget('underwriting', MEMBER_C);
    const resource = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(budget.node.defaultChild as never)];
    expect(resource.Properties.Budget.FilterExpression).toEqual({
      And: [
        { Tags: { Key: 'dept', Values: ['underwriting'] } },
        { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [MEMBER_C] } },
        BEDROCK_OR_MARKETPLACE,
      ],
    });
    expect(resource.Properties.Budget.BudgetLimit).toEqual({ Amount: 2000, Unit: 'USD' });
  });

  test('the organization-wide budget has no account filter; an account budget has no tag filter', () => {
    const filters = all.map((b) => JSON.stringify(b.filter));
    expect(all.find((b) => b.limit === 800)!.filter).toEqual({ And: [{ Tags: { Key: 'dept', Values: ['marketing'] } }, BEDROCK_OR_MARKETPLACE] });
    expect(all.find((b) => b.limit === 400)!.filter).toEqual({
      And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [MEMBER_C] } }, BEDROCK_OR_MARKETPLACE],
    });
    expect(filters.filter((f) => f.includes('LINKED_ACCOUNT'))).toHaveLength(7);
  });

  test('budget names are unique and at most 100 characters', () => {
    const names = all.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(100);
  });

  test('alerts go to the alert topic', () => {
    template.hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: Match.arrayWith([
        Match.objectLike({ Subscribers: [{ SubscriptionType: 'SNS', Address: Match.anyValue() }] }),
      ]),
    });
  });

  test('every part is there by default and exposed', () => {
    expect(controls.tagActivation?.tagKeys).toEqual(SCHEMA.tagKeys);
    expect(controls.tagMonitors).toHaveLength(1);
    expect(controls.linkedAccountMonitor).toBeUndefined();
    expect(controls.anomalySubscription).toBeDefined();
    expect(controls.chargebackReport?.tagKey).toBe('dept');
    expect(controls.costAndUsageExport).toBeDefined();
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorType: 'DIMENSIONAL', MonitorDimension: 'TAG', MonitorSpecification: JSON.stringify({ Tags: { Key: 'dept' } }),
    });
    template.resourceCountIs('AWS::CE::AnomalySubscription', 1);
    template.resourceCountIs('AWS::BCMDataExports::Export', 1);
    // the report groups by the tag and by linked account
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))
      .find((f: any) => JSON.stringify(f.Properties.Environment ?? {}).includes('byLinkedAccount'));
    expect(JSON.stringify(fn)).toContain('\\"byLinkedAccount\\":true');
  });

  test('every resource validates against the CloudFormation schemas', () => {
    expectSchemaValid(stack);
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    expectNagClean(stack);
  });

  // CT.LAMBDA.PR.3 needs the user's network; the report and export buckets leave server access
  // logging, event notifications and Object Lock to their owner (util/secure-bucket.ts), as in
  // test/examples/insurance.test.ts
  test('AWS Control Tower proactive controls: only the VPC control and the documented bucket controls fail', () => {
    const failing = controlTowerFindings(stack).map((f) => `${f.controlId} ${f.resources.map((r) => r.logicalId).join(',')}`);
    expect(failing.filter((f) => !f.startsWith('CT.LAMBDA.PR.3 ')).sort()).toEqual([
      expect.stringMatching(/^CT\.S3\.PR\.2 CentralChargebackReportBucket\w+,CentralCostAndUsageExportBucket\w+$/),
      expect.stringMatching(/^CT\.S3\.PR\.4 CentralChargebackReportBucket\w+,CentralCostAndUsageExportBucket\w+$/),
      expect.stringMatching(/^CT\.S3\.PR\.9 CentralChargebackReportBucket\w+,CentralCostAndUsageExportBucket\w+$/),
    ]);
  });
});

describe('CentralCostControls: anomaly detection', () => {
  test('a monitor of every linked account joins the subscription', () => {
    const { stack } = stackIn();
    const controls = central(stack, { anomaly: { eachLinkedAccount: true } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', { MonitorType: 'DIMENSIONAL', MonitorDimension: 'LINKED_ACCOUNT' });
    expect(controls.anomalyMonitors).toHaveLength(2);
    const subscription = Object.values(template.findResources('AWS::CE::AnomalySubscription'))[0] as any;
    expect(subscription.Properties.MonitorArnList).toHaveLength(2);
  });

  test('WEEKLY summaries go to emails', () => {
    const { stack } = stackIn();
    central(stack, { anomaly: { frequency: AnomalyAlertFrequency.WEEKLY, emails: ['finops@example.com'] } });
    Template.fromStack(stack).hasResourceProperties('AWS::CE::AnomalySubscription', {
      Frequency: 'WEEKLY', Subscribers: [{ Type: 'EMAIL', Address: 'finops@example.com' }],
    });
  });

  test('a second tag key is refused by the one-AWS-managed-monitor-per-dimension rule', () => {
    const { app, stack } = stackIn();
    central(stack, { anomaly: { tagKeys: ['dept', 'team'] } });
    expect(() => app.synth()).toThrow(/second AWS managed TAG monitor .* only 1 AWS managed monitor per dimension/);
  });
});

describe('CentralCostControls: parts are optional', () => {
  test('only the budgets', () => {
    const { stack } = stackIn();
    const controls = central(stack, {
      activateTags: false, anomaly: { enabled: false }, chargebackReport: false, costAndUsageExport: false,
    });
    const template = Template.fromStack(stack);
    expect(controls.tagActivation).toBeUndefined();
    expect(controls.anomalyMonitors).toEqual([]);
    expect(controls.anomalySubscription).toBeUndefined();
    expect(controls.chargebackReport).toBeUndefined();
    expect(controls.costAndUsageExport).toBeUndefined();
    for (const type of ['AWS::CE::AnomalyMonitor', 'AWS::BCMDataExports::Export', 'AWS::Lambda::Function', 'AWS::S3::Bucket']) {
      template.resourceCountIs(type, 0);
    }
    template.resourceCountIs('AWS::Budgets::Budget', 6);
  });

  test('options of a part that is off are refused', () => {
    const { stack } = stackIn();
    expect(() => central(stack, { chargebackReport: false, chargebackReportOptions: {} }))
      .toThrow(/^Central\/Central: chargebackReportOptions are given but chargebackReport is false/);
  });

  test('the iamPrincipal/ forms of the keys are activated on request', () => {
    const { stack } = stackIn();
    const controls = central(stack, { tagActivation: { includeIamPrincipalTags: true }, costAndUsageExport: false });
    expect(controls.tagActivation!.tagKeys).toEqual(expect.arrayContaining(['dept', 'iamPrincipal/dept']));
  });
});

describe('CentralCostControls: validation', () => {
  test('more budgets than AWS Budgets allows per account fail at synth, naming the quota', () => {
    const { stack } = stackIn();
    const accounts = Array.from({ length: 10_001 }, (_, i) => String(100000000000 + i));
    const rows = ['claims', 'underwriting'].map((dept) => ({ name: dept, tags: { dept }, monthlyBudget: 10, accounts }));
    expect(() => central(stack, { table: undefined, costCenters: rows }))
      .toThrow(/^Central\/Central: costCenters\/table\/accountBudgets make 20,002 budgets .*at most 20,000 budgets per account \(https:\/\/docs\.aws\.amazon\.com\/cost-management\/latest\/userguide\/budgets-managing-costs\.html\)$/);
    expect(stack.node.findAll().some((c) => c.node.id === 'Budgets')).toBe(false);
  });

  test.each([
    ['a bad account', { costCenters: [{ name: 'x', tags: { dept: 'claims' }, monthlyBudget: 1, accounts: ['12'] }] },
      /costCenters\[0\] \('x'\)\.accounts '12' must be a literal 12-digit account ID/],
    ['a repeated account', { costCenters: [{ name: 'x', tags: { dept: 'claims' }, monthlyBudget: 1, accounts: [MEMBER_A, MEMBER_A] }] },
      /accounts must not repeat '111111111111'/],
    ['tags outside the schema', { costCenters: [{ name: 'x', tags: { dept: 'legal' }, monthlyBudget: 1 }] },
      /costCenters\[0\] \('x'\) CostCenter 'x': schema: tag 'dept' has value 'legal'/],
    ['a bad name', { costCenters: [{ name: 'a b', tags: { dept: 'claims' } }] }, /costCenters\[0\] \('a b'\) CostCenter 'a b': name 'a b' must match/],
    ['a repeated name', { costCenters: [{ name: 'claims', tags: { dept: 'claims' } }] }, /table cost-centers\.json: costCenters\[0\] \('claims'\)\.name repeats costCenters\[0\]/],
    ['a bad account budget key', { accountBudgets: { 'not-an-account': 5 } }, /accountBudgets key 'not-an-account' must be a 12-digit account ID/],
    ['a bad account budget amount', { accountBudgets: { [MEMBER_A]: -5 } }, /Accounts\/111111111111: limit -5 must be a positive number of USD/],
  ])('%s is refused', (_name, props, error) => {
    const { stack } = stackIn();
    expect(() => central(stack, props as Partial<CentralCostControlsProps>)).toThrow(error);
  });
});

describe('CentralCostControls: management account only', () => {
  test('a stack of another known account is refused, naming the rule', () => {
    const { stack } = stackIn(MEMBER_A);
    expect(() => central(stack)).toThrow(new RegExp('^Central/Central: ManagementAccount is 999988887777, but this stack deploys to account '
      + '111111111111: CentralCostControls must deploy to the management account, because cost allocation tags, .* exist only in the management'));
  });

  test('managementAccountId wins over the app-wide setting', () => {
    const { stack } = stackIn(MEMBER_A);
    expect(() => central(stack, { managementAccountId: MEMBER_A, costAndUsageExport: false })).not.toThrow();
    const { stack: other } = stackIn(MANAGEMENT);
    expect(() => central(other, { managementAccountId: MEMBER_B })).toThrow(/^Central\/Central: managementAccountId is 222222222222, but/);
  });

  test('an environment-agnostic stack, or an app without a management account, warns', () => {
    const { stack } = stackIn(null, null);
    central(stack, { costAndUsageExport: false });
    Annotations.fromStack(stack).hasWarning('/Central/Central', Match.stringLikeRegexp("this stack's account is not known at synth"));
    const { stack: unset } = stackIn(MANAGEMENT, 'us-east-1', false);
    central(unset);
    Annotations.fromStack(unset).hasWarning('/Central/Central', Match.stringLikeRegexp('no management account is set'));
  });

  test('the management account itself gives no warning', () => {
    const { stack } = stackIn();
    central(stack);
    Annotations.fromStack(stack).hasNoWarning('/Central/Central', Match.anyValue());
  });
});

describe('CentralCostControls: us-east-1', () => {
  test('the CUR 2.0 export outside us-east-1 is refused, naming the part and the rule', () => {
    const { stack } = stackIn(MANAGEMENT, 'eu-west-1');
    expect(() => central(stack)).toThrow(new RegExp('^Central/Central: costAndUsageExport \\(the CUR 2.0 export, CostAndUsageExport\\) must be in '
      + 'us-east-1: AWS Data Exports has one API endpoint, https://bcm-data-exports.us-east-1.api.aws .*this stack deploys to eu-west-1'));
  });

  test('without the export, another Region where the parts exist is accepted', () => {
    const { stack } = stackIn(MANAGEMENT, 'eu-west-1');
    expect(() => central(stack, { costAndUsageExport: false })).not.toThrow();
    Template.fromStack(stack).resourceCountIs('AWS::Budgets::Budget', 6);
  });

  test('budgets in a Region whose CloudFormation lacks them are refused by the part', () => {
    const { stack } = stackIn(MANAGEMENT, 'eu-north-1');
    expect(() => central(stack, { costAndUsageExport: false })).toThrow(/AWS::Budgets::Budget exists only in .*this stack deploys to eu-north-1/);
  });
});
