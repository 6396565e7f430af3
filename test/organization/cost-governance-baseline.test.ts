import * as fs from 'fs';
import * as path from 'path';
import { App, Aws, CfnOutput, NestedStack, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  BaselineParameter, BaselineParameterType, BudgetEnforcement, CostAllocationTagSchema, CostCenterTable, CostCenterTableFormat, CostCenterTableRow,
  CostGovernanceBaseline, CostGovernanceBaselineProps, ModelSource,
} from '../../src';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const SCHEMA = CostAllocationTagSchema.standard({ departments: ['platform', 'claims', 'legal', 'x'] });
const SONNET = ModelSource.fromString('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
const ENV = { account: '111111111111', region: 'us-east-1' };

function rows(): CostCenterTableRow[] {
  return [
    { name: 'platform', tags: { dept: 'platform' }, monthlyBudget: 500, profiles: { chat: SONNET } },
    {
      name: 'claims',
      tags: { dept: 'claims' },
      monthlyBudget: 1000,
      profiles: { chat: SONNET },
      enforcement: BudgetEnforcement.denyInvocation({ roles: [] as iam.IRole[] }),
    },
  ];
}

function baselineIn(props: Partial<CostGovernanceBaselineProps> = {}, build?: (stack: Stack) => Partial<CostGovernanceBaselineProps>) {
  const app = new App();
  const stack = new Stack(app, 'Mgmt', { env: ENV });
  // the member account's own role: its ARN carries AWS::AccountId, resolved in each member's stack
  const role = iam.Role.fromRoleArn(stack, 'ClaimsApp', `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/claims-app`, { mutable: false });
  const defaults: Partial<CostGovernanceBaselineProps> = {
    costCenters: rows().map((r) => (r.enforcement ? { ...r, enforcement: BudgetEnforcement.denyInvocation({ roles: [role] }) } : r)),
  };
  const baseline = new CostGovernanceBaseline(stack, 'Baseline', {
    tagSchema: SCHEMA,
    homeRegion: 'us-east-1',
    assetBucketPrefix: 'acme-gov-assets',
    ...defaults,
    ...props,
    ...(build ? build(stack) : {}),
  });
  return { app, stack, baseline };
}

/** The synthesized baseline template and the parent's asset manifest. */
function synthesized(app: App, baseline: CostGovernanceBaseline) {
  const assembly = app.synth();
  const template = JSON.parse(fs.readFileSync(path.join(assembly.directory, baseline.templateStack.templateFile), 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Mgmt.assets.json'), 'utf8'));
  return { template, manifest, text: JSON.stringify(template) };
}

describe('CostGovernanceBaseline: one template for every account and Region', () => {
  const { app, stack, baseline } = baselineIn();
  const { template, manifest, text } = synthesized(app, baseline);
  const resources = Object.entries<any>(template.Resources);

  test('holds the profiles, catalog, dashboard and alarms, and no nested stack', () => {
    const types = resources.map(([, r]) => r.Type);
    expect(types).not.toContain('AWS::CloudFormation::Stack');
    expect(types).toContain('Custom::BedrockApplicationInferenceProfileBatch');
    expect(types.filter((t) => t === 'AWS::SSM::Parameter')).toHaveLength(2);
    expect(types).toContain('AWS::CloudWatch::Dashboard');
    expect(types.filter((t) => t === 'AWS::CloudWatch::Alarm').length).toBeGreaterThan(0);
    expect(template.Parameters?.BootstrapVersion).toBeUndefined();
  });

  test('budgets and the enforcement are the account-global part: only in the home Region', () => {
    expect(template.Conditions.IsHomeRegion).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    const global = resources.filter(([, r]) => ['AWS::Budgets::Budget', 'AWS::Budgets::BudgetsAction'].includes(r.Type));
    expect(global.map(([, r]) => r.Type).sort()).toEqual(['AWS::Budgets::Budget', 'AWS::Budgets::Budget', 'AWS::Budgets::BudgetsAction']);
    for (const [, r] of global) expect(r.Condition).toBe('IsHomeRegion');
    // the enforcement's role and policy too, and nothing of the regional part
    const conditioned = resources.filter(([, r]) => r.Condition === 'IsHomeRegion').map(([id]) => id);
    expect(conditioned.every((id) => /Budget/.test(id))).toBe(true);
    expect(resources.filter(([, r]) => r.Type === 'Custom::BedrockApplicationInferenceProfileBatch').every(([, r]) => r.Condition === undefined)).toBe(true);
  });

  test('dashboard names carry the Region: CloudWatch dashboards are global to an account', () => {
    const dashboard = resources.find(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard')![1];
    expect(JSON.stringify(dashboard.Properties.DashboardName)).toContain('{"Ref":"AWS::Region"}');
  });

  test('no bootstrap asset reference is left: code is read from <prefix>-<Region> under the parent\'s content-hash key', () => {
    expect(text).not.toMatch(/cdk-hnb659fds|AssetParameters|BootstrapVersion/);
    const codes = resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([, r]) => r.Properties.Code);
    expect(codes.length).toBeGreaterThan(0);
    const keys = new Set(baseline.assets.map((a) => a.objectKey));
    for (const code of codes) {
      expect(code.S3Bucket).toEqual({ 'Fn::Join': ['-', ['acme-gov-assets', { Ref: 'AWS::Region' }]] });
      expect(keys.has(code.S3Key)).toBe(true);
    }
    // every asset is published with the parent stack, under the same key
    const published = Object.values<any>(manifest.files).flatMap((f) => Object.values<any>(f.destinations).map((d) => d.objectKey));
    for (const asset of baseline.assets) {
      expect(published).toContain(asset.objectKey);
      expect(stack.resolve(asset.sourceBucketName)).toBe('cdk-hnb659fds-assets-111111111111-us-east-1');
    }
  });

  test('the template itself is a file asset of the parent, whose URL the stack set takes', () => {
    const entry = Object.values<any>(manifest.files).find((f) => f.source.path === baseline.templateStack.templateFile);
    expect(entry).toBeDefined();
    const key = Object.values<any>(entry.destinations)[0].objectKey;
    expect(JSON.stringify(stack.resolve(baseline.templateUrl))).toContain(`/cdk-hnb659fds-assets-111111111111-us-east-1/${key}`);
  });

  test('every resource validates against the CloudFormation schemas (the baseline template included)', () => {
    expectSchemaValid(stack);
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    expectNagClean(stack);
  });
});

describe('CostGovernanceBaseline: values per account', () => {
  test('a parameter declared once is a template parameter the rows use by Ref', () => {
    const team = new BaselineParameter('Team', { default: 'shared', allowedValues: ['shared', 'claims'] });
    const budget = new BaselineParameter('PlatformBudget', { default: '500', type: BaselineParameterType.NUMBER });
    const { app, baseline } = baselineIn({
      parameters: [team, budget],
      costCenters: [{ name: 'platform', tags: { dept: 'platform', team: team.valueAsString }, monthlyBudget: budget.valueAsNumber, profiles: { chat: SONNET } }],
    });
    expect(baseline.parameterNames).toEqual(['Team', 'PlatformBudget']);
    const { template } = synthesized(app, baseline);
    expect(template.Parameters.Team).toEqual({ Type: 'String', Default: 'shared', AllowedValues: ['shared', 'claims'] });
    expect(template.Parameters.PlatformBudget).toEqual({ Type: 'Number', Default: '500' });
    const budgetResource = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Budgets::Budget');
    expect(budgetResource.Properties.Budget.BudgetLimit.Amount).toEqual({ Ref: 'PlatformBudget' });
    const batch = Object.values<any>(template.Resources).find((r) => r.Type === 'Custom::BedrockApplicationInferenceProfileBatch');
    expect(JSON.stringify(batch.Properties)).toContain('{"Ref":"Team"}');
  });

  test('a parameter name must be a logical ID, and is declared once', () => {
    expect(() => new BaselineParameter('team-name')).toThrow(/BaselineParameter: name 'team-name' must be 1–255 letters and digits/);
    expect(() => baselineIn({ parameters: [new BaselineParameter('Team'), new BaselineParameter('Team')] }))
      .toThrow(/^Mgmt\/Baseline: parameters\[1\] 'Team' is declared twice$/);
  });
});

describe('CostGovernanceBaseline: refusals', () => {
  test('a row placed by accounts or Regions: every account and Region receives the same template', () => {
    expect(() => baselineIn({ costCenters: [{ name: 'x', tags: { dept: 'x' }, accounts: ['222222222222'] }] }))
      .toThrow(/^Mgmt\/Baseline: costCenters\[0\] \('x'\)\.accounts cannot be used in a baseline: every account and Region receives the same template/);
    const table = CostCenterTable.fromString('schemaVersion: 1\ncostCenters:\n  - name: legal\n    tags: { dept: legal }\n    regions: [eu-west-1]\n',
      CostCenterTableFormat.YAML, 'teams.yaml');
    expect(() => baselineIn({ costCenters: [], table }))
      .toThrow(/^Mgmt\/Baseline: table teams\.yaml:3:5: costCenters\[0\] \('legal'\)\.regions cannot be used in a baseline/);
  });

  test('homeRegion must be a literal Region; nested stacks are refused', () => {
    expect(() => baselineIn({ homeRegion: 'useast1' })).toThrow(/^Mgmt\/Baseline: homeRegion must be a literal Region name such as us-east-1 \(got 'useast1'\)/);
    expect(() => baselineIn({ nestedStacks: true })).toThrow(/^Mgmt\/Baseline: nestedStacks must not be true: a service-managed stack set refuses a template with nested stacks/);
  });

  test('a nested stack added to the template fails at synth, named', () => {
    const { app, baseline } = baselineIn();
    new sqs.Queue(new NestedStack(baseline.templateStack, 'Extra'), 'Q', { enforceSSL: true });
    expect(() => app.synth()).toThrow(/nested stack Mgmt\/Baseline\/Template\/Extra: a template deployed by a service-managed stack set cannot hold nested stacks/);
  });
});

describe('CostGovernanceBaseline: what a member account could not deploy fails at synth', () => {
  test('a role imported in the deploying stack names the deploying account: refused, with the remedy', () => {
    const { app } = baselineIn({}, (stack) => ({
      costCenters: [{
        name: 'claims',
        tags: { dept: 'claims' },
        monthlyBudget: 100,
        profiles: { chat: SONNET },
        enforcement: BudgetEnforcement.denyInvocation({ roles: [iam.Role.fromRoleName(stack, 'Parent', 'claims-app', { mutable: false })] }),
      }],
    }));
    expect(() => app.synth()).toThrow(/Mgmt\/Baseline\/Template: the template holds the deploying account's ID 111111111111.*Role\.fromRoleArn/s);
  });

  test('a reference to a resource of the deploying stack (an import) is refused', () => {
    // (with an env, CDK itself refuses it as a cross-environment reference)
    const app = new App();
    const stack = new Stack(app, 'Mgmt');
    const baseline = new CostGovernanceBaseline(stack, 'Baseline', { tagSchema: SCHEMA, homeRegion: 'us-east-1', assetBucketPrefix: 'acme-gov-assets' });
    const queue = new sqs.Queue(stack, 'ParentQueue', { enforceSSL: true });
    new CfnOutput(baseline.templateStack, 'UsesParent', { value: queue.queueName });
    expect(() => app.synth()).toThrow(/^Mgmt\/Baseline\/Template: the template imports a value of another stack \(Fn::ImportValue\), whose export exists only/);
  });

  test('a baseline parameter used outside the template fails, naming it', () => {
    const team = new BaselineParameter('Team', { default: 'shared' });
    const { app, stack } = baselineIn({ parameters: [team] });
    new CfnOutput(stack, 'Team', { value: team.valueAsString });
    expect(() => app.synth()).toThrow(/Mgmt\/Team: BaselineParameter 'Team' is used outside a baseline's template/);
  });

  test('the parameters without a default are listed for the rollout', () => {
    const { baseline } = baselineIn({ parameters: [new BaselineParameter('Team'), new BaselineParameter('Tier', { default: 'standard' })] });
    expect(baseline.requiredParameterNames).toEqual(['Team']);
  });
});

