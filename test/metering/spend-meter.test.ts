import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { meterSettingsFromEnv } from '../../lambda/spend-meter/settings';
import {
  BudgetMetric, CostAllocationTagSchema, CostCenter, ModelInvocationLogging, ModelPricing, SpendCap, SpendMeter, SpendMeterProps,
} from '../../src';
import { METER_DEFAULTS, METER_ENV } from '../../src/contracts/spend-meter';
import { bedrockBillingScope } from '../../src/util/cost-filter';
import { delivered } from '../support/cfn-delivery';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const SESSION = `arn:aws:sts::${ENV.account}:assumed-role/ClaimsAgent/run-42`;

interface Built { stack: Stack; meter: SpendMeter; template: Template; claimsRole: iam.Role }

function build(props: Partial<SpendMeterProps> & { withLogging?: boolean } = {}, env = ENV): Built {
  const stack = new Stack(new App(), 'Stack', { env });
  const claimsRole = new iam.Role(stack, 'ClaimsRole', { assumedBy: new iam.AccountRootPrincipal() });
  const { withLogging = true, ...rest } = props;
  const logging = withLogging && !rest.logGroup ? new ModelInvocationLogging(stack, 'Logging') : undefined;
  const meter = new SpendMeter(stack, 'Meter', { ...(logging ? { logging } : {}), tagKey: rest.tagSchema ? undefined : 'dept', ...rest } as SpendMeterProps);
  return { stack, meter, template: Template.fromStack(stack), claimsRole };
}

function withCaps(): Built {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const claimsRole = new iam.Role(stack, 'ClaimsRole', { assumedBy: new iam.AccountRootPrincipal() });
  const logging = new ModelInvocationLogging(stack, 'Logging');
  const meter = new SpendMeter(stack, 'Meter', {
    logging,
    tagKey: 'dept',
    caps: [
      SpendCap.costCenter(new CostCenter({ name: 'claims', tags: { dept: 'claims' } }), { monthlyUsd: 5000, dailyUsd: 400, roles: [claimsRole] }),
      SpendCap.costCenter('underwriting', { monthlyUsd: 1000 }),
      SpendCap.principal(SESSION, { dailyUsd: 50 }),
    ],
  });
  return { stack, meter, template: Template.fromStack(stack), claimsRole };
}

