import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement, NestedStack, Stack, Tags, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { parseBatchProperties } from '../../lambda/profile-batch/properties';
import {
  ApplicationInferenceProfile, BudgetAlert, BudgetEnforcement, CostAllocationTagSchema, CostCenterFleet, CostCenterFleetProps, CostCenterRow,
  InferenceGeo, ModelSource, ProfileBatch, TagPolicy,
} from '../../src';
import { PROFILE_BATCH_ENV, PROFILE_BATCH_RESOURCE_TYPE } from '../../src/contracts/profile-batch';
import { assignShard } from '../../src/fleet/shard-assignment';
import { deliveredProperties } from '../support/cfn-delivery';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const SONNET = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
const NOVA = ModelSource.foundationModel('amazon.nova-pro-v1:0');
const ENV = { account: '123456789012', region: 'us-east-1' };

function rows(tenants: string[], extra: Partial<CostCenterRow> = {}): CostCenterRow[] {
  return tenants.map((name) => ({ name, tags: { tenant: name }, monthlyBudget: 100, profiles: { chat: SONNET }, ...extra }));
}

function names(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `tenant-${from + i}`);
}

interface Synthesized { app: App; stack: Stack; fleet: CostCenterFleet }

function synthFleet(props: CostCenterFleetProps, env: { account?: string; region?: string } = ENV): Synthesized {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-test-')), context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Fleet', { env });
  const fleet = new CostCenterFleet(stack, 'Tenants', props);
  return { app, stack, fleet };
}

/**
 * Where each cost center's resources are: for every resource of a cost center (by its construct
 * path below `CostCenter-<name>`), the shard's logical ID in the parent, its own logical ID, type
 * and name; for every profile, its batch's logical ID, member key and profile name.
 */
function placement(fleet: CostCenterFleet): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, line: string) => out.set(name, [...(out.get(name) ?? []), line].sort());
  const stack = Stack.of(fleet);
  for (const shard of fleet.node.children.filter((c): c is NestedStack => c instanceof NestedStack)) {
    const shardId = stack.getLogicalId(shard.nestedStackResource as CfnElement);
    const template = Template.fromStack(shard).toJSON();
    for (const [logicalId, r] of Object.entries<any>(template.Resources)) {
      const cdkPath: string = r.Metadata?.['aws:cdk:path'] ?? '';
      const owner = /\/CostCenter-([^/]+)\//.exec(cdkPath)?.[1];
      if (owner) add(owner, `${shardId} ${logicalId} ${r.Type} ${r.Properties?.Budget?.BudgetName ?? r.Properties?.Name ?? r.Properties?.AlarmName ?? ''}`);
      if (r.Type === PROFILE_BATCH_RESOURCE_TYPE) {
        for (const m of r.Properties.Members) add(m.Key.split('/')[0], `${shardId} ${logicalId} member ${m.Key} ${m.ProfileName}`);
      }
      if (r.Type === 'AWS::SSM::Parameter') add(String(r.Properties.Name).split('/').slice(-2)[0], `${shardId} ${logicalId} entry ${r.Properties.Name}`);
    }
  }
  return out;
}

