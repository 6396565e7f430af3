import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AnomalyAlertFrequency, BedrockCostGovernance, BedrockCostGovernanceProps, BudgetEnforcement, CostAllocationTagSchema, CostAttributionChecks,
  CostCenterTable, CostCenterTableFormat, CostCenterTableRow, InferenceGeo, ManagementAccount, ModelSource,
} from '../../src';
import { PROFILE_BATCH_RESOURCE_TYPE } from '../../src/contracts/profile-batch';
import { METER_ENV } from '../../src/contracts/spend-meter';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean, nagFindings } from '../support/nag';

const SONNET = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
const NOVA = ModelSource.foundationModel('amazon.nova-pro-v1:0');
const ENV = { account: '123456789012', region: 'us-east-1' };
const SCHEMA = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting', 'customer-service'] });

function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gov-test-')) });
}

function govStack(props: Partial<BedrockCostGovernanceProps>, env: { account?: string; region?: string } = ENV, app = newApp()) {
  const stack = new Stack(app, 'Gov', { env });
  const gov = new BedrockCostGovernance(stack, 'Gov', { tagSchema: SCHEMA, ...props });
  return { app, stack, gov };
}

/** Every resource of a stack and its nested stacks, by type. */
function countByType(stack: Stack): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (s: Stack) => {
    for (const r of Object.values<any>(Template.fromStack(s).toJSON().Resources ?? {})) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  };
  visit(stack);
  for (const nested of stack.node.findAll().filter((c): c is Stack => Stack.isStack(c) && c !== stack)) visit(nested);
  return counts;
}

function departments(roles?: { claims: iam.IRole }): CostCenterTableRow[] {
  return [
    {
      name: 'claims',
      tags: { dept: 'claims' },
      monthlyBudget: 5000,
      profiles: { chat: SONNET, triage: NOVA },
      alertEmails: ['claims-lead@example.com'],
      ...(roles ? {
        enforcement: BudgetEnforcement.denyInvocation({ roles: [roles.claims] }),
        caps: { monthlyUsd: 4000, dailyUsd: 300, roles: [roles.claims] },
      } : {}),
    },
    { name: 'underwriting', tags: { dept: 'underwriting' }, monthlyBudget: 2000, profiles: { chat: SONNET } },
    { name: 'customer-service', tags: { dept: 'customer-service' }, monthlyBudget: 1000, profiles: { chat: NOVA } },
  ];
}