/** METER_SETTINGS as Lambda passes it: Refs and joins resolved to placeholder values. */
function deliveredSettings(stack: Stack) {
  const template = Template.fromStack(stack);
  const fns = Object.values(template.findResources('AWS::Lambda::Function'))
    .filter((f) => (f.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables?.[METER_ENV.settings]);
  expect(fns).toHaveLength(1);
  const raw = (fns[0].Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables[METER_ENV.settings];
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  // what Ref returns: a topic's and a managed policy's ARN, else a name
  const refOf = (id: string, type: string) => (type === 'AWS::SNS::Topic' ? `arn:aws:sns:${ENV.region}:${ENV.account}:value-of-${id}`
    : type === 'AWS::IAM::ManagedPolicy' ? `arn:aws:iam::${ENV.account}:policy/value-of-${id}` : `value-of-${id}`);
  const attributes = Object.fromEntries(Object.entries(resources).flatMap(([id, r]) => [[id, refOf(id, r.Type)], [`${id}.Arn`, `arn-of-${id}`]]));
  return meterSettingsFromEnv({ [METER_ENV.settings]: delivered(raw, { attributes, region: ENV.region, accountId: ENV.account }) as string });
}

function meterStatements(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('MeterHandlerRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('SpendMeter', () => {
  test('settings as the handler parses them: table, tag key, prices, namespace, enforcement, topic, reconciliation', () => {
    const { stack } = withCaps();
    const settings = deliveredSettings(stack);
    expect(settings).toMatchObject({
      version: 1,
      meterName: 'Stack/Meter',
      tableName: expect.stringMatching(/^value-of-MeterLedger/),
      tagKey: 'dept',
      metricNamespace: 'CdkBedrockCostGovernance/SpendMeter',
      principalMetricThresholdUsd: 10,
      requestTtlSeconds: 7 * 86_400,
      reconciliation: { metric: 'UnblendedCost', filter: bedrockBillingScope() },
      enforcement: {
        topicArn: expect.stringMatching(/^arn:aws:sns:.*:value-of-BedrockCostAlertTopic/),
        costCenters: { claims: { denyPolicyArn: expect.stringMatching(/^arn:aws:iam::\d{12}:policy\/value-of-MeterDenyPolicy0/), roleNames: [expect.stringMatching(/^value-of-ClaimsRole/)] } },
        policyNamePrefix: 'BedrockSpendCap',
      },
    });
    expect(Object.keys(settings.enforcement!.costCenters!)).toEqual(['claims']);
    expect(settings.prices.length).toBe(ModelPricing.builtIn().prices.length);
    expect(settings.prices[0]).toEqual(expect.objectContaining({ modelId: expect.any(String), inputPer1kTokens: expect.any(Number) }));
  });

  test('the ledger table: pk/sk strings, on demand, PITR, TTL, customer managed key, retained with deletion protection', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MeterKey'), 'Arn'] } },
      DeletionProtectionEnabled: true,
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const destroyed = build({ removalPolicy: RemovalPolicy.DESTROY }).template;
    destroyed.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
  });

  test('the subscription filter on the logging log group, invocation records only, to the meter function', () => {
    const { template } = build();
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^LoggingLogs') },
      FilterPattern: '{ $.schemaType = "ModelInvocationLog" }',
      DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MeterHandlerFunction'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'logs.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoggingLogs'), 'Arn'] },
    });
  });

  test('failed asynchronous events go to an encrypted queue after 2 retries or 6 hours', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumEventAgeInSeconds: 21600,
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MeterFailedEvents'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MeterKey'), 'Arn'] }, MessageRetentionPeriod: 1_209_600 });
  });

  test('an imported log group of another literal account fails at synth; of this account, it is subscribed with a note on the two-filter quota', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const foreign = logs.LogGroup.fromLogGroupArn(stack, 'Foreign', 'arn:aws:logs:eu-west-1:444455556666:log-group:bedrock-invocations:*');
    expect(() => new SpendMeter(stack, 'Meter', { logGroup: foreign, tagKey: 'dept' }))
      .toThrow("Stack/Meter: logGroup is in account 444455556666, but the meter's stack deploys to 111122223333: a subscription filter's Lambda function must be in the log group's account");
    const own = logs.LogGroup.fromLogGroupArn(stack, 'Own', `arn:aws:logs:eu-west-1:${ENV.account}:log-group:bedrock-invocations:*`);
    new SpendMeter(stack, 'Meter2', { logGroup: own, tagKey: 'dept' });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: 'bedrock-invocations' });
    Annotations.fromStack(stack).hasInfo('/Stack/Meter2', Match.stringLikeRegexp('at most two subscription filters'));
  });

  test('least privilege: the table only, the profile index and Cost Explorer on * (no resource type), the topic', () => {
    const { template } = build();
    const all = meterStatements(template);
    expect(all).toContainEqual(expect.objectContaining({
      Sid: 'Ledger',
      Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MeterLedger/), 'Arn'] },
    }));
    expect(all).toContainEqual(expect.objectContaining({ Sid: 'FindProfilesByTags', Action: ['tag:GetResources', 'bedrock:ListInferenceProfiles'], Resource: '*' }));
    expect(all).toContainEqual(expect.objectContaining({ Sid: 'ReadCostAndUsage', Action: 'ce:GetCostAndUsage', Resource: '*' }));
    expect(all).toContainEqual(expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^BedrockCostAlertTopic/) } }));
    expect(JSON.stringify(all)).not.toMatch(/iam:|"dynamodb:\*"|"\w+:\*"/);
  });

  test('enforcement IAM: attach/detach only the cost center deny policy on only its roles; inline policies only on the principal cap\'s role', () => {
    const { template } = withCaps();
    const all = meterStatements(template);
    expect(all).toContainEqual({
      Sid: 'AttachDenyPolicy0',
      Effect: 'Allow',
      Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ClaimsRole/), 'Arn'] },
      Condition: { ArnEquals: { 'iam:PolicyARN': { Ref: expect.stringMatching(/^MeterDenyPolicy0/) } } },
    });
    const sessions = all.find((s) => s.Sid === 'DenyCappedSessions')!;
    expect(sessions.Action).toEqual(['iam:GetRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy']);
    expect(JSON.stringify(sessions.Resource)).toContain(':role/ClaimsAgent"');
    expect(JSON.stringify(sessions.Resource)).toContain(':role/*/ClaimsAgent"');
    // underwriting has no roles: no policy, no attach permission
    expect(all.filter((s) => String(s.Sid).startsWith('AttachDenyPolicy'))).toHaveLength(1);
    expect(METER_DEFAULTS.policyNamePrefix).toMatch(/^[\w+=,.@-]+$/);
  });

  test('the cost center deny policy is BudgetEnforcement\'s deny-by-tag statement', () => {
    const { template } = withCaps();
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Sid: 'DenyBedrockInvocationThroughCostCenterProfiles',
          Effect: 'Deny',
          Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          Resource: 'arn:*:bedrock:*:*:application-inference-profile/*',
          Condition: { StringEquals: { 'aws:ResourceTag/dept': 'claims' } },
        }],
      },
    });
  });

  test('caps are written once with a conditional put (an operator\'s change in the table is kept)', () => {
    const { template } = withCaps();
    const creates = Object.values(template.findResources('Custom::AWS'))
      .map((r) => String(JSON.stringify(r.Properties.Create)))
      .filter((c) => c.includes('putItem'));
    expect(creates).toHaveLength(3);
    const claims = creates.find((c) => c.includes('CAP#CC#claims'))!;
    expect(claims).toContain('attribute_not_exists(pk)');
    expect(claims).toContain('ConditionalCheckFailedException');
    expect(claims).toMatch(/monthlyUsd\\\\?":\{\\\\?"N\\\\?":\\\\?"5000/);
    expect(creates.some((c) => c.includes(`CAP#PRINCIPAL#${SESSION}`))).toBe(true);
  });

  test('schedules: lift hourly, reconcile daily; lift all on delete, after the deny policies', () => {
    const { template } = withCaps();
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)', Target: Match.objectLike({ Input: JSON.stringify({ action: 'lift' }) }) });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 6 * * ? *)', Target: Match.objectLike({ Input: JSON.stringify({ action: 'reconcile' }) }) });
    const [lift] = Object.values(template.findResources('Custom::AWS', { Properties: { Delete: Match.anyValue() } }));
    expect(JSON.stringify(lift.Properties.Delete)).toContain('liftAll');
    expect(lift.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^MeterDenyPolicy0/)]));
  });

  test('alarms on drift, bypass spend and malformed records notify the cost alert topic', () => {
    const { template } = build();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'MeteredCost',
      Dimensions: Match.arrayWith([{ Name: 'CostCenter', Value: '(bypass)' }]),
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^BedrockCostAlertTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'MalformedRecords', Threshold: 0 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 10,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'ABS(drift)' })]),
    });
  });

  test('metric methods', () => {
    const { meter } = build({ meterName: 'prod' });
    expect(meter.metricMeteredCost('claims').dimensions).toEqual({ Meter: 'prod', CostCenter: 'claims' });
    expect(meter.metricMeteredCost('claims').namespace).toBe('CdkBedrockCostGovernance/SpendMeter');
    expect(meter.metricBypassCost().dimensions).toEqual({ Meter: 'prod', CostCenter: '(bypass)' });
    expect(meter.metricPrincipalCost(SESSION).metricName).toBe('PrincipalCost');
    expect(meter.metricMalformedRecords().metricName).toBe('MalformedRecords');
    expect(meter.metricUnpricedRecords().metricName).toBe('UnpricedRecords');
    expect(meter.metricRecords().metricName).toBe('MeterRecords');
    expect(meter.metricReconciliationDrift().metricName).toBe('CostDrift');
  });

  test('tagSchema: the first required key; reconciliation metric', () => {
    const { stack } = build({ tagSchema: CostAllocationTagSchema.standard({ departments: ['claims'] }), reconciliationMetric: BudgetMetric.NET_UNBLENDED_COST });
    expect(deliveredSettings(stack)).toMatchObject({ tagKey: 'dept', reconciliation: { metric: 'NetUnblendedCost' } });
  });

  describe('refuses, naming the path, the prop and the rule', () => {
    test.each<[string, () => unknown, string]>([
      ['neither logging nor logGroup', () => build({ withLogging: false }), 'Stack/Meter: logging or logGroup: give exactly one'],
      ['neither tagKey nor tagSchema', () => build({ tagKey: undefined }), 'Stack/Meter: tagKey or tagSchema: give exactly one'],
      ['an AWS/ namespace', () => build({ metricNamespace: 'AWS/Bedrock' }), "Stack/Meter: metricNamespace 'AWS/Bedrock'"],
      ['a negative drift threshold', () => build({ driftAlarmThresholdUsd: -1 }), 'Stack/Meter: driftAlarmThresholdUsd -1 must be a positive finite number'],
      ['two caps on one cost center', () => build({ caps: [SpendCap.costCenter('claims', { monthlyUsd: 1 }), SpendCap.costCenter('claims', { dailyUsd: 1 })] }),
        'Stack/Meter: caps[1] repeats the cap of caps[0] (cost center claims)'],
      ['a principal of another account', () => build({ caps: [SpendCap.principal('arn:aws:sts::444455556666:assumed-role/R/s1', { dailyUsd: 1 })] }),
        'Stack/Meter: caps[0] principal arn:aws:sts::444455556666:assumed-role/R/s1 is in account 444455556666'],
      ['an Identity Center session', () => build({ caps: [SpendCap.principal(`arn:aws:sts::${ENV.account}:assumed-role/AWSReservedSSO_Dev_0123/alice`, { dailyUsd: 1 })] }),
        'Stack/Meter: caps[0] AWSReservedSSO_Dev_0123 is an IAM Identity Center role'],
      ['a cost center without the tag key', () => build({ caps: [SpendCap.costCenter(new CostCenter({ name: 'claims', tags: { team: 'claims' } }), { dailyUsd: 1 })] }),
        "Stack/Meter: caps[0] cost center 'claims' has no 'dept' tag"],
    ])('%s', (_name, make, message) => {
      expect(make).toThrow(message);
    });
  });

  test('valid against the CloudFormation schemas, cdk-nag clean, Control Tower findings pinned', () => {
    const { stack } = withCaps();
    expectSchemaValid(stack);
    expectNagClean(stack);
    // Lambda outside a VPC (providerOptions.vpc places it in one); the failed-event queue has no dead-letter queue of its own (it is one)
    expect(controlTowerFindings(stack).map((f) => f.controlId).sort()).toEqual(['CT.LAMBDA.PR.3', 'CT.SQS.PR.1']);
  });
});

