import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  BaselineParameter, CostAllocationTagSchema, CostGovernanceBaseline, ManagementAccount, ModelSource, OrganizationRollout,
  OrganizationRolloutProps, RolloutWaveInput, StackSetCallAs, StackSetConcurrencyMode, StackSetRegionConcurrency,
} from '../../src';
import { STACKSET_QUOTAS } from '../../src/organization/stackset-quotas';

const estimateRolloutWave = (input: RolloutWaveInput) => OrganizationRollout.estimateWave(input);
const SOFT = StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE;
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const SCHEMA = CostAllocationTagSchema.standard({ departments: ['platform'] });
const SONNET = ModelSource.fromString('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
const MGMT = '999988887777';
const OUS = ['ou-ab12-workload1', 'ou-ab12-sandbox01'];

function rolloutIn(props: Partial<OrganizationRolloutProps> = {}, options: { account?: string; management?: string } = {}) {
  const app = new App();
  if (options.management !== null) ManagementAccount.set(app, options.management ?? MGMT);
  const stack = new Stack(app, 'Mgmt', { env: { account: options.account ?? MGMT, region: 'us-east-1' } });
  const baseline = new CostGovernanceBaseline(stack, 'Baseline', {
    tagSchema: SCHEMA,
    homeRegion: 'us-east-1',
    assetBucketPrefix: 'acme-gov-assets',
    costCenters: [{ name: 'platform', tags: { dept: 'platform' }, monthlyBudget: 500, profiles: { chat: SONNET } }],
  });
  const rollout = new OrganizationRollout(stack, 'Rollout', {
    template: baseline,
    organizationalUnits: OUS,
    regions: ['us-east-1', 'eu-west-1'],
    ...props,
  });
  return { app, stack, baseline, rollout };
}

describe('OrganizationRollout: the stack set', () => {
  const { stack, baseline, rollout } = rolloutIn();
  const template = Template.fromStack(stack);

  test('service-managed, auto-deployed to the OUs in every Region, stacks kept when an account leaves', () => {
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: rollout.stackSetName,
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      ManagedExecution: { Active: true },
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: ['us-east-1', 'eu-west-1'] }],
      // the defaults: 10 % at once, 10 % may fail, SOFT, Region after Region in the given order
      OperationPreferences: {
        MaxConcurrentPercentage: 10,
        FailureTolerancePercentage: 10,
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        RegionConcurrencyType: 'SEQUENTIAL',
        RegionOrder: ['us-east-1', 'eu-west-1'],
      },
    });
  });

  test('the template URL is the baseline template published with this stack', () => {
    const stackSet = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0];
    expect(stackSet.Properties.TemplateURL).toEqual(stack.resolve(baseline.templateUrl));
    expect(JSON.stringify(stackSet.Properties.TemplateURL)).toMatch(/cdk-hnb659fds-assets-999988887777-us-east-1\/[0-9a-f]{64}\.json/);
  });

  test('the assets are copied to every Region\'s bucket before the stack set is created or updated', () => {
    const replication = template.findResources('Custom::StackSetAssetReplication');
    const [id, resource] = Object.entries(replication)[0];
    expect(resource.Properties.Regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(resource.Properties.BucketPrefix).toBe('acme-gov-assets');
    expect(resource.Properties.Assets.map((a: { ObjectKey: string }) => a.ObjectKey).sort()).toEqual(baseline.assets.map((a) => a.objectKey).sort());
    const stackSet = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0];
    expect(stackSet.DependsOn).toEqual(expect.arrayContaining([id]));
  });

  test('the hook takes the stack set as it is', () => {
    expect(rollout.vendingStackSet).toEqual({
      stackSetName: rollout.stackSetName, regions: ['us-east-1', 'eu-west-1'], callAs: StackSetCallAs.SELF, region: 'us-east-1', organizationalUnits: OUS,
    });
  });

  test('the prerequisites are named', () => {
    Annotations.fromStack(stack).hasInfo('/Mgmt/Rollout', Match.stringLikeRegexp('needs trusted access of StackSets with AWS Organizations'));
  });

  test('every resource validates against the CloudFormation schemas; cdk-nag AwsSolutions clean', () => {
    expectSchemaValid(stack);
    expectNagClean(stack);
  });
});

