import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CLOUDWATCH_LIMITS } from './cloudwatch-limits';
import { requirePrice } from './estimated-cost';
import { chunk, describePeriod, IdAllocator } from './widgets';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { ModelPricing } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { CostCenter } from '../tags/cost-center';
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
   * Alarm when the estimated cost of one hour exceeds this amount in USD. Requires a price for
   * every profile's model in `pricing`.
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
 * CloudWatch alarms on metric math reference at most 10 metrics, and cost and error rate need
 * two per profile: the profiles are therefore watched in groups of at most 5, each group with
 * its own alarms (and a synth warning says so), the thresholds applying to each group.
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
  /** Profiles per group: two metrics per profile in the cost and error rate math. */
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
    const prices = props.hourlyCostThresholdUsd === undefined
      ? undefined
      : props.profiles.map((p) => requirePrice(p, pricing, this, 'pricing', 'or leave hourlyCostThresholdUsd unset'));
    const action = new actions.SnsAction(props.alarmTopic ?? CostAlertTopic.of(this).topic);
    const groups = chunk(props.profiles.map((profile, i) => ({ profile, price: prices?.[i] })), UsageAlarms.PROFILES_PER_ALARM);
    if (groups.length > 1) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:alarms:grouped',
        `${props.profiles.length} profiles are watched in ${groups.length} groups of at most ${UsageAlarms.PROFILES_PER_ALARM} `
        + `(CloudWatch metric math alarms reference at most ${CLOUDWATCH_LIMITS.metricsPerAlarm} metrics): each threshold applies to each group`);
    }
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

      if (props.throttleAlarm ?? true) {
        const ids = new IdAllocator();
        const terms = group.map((m) => ({ id: ids.next('t'), metric: m.profile.metricInvocationThrottles({ period }) }));
        this.throttleAlarms.push(alarm('Throttles', filledSum(terms, 'Throttled requests', period), throttleThreshold,
          `Throttled requests above ${throttleThreshold} per ${describePeriod(period)}`, evaluation));
      }

      if (props.serverErrorRateAlarm ?? true) {
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

      if (props.hourlyCostThresholdUsd !== undefined) {
        const hour = Duration.hours(1);
        const ids = new IdAllocator();
        const usingMetrics: Record<string, cloudwatch.IMetric> = {};
        const terms = group.map((m) => {
          const nId = ids.next('n');
          const uId = ids.next('u');
          usingMetrics[nId] = m.profile.metricInputTokenCount({ period: hour });
          usingMetrics[uId] = m.profile.metricOutputTokenCount({ period: hour });
          return `FILL(${nId},0)*${decimal(m.price!.inputPer1kTokens)}+FILL(${uId},0)*${decimal(m.price!.outputPer1kTokens)}`;
        });
        const cost = new cloudwatch.MathExpression({
          expression: `(${terms.join('+')})/1000`,
          usingMetrics,
          label: 'Estimated cost (USD per hour)',
          period: hour,
        });
        this.hourlyCostAlarms.push(alarm('HourlyCost', cost, props.hourlyCostThresholdUsd,
          `Estimated cost above ${props.hourlyCostThresholdUsd} USD per hour (input and output tokens at on-demand prices)`,
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

/** `FILL(a,0)+FILL(b,0)…` over metrics, so one profile without data does not blank the sum. */
function filledSum(terms: Array<{ id: string; metric: cloudwatch.IMetric }>, label: string, period: Duration): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: terms.map((t) => `FILL(${t.id},0)`).join('+'),
    usingMetrics: Object.fromEntries(terms.map((t) => [t.id, t.metric])),
    label,
    period,
  });
}

/** A price as a decimal literal (no exponent notation; ModelPricing allows at most 12 decimals). */
function decimal(value: number): string {
  return value === 0 ? '0' : value.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
