import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { filledSum } from './metric-math';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { CostModel } from '../models/cost-model';
import { metricsRead, requirePrice } from '../models/cost-terms';
import { ModelPricing, TokenPrice } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { CostCenter } from '../tags/cost-center';
import { CLOUDWATCH_LIMITS } from '../util/cloudwatch-limits';
import { packByWeight } from '../util/collections';
import { describePeriod } from '../util/durations';
import { IdAllocator } from '../util/metric-ids';
import { propError } from '../util/validation';

/** Properties of {@link UsageAlarms}. */
export interface UsageAlarmsProps {
  /** The profiles watched together (at least one), e.g. those of one cost center. */
  readonly profiles: IApplicationInferenceProfile[];

  /**
   * The cost center the profiles belong to, named in the alarm descriptions.
   * @default - the alarms name the profiles only
   */
  readonly costCenter?: CostCenter;

  /**
   * Alarm when the profiles' throttled requests in one period exceed this number.
   * @default 10
   */
  readonly throttleThreshold?: number;

  /**
   * Alarm when the share of invocations that fail with a server error exceeds this percentage
   * (0–100). Periods with fewer than `serverErrorRateMinInvocations` invocations count as 0%.
   * @default 5
   */
  readonly serverErrorRateThresholdPercent?: number;

  /**
   * The fewest invocations in a period for which the server error rate is judged, so that one
   * failure of two requests does not raise the alarm (a whole number ≥ 1).
   * @default 20
   */
  readonly serverErrorRateMinInvocations?: number;

  /**
   * Alarm when the estimated cost of one hour exceeds this amount in USD (input, output and
   * prompt cache tokens at the Standard prices of `pricing`: the cost model, `CostModel`).
   * Requires a price for every profile's model in `pricing`.
   * @default - no cost alarm
   */
  readonly hourlyCostThresholdUsd?: number;

  /**
   * The prices of the hourly cost alarm.
   * @default ModelPricing.builtIn()
   */
  readonly pricing?: ModelPricing;

  /**
   * Create the throttle alarm.
   * @default true
   */
  readonly throttleAlarm?: boolean;

  /**
   * Create the server error rate alarm.
   * @default true
   */
  readonly serverErrorRateAlarm?: boolean;

  /**
   * The period of the throttle and server error rate alarms (a whole number of minutes).
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * Periods the throttle and server error rate alarms look at.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * Periods of `evaluationPeriods` that must breach to raise the throttle and server error
   * rate alarms.
   * @default 2
   */
  readonly datapointsToAlarm?: number;

  /**
   * Where the alarms notify.
   * @default - the stack's shared cost alert topic (`CostAlertTopic.of(this).topic`)
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * CloudWatch alarms on the usage of a group of application inference profiles (typically one
 * cost center's): throttles above a number, server error rate above a percentage and,
 * optionally, estimated cost per hour above an amount. They notify the stack's cost alert
 * topic (or `alarmTopic`), with actions enabled (AWS Control Tower CT.CLOUDWATCH.PR.1 and .4).
 *
 * Missing data is treated as not breaching, on purpose: Bedrock publishes no data points for
 * a profile without traffic, and no traffic means no throttles, no errors and no cost. In the
 * math, each metric is `FILL(…, 0)`, so one idle profile does not hide the others.
 *
 * CloudWatch alarms on metric math reference at most 10 metrics. Per profile, the throttle
 * alarm reads 1, the server error rate alarm 2 and the hourly cost alarm 2 to 4 (input and
 * output tokens, plus cache reads and cache writes when the profile's price charges for them:
 * a model without prompt caching, or with free cache writes, needs no metric for them). The
 * profiles are therefore watched in groups — as many profiles per group as fit in 10 metrics
 * for the alarms asked for (e.g. 2 Claude profiles, 3 Nova profiles, 5 without a cost alarm)
 * — each group with its own alarms (and a synth warning says so), the thresholds applying to
 * each group.
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { ApplicationInferenceProfile, CostCenter, UsageAlarms } from 'cdk-bedrock-cost-governance';
 * declare const claims: ApplicationInferenceProfile;
 *
 * new UsageAlarms(this, 'ClaimsAlarms', {
 *   profiles: [claims],
 *   costCenter: CostCenter.of('claims', { dept: 'claims' }),
 *   hourlyCostThresholdUsd: 25,
 * });
 */
export class UsageAlarms extends Construct {
  /**
   * Profiles per group when each needs two metrics (the server error rate alarm).
   * @deprecated groups are sized by the metrics each profile needs (see the class
   * description): with a cost alarm and prompt cache prices, fewer profiles share a group
   */
  public static readonly PROFILES_PER_ALARM = Math.floor(CLOUDWATCH_LIMITS.metricsPerAlarm / 2);

