import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { importedProfile, LLAMA, newStack, novaPro, sonnetUs, warningsOf } from './support';
import { CostAlertTopic } from '../../src/alerts/cost-alert-topic';
import { UsageAlarms } from '../../src/dashboards';
import { InferenceGeo } from '../../src/models/inference-geo';
import { ModelPricing } from '../../src/models/model-pricing';
import { ModelSource } from '../../src/models/model-source';
import { CostCenter } from '../../src/tags/cost-center';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

interface AlarmJson {
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: string;
  ActionsEnabled: boolean;
  AlarmActions: unknown[];
  AlarmDescription: string;
  Metrics: Array<{
    Id: string;
    Expression?: string;
    ReturnData?: boolean;
    Period?: number;
    MetricStat?: {
      Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: string }> };
      Period: number;
      Stat: string;
    };
  }>;
}

function alarms(stack: ReturnType<typeof newStack>): Record<string, AlarmJson> {
  const found = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
  return Object.fromEntries(Object.entries(found).map(([id, r]) => [id, r.Properties as AlarmJson]));
}

function byId(all: Record<string, AlarmJson>, prefix: string): AlarmJson {
  const key = Object.keys(all).find((k) => k.startsWith(prefix));
  if (!key) throw new Error(`no alarm ${prefix} in ${Object.keys(all).join(', ')}`);
  return all[key];
}

