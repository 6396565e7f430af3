import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { settingsFromEnv } from '../../lambda/chargeback-report/settings';
import {
  BudgetMetric, BudgetScope, ChargebackPeriod, ChargebackReport, ChargebackReportProps, CostAllocationTagSchema, CostCenter, CostCenterBudget,
  ManagementAccount,
} from '../../src';
import { REPORT_ENV } from '../../src/contracts/chargeback-report';
import { bedrockBillingScope } from '../../src/util/cost-filter';
import { delivered } from '../support/cfn-delivery';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const schema = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting'] });

function build(props: Partial<ChargebackReportProps> = { tagSchema: schema }, env = ENV) {
  const stack = new Stack(new App(), 'Stack', { env });
  const report = new ChargebackReport(stack, 'Report', props as ChargebackReportProps);
  return { stack, report, template: Template.fromStack(stack) };
}

/** REPORT_SETTINGS as Lambda passes it: Refs and joins resolved to placeholder values. */
function deliveredSettings(stack: Stack) {
  const template = Template.fromStack(stack);
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }));
  const raw = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables[REPORT_ENV.settings];
  const attributes = Object.fromEntries(Object.keys(template.toJSON().Resources).map((id) => [id, `value-of-${id}`]));
  const env = { [REPORT_ENV.settings]: delivered(raw, { attributes, region: ENV.region, accountId: ENV.account }) as string };
  return settingsFromEnv(env);
}