  /** Every alarm. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The throttle alarms (one per group of profiles). */
  public readonly throttleAlarms: cloudwatch.Alarm[] = [];
  /** The server error rate alarms. */
  public readonly serverErrorRateAlarms: cloudwatch.Alarm[] = [];
  /** The hourly cost alarms. */
  public readonly hourlyCostAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: UsageAlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const evaluationPeriods = props.evaluationPeriods ?? 3;
    const datapointsToAlarm = props.datapointsToAlarm ?? 2;
    const throttleThreshold = props.throttleThreshold ?? 10;
    const errorRate = props.serverErrorRateThresholdPercent ?? 5;
    const minInvocations = props.serverErrorRateMinInvocations ?? 20;
    this.validate(props, period, evaluationPeriods, datapointsToAlarm, throttleThreshold, errorRate, minInvocations);

    const pricing = props.pricing ?? ModelPricing.builtIn();
    const throttleAlarm = props.throttleAlarm ?? true;
    const errorRateAlarm = props.serverErrorRateAlarm ?? true;
    const costAlarm = props.hourlyCostThresholdUsd !== undefined;
    const watched: Array<{ profile: IApplicationInferenceProfile; price?: TokenPrice }> = props.profiles.map((profile) => ({
      profile,
      price: costAlarm
        ? requirePrice(pricing, { profilePath: profile.node.path, modelSource: profile.modelSource, scope: this, prop: 'pricing', remedy: 'or leave hourlyCostThresholdUsd unset' })
        : undefined,
    }));
    // the metrics a profile takes in the most demanding alarm of its group
    const metricsOf = (w: typeof watched[number]) => Math.max(1, throttleAlarm ? 1 : 0, errorRateAlarm ? 2 : 0, w.price ? metricsRead(w.price) : 0);
    const groups = packByWeight(watched, metricsOf, CLOUDWATCH_LIMITS.metricsPerAlarm);
    if (groups.length > 1) {
      const most = Math.max(...groups.map((g) => g.length));
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:alarms:grouped',
        `${props.profiles.length} profiles are watched in ${groups.length} groups of at most ${most} `
        + `(CloudWatch metric math alarms reference at most ${CLOUDWATCH_LIMITS.metricsPerAlarm} metrics; per profile the throttle alarm reads 1, `
        + 'the server error rate alarm 2, the hourly cost alarm 2 to 4): each threshold applies to each group');
    }
    const action = new actions.SnsAction(props.alarmTopic ?? CostAlertTopic.of(this).topic);
    const who = props.costCenter ? `cost center ${props.costCenter.name}` : 'profiles';