describe('UsageAlarms', () => {
  test('defaults: throttles > 10 and server error rate > 5% per 5 minutes, 2 of 3, missing data not breaching, to the cost alert topic', () => {
    const stack = newStack();
    const claims = importedProfile(stack, 'Claims', 'claims01', sonnetUs());
    new UsageAlarms(stack, 'ClaimsAlarms', { profiles: [claims], costCenter: CostCenter.of('claims', { dept: 'claims' }) });
    const all = alarms(stack);
    expect(Object.keys(all)).toHaveLength(2);
    const topicRef = { Ref: Template.fromStack(stack).getResourceId('AWS::SNS::Topic') };

    const throttles = byId(all, 'ClaimsAlarmsThrottles');
    expect(throttles).toMatchObject({
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [topicRef],
    });
    expect(throttles.AlarmDescription).toContain('cost center claims');
    expect(throttles.Metrics).toEqual([
      { Id: 'expr_1', Expression: 'FILL(t0,0)', Label: 'Throttled requests', ReturnData: true },
      {
        Id: 't0',
        MetricStat: {
          Metric: { Namespace: 'AWS/Bedrock', MetricName: 'InvocationThrottles', Dimensions: [{ Name: 'ModelId', Value: 'claims01' }] },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
    ]);

    const errors = byId(all, 'ClaimsAlarmsServerErrorRate');
    expect(errors).toMatchObject({ Threshold: 5, TreatMissingData: 'notBreaching', AlarmActions: [topicRef] });
    const top = errors.Metrics.find((m) => m.ReturnData !== false)!;
    expect(top.Expression).toBe('IF((FILL(i0,0))>=20,100*(FILL(e0,0))/(FILL(i0,0)),0)');
    expect(errors.Metrics.filter((m) => m.MetricStat).map((m) => `${m.Id}=${m.MetricStat!.Metric.MetricName}`))
      .toEqual(['i0=Invocations', 'e0=InvocationServerErrors']);

    expectSchemaValid(stack);
    expectNagClean(stack);
    // AWS Control Tower: alarm actions present and enabled (CT.CLOUDWATCH.PR.1, PR.4); the topic's key too
    expect(controlTowerFindings(stack)).toEqual([]);
  });

  test('hourly cost alarm: metric math over the token counts at each profile\'s price, period one hour', () => {
    const stack = newStack();
    const a = importedProfile(stack, 'A', 'a01', sonnetUs());
    const b = importedProfile(stack, 'B', 'b01', novaPro());
    const c = importedProfile(stack, 'C', 'c01', ModelSource.crossRegion(InferenceGeo.US, LLAMA));
    new UsageAlarms(stack, 'Alarms', {
      profiles: [a, b, c],
      hourlyCostThresholdUsd: 25,
      pricing: ModelPricing.custom({ prices: [{ modelId: LLAMA, inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 }] }),
      throttleAlarm: false,
      serverErrorRateAlarm: false,
    });
    const all = alarms(stack);
    expect(Object.keys(all)).toHaveLength(1);
    const cost = byId(all, 'AlarmsHourlyCost');
    expect(cost).toMatchObject({ Threshold: 25, EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching', ActionsEnabled: true });
    const top = cost.Metrics.find((m) => m.ReturnData !== false)!;
    // Sonnet: the four counts; Nova Pro: no cache writes (free); Llama priced without cache: input and output only
    expect(top.Expression).toBe('(FILL(n0,0)*0.0033+FILL(u0,0)*0.0165+FILL(r0,0)*0.00033+FILL(w0,0)*0.004125'
      + '+FILL(n1,0)*0.0008+FILL(u1,0)*0.0032+FILL(r1,0)*0.0002+FILL(n2,0)*0.00072+FILL(u2,0)*0.00072)/1000');
    const stats = cost.Metrics.filter((m) => m.MetricStat);
    const row = (m: AlarmJson['Metrics'][number]) => [m.Id, m.MetricStat!.Metric.MetricName, m.MetricStat!.Metric.Dimensions[0].Value, m.MetricStat!.Period, m.MetricStat!.Stat];
    expect(stats.map(row)).toEqual([
      ['n0', 'InputTokenCount', 'a01', 3600, 'Sum'], ['u0', 'OutputTokenCount', 'a01', 3600, 'Sum'],
      ['r0', 'CacheReadInputTokenCount', 'a01', 3600, 'Sum'], ['w0', 'CacheWriteInputTokenCount', 'a01', 3600, 'Sum'],
      ['n1', 'InputTokenCount', 'b01', 3600, 'Sum'], ['u1', 'OutputTokenCount', 'b01', 3600, 'Sum'],
      ['r1', 'CacheReadInputTokenCount', 'b01', 3600, 'Sum'],
      ['n2', 'InputTokenCount', 'c01', 3600, 'Sum'], ['u2', 'OutputTokenCount', 'c01', 3600, 'Sum'],
    ]);
    expect(stats.length).toBeLessThanOrEqual(10);
    expect(cost.AlarmDescription).toContain('input, output and prompt cache tokens');
    expectSchemaValid(stack);
  });

  test('groups sized by the metrics each profile needs: each alarm within 10 metrics, and a warning', () => {
    // Nova Pro with a cost alarm: input, output and cache reads → 3 metrics a profile, 3 profiles a group
    const stack = newStack();
    const profiles = Array.from({ length: 12 }, (_, i) => importedProfile(stack, `P${i}`, `p${i}`, novaPro()));
    const usage = new UsageAlarms(stack, 'Alarms', { profiles, hourlyCostThresholdUsd: 10 });
    expect(usage.throttleAlarms).toHaveLength(4);
    expect(usage.serverErrorRateAlarms).toHaveLength(4);
    expect(usage.hourlyCostAlarms).toHaveLength(4);
    expect(usage.alarms).toHaveLength(12);
    for (const alarm of Object.values(alarms(stack))) {
      expect(alarm.Metrics.filter((m) => m.MetricStat).length).toBeLessThanOrEqual(10);
      expect(alarm.Metrics.filter((m) => m.Expression).length).toBeLessThanOrEqual(10);
      for (const m of alarm.Metrics) expect(m.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    }
    expect(warningsOf(usage)).toEqual([expect.stringContaining('12 profiles are watched in 4 groups of at most 3')]);
    expect(byId(alarms(stack), 'AlarmsThrottles4').AlarmDescription).toContain('(group 4 of 4)');
    expect(byId(alarms(stack), 'AlarmsHourlyCost4').Metrics.filter((m) => m.MetricStat)).toHaveLength(9);

    // Claude with its four counts: 2 profiles a group; without a cost alarm, the error rate's 2 metrics: 5
    const claude = newStack();
    const sonnets = Array.from({ length: 5 }, (_, i) => importedProfile(claude, `S${i}`, `s${i}`, sonnetUs()));
    const withCost = new UsageAlarms(claude, 'Cost', { profiles: sonnets, hourlyCostThresholdUsd: 10 });
    expect(withCost.hourlyCostAlarms).toHaveLength(3);
    const withoutCost = new UsageAlarms(claude, 'NoCost', { profiles: sonnets });
    expect(withoutCost.alarms).toHaveLength(2);
    // throttles only: one metric a profile
    const throttles = new UsageAlarms(claude, 'Throttles', { profiles: sonnets, serverErrorRateAlarm: false });
    expect(throttles.throttleAlarms).toHaveLength(1);
    for (const alarm of Object.values(alarms(claude))) expect(alarm.Metrics.filter((m) => m.MetricStat).length).toBeLessThanOrEqual(10);
  });

  test('custom thresholds, period, topic', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Mine', { enforceSSL: true });
    const p = importedProfile(stack, 'P', 'p01', novaPro());
    new UsageAlarms(stack, 'Alarms', {
      profiles: [p],
      throttleThreshold: 0,
      serverErrorRateThresholdPercent: 1.5,
      serverErrorRateMinInvocations: 100,
      period: Duration.minutes(1),
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      alarmTopic: topic,
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0, EvaluationPeriods: 5, DatapointsToAlarm: 5, AlarmActions: [{ Ref: Match.stringLikeRegexp('^Mine') }] });
    const errors = byId(alarms(stack), 'AlarmsServerErrorRate');
    expect(errors.Threshold).toBe(1.5);
    expect(errors.Metrics.find((m) => m.ReturnData !== false)!.Expression).toContain('>=100,');
    expect(errors.Metrics.find((m) => m.MetricStat)!.MetricStat!.Period).toBe(60);
    expect(stack.node.tryFindChild('BedrockCostAlertTopic')).toBeUndefined();
  });

  test('the shared cost alert topic is created once for several alarm sets', () => {
    const stack = newStack();
    new UsageAlarms(stack, 'A', { profiles: [importedProfile(stack, 'P1', 'p1', novaPro())] });
    new UsageAlarms(stack, 'B', { profiles: [importedProfile(stack, 'P2', 'p2', novaPro())] });
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
    expect(CostAlertTopic.of(stack)).toBe(stack.node.findChild('BedrockCostAlertTopic'));
    expectNagClean(stack);
  });

  test('bad inputs', () => {
    const stack = newStack();
    const p = importedProfile(stack, 'P', 'p01', novaPro());
    const llama = importedProfile(stack, 'L', 'l01', ModelSource.crossRegion(InferenceGeo.US, LLAMA));
    const make = (id: string, props: object) => () => new UsageAlarms(stack, id, { profiles: [p], ...props });
    expect(make('A1', { profiles: [] })).toThrow(/Test\/A1: profiles must hold at least one/);
    expect(make('A2', { profiles: [p, p] })).toThrow(/profiles names a profile twice/);
    expect(make('A3', { throttleThreshold: -1 })).toThrow(/Test\/A3: throttleThreshold must be a finite number ≥ 0 \(got -1\)/);
    expect(make('A4', { serverErrorRateThresholdPercent: 101 })).toThrow(/serverErrorRateThresholdPercent must be a percentage between 0 and 100/);
    expect(make('A5', { serverErrorRateThresholdPercent: -0.1 })).toThrow(/serverErrorRateThresholdPercent/);
    expect(make('A6', { hourlyCostThresholdUsd: -5 })).toThrow(/hourlyCostThresholdUsd must be a finite number ≥ 0/);
    expect(make('A7', { hourlyCostThresholdUsd: Number.NaN })).toThrow(/hourlyCostThresholdUsd/);
    expect(make('A8', { evaluationPeriods: 0 })).toThrow(/evaluationPeriods must be a whole number ≥ 1/);
    expect(make('A9', { evaluationPeriods: 2, datapointsToAlarm: 3 })).toThrow(/datapointsToAlarm must be a whole number between 1 and evaluationPeriods \(2\)/);
    expect(make('A10', { period: Duration.seconds(30) })).toThrow(/period must be a whole number of minutes/);
    expect(make('A11', { period: Duration.hours(12), evaluationPeriods: 3, datapointsToAlarm: 1 })).toThrow(/evaluationPeriods must be at most one day/);
    expect(make('A12', { serverErrorRateMinInvocations: 0 })).toThrow(/serverErrorRateMinInvocations must be a whole number ≥ 1/);
    // a cost alarm needs a price for every profile
    expect(() => new UsageAlarms(stack, 'A13', { profiles: [llama], hourlyCostThresholdUsd: 5 }))
      .toThrow(/Test\/A13: pricing has no price for profile Test\/L, which uses model us\.meta\.llama3-3-70b-instruct-v1:0.*or leave hourlyCostThresholdUsd unset/);
    // without a cost alarm, no price is needed
    expect(() => new UsageAlarms(stack, 'A14', { profiles: [llama] })).not.toThrow();
  });
});