function statements(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('ReportHandlerRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('ChargebackReport', () => {
  test('settings as the handler parses them: the schema key, its values, NetUnblendedCost, the Bedrock billing scope', () => {
    const { stack } = build({ tagSchema: schema, byLinkedAccount: true, includeIamPrincipalTags: true });
    const settings = deliveredSettings(stack);
    expect(settings).toMatchObject({
      version: 1,
      reportName: 'Bedrock chargeback',
      tagKey: 'dept',
      knownCostCenters: ['claims', 'underwriting'],
      metric: 'NetUnblendedCost',
      filter: bedrockBillingScope(),
      byLinkedAccount: true,
      principalTagKey: 'iamPrincipal/dept',
      bucket: expect.stringMatching(/^value-of-ReportBucket/),
      prefix: '',
      topicArn: expect.stringMatching(/^value-of-BedrockCostAlertTopic/),
      metricNamespace: 'CdkBedrockCostGovernance/Chargeback',
      topCostCenters: 5,
    });
  });

  test('one Bedrock billing scope: the report filters by the very expression a Bedrock budget ANDs with its tags', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    new ChargebackReport(stack, 'Report', { tagKey: 'dept', billingScope: BudgetScope.bedrock() });
    new CostCenterBudget(stack, 'Budget', { costCenter: new CostCenter({ name: 'claims', tags: { dept: 'claims' } }), limit: 100 });
    const budget = Object.values(Template.fromStack(stack).findResources('AWS::Budgets::Budget'))[0];
    const operands = budget.Properties.Budget.FilterExpression.And;
    expect(operands).toContainEqual(deliveredSettings(stack).filter);
  });

  test('other billing scopes: services() filters by SERVICE, tagsOnly() sends no filter', () => {
    expect(deliveredSettings(build({ tagKey: 'dept', billingScope: BudgetScope.services(['Amazon Bedrock']) }).stack).filter)
      .toEqual({ Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } });
    const settings = deliveredSettings(build({ tagKey: 'dept', billingScope: BudgetScope.tagsOnly() }).stack);
    expect(settings.filter).toBeUndefined();
    expect(settings.billingScope).toBe('every charge');
  });

  test('tagKey, metric, prefix, report name, namespace, top cost centers, no summary', () => {
    const settings = deliveredSettings(build({
      tagKey: 'team',
      metric: BudgetMetric.UNBLENDED_COST,
      prefix: 'finance/',
      reportName: 'AI spend',
      metricNamespace: 'Acme/Chargeback',
      topCostCenters: 10,
      publishSummary: false,
    }).stack);
    expect(settings).toMatchObject({ tagKey: 'team', metric: 'UnblendedCost', prefix: 'finance/', reportName: 'AI spend', metricNamespace: 'Acme/Chargeback', topCostCenters: 10, byLinkedAccount: false });
    expect(settings.topicArn).toBeUndefined();
    expect(settings.knownCostCenters).toBeUndefined();
    expect(settings.principalTagKey).toBeUndefined();
  });

  test('the monthly schedule (previous month, days 2-15) and the optional month-to-date schedule, each with its own role', () => {
    const { template } = build({ tagSchema: schema, monthToDateSchedule: 'cron(0 9 * * ? *)' });
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 2-15 * ? *)',
      Target: Match.objectLike({ Input: JSON.stringify({ period: 'previousMonth' }), RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportMonthlyScheduleRole'), 'Arn'] } }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      Target: Match.objectLike({ Input: JSON.stringify({ period: 'monthToDate' }) }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': ENV.account } } })] },
    });
    expect(Object.keys(build({ tagSchema: schema }).template.findResources('AWS::Scheduler::Schedule'))).toEqual([expect.stringMatching(/^ReportMonthlySchedule[0-9A-F]{8}$/)]);
  });

  test('least privilege: Cost Explorer reads, the report objects only, the bucket key, Publish on the topic', () => {
    const { template } = build({ tagSchema: schema, prefix: 'chargeback/' });
    const all = statements(template);
    expect(all).toContainEqual(expect.objectContaining({ Sid: 'ReadCostAndUsage', Action: 'ce:GetCostAndUsage', Resource: '*' }));
    const write = all.find((s) => s.Sid === 'WriteReports')!;
    expect(write.Action).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(write.Resource)).toContain('/chargeback/reports/*');
    expect(all).toContainEqual(expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^BedrockCostAlertTopic/) } }));
    expect(all).toContainEqual(expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }));
    for (const s of all) {
      expect(JSON.stringify(s.Action)).not.toMatch(/"s3:\*"|"ce:\*"|"sns:\*"/);
    }
  });

  test('a bucket of the user: no bucket created, its key granted', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const bucket = new s3.Bucket(stack, 'Mine', { encryption: s3.BucketEncryption.KMS });
    const report = new ChargebackReport(stack, 'Report', { tagKey: 'dept', bucket });
    expect(report.bucket).toBe(bucket);
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 1);
  });

  test('grantReadReports lets a reader get the report objects and decrypt them', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const report = new ChargebackReport(stack, 'Report', { tagKey: 'dept' });
    const reader = new iam.Role(stack, 'Finance', { assumedBy: new iam.AccountRootPrincipal() });
    report.grantReadReports(reader);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .find((p) => JSON.stringify(p.Properties.Roles).includes('Finance'))!;
    const actions = policy.Properties.PolicyDocument.Statement.map((s: { Action: unknown }) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 'kms:Decrypt']));
    expect(JSON.stringify(policy)).toContain('/reports/*');
  });

  test('metrics: billed cost per cost center, total and unattributed share, by period', () => {
    const { report } = build({ tagKey: 'dept', reportName: 'AI spend' });
    const metric = report.metricBilledCost('claims');
    expect(metric.namespace).toBe('CdkBedrockCostGovernance/Chargeback');
    expect(metric.metricName).toBe('BilledCost');
    expect(metric.dimensions).toEqual({ Report: 'AI spend', TagKey: 'dept', CostCenter: 'claims', Period: 'monthToDate' });
    expect(report.metricBilledCost('claims', ChargebackPeriod.MONTH).dimensions).toMatchObject({ Period: 'month' });
    expect(report.metricBilledCostTotal().dimensions).toEqual({ Report: 'AI spend', Period: 'monthToDate' });
    expect(report.metricUnattributedPercent(ChargebackPeriod.MONTH).metricName).toBe('UnattributedPercent');
  });

  describe('refuses, naming the path, the prop and the rule', () => {
    const cases: Array<[string, Partial<ChargebackReportProps>, string]> = [
      ['neither key nor schema', {}, 'Stack/Report: tagKey or tagSchema: give exactly one'],
      ['both', { tagKey: 'dept', tagSchema: schema }, 'Stack/Report: tagKey or tagSchema: give exactly one'],
      ['a schema without a required key', { tagSchema: new CostAllocationTagSchema({ keys: [{ key: 'dept' }] }) }, 'Stack/Report: tagSchema has no required key'],
      ['an aws: key', { tagKey: 'aws:foo' }, 'Stack/Report: tagKey'],
      ['a prefix without a slash', { tagKey: 'dept', prefix: 'reports' }, "Stack/Report: prefix 'reports' must be '' or a key prefix"],
      ['a prefix with a leading slash', { tagKey: 'dept', prefix: '/reports/' }, 'Stack/Report: prefix'],
      ['a one-time schedule', { tagKey: 'dept', schedule: 'at(2026-12-01T00:00:00)' }, 'Stack/Report: schedule'],
      ['a bad month-to-date schedule', { tagKey: 'dept', monthToDateSchedule: 'daily' }, 'Stack/Report: monthToDateSchedule'],
      ['no top cost center', { tagKey: 'dept', topCostCenters: 0 }, 'Stack/Report: topCostCenters 0 must be a whole number from 1 to 50'],
      ['a topic without summary', { tagKey: 'dept', publishSummary: false, topic: {} as sns.ITopic }, 'Stack/Report: topic is given but publishSummary is false'],
      ['an AWS/ namespace', { tagKey: 'dept', metricNamespace: 'AWS/Bedrock' }, "Stack/Report: metricNamespace 'AWS/Bedrock'"],
      ['a long report name', { tagKey: 'dept', reportName: 'x'.repeat(101) }, 'Stack/Report: reportName must be 1–100 characters'],
      ['a non-ASCII report name', { tagKey: 'dept', reportName: 'Coûts' }, 'Stack/Report: reportName'],
      ['an empty services scope', { tagKey: 'dept', billingScope: BudgetScope.services([]) }, 'Stack/Report: billingScope services must name at least one service'],
    ];
    test.each(cases)('%s', (_name, props, message) => {
      expect(() => build(props)).toThrow(message);
    });

    test('access logs for a bucket it does not create', () => {
      const stack = new Stack(new App(), 'Stack');
      const b = s3.Bucket.fromBucketName(stack, 'B', 'access-logs-bucket');
      expect(() => new ChargebackReport(stack, 'Report', { tagKey: 'dept', bucket: b, serverAccessLogsBucket: b }))
        .toThrow('Stack/Report: serverAccessLogsBucket applies only to the bucket the report creates');
    });

    test("a schema whose allowed values overflow Lambda's 4 KB environment", () => {
      const big = new CostAllocationTagSchema({ keys: [{ key: 'dept', required: true, allowedValues: Array.from({ length: 300 }, (_, i) => `department-${i}`) }] });
      expect(() => build({ tagSchema: big })).toThrow(/^Stack\/Report: tagSchema makes the function's environment \d+ bytes; Lambda allows 4096/);
    });
  });

  test('warns when linked accounts are asked for outside the management account', () => {
    const app = new App();
    ManagementAccount.set(app, '999999999999');
    const stack = new Stack(app, 'Stack', { env: ENV });
    new ChargebackReport(stack, 'Report', { tagKey: 'dept', byLinkedAccount: true });
    Annotations.fromStack(stack).hasWarning('/Stack/Report', Match.stringLikeRegexp('Cost Explorer shows a member account its own spend only'));
    const inManagement = new Stack(app, 'Payer', { env: { account: '999999999999', region: 'us-east-1' } });
    new ChargebackReport(inManagement, 'Report', { tagKey: 'dept', byLinkedAccount: true });
    expect(Annotations.fromStack(inManagement).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('valid against the CloudFormation schemas, cdk-nag clean, Control Tower: Lambda outside a VPC and the documented S3 controls only', () => {
    const { stack } = build({ tagSchema: schema, monthToDateSchedule: 'cron(0 9 * * ? *)', includeIamPrincipalTags: true, byLinkedAccount: true });
    expectSchemaValid(stack);
    expectNagClean(stack);
    expect(controlTowerFindings(stack).map((f) => f.controlId).sort()).toEqual(['CT.LAMBDA.PR.3', 'CT.S3.PR.2', 'CT.S3.PR.4', 'CT.S3.PR.9']);
  });
});