describe('BedrockCostGovernance', () => {
  describe('three departments with every part', () => {
    const app = newApp();
    // a standalone account: its own management account
    ManagementAccount.set(app, ENV.account);
    const stack = new Stack(app, 'Gov', { env: ENV });
    const role = new iam.Role(stack, 'ClaimsRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const gov = new BedrockCostGovernance(stack, 'Gov', {
      tagSchema: SCHEMA,
      costCenters: departments({ claims: role }),
      resolver: {},
      report: { byLinkedAccount: true },
      metering: {},
      shards: 4,
    });
    const fn = new lambda.Function(stack, 'ClaimsService', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'), role,
    });
    gov.costCenter('claims').profile('chat').grantInvoke(fn);
    gov.grantReadCatalog(fn);
    gov.resolver!.grantInvoke(fn);
    const counts = countByType(stack);

    test('each department gets its profiles, budget, catalog entries and alarms; the stack its resolver, report, meter, activation and anomaly detection', () => {
      expect(gov.costCenterNames).toEqual(['claims', 'underwriting', 'customer-service']);
      expect(counts.get('AWS::Budgets::Budget')).toBe(3);
      expect(counts.get('AWS::Budgets::BudgetsAction')).toBe(1);
      // one catalog entry per profile (4)
      expect(counts.get('AWS::SSM::Parameter')).toBe(4);
      expect(counts.get('AWS::CE::AnomalyMonitor')).toBe(1);
      expect(counts.get('AWS::CE::AnomalySubscription')).toBe(1);
      expect(counts.get('AWS::DynamoDB::Table')).toBeGreaterThanOrEqual(2); // the meter's ledger and the pacing table
      expect(counts.get('AWS::Logs::SubscriptionFilter')).toBe(1);
      expect(gov.resolver).toBeDefined();
      expect(gov.report).toBeDefined();
      expect(gov.meter).toBeDefined();
      expect(gov.invocationLogging).toBeDefined();
      expect(gov.tagActivation).toBeDefined(); // the management account, in us-east-1
      expect(gov.anomalySubscription).toBeDefined();
      const members = stack.node.findAll().filter((c): c is Stack => Stack.isStack(c) && c !== stack)
        .flatMap((s) => Object.values(Template.fromStack(s).findResources(PROFILE_BATCH_RESOURCE_TYPE)))
        .flatMap((r: any) => r.Properties.Members.map((m: any) => [m.Key, m.Tags]));
      expect(members.sort()).toEqual([
        ['claims/chat', [{ Key: 'dept', Value: 'claims' }]],
        ['claims/triage', [{ Key: 'dept', Value: 'claims' }]],
        ['customer-service/chat', [{ Key: 'dept', Value: 'customer-service' }]],
        ['underwriting/chat', [{ Key: 'dept', Value: 'underwriting' }]],
      ]);
    });

    test('the row\'s cap reaches the meter with its role; the meter reads the invocation logging the construct configured', () => {
      const parent = Template.fromStack(stack);
      const fns = parent.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [METER_ENV.settings]: Match.anyValue() } } } });
      expect(Object.keys(fns)).toHaveLength(1);
      expect(gov.costCenter('claims').cap?.monthlyUsd).toBe(4000);
      expect(gov.costCenter('claims').cap?.roles).toEqual([role]);
      expect(Object.keys(gov.meter!.denyPolicies)).toEqual(['claims']);
      expect(gov.meter!.logGroup).toBe(gov.invocationLogging!.logGroup);
      expect(gov.meter!.tagKey).toBe('dept');
    });

    test('the report and the meter name the schema\'s first required key; the resolver reads the catalog', () => {
      expect(gov.report!.tagKey).toBe('dept');
      expect(gov.report!.topic).toBe(gov.alertTopic);
      expect(gov.catalog?.prefix).toMatch(/^\/cdk-bedrock-cost-governance\/catalog\//);
      const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
      const ssmReads = Object.values<any>(policies).flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s) => [s.Action].flat().includes('ssm:GetParametersByPath'));
      // the resolver's role and the claims service
      expect(ssmReads.length).toBeGreaterThanOrEqual(2);
    });

    test('the IMMEDIATE anomaly alerts go to the alert topic', () => {
      Template.fromStack(stack).hasResourceProperties('AWS::CE::AnomalySubscription', {
        Frequency: 'IMMEDIATE',
        Subscribers: [{ Type: 'SNS', Address: Match.anyValue() }],
      });
    });

    test('every resource validates against the CloudFormation schemas', () => {
      expectSchemaValid(app);
    });

    test('cdk-nag AwsSolutions and the cost-attribution pack: no unacknowledged finding', () => {
      expectNagClean(stack, { packs: [new AwsSolutionsChecks(), new CostAttributionChecks(undefined, { tagSchema: SCHEMA })] });
    });

    // CT.LAMBDA.PR.3 needs the user's network; the report bucket leaves server access logging, event
    // notifications and Object Lock to its owner (util/secure-bucket.ts); the meter's failed-event
    // queue is a dead-letter queue itself (CT.SQS.PR.1 asks for a redrive policy) — as the parts' own tests pin
    test('AWS Control Tower proactive controls: only the VPC control and the documented bucket and queue controls fail', () => {
      const failing = controlTowerFindings(app).map((f) => f.controlId).filter((c) => c !== 'CT.LAMBDA.PR.3');
      expect([...new Set(failing)].sort()).toEqual(['CT.S3.PR.2', 'CT.S3.PR.4', 'CT.S3.PR.9', 'CT.SQS.PR.1']);
    });
  });

  test('only the cost centers, by default: no resolver, report or meter; the parts are the fleet\'s', () => {
    const { stack, gov } = govStack({ costCenters: departments() });
    const counts = countByType(stack);
    expect(gov.resolver).toBeUndefined();
    expect(gov.report).toBeUndefined();
    expect(gov.meter).toBeUndefined();
    expect(counts.get('AWS::Logs::SubscriptionFilter')).toBeUndefined();
    expect(counts.get('AWS::Budgets::Budget')).toBe(3);
    expect(gov.fleet.costCenterNames).toEqual(gov.costCenterNames);
    expect(gov.costCenter('underwriting').fleetCostCenter).toBe(gov.fleet.costCenter('underwriting'));
    expect(gov.costCenter('underwriting').budget).toBeDefined();
    expect(Object.keys(gov.costCenter('claims').profiles)).toEqual(['chat', 'triage']);
  });

  describe('management-account parts', () => {
    test('left out of a member account of an app with a management account', () => {
      const app = newApp();
      ManagementAccount.set(app, '111111111111');
      const { gov } = govStack({ costCenters: departments() }, ENV, app);
      expect(gov.tagActivation).toBeUndefined();
      expect(gov.anomalyMonitor).toBeUndefined();
    });

    test('no management account set: left out with a warning that says how to decide (a member account\'s activation would fail)', () => {
      const { stack, gov } = govStack({});
      expect(gov.tagActivation).toBeUndefined();
      expect(gov.anomalyMonitor).toBeUndefined();
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('activateTags is left out: the app sets no management account'));
      expect(warnings).toHaveLength(1);
    });

    test('made once per account: in the management Region only (us-east-1 by default, or managementRegion)', () => {
      const app = newApp();
      ManagementAccount.set(app, ENV.account);
      const east = govStack({}, ENV, app).gov;
      const west = new BedrockCostGovernance(new Stack(app, 'West', { env: { ...ENV, region: 'eu-west-1' } }), 'Gov', { tagSchema: SCHEMA });
      expect(east.tagActivation).toBeDefined();
      expect(west.tagActivation).toBeUndefined();
      expect(west.anomalyMonitor).toBeUndefined();
      const other = newApp();
      ManagementAccount.set(other, ENV.account);
      const westHome = new BedrockCostGovernance(new Stack(other, 'West', { env: { ...ENV, region: 'eu-west-1' } }), 'Gov', {
        tagSchema: SCHEMA, managementRegion: 'eu-west-1',
      });
      expect(westHome.tagActivation).toBeDefined();
      expect(() => govStack({ managementRegion: 'EU' })).toThrow(/Gov\/Gov: managementRegion 'EU' must be a literal Region name/);
    });

    test('two constructs of one account that both make the account-wide parts fail at synth, naming both', () => {
      const app = newApp();
      ManagementAccount.set(app, ENV.account);
      const { stack } = govStack({}, ENV, app);
      new BedrockCostGovernance(stack, 'Second', { tagSchema: SCHEMA, anomaly: { enabled: false } });
      expect(() => app.synth()).toThrow(/Gov\/Second: activateTags makes an account-wide part Gov\/Gov makes already in account 123456789012/);
    });

    test('the report\'s attribution by principal activates the iamPrincipal/ keys; tagActivation where nothing is activated is warned about', () => {
      const app = newApp();
      ManagementAccount.set(app, ENV.account);
      const { stack } = govStack({ report: { includeIamPrincipalTags: true } }, ENV, app);
      Template.fromStack(stack).hasResourceProperties('Custom::CostAllocationTagActivation', { TagKeys: Match.arrayWith(['dept', 'iamPrincipal/dept']) });
      const member = govStack({ tagActivation: { backfillMonths: 3 } });
      expect(Annotations.fromStack(member.stack).findWarning('*', Match.stringLikeRegexp('tagActivation is ignored'))).toHaveLength(1);
    });

    test('made in the management account', () => {
      const app = newApp();
      ManagementAccount.set(app, ENV.account);
      const { gov } = govStack({}, ENV, app);
      expect(gov.anomalySubscription).toBeDefined();
      expect(gov.tagActivation).toBeDefined();
      expect(gov.anomalyMonitor).toBeDefined();
    });

    test('an environment-agnostic stack in an app with a management account: left out with a warning naming the prop; explicit true makes them', () => {
      const app = newApp();
      ManagementAccount.set(app, '111111111111');
      const { stack, gov } = govStack({}, {}, app);
      expect(gov.tagActivation).toBeUndefined();
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('activateTags is left out'));
      expect(warnings).toHaveLength(1);
      const forced = new BedrockCostGovernance(new Stack(app, 'Forced'), 'Gov', { tagSchema: SCHEMA, activateTags: true, anomaly: { enabled: false } });
      expect(forced.tagActivation).toBeDefined();
      expect(forced.anomalyMonitor).toBeUndefined();
    });

    test('DAILY anomaly summaries go to the given emails', () => {
      const app = newApp();
      ManagementAccount.set(app, ENV.account);
      const { stack } = govStack({ anomaly: { frequency: AnomalyAlertFrequency.DAILY, emails: ['finops@example.com'] } }, ENV, app);
      Template.fromStack(stack).hasResourceProperties('AWS::CE::AnomalySubscription', {
        Frequency: 'DAILY',
        Subscribers: [{ Type: 'EMAIL', Address: 'finops@example.com' }],
      });
    });
  });

  describe('rows for some accounts and Regions', () => {
    const rows: CostCenterTableRow[] = [
      { name: 'claims', tags: { dept: 'claims' }, profiles: { chat: SONNET }, regions: ['us-east-1', 'us-west-2'] },
      { name: 'underwriting', tags: { dept: 'underwriting' }, profiles: { chat: SONNET }, regions: ['eu-central-1'] },
      { name: 'customer-service', tags: { dept: 'customer-service' }, accounts: ['999999999999'] },
    ];

    test('a stack holds the rows of its account and Region only; the others are named as left out', () => {
      const { gov } = govStack({ costCenters: rows });
      expect(gov.costCenterNames).toEqual(['claims']);
      expect(gov.costCentersLeftOut).toEqual(['underwriting', 'customer-service']);
      expect(() => gov.costCenter('underwriting')).toThrow(/Gov\/Gov: cost center 'underwriting' is not in this stack's account and Region/);
      expect(() => gov.costCenter('nope')).toThrow(/there is no cost center 'nope'/);
    });

    test('a row of another account is left out even when the stack\'s Region is unknown', () => {
      const { gov } = govStack({ costCenters: [{ name: 'claims', tags: { dept: 'claims' }, accounts: ['999999999999'], regions: ['us-east-1'] }] },
        { account: ENV.account });
      expect(gov.costCentersLeftOut).toEqual(['claims']);
    });

    test('an environment-agnostic stack cannot place a row limited to Regions', () => {
      expect(() => govStack({ costCenters: rows }, {})).toThrow(
        /Gov\/Gov: costCenters\[0\] \('claims'\)\.regions limits the cost center to us-east-1, us-west-2, but stack Gov has no literal Region/);
    });

    test.each([
      [{ regions: [] }, /regions is empty/],
      [{ regions: ['US-EAST-1'] }, /regions must be Region names such as us-east-1 \(got 'US-EAST-1'\)/],
      [{ accounts: ['1234'] }, /accounts must be 12-digit account IDs \(got '1234'\)/],
    ])('bad %j is refused naming the row and the field', (extra, message) => {
      expect(() => govStack({ costCenters: [{ name: 'claims', tags: { dept: 'claims' }, ...extra }] })).toThrow(message);
    });
  });

  describe('refusals name the construct, the row and the field', () => {
    test('caps without metering', () => {
      expect(() => govStack({ costCenters: [{ name: 'claims', tags: { dept: 'claims' }, caps: { monthlyUsd: 10 } }] })).toThrow(
        /Gov\/Gov: costCenters\[0\] \('claims'\)\.caps needs metering/);
    });

    test('a cap on a row without the meter\'s tag key', () => {
      expect(() => govStack({ metering: { tagKey: 'team' }, costCenters: [{ name: 'claims', tags: { dept: 'claims' }, caps: { monthlyUsd: 1 } }] }))
        .toThrow(/Gov\/Gov: costCenters\[0\] \('claims'\)\.caps needs the meter's tag key 'team' in the row's tags/);
    });

    test('a cap without an amount', () => {
      expect(() => govStack({ metering: {}, costCenters: [{ name: 'claims', tags: { dept: 'claims' }, caps: {} }] })).toThrow(
        /Gov\/Gov: costCenters\[0\] \('claims'\)\.caps SpendCap\.costCenter\('claims'\)/);
    });

    test('a tag the schema refuses (the fleet\'s check, through the facade)', () => {
      expect(() => govStack({ costCenters: [{ name: 'legal', tags: { dept: 'legal' } }] })).toThrow(
        /^Gov\/Gov: costCenters\[0\] \('legal'\) CostCenter 'legal': schema: tag 'dept' has value 'legal'/);
    });

    test('a repeated name', () => {
      expect(() => govStack({ costCenters: [departments()[0], departments()[0]] })).toThrow(/^Gov\/Gov: costCenters\[1\]\.name 'claims' is a cost center already \(costCenters\[0\]\)/);
    });

    test('anomaly emails that the frequency cannot use, named by the facade\'s prop', () => {
      expect(() => govStack({ anomaly: { emails: ['a@example.com'] } })).toThrow(/Gov\/Gov: anomaly\.emails are for DAILY and WEEKLY summaries/);
      expect(() => govStack({ anomaly: { frequency: AnomalyAlertFrequency.WEEKLY } })).toThrow(/Gov\/Gov: anomaly\.emails must name 1–10 addresses: WEEKLY/);
    });

    test('a row for another Region is judged too: a table is valid or not whatever the stack', () => {
      expect(() => govStack({ costCenters: [{ name: 'legal', tags: { dept: 'legal' }, regions: ['eu-west-1'] }] })).toThrow(
        /costCenters\[0\] \('legal'\) CostCenter 'legal': schema/);
      expect(() => govStack({
        costCenters: [{ name: 'claims', tags: { dept: 'claims' }, regions: ['eu-west-1'] }, { name: 'claims', tags: { dept: 'claims' } }],
      })).toThrow(/costCenters\[1\]\.name 'claims' is a cost center already \(costCenters\[0\]\)/);
    });

    test('caps on a cost center added after construction', () => {
      const { gov } = govStack({ metering: {} });
      expect(() => gov.addCostCenter({ name: 'claims', tags: { dept: 'claims' }, caps: { monthlyUsd: 1 } })).toThrow(
        /Gov\/Gov: addCostCenter\('claims'\)\.caps cannot be added after construction/);
    });
  });

  test('addCostCenter after construction: the cost center lands in the fleet with its budget', () => {
    const { stack, gov } = govStack({});
    const added = gov.addCostCenter({ name: 'claims', tags: { dept: 'claims' }, monthlyBudget: 10, profiles: { chat: SONNET } });
    expect(added?.name).toBe('claims');
    expect(countByType(stack).get('AWS::Budgets::Budget')).toBe(1);
    expect(gov.costCenter('claims').profile('chat')).toBe(gov.fleet.costCenter('claims').profile('chat'));
  });

  test('the cost-attribution pack on the defaults: only the documented warnings (no invocation logging, a cost center without budget)', () => {
    const { stack } = govStack({
      costCenters: [{ name: 'claims', tags: { dept: 'claims' }, monthlyBudget: 10, profiles: { chat: SONNET } }, { name: 'underwriting', tags: { dept: 'underwriting' }, profiles: { chat: NOVA } }],
      activateTags: false,
      anomaly: { enabled: false },
    });
    const findings = nagFindings(stack, { packs: [new CostAttributionChecks(undefined, { tagSchema: SCHEMA })] });
    expect([...new Set(findings.map((f) => `${f.severity} ${f.findingId}`))].sort()).toEqual([
      'warning CostAttribution-CostCenterBudget[CostCenter::underwriting]',
      'warning CostAttribution-ProfileInvocationLogging',
    ]);
  });

  test('a report without a summary takes no topic', () => {
    const { gov } = govStack({ report: { publishSummary: false } });
    expect(gov.report?.topic).toBeUndefined();
  });

  test('a meter on a log group configured elsewhere: no invocation logging of the construct', () => {
    const app = newApp();
    const stack = new Stack(app, 'Gov', { env: ENV });
    const logGroup = new logs.LogGroup(stack, 'Invocations');
    const gov = new BedrockCostGovernance(stack, 'Gov', { tagSchema: SCHEMA, metering: { logGroup } });
    expect(gov.invocationLogging).toBeUndefined();
    expect(gov.meter!.logGroup).toBe(logGroup);
  });

  describe('a table from a file', () => {
    const fixture = path.join(__dirname, 'fixtures', 'cost-centers.yaml');
    const schema = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting', 'research'] });

    test('the file\'s rows of this account and Region are governed, with the roles it names; the others are left out', () => {
      const app = newApp();
      const stack = new Stack(app, 'Gov', { env: { account: '111122223333', region: 'us-east-1' } });
      // no price of Titan embeddings in the built-in table: the dashboard shows usage only
      const gov = new BedrockCostGovernance(stack, 'Gov', {
        tagSchema: schema, table: CostCenterTable.fromFile(fixture), metering: {}, shards: 1, showEstimatedCost: false,
      });
      // claims: account 111122223333 and us-east-1 or eu-west-1; underwriting and research inherit regions [us-east-1]
      expect(gov.costCenterNames).toEqual(['claims', 'underwriting', 'research']);
      expect(Object.keys(gov.costCenter('claims').profiles).sort()).toEqual(['chat', 'summarize']);
      expect(gov.costCenter('claims').cap?.dailyUsd).toBe(400);
      expect(gov.costCenter('research').budget).toBeUndefined();
      const shard = Template.fromStack(gov.costCenter('claims').fleetCostCenter.stack);
      shard.hasResourceProperties('AWS::Budgets::BudgetsAction', { ApprovalModel: 'MANUAL' });
      expectSchemaValid(app);

      const elsewhere = new BedrockCostGovernance(new Stack(app, 'EuWest', { env: { account: '111122223333', region: 'eu-west-1' } }), 'Gov', {
        tagSchema: schema, table: CostCenterTable.fromFile(fixture), metering: {}, showEstimatedCost: false,
      });
      expect(elsewhere.costCenterNames).toEqual(['claims']);
      expect(elsewhere.costCentersLeftOut).toEqual(['underwriting', 'research']);
    });

    test('a row the schema refuses is named by the table\'s source and the row', () => {
      const table = CostCenterTable.fromString('schemaVersion: 1\ncostCenters:\n  - name: legal\n    tags: { dept: legal }\n',
        CostCenterTableFormat.YAML, 'teams.yaml');
      expect(() => govStack({ table })).toThrow(
        /^Gov\/Gov: table teams\.yaml:3:5: costCenters\[0\] \('legal'\) CostCenter 'legal': schema: tag 'dept' has value 'legal'/);
    });
  });
});