describe('OrganizationRollout: choices', () => {
  test('more than 50 OUs are split into groups of 50, the most one StackSets call takes', () => {
    const ous = Array.from({ length: 120 }, (_, i) => `ou-ab12-${String(i).padStart(8, '0')}`);
    const { stack } = rolloutIn({ organizationalUnits: ous });
    const stackSet = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet'))[0];
    const groups = stackSet.Properties.StackInstancesGroup;
    expect(groups.map((g: any) => g.DeploymentTargets.OrganizationalUnitIds.length)).toEqual([50, 50, 20]);
    expect(groups.flatMap((g: any) => g.DeploymentTargets.OrganizationalUnitIds)).toEqual(ous);
    expect(STACKSET_QUOTAS.organizationalUnitsPerCall).toBe(50);
  });

  test('preferences, retention, managed execution and parameters as given', () => {
    const { stack } = rolloutIn({
      retainStacksOnAccountRemoval: false,
      managedExecution: false,
      operationPreferences: {
        // STRICT: "MaxConcurrentCount is at most one more than the FailureToleranceCount" ([model] StackSetOperationPreferences)
        maxConcurrentCount: 3,
        failureToleranceCount: 2,
        concurrencyMode: StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE,
        regionConcurrency: StackSetRegionConcurrency.PARALLEL,
        regionOrder: ['eu-west-1', 'us-east-1'],
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: false },
      OperationPreferences: {
        MaxConcurrentCount: 3,
        FailureToleranceCount: 2,
        ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
        RegionConcurrencyType: 'PARALLEL',
        RegionOrder: ['eu-west-1', 'us-east-1'],
      },
    });
  });
});