describe('CostCenterFleet', () => {
  describe('a stable assignment: adding or removing a cost center moves no other', () => {
    const quiet = { dashboard: false };
    const base = names(60);
    const before = (() => {
      return placement(synthFleet({ shards: 8, costCenters: rows(base), ...quiet }).fleet);
    })();

    test('every cost center has its budget, profile, catalog entry and alarms in its shard', () => {
      expect(before.size).toBe(60);
      for (const lines of before.values()) {
        expect(lines.filter((l) => l.includes('AWS::Budgets::Budget'))).toHaveLength(1);
        expect(lines.filter((l) => l.includes(' member '))).toHaveLength(1);
        expect(lines.filter((l) => l.includes(' entry '))).toHaveLength(1);
        expect(lines.filter((l) => l.includes('AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(2);
        expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(1);
      }
    });

    test.each([
      ['N+1', [...base, 'tenant-new']],
      ['N-1', base.filter((n) => n !== 'tenant-7')],
      ['N+1 at the front, in another order', ['tenant-first', ...[...base].reverse()]],
    ])('%s: the others keep their shard, logical IDs, names and batch', (_label, after) => {
      const now = placement(synthFleet({ shards: 8, costCenters: rows(after), ...quiet }).fleet);
      for (const name of base.filter((n) => after.includes(n))) {
        expect([name, now.get(name)]).toEqual([name, before.get(name)]);
      }
    });

    test('the shard is a function of the name alone (sha256), spread evenly', () => {
      expect(assignShard('tenant-1', 32)).toEqual(assignShard('tenant-1', 32));
      const counts = new Array(16).fill(0);
      for (const n of names(4000)) counts[assignShard(n, 16).shard]++;
      // 250 expected per shard; a fair hash stays well within ±25 %
      expect(Math.min(...counts)).toBeGreaterThan(187);
      expect(Math.max(...counts)).toBeLessThan(313);
    });
  });

  describe('the shards', () => {
    const { app, stack, fleet } = synthFleet({ shards: 4, costCenters: rows(names(12)) });
    const parent = Template.fromStack(stack);

    test('only shards with members exist; the provider, its pacing table and the topic are in the top-level stack', () => {
      const used = new Set(names(12).map((n) => fleet.shardIndexOf(n)));
      parent.resourceCountIs('AWS::CloudFormation::Stack', used.size);
      parent.resourceCountIs('AWS::DynamoDB::Table', 1);
      parent.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      parent.resourceCountIs('AWS::SNS::Topic', 1);
      for (const index of used) {
        const shard = Template.fromStack(fleet.costCenter(names(12).find((n) => fleet.shardIndexOf(n) === index)!).stack);
        shard.resourceCountIs('AWS::Lambda::Function', 0);
        shard.resourceCountIs('AWS::SNS::Topic', 0);
        shard.resourceCountIs('AWS::KMS::Key', 0);
      }
    });

    test('a profile batch per used batch slot, every member with the cost center\'s tags and a name of its own', () => {
      const members = app.synth().stacks.length >= 0 && names(12).flatMap((n) => {
        const shard = Template.fromStack(fleet.costCenter(n).stack);
        return Object.values(shard.findResources(PROFILE_BATCH_RESOURCE_TYPE)).flatMap((r) => r.Properties.Members);
      });
      const unique = new Map((members as any[]).map((m) => [m.Key, m]));
      expect([...unique.keys()].sort()).toEqual(names(12).map((n) => `${n}/chat`).sort());
      for (const m of unique.values()) {
        expect(m.Tags).toEqual([{ Key: 'tenant', Value: m.Key.split('/')[0] }]);
        expect(m.ProfileName).toMatch(/^tenant-\d+-chat-[0-9a-f]{8}$/);
      }
    });

    test('every resource validates against the CloudFormation schemas', () => {
      expectSchemaValid(app);
    });

    test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
      expectNagClean(stack);
    });

    test('AWS Control Tower proactive controls pass but CT.LAMBDA.PR.3 (the network is the user\'s); the waiter state machine logs and traces', () => {
      const failing = controlTowerFindings(app).map((f) => f.controlId);
      expect(failing.filter((c) => c !== 'CT.LAMBDA.PR.3')).toEqual([]);
      parent.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
    });
  });

  describe('nestedStacks: false (templates for stack sets, Service Catalog, CfCT)', () => {
    test('every cost center stays in the fleet\'s stack, under the same shard constructs; the dashboard too', () => {
      const { stack, fleet } = synthFleet({ costCenters: rows(names(6)), nestedStacks: false, dashboardNameSuffix: 'eu-west-1' });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::CloudFormation::Stack', 0);
      template.resourceCountIs('AWS::Budgets::Budget', 6);
      for (const n of names(6)) {
        expect(fleet.costCenter(n).stack).toBe(stack);
        expect(fleet.costCenter(n).shard).toBeUndefined();
      }
      const dashboards = Object.values<any>(template.findResources('AWS::CloudWatch::Dashboard'));
      expect(dashboards.length).toBeGreaterThan(0);
      for (const d of dashboards) expect(d.Properties.DashboardName).toMatch(/^[A-Za-z0-9_-]+-eu-west-1$/);
    });

    test('past 500 resources in the one template, synth fails naming the count and the remedy', () => {
      const { app } = synthFleet({ costCenters: rows(names(130)), nestedStacks: false, dashboard: false });
      expect(() => app.synth()).toThrow(/nestedStacks: false puts \d{3} resources \(130 cost centers and the rest of stack Fleet\) into one template; a template holds at most 500/);
    });
  });

  test('a fleet without profiles deploys no provider, waiter or pacing table; the provider comes with the first profile', () => {
    const { stack, fleet } = synthFleet({ costCenters: [{ name: 'acme', tags: { tenant: 'acme' }, monthlyBudget: 10 }], dashboard: false });
    expect(fleet.provider).toBeUndefined();
    const parent = Template.fromStack(stack);
    parent.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    parent.resourceCountIs('AWS::DynamoDB::Table', 0);
    fleet.addCostCenter({ name: 'globex', tags: { tenant: 'globex' }, profiles: { chat: SONNET } });
    expect(fleet.provider).toBeDefined();
  });

  test('the batch properties the fleet synthesizes, delivered as CloudFormation delivers them, are what the handler parses', () => {
    const { stack, fleet } = synthFleet({ shards: 1, costCenters: [...rows(['acme']), { name: 'globex', tags: { tenant: 'globex', tier: 'gold' }, profiles: { chat: SONNET, batch: NOVA } }], dashboard: false });
    Tags.of(stack).add('env', 'prod');
    const batches = Object.values(Template.fromStack(fleet.costCenter('acme').stack).findResources(PROFILE_BATCH_RESOURCE_TYPE));
    const parsed = batches.map((r) => parseBatchProperties(deliveredProperties(r)));
    const members = parsed.flatMap((b) => b.members).sort((a, b) => a.key.localeCompare(b.key));
    expect(members.map((m) => [m.key, m.copyFrom, m.tags])).toEqual([
      ['acme/chat', 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0', { tenant: 'acme', env: 'prod' }],
      ['globex/batch', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', { tenant: 'globex', tier: 'gold', env: 'prod' }],
      ['globex/chat', 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0', { tenant: 'globex', tier: 'gold', env: 'prod' }],
    ]);
    // the provider's environment names the pacing table and the pace the handler reads
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
      .find((f) => f.Properties.Handler === 'index.isComplete')!;
    expect(fn.Properties.Environment.Variables).toEqual({
      [PROFILE_BATCH_ENV.pacingTable]: { Ref: expect.stringMatching(/PacingTable/) },
      [PROFILE_BATCH_ENV.callsPerSecond]: '2',
      [PROFILE_BATCH_ENV.workBudgetSeconds]: '600',
    });
    expect(fn.Properties.Timeout).toBe(900);
  });

  test('profiles are usual IApplicationInferenceProfiles: a grant from the top-level stack names the batch member\'s ID', () => {
    const { stack, fleet } = synthFleet({ shards: 2, costCenters: rows(['acme']), dashboard: false });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    fleet.costCenter('acme').profile('chat').grantInvoke(role);
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: any) => JSON.stringify(s.Action).includes('InvokeModel'));
    expect(JSON.stringify(statements)).toMatch(/application-inference-profile\/",\{"Fn::GetAtt":\["Tenants\w*Shard\w*NestedStack/);
    expect(() => fleet.costCenter('acme').profile('summarize')).toThrow("cost center 'acme' has no profile 'summarize' (it has 'chat')");
  });

  test('enforcement in a row denies invocation of that row\'s profiles (which the row cannot name: they are made by the fleet)', () => {
    const app = new App();
    const stack = new Stack(app, 'Fleet', { env: ENV });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const fleet = new CostCenterFleet(stack, 'Tenants', {
      shards: 2,
      dashboard: false,
      costCenters: rows(['acme'], { enforcement: BudgetEnforcement.denyInvocation({ roles: [role] }) }),
    });
    const shard = Template.fromStack(fleet.costCenter('acme').stack);
    shard.resourceCountIs('AWS::Budgets::BudgetsAction', 1);
    const deny = JSON.stringify(Object.values(shard.findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties.PolicyDocument));
    expect(deny).toMatch(/application-inference-profile\/",\{"Fn::GetAtt":\["Profiles\d\w+","Id[0-9a-f]{10}"\]/);
    const filter = Object.values(shard.findResources('AWS::Budgets::Budget'))[0].Properties.Budget.FilterExpression;
    expect(JSON.stringify(filter)).toContain('{"Tags":{"Key":"tenant","Values":["acme"]}}');
    expect(fleet.costCenter('acme').budget?.enforcementAction).toBeDefined();
  });

  test('Tags.of() and a TagPolicy reach every batched profile', () => {
    const { stack, fleet } = synthFleet({ shards: 2, costCenters: rows(['acme', 'globex']), dashboard: false });
    Tags.of(stack).add('env', 'prod');
    const members = ['acme', 'globex'].flatMap((n) => Object.values(Template.fromStack(fleet.costCenter(n).stack)
      .findResources(PROFILE_BATCH_RESOURCE_TYPE)).flatMap((r) => r.Properties.Members));
    for (const m of members) expect(m.Tags).toEqual(expect.arrayContaining([{ Key: 'env', Value: 'prod' }]));

    const { app: app2, stack: stack2 } = synthFleet({ shards: 2, costCenters: rows(['acme']), dashboard: false });
    TagPolicy.enforce(stack2, new CostAllocationTagSchema({ keys: [{ key: 'owner', required: true }] }));
    expect(() => app2.synth()).toThrow(/owner/);
  });

  describe('Bedrock\'s quota of application inference profiles per account and Region', () => {
    const manyProfiles = (n: number) => rows(names(n), { monthlyBudget: undefined, profiles: { a: SONNET, b: NOVA } });

    test('1,002 profiles fail at synth, counted over the whole app and naming where', () => {
      const { app, stack } = synthFleet({ costCenters: manyProfiles(500), dashboard: false, alarms: false, catalog: false });
      new ApplicationInferenceProfile(stack, 'One', { modelSource: SONNET, tags: { tenant: 'one' } });
      new bedrock.CfnApplicationInferenceProfile(stack, 'L1', { inferenceProfileName: 'l1', modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' } });
      expect(() => app.synth()).toThrow(/the app creates 1,002 application inference profiles in account 123456789012, Region us-east-1 \(stacks Fleet\); Amazon Bedrock allows 1,000 per account and Region by default: request an increase of "Inference profiles per account" \(Service Quotas, Amazon Bedrock, L-40EC9882\)/);
    });

    test('a declared quota raises the limit; another Region counts apart', () => {
      const { app, stack } = synthFleet({ costCenters: manyProfiles(501), profileQuota: 1500, dashboard: false, alarms: false, catalog: false });
      expect(() => app.synth()).not.toThrow();
      const other = new Stack(app, 'West', { env: { ...ENV, region: 'us-west-2' } });
      new CostCenterFleet(other, 'Tenants', { costCenters: manyProfiles(400), dashboard: false, alarms: false, catalog: false });
      expect(() => app.synth({ force: true })).not.toThrow();
      expect(stack.node.path).toBe('Fleet');
    });

    test('an unknown account or Region gives a warning, not an error', () => {
      const { app, stack } = synthFleet({ costCenters: manyProfiles(501), dashboard: false, alarms: false, catalog: false }, {});
      app.synth();
      Annotations.fromStack(stack).hasWarning('/Fleet/Tenants', Match.stringLikeRegexp('1,002 application inference profiles .* not known at synth'));
    });
  });

  test('two app stacks of one account and Region with their own pacing tables get a warning; one shared table none', () => {
    const { app, stack } = synthFleet({ costCenters: rows(['a']), dashboard: false });
    const other = new Stack(app, 'Other', { env: ENV });
    new CostCenterFleet(other, 'More', { costCenters: rows(['b']), dashboard: false });
    app.synth();
    Annotations.fromStack(stack).hasWarning('/Fleet/BedrockCostGovernanceProfileBatchProvider',
      Match.stringLikeRegexp('2 profile batch providers of account 123456789012, Region us-east-1 keep separate paces'));

    const { app: app2, stack: stack2 } = synthFleet({ costCenters: rows(['a']), dashboard: false });
    const table = stack2.node.findChild('BedrockCostGovernanceProfileBatchProvider').node.findChild('PacingTable') as dynamodb.ITable;
    const other2 = new Stack(app2, 'Other', { env: ENV });
    new CostCenterFleet(other2, 'More', { costCenters: rows(['b']), dashboard: false, providerOptions: { pacingTable: table } });
    app2.synth();
    Annotations.fromStack(stack2).hasNoWarning('*', Match.stringLikeRegexp('separate paces'));
  });

  test('a pacing table of your own is granted through the table, its key included; the provider\'s own is deleted with the stack', () => {
    const { stack: own } = synthFleet({ costCenters: rows(['a']), dashboard: false });
    Template.fromStack(own).hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } });

    const app = new App();
    const stack = new Stack(app, 'Shared', { env: ENV });
    const table = new dynamodb.Table(stack, 'Pace', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    });
    new CostCenterFleet(stack, 'Tenants', { costCenters: rows(['a']), dashboard: false, providerOptions: { pacingTable: table } });
    const actions = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap((st: any) => [st.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'kms:Decrypt', 'kms:Encrypt']));
    Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  test('a first deployment longer than the hour a custom resource has gets a warning naming the time and the remedy', () => {
    const slow = { providerOptions: { profileCallsPerSecond: 0.2 }, dashboard: false, alarms: false, catalog: false };
    const { app, stack } = synthFleet({ costCenters: rows(names(700)), ...slow });
    app.synth();
    Annotations.fromStack(stack).hasWarning('/Fleet/BedrockCostGovernanceProfileBatchProvider',
      Match.stringLikeRegexp('hold 700 profiles: created at 0.2 per second \\(profileCallsPerSecond\\) that takes 59 minutes.*in waves'));
  });

  describe('bad input is refused with the path, the prop and the rule', () => {
    test.each<[string, CostCenterFleetProps, RegExp]>([
      ['a repeated name', { costCenters: rows(['a', 'a']) }, /Fleet\/Tenants: costCenters\[1\]\.name 'a' is in the fleet already \(row 0\): names are unique/],
      ['a bad profile key', { costCenters: [{ name: 'a', tags: { t: 'a' }, profiles: { 'chat/x': SONNET } }] }, /costCenters\[0\] \('a'\)\.profiles key 'chat\/x' must match/],
      ['shards 0', { shards: 0 }, /shards must be an integer from 1 to 200 \(got 0\)/],
      ['a budget of 0', { costCenters: rows(['a'], { monthlyBudget: 0 }) }, /costCenters\[0\] \('a'\)\.monthlyBudget must be more than 0 USD/],
      ['alerts without a budget', { costCenters: rows(['a'], { monthlyBudget: undefined, alerts: [BudgetAlert.actual(50)] }) }, /\.alerts needs monthlyBudget/],
      ['tags outside the schema', {
        tagSchema: new CostAllocationTagSchema({ keys: [{ key: 'tenant', required: true, allowedValues: ['acme'] }] }),
        costCenters: rows(['globex']),
      }, /costCenters\[0\] \('globex'\) CostCenter 'globex': schema: .*tenant/],
      ['a bad name', { costCenters: rows(['-x']) }, /costCenters\[0\] \('-x'\) CostCenter '-x': name '-x' must match/],
    ])('%s', (_label, props, message) => {
      expect(() => synthFleet(props)).toThrow(message);
    });

    test('a batch holds at most 100 profiles', () => {
      const stack = new Stack(new App(), 'S', { env: ENV });
      const batch = new ProfileBatch(stack, 'Batch');
      for (let i = 0; i < 100; i++) batch.addProfile(`P${i}`, { key: `k${i}`, modelSource: SONNET, tags: { t: `${i}` } });
      expect(() => batch.addProfile('P100', { key: 'k100', modelSource: SONNET })).toThrow(/S\/Batch\/P100: batch S\/Batch holds 100 profiles already/);
      expect(() => batch.addProfile('Again', { key: 'k1', modelSource: SONNET })).toThrow(/key 'k1' is in batch S\/Batch already/);
    });

    test('a shard past 500 resources fails at synth, naming it and what to do', () => {
      const { app } = synthFleet({ shards: 1, costCenters: rows(names(130)), dashboard: false });
      expect(() => app.synth()).toThrow(/shards: shard Fleet\/Tenants\/Shard0 holds 52\d resources \(130 cost centers\); a template holds at most 500: a fleet this large needs more shards/);
    });

    test('shards must be known at synth', () => {
      expect(() => synthFleet({ shards: Token.asNumber({ Ref: 'Shards' }) })).toThrow(/shards must be known at synth: it decides which nested stack holds each cost center/);
    });

    test('a profile that would overfill its batch fails naming the batch and the remedy', () => {
      const profiles = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, SONNET]));
      expect(() => synthFleet({ shards: 1, costCenters: [{ name: 'big', tags: { t: 'big' }, profiles }], dashboard: false, alarms: false, catalog: false }))
        .toThrow(/costCenters\[0\]\.profiles 'p100' would be profile 101 of batch Fleet\/Tenants\/Shard0\/Profiles\d \(a batch holds 100\): .* needs more shards/);
    });

    test('profileCallsPerSecond must be positive', () => {
      expect(() => synthFleet({ providerOptions: { profileCallsPerSecond: 0 } })).toThrow(/profileCallsPerSecond must be more than 0 and at most 100 \(got 0\)/);
    });
  });
});