describe('SpendCap', () => {
  test.each<[string, () => unknown, string]>([
    ['no amount', () => SpendCap.costCenter('claims', {}), "SpendCap.costCenter('claims'): give monthlyUsd, dailyUsd or both"],
    ['zero', () => SpendCap.costCenter('claims', { monthlyUsd: 0 }), "SpendCap.costCenter('claims'): monthlyUsd must be a positive finite literal number of USD (got 0)"],
    ['negative', () => SpendCap.principal(SESSION, { dailyUsd: -5 }), `SpendCap.principal('${SESSION}'): dailyUsd must be a positive finite literal number of USD (got -5)`],
    ['infinite', () => SpendCap.costCenter('claims', { dailyUsd: Infinity }), "SpendCap.costCenter('claims'): dailyUsd must be a positive finite literal number of USD (got Infinity)"],
    ['NaN', () => SpendCap.costCenter('claims', { monthlyUsd: NaN }), "SpendCap.costCenter('claims'): monthlyUsd must be a positive finite literal number of USD (got NaN)"],
    ['daily above monthly', () => SpendCap.costCenter('claims', { monthlyUsd: 10, dailyUsd: 20 }), "SpendCap.costCenter('claims'): dailyUsd (20) exceeds monthlyUsd (10)"],
    ['empty cost center', () => SpendCap.costCenter('', { monthlyUsd: 1 }), "SpendCap.costCenter(''): the cost center must be a literal tag value of 1–256 characters"],
    ['a role ARN as principal', () => SpendCap.principal(`arn:aws:iam::${ENV.account}:role/R`, { dailyUsd: 1 }),
      `SpendCap.principal('arn:aws:iam::${ENV.account}:role/R'): the principal must be a literal assumed-role session ARN`],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('values', () => {
    const cap = SpendCap.principal(SESSION, { monthlyUsd: 100, dailyUsd: 10 });
    expect(cap).toMatchObject({ scope: 'PRINCIPAL', name: SESSION, monthlyUsd: 100, dailyUsd: 10, roles: [] });
  });
});

describe('SpendMeter sizes and options', () => {
  test('the default settings leave room in Lambda\'s 4 KB; a price table too large fails at synth naming pricing', () => {
    const { stack } = withCaps();
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
      .find((f) => JSON.stringify(f.Properties.Environment ?? {}).includes(METER_ENV.settings))!;
    expect(JSON.stringify(fn.Properties.Environment.Variables[METER_ENV.settings]).length).toBeLessThan(3000);
    const prices = Array.from({ length: 40 }, (_, i) => ({ modelId: `vendor.model-number-${i}-v1:0`, inputPer1kTokens: 0.001, outputPer1kTokens: 0.002 }));
    expect(() => build({ pricing: ModelPricing.custom({ prices }) }))
      .toThrow(/^Stack\/Meter: pricing makes the function's environment \d+ bytes; Lambda allows 4096/);
  });

  test('reserved concurrency when asked', () => {
    build({ reservedConcurrentExecutions: 5 }).template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 5 });
  });
});
