import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildInsuranceApp, MODELS, TAG_SCHEMA } from '../../examples/insurance/app';
import { CostAttributionChecks } from '../../src';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

describe('examples/insurance', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'insurance-test-'));
  const { app, stack, billing } = buildInsuranceApp(outdir);
  const template = Template.fromStack(stack);
  const billingTemplate = Template.fromStack(billing);
  // the departments' profiles, budgets, catalog entries, dashboard and alarms: the facade's one nested stack
  const shardStack = stack.governance.costCenter('claims').fleetCostCenter.stack;
  const shard = Template.fromStack(shardStack);
  const claimsRoleId = stack.getLogicalId(stack.claimsFunction.role!.node.defaultChild as never);

  test('the departments are in one nested stack (shards: 1)', () => {
    template.resourceCountIs('AWS::CloudFormation::Stack', 1);
    for (const dept of ['claims', 'underwriting', 'customer-service']) {
      expect(stack.governance.costCenter(dept).fleetCostCenter.stack).toBe(shardStack);
    }
  });

  test('tagged profiles per department, on current models', () => {
    const members = Object.values(shard.findResources('Custom::BedrockApplicationInferenceProfileBatch')).flatMap((r) => r.Properties.Members);
    const byKey = new Map<string, any>(members.map((m: { Key: string }) => [m.Key, m]));
    expect([...byKey.keys()].sort()).toEqual(['claims/chat', 'claims/triage', 'customer-service/chat', 'underwriting/summarize']);
    for (const [key, dept, id] of [
      ['claims/chat', 'claims', MODELS.claudeSonnet], ['claims/triage', 'claims', MODELS.novaPro],
      ['underwriting/summarize', 'underwriting', MODELS.claudeSonnet], ['customer-service/chat', 'customer-service', MODELS.novaPro],
    ]) {
      const member = byKey.get(key);
      expect(member.Tags).toEqual([{ Key: 'company', Value: 'example-insurance' }, { Key: 'dept', Value: dept }]);
      expect(JSON.stringify(member.CopyFrom)).toContain(`/${id}"`);
    }
  });

  test('the claims service may invoke through the claims profiles only', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: claimsRoleId }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const invoke = JSON.stringify(statements.filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('bedrock:InvokeModel')));
    // the members' IDs cross into the parent as outputs of the nested stack
    const idOf = (dept: string, key: string) => JSON.stringify(stack.resolve(stack.governance.costCenter(dept).profile(key).profileId));
    expect(invoke).toContain(idOf('claims', 'chat'));
    expect(invoke).toContain(idOf('claims', 'triage'));
    expect(invoke).not.toContain(idOf('underwriting', 'summarize'));
    expect(invoke).not.toContain(idOf('customer-service', 'chat'));
  });

  test('a catalog entry per profile, readable by the claims service, and a resolver it may invoke', () => {
    const entries = Object.values(shard.findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Name).sort();
    expect(entries).toEqual(['claims/chat', 'claims/triage', 'customer-service/chat', 'underwriting/summarize'].map((k) => `/example-insurance/profiles/${k}`));
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: claimsRoleId }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown }>);
    const actions = JSON.stringify(statements.map((s) => s.Action));
    expect(actions).toContain('ssm:GetParametersByPath');
    expect(actions).toContain('lambda:InvokeFunction');
  });

  test('a budget per department, filtered by its tag and scoped to Bedrock and Marketplace; enforcement on claims', () => {
    shard.resourceCountIs('AWS::Budgets::Budget', 3);
    const filters = Object.values(shard.findResources('AWS::Budgets::Budget')).map((r) => JSON.stringify(r.Properties.Budget.FilterExpression));
    for (const dept of ['claims', 'underwriting', 'customer-service']) {
      expect(filters.some((f) => f.includes(`"Key":"dept","Values":["${dept}"]`))).toBe(true);
    }
    expect(filters.every((f) => f.includes('AWS Marketplace') && f.includes('Amazon Bedrock'))).toBe(true);
    shard.hasResourceProperties('AWS::Budgets::BudgetsAction', { ActionType: 'APPLY_IAM_POLICY', ApprovalModel: 'AUTOMATIC' });
  });

  test('a dashboard and alarms watch the profiles by their IDs, alarms notify the encrypted cost alert topic', () => {
    const bodies = Object.values(shard.findResources('AWS::CloudWatch::Dashboard')).map((r) => JSON.stringify(r.Properties.DashboardBody));
    expect(bodies).toHaveLength(1);
    expect(bodies.join()).toContain('ModelId');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
    const alarms = [...Object.values(shard.findResources('AWS::CloudWatch::Alarm')), ...Object.values(template.findResources('AWS::CloudWatch::Alarm'))];
    expect(alarms.length).toBeGreaterThan(6);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  test('the workload account leaves tag activation and anomaly detection to the management account', () => {
    template.resourceCountIs('Custom::CostAllocationTagActivation', 0);
    template.resourceCountIs('AWS::CE::AnomalyMonitor', 0);
  });

  test('the management account activates the tag keys and watches each department for anomalies; it makes no profile machinery', () => {
    billingTemplate.hasResourceProperties('Custom::CostAllocationTagActivation', {
      TagKeys: Match.arrayWith(['dept', 'iamPrincipal/dept']),
      BackfillMonths: 3,
    });
    billingTemplate.hasResourceProperties('AWS::CE::AnomalyMonitor', { MonitorType: 'DIMENSIONAL', MonitorDimension: 'TAG' });
    billingTemplate.hasResourceProperties('AWS::CE::AnomalySubscription', { Frequency: 'IMMEDIATE' });
    billingTemplate.resourceCountIs('AWS::CloudFormation::Stack', 0);
    billingTemplate.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  test('the management account reports chargeback monthly and daily, and exports line items with the calling principal', () => {
    billingTemplate.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 8 2-15 * ? *)' });
    billingTemplate.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 7 * * ? *)' });
    const [fn] = Object.values(billingTemplate.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('chargeback') } }));
    expect(JSON.stringify(fn.Properties.Environment.Variables)).toContain('\\"principalTagKey\\":\\"iamPrincipal/dept\\"');
    billingTemplate.hasResourceProperties('AWS::BCMDataExports::Export', {
      Export: Match.objectLike({ DataQuery: Match.objectLike({ QueryStatement: Match.stringLikeRegexp('line_item_iam_principal') }) }),
    });
    const queries = Object.values(billingTemplate.findResources('AWS::Athena::NamedQuery')).map((q) => q.Properties.Name);
    expect(queries).toEqual(expect.arrayContaining(['bedrock-spend-by-tag-dept', 'bedrock-spend-by-principal-tag-dept']));
  });

  test('a spend meter on the invocation logs, with a cap on claims that denies the claims role', () => {
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { FilterPattern: '{ $.schemaType = "ModelInvocationLog" }' });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { StringEquals: { 'aws:ResourceTag/dept': 'claims' } } })] },
    });
    const meterPolicies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('MeterHandlerRole'));
    const attach = meterPolicies.flatMap((p) => p.Properties.PolicyDocument.Statement).find((s: { Sid?: string }) => s.Sid === 'AttachDenyPolicy0');
    expect(attach.Resource).toEqual({ 'Fn::GetAtt': [claimsRoleId, 'Arn'] });
    const caps = Object.values(template.findResources('Custom::AWS')).map((r) => JSON.stringify(r.Properties.Create));
    expect(caps.some((c) => c.includes('CAP#CC#claims') && c.includes('4000'))).toBe(true);
  });

  test('the claims role carries the claims tags (IAM-principal attribution)', () => {
    template.hasResourceProperties('AWS::IAM::Role', { Tags: [{ Key: 'company', Value: 'example-insurance' }, { Key: 'dept', Value: 'claims' }] });
  });

  test('every resource validates against the CloudFormation schemas', () => {
    expectSchemaValid(app);
  });

  test('cdk-nag AwsSolutions and the cost-attribution pack: no unacknowledged finding', () => {
    const packs = () => [new AwsSolutionsChecks(), new CostAttributionChecks(undefined, { tagSchema: TAG_SCHEMA })];
    expectNagClean(stack, { packs: packs() });
    expectNagClean(billing, { packs: packs() });
  });

  // CT.LAMBDA.PR.3 needs the user's network; the report and export buckets leave server access
  // logging, event notifications and Object Lock to their owner (util/secure-bucket.ts); the spend
  // meter's failed-event queue is a dead-letter queue itself (CT.SQS.PR.1 asks for a redrive policy)
  test('AWS Control Tower proactive controls: only the VPC control and the documented bucket controls fail', () => {
    const failing = controlTowerFindings(app).map((f) => `${f.controlId} ${f.resources.map((r) => r.logicalId).join(',')}`);
    expect(failing.filter((f) => !f.startsWith('CT.LAMBDA.PR.3 ')).sort()).toEqual([
      expect.stringMatching(/^CT\.S3\.PR\.2 GovernanceReportBucket\w+,LineItemsBucket\w+$/),
      expect.stringMatching(/^CT\.S3\.PR\.4 GovernanceReportBucket\w+,LineItemsBucket\w+$/),
      expect.stringMatching(/^CT\.S3\.PR\.9 GovernanceReportBucket\w+,LineItemsBucket\w+$/),
      expect.stringMatching(/^CT\.SQS\.PR\.1 GovernanceMeterFailedEvents\w+$/),
    ]);
  });
});
