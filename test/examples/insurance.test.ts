import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildInsuranceApp, MODELS } from '../../examples/insurance/app';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

describe('examples/insurance', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'insurance-test-'));
  const { app, stack, billing } = buildInsuranceApp(outdir);
  const template = Template.fromStack(stack);
  const billingTemplate = Template.fromStack(billing);

  test('a tagged profile per department, on current models', () => {
    template.resourceCountIs('Custom::BedrockApplicationInferenceProfile', 3);
    const profiles = Object.values(template.findResources('Custom::BedrockApplicationInferenceProfile')).map((r) => r.Properties);
    for (const [dept, id] of [['claims', `us.${MODELS.claudeSonnet}`], ['underwriting', `us.${MODELS.llama70b}`], ['customer-service', MODELS.novaPro]]) {
      const profile = profiles.find((p) => p.Tags.some((t: { Key: string; Value: string }) => t.Key === 'dept' && t.Value === dept));
      expect(profile?.Tags).toEqual([{ Key: 'company', Value: 'example-insurance' }, { Key: 'dept', Value: dept }]);
      expect(JSON.stringify(profile?.CopyFrom)).toContain(`/${id}"`);
    }
  });

  test('the claims service may invoke through the claims profile only', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(stack.claimsFunction.role!.node.defaultChild as never) }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const invoke = statements.filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('bedrock:InvokeModel'));
    expect(invoke).toHaveLength(2);
    expect(JSON.stringify(invoke)).toContain(stack.getLogicalId(stack.claims.node.findChild('Resource').node.defaultChild as never));
    expect(JSON.stringify(invoke)).not.toContain('Underwriting');
  });

  test('a catalog entry per department, readable by the claims service, and a resolver it may invoke', () => {
    const entries = Object.values(template.findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Name).sort();
    expect(entries).toEqual(['claims', 'customer-service', 'underwriting'].map((dept) => `/example-insurance/profiles/${dept}`));
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(stack.claimsFunction.role!.node.defaultChild as never) }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown }>);
    const actions = JSON.stringify(statements.map((s) => s.Action));
    expect(actions).toContain('ssm:GetParametersByPath');
    expect(actions).toContain('lambda:InvokeFunction');
  });

  test('a budget per department, filtered by its tag and scoped to Bedrock and Marketplace; enforcement on claims', () => {
    template.resourceCountIs('AWS::Budgets::Budget', 3);
    const filters = Object.values(template.findResources('AWS::Budgets::Budget')).map((r) => JSON.stringify(r.Properties.Budget.FilterExpression));
    for (const dept of ['claims', 'underwriting', 'customer-service']) {
      expect(filters.some((f) => f.includes(`"Key":"dept","Values":["${dept}"]`))).toBe(true);
    }
    expect(filters.every((f) => f.includes('AWS Marketplace') && f.includes('Amazon Bedrock'))).toBe(true);
    template.hasResourceProperties('AWS::Budgets::BudgetsAction', { ActionType: 'APPLY_IAM_POLICY', ApprovalModel: 'AUTOMATIC' });
  });

  test('dashboards and alarms watch the profiles by their IDs, alarms notify the encrypted cost alert topic', () => {
    const bodies = Object.values(template.findResources('AWS::CloudWatch::Dashboard')).map((r) => JSON.stringify(r.Properties.DashboardBody));
    expect(bodies).toHaveLength(2);
    expect(bodies.join()).toContain('ProfileId');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  test('the management account activates the tag keys and watches each department for anomalies', () => {
    billingTemplate.hasResourceProperties('Custom::CostAllocationTagActivation', {
      TagKeys: Match.arrayWith(['dept', 'iamPrincipal/dept']),
      BackfillMonths: 3,
    });
    billingTemplate.hasResourceProperties('AWS::CE::AnomalyMonitor', { MonitorType: 'DIMENSIONAL', MonitorDimension: 'TAG' });
    billingTemplate.hasResourceProperties('AWS::CE::AnomalySubscription', { Frequency: 'IMMEDIATE' });
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
    const claimsRole = stack.getLogicalId(stack.claimsFunction.role!.node.defaultChild as never);
    const meterPolicies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('SpendMeterHandlerRole'));
    const attach = meterPolicies.flatMap((p) => p.Properties.PolicyDocument.Statement).find((s: { Sid?: string }) => s.Sid === 'AttachDenyPolicy0');
    expect(attach.Resource).toEqual({ 'Fn::GetAtt': [claimsRole, 'Arn'] });
    const caps = Object.values(template.findResources('Custom::AWS')).map((r) => JSON.stringify(r.Properties.Create));
    expect(caps.some((c) => c.includes('CAP#CC#claims') && c.includes('4000'))).toBe(true);
  });

  test('the claims role carries the claims tags (IAM-principal attribution)', () => {
    template.hasResourceProperties('AWS::IAM::Role', { Tags: [{ Key: 'company', Value: 'example-insurance' }, { Key: 'dept', Value: 'claims' }] });
  });

  test('every resource validates against the CloudFormation schemas', () => {
    expectSchemaValid(app);
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    expectNagClean(stack);
    expectNagClean(billing);
  });

  // CT.LAMBDA.PR.3 needs the user's network; the report and export buckets leave server access
  // logging, event notifications and Object Lock to their owner (util/secure-bucket.ts); the spend
  // meter's failed-event queue is a dead-letter queue itself (CT.SQS.PR.1 asks for a redrive policy)
  test('AWS Control Tower proactive controls: only the VPC control and the documented bucket controls fail', () => {
    const failing = controlTowerFindings(app).map((f) => `${f.controlId} ${f.resources.map((r) => r.logicalId).join(',')}`);
    expect(failing.filter((f) => !f.startsWith('CT.LAMBDA.PR.3 ')).sort()).toEqual([
      expect.stringMatching(/^CT\.S3\.PR\.2 ChargebackBucket\w+,LineItemsBucket\w+$/),
      expect.stringMatching(/^CT\.S3\.PR\.4 ChargebackBucket\w+,LineItemsBucket\w+$/),
      expect.stringMatching(/^CT\.S3\.PR\.9 ChargebackBucket\w+,LineItemsBucket\w+$/),
      expect.stringMatching(/^CT\.SQS\.PR\.1 SpendMeterFailedEvents\w+$/),
    ]);
  });
});