    groups.forEach((group, g) => {
      const n = groups.length > 1 ? `${g + 1}` : '';
      const part = groups.length > 1 ? ` (group ${g + 1} of ${groups.length})` : '';
      const names = group.map((m) => m.profile.node.path).join(', ');
      const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string,
        evaluation: { periods: number; datapoints: number }) => {
        const a = new cloudwatch.Alarm(this, `${alarmId}${n}`, {
          metric,
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: evaluation.periods,
          datapointsToAlarm: evaluation.datapoints,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          actionsEnabled: true,
          alarmDescription: truncate(`${description}. Amazon Bedrock, ${who}${part}: ${names}`, 1024),
        });
        a.addAlarmAction(action);
        this.alarms.push(a);
        return a;
      };
      const evaluation = { periods: evaluationPeriods, datapoints: datapointsToAlarm };

      if (throttleAlarm) {
        const ids = new IdAllocator();
        const terms = group.map((m) => ({ id: ids.next('t'), metric: m.profile.metricInvocationThrottles({ period }) }));
        this.throttleAlarms.push(alarm('Throttles', filledSum(terms, 'Throttled requests', period), throttleThreshold,
          `Throttled requests above ${throttleThreshold} per ${describePeriod(period)}`, evaluation));
      }

      if (errorRateAlarm) {
        const ids = new IdAllocator();
        const invocations = group.map((m) => ({ id: ids.next('i'), metric: m.profile.metricInvocations({ period }) }));
        const errors = group.map((m) => ({ id: ids.next('e'), metric: m.profile.metricInvocationServerErrors({ period }) }));
        // Invocations counts the requests Bedrock accepted, including those that later failed with a
        // client or server error, not throttled ones, so errors / invocations is the failure share.
        // https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html
        const inv = `(${invocations.map((t) => `FILL(${t.id},0)`).join('+')})`;
        const err = `(${errors.map((t) => `FILL(${t.id},0)`).join('+')})`;
        const rate = new cloudwatch.MathExpression({
          expression: `IF(${inv}>=${minInvocations},100*${err}/${inv},0)`,
          usingMetrics: Object.fromEntries([...invocations, ...errors].map((t) => [t.id, t.metric])),
          label: 'Server error rate (%)',
          period,
        });
        this.serverErrorRateAlarms.push(alarm('ServerErrorRate', rate, errorRate,
          `Server error rate above ${errorRate}% of invocations per ${describePeriod(period)} (periods with fewer than ${minInvocations} invocations count as 0%)`, evaluation));
      }

      if (costAlarm) {
        const hour = Duration.hours(1);
        const cost = CostModel.metricTotalEstimatedCost(
          group.map((m) => ({ price: m.price!, ...m.profile.metricTokenCounts({ period: hour }) })),
          { label: 'Estimated cost (USD per hour)', period: hour });
        this.hourlyCostAlarms.push(alarm('HourlyCost', cost, props.hourlyCostThresholdUsd!,
          `Estimated cost above ${props.hourlyCostThresholdUsd} USD per hour (input, output and prompt cache tokens at on-demand Standard prices)`,
          { periods: 1, datapoints: 1 }));
      }
    });
  }

  private validate(props: UsageAlarmsProps, period: Duration, evaluationPeriods: number, datapointsToAlarm: number,
    throttleThreshold: number, errorRate: number, minInvocations: number): void {
    if (props.profiles.length === 0) throw propError(this, 'profiles', 'must hold at least one application inference profile');
    const unique = new Set(props.profiles);
    if (unique.size !== props.profiles.length) throw propError(this, 'profiles', 'names a profile twice: its usage would be counted twice');
    const literal = (v: number) => !Token.isUnresolved(v);
    const nonNegative = (prop: string, v: number | undefined) => {
      if (v !== undefined && literal(v) && !(Number.isFinite(v) && v >= 0)) throw propError(this, prop, `must be a finite number ≥ 0 (got ${v})`);
    };
    nonNegative('throttleThreshold', throttleThreshold);
    nonNegative('hourlyCostThresholdUsd', props.hourlyCostThresholdUsd);
    if (literal(errorRate) && !(Number.isFinite(errorRate) && errorRate >= 0 && errorRate <= 100)) {
      throw propError(this, 'serverErrorRateThresholdPercent', `must be a percentage between 0 and 100 (got ${errorRate})`);
    }
    if (literal(minInvocations) && !(Number.isInteger(minInvocations) && minInvocations >= 1)) {
      throw propError(this, 'serverErrorRateMinInvocations', `must be a whole number ≥ 1 (got ${minInvocations})`);
    }
    if (literal(evaluationPeriods) && !(Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1)) {
      throw propError(this, 'evaluationPeriods', `must be a whole number ≥ 1 (got ${evaluationPeriods})`);
    }
    if (literal(datapointsToAlarm) && literal(evaluationPeriods)
      && !(Number.isInteger(datapointsToAlarm) && datapointsToAlarm >= 1 && datapointsToAlarm <= evaluationPeriods)) {
      throw propError(this, 'datapointsToAlarm', `must be a whole number between 1 and evaluationPeriods (${evaluationPeriods}) (got ${datapointsToAlarm})`);
    }
    const seconds = period.toSeconds();
    if (literal(seconds)) {
      if (seconds < 60 || seconds % 60 !== 0) throw propError(this, 'period', `must be a whole number of minutes (got ${period.toHumanString()})`);
      if (literal(evaluationPeriods) && seconds * evaluationPeriods > CLOUDWATCH_LIMITS.alarmEvaluationSeconds) {
        throw propError(this, 'period', `× evaluationPeriods must be at most one day (got ${seconds * evaluationPeriods} s)`);
      }
    }
  }
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