describe('OrganizationRollout: refusals name the prop and the rule', () => {
  test.each<[string, Partial<OrganizationRolloutProps>, RegExp]>([
    ['a bad OU', { organizationalUnits: ['ou-1'] }, /^Mgmt\/Rollout: organizationalUnits\[0\] 'ou-1' must be an OU ID \(ou-…\) or a root ID \(r-…\)/],
    ['no OU', { organizationalUnits: [] }, /organizationalUnits must name at least one OU or the root/],
    ['a Region twice', { regions: ['us-east-1', 'us-east-1'] }, /regions names a Region twice/],
    ['the home Region missing', { regions: ['eu-west-1'] }, /regions must include the baseline's homeRegion us-east-1: its budgets are created there only/],
    ['a region order of other Regions', { operationPreferences: { regionOrder: ['us-east-1'] } },
      /operationPreferences\.regionOrder must list the rollout's Regions once each \(us-east-1, eu-west-1; got us-east-1\)/],
    ['a count and a percentage', { operationPreferences: { maxConcurrentCount: 5, maxConcurrentPercentage: 10 } },
      /operationPreferences may set maxConcurrentCount or maxConcurrentPercentage, not both/],
    ['more concurrency than StackSets runs', { operationPreferences: { maxConcurrentCount: 10_001 } },
      /operationPreferences\.maxConcurrentCount is 10001; StackSets runs at most 10,000 stack instance operations at once per Region/],
    ['a parameter the template lacks', { parameters: { Team: 'x' } }, /parameters\.Team is not a parameter of the template \(it has none\)/],
    ['more stack instances than a stack set holds', { expectedAccounts: 50_001 },
      /expectedAccounts 50001 accounts × 2 Regions are 100002 stack instances; a stack set holds at most 100,000/],
    ['a bad name', { stackSetName: '1-bedrock' }, /stackSetName '1-bedrock' must match/],
  ])('%s', (_, props, message) => {
    expect(() => rolloutIn(props)).toThrow(message);
  });

  test('a template parameter without a default needs a value: the stack set creates existing accounts\' instances with its own values', () => {
    const app = new App();
    ManagementAccount.set(app, MGMT);
    const stack = new Stack(app, 'Mgmt', { env: { account: MGMT, region: 'us-east-1' } });
    const team = new BaselineParameter('Team');
    const baseline = new CostGovernanceBaseline(stack, 'Baseline', {
      tagSchema: SCHEMA,
      homeRegion: 'us-east-1',
      assetBucketPrefix: 'acme-gov-assets',
      parameters: [team],
      costCenters: [{ name: 'platform', tags: { dept: 'platform', team: team.valueAsString }, profiles: { chat: SONNET } }],
    });
    const props = { template: baseline, organizationalUnits: OUS, regions: ['us-east-1'] };
    expect(() => new OrganizationRollout(stack, 'Rollout', props)).toThrow(/^Mgmt\/Rollout: parameters must give Team: the template's parameter has no default/);
    new OrganizationRollout(stack, 'Rollout2', { ...props, parameters: { Team: 'shared' } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', { Parameters: [{ ParameterKey: 'Team', ParameterValue: 'shared' }] });
  });

  test('SELF from the management account, DELEGATED_ADMIN from another', () => {
    expect(() => rolloutIn({ callAs: StackSetCallAs.DELEGATED_ADMIN }))
      .toThrow(/callAs is DELEGATED_ADMIN, but the stack deploys to the management account 999988887777: use SELF/);
    expect(() => rolloutIn({}, { account: '222233334444' }))
      .toThrow(/callAs is SELF, but the stack deploys to 222233334444, not the management account 999988887777/);
    const { stack } = rolloutIn({ callAs: StackSetCallAs.DELEGATED_ADMIN }, { account: '222233334444' });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', { CallAs: 'DELEGATED_ADMIN' });
  });

  test('a file asset added to the template after the rollout fails at synth (it would not be copied)', () => {
    const { app, baseline } = rolloutIn();
    new lambda.Function(baseline.templateStack, 'Late', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(`${__dirname}/../fixtures/control-tower`),
    });
    expect(() => app.synth()).toThrow(/the template gained file assets after the rollout was defined/);
  });
});

describe('OrganizationRollout.estimateWave: the formula of docs/organization.md', () => {
  const base = { accounts: 1000, regions: 2, minutesPerInstance: 6 };
  test('StackSets\' defaults act on one account at a time', () => {
    expect(estimateRolloutWave(base)).toEqual({ concurrency: 1, minutesPerRegion: 6000, totalMinutes: 12000 });
  });
  test('a percentage under STRICT with no tolerance is still one at a time', () => {
    expect(estimateRolloutWave({ ...base, maxConcurrentPercentage: 10 }).concurrency).toBe(1);
  });
  test('the rollout\'s defaults (10 %, SOFT): 100 at once, 2 hours sequential, 1 hour parallel', () => {
    const soft = { ...base, maxConcurrentPercentage: 10, failureTolerancePercentage: 10, concurrencyMode: SOFT };
    expect(estimateRolloutWave(soft)).toEqual({ concurrency: 100, minutesPerRegion: 60, totalMinutes: 120 });
    expect(estimateRolloutWave({ ...soft, regionConcurrency: StackSetRegionConcurrency.PARALLEL }).totalMinutes).toBe(60);
  });
  test('STRICT caps concurrency at tolerance + 1; the per-Region quota is shared by the stack sets running at once', () => {
    expect(estimateRolloutWave({ ...base, maxConcurrentCount: 50, failureToleranceCount: 4 }).concurrency).toBe(5);
    const many = { accounts: 50_000, regions: 1, minutesPerInstance: 5, maxConcurrentPercentage: 100, concurrencyMode: SOFT };
    expect(estimateRolloutWave(many).concurrency).toBe(10_000);
    expect(estimateRolloutWave({ ...many, otherStackSetsAtOnce: 3 }).concurrency).toBe(2_500);
  });
  test('a percentage rounds down, and to 1 when that gives 0', () => {
    expect(estimateRolloutWave({ accounts: 5, regions: 1, minutesPerInstance: 1, maxConcurrentPercentage: 10, concurrencyMode: SOFT })
      .concurrency).toBe(1);
  });
  test('bad inputs are refused', () => {
    expect(() => estimateRolloutWave({ ...base, accounts: 0 })).toThrow(/accounts must be a positive integer/);
  });
});
