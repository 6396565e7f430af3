import { Duration, Resource, ResourceProps, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { INVOKE_ACTIONS } from './invoke-actions';
import { tagPrincipalWith } from './principal-tagging';
import { CostModel, EstimatedCostOptions, TokenMetrics, TokenMetricsOptions } from '../models/cost-model';
import { ModelPricing } from '../models/model-pricing';
import { ModelSource } from '../models/model-source';
import { ICostAllocationTagged } from '../tags/cost-allocation-tagged';
import { CostCenter } from '../tags/cost-center';
import { declareCostAllocationTagged } from '../tags/is-cost-allocation-tagged';
import { acknowledgeOnGranteePolicy } from '../util/nag-acknowledgement';


/** Options of `grantInvoke`. */
export interface GrantInvokeOptions {
  /**
   * Also tag the grantee's role with the profile's cost allocation tags, so that Bedrock's
   * IAM-principal cost attribution (`iamPrincipal/<key>` in billing) names the same cost center.
   * The grantee's principal must be an `iam.Role` created in this app; a different value
   * already on the role is a synth error.
   * @default false
   */
  readonly tagPrincipal?: boolean;
}

/** An application inference profile, made by this library or elsewhere. */
export interface IApplicationInferenceProfile extends ICostAllocationTagged {
  /**
   * The ARN, `arn:<partition>:bedrock:<region>:<account>:application-inference-profile/<id>`.
   * @attribute
   */
  readonly profileArn: string;

  /**
   * The ID (the last part of the ARN); CloudWatch reports its metrics under `ModelId` = this ID.
   * @attribute
   */
  readonly profileId: string;

  /**
   * What the profile copies.
   * @default - unknown for profiles imported without it
   */
  readonly modelSource?: ModelSource;

  /**
   * The cost center the profile belongs to: dashboards title its section by it, budgets and
   * anomaly monitors filter by its tags.
   * @default - none (profiles created without a cost center, or imported without one)
   */
  readonly costCenter?: CostCenter;

  /**
   * Allows the grantee to invoke the model through this profile (InvokeModel,
   * InvokeModelWithResponseStream, and so Converse/ConverseStream), and the underlying model
   * only through this profile.
   */
  grantInvoke(grantee: iam.IGrantable, options?: GrantInvokeOptions): iam.Grant;

  /** Allows the grantee to read the profile (GetInferenceProfile, ListTagsForResource). */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /** A metric of the profile in `AWS/Bedrock`, dimension `ModelId` = the profile ID. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests accepted for processing (Sum). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Time to the last token (Average by default; pass `statistic: 'p99'` for percentiles). */
  metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Input tokens (Sum): those neither read from nor written to the prompt cache. */
  metricInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Output tokens (Sum). */
  metricOutputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Input tokens read from the prompt cache (Sum): `CacheReadInputTokenCount`. */
  metricCacheReadInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Input tokens written to the prompt cache (Sum): `CacheWriteInputTokenCount`. */
  metricCacheWriteInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * The four token counts the cost model prices (input, output, cache read, cache write), of
   * the Standard tier or of the tier given.
   */
  metricTokenCounts(props?: TokenMetricsOptions): TokenMetrics;
  /** Invocations that failed with a client-side error (Sum). */
  metricInvocationClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Invocations that failed with a server-side error (Sum). */
  metricInvocationServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Throttled invocations (Sum); they count in neither Invocations nor errors. */
  metricInvocationThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Input + output tokens, as a math expression (prompt cache reads and writes are not in it). */
  metricTotalTokens(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression;
  /**
   * Estimated cost in USD per period, as metric math over the token metrics (the cost model,
   * `CostModel`): (InputTokenCount × input price + OutputTokenCount × output price +
   * CacheReadInputTokenCount × cache read price + CacheWriteInputTokenCount × cache write
   * price) / 1000. Its metric ids are unique to the profile, so the costs of several profiles
   * can share a graph. Fails at synth when `pricing` has no price for the profile's model.
   */
  metricEstimatedCost(pricing: ModelPricing, props?: EstimatedCostOptions): cloudwatch.MathExpression;
}

/**
 * Grants and metrics shared by profiles made by this library and imported ones.
 */
export abstract class ApplicationInferenceProfileBase extends Resource implements IApplicationInferenceProfile {
  public abstract readonly profileArn: string;
  public abstract readonly profileId: string;
  public abstract readonly modelSource?: ModelSource;
  public abstract readonly costCenter?: CostCenter;
  public abstract readonly costAllocationTags: { [key: string]: string };

  constructor(scope: Construct, id: string, props: ResourceProps = {}) {
    super(scope, id, props);
    // the tag policy (a lower layer) recognises profiles by this declaration
    declareCostAllocationTagged(this);
  }

  public grantInvoke(grantee: iam.IGrantable, options: GrantInvokeOptions = {}): iam.Grant {
    if (options.tagPrincipal) tagPrincipalWith(grantee, this);
    const onProfile = iam.Grant.addToPrincipal({
      grantee,
      actions: [...INVOKE_ACTIONS],
      resourceArns: [this.profileArn],
    });
    // The model behind the profile, only through this profile: a grantee cannot call the model
    // directly (and so around the profile's cost allocation tags).
    // Without a known model source, any foundation model and any system-defined (cross-Region)
    // profile, still only through this profile: an imported profile may copy either.
    const source = this.modelSource?.bind(this) ?? {
      invokeResourceArns: [
        this.stack.formatArn({ service: 'bedrock', region: '*', account: '', resource: 'foundation-model', resourceName: '*' }),
        this.stack.formatArn({ service: 'bedrock', region: '*', account: '*', resource: 'inference-profile', resourceName: '*' }),
      ],
      invokeResourcesUseWildcard: true,
    };
    const throughProfile = iam.Grant.addToPrincipal({
      grantee,
      actions: [...INVOKE_ACTIONS],
      resourceArns: source.invokeResourceArns.filter((arn) => !isApplicationProfileArn(arn)),
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': this.profileArn } },
    });
    if (source.invokeResourcesUseWildcard && throughProfile.principalStatement) {
      acknowledgeOnGranteePolicy(grantee, source.invokeResourceArns,
        'Destination Regions of cross-Region inference profiles change over time and may be tokens, so the foundation model is allowed in any Region; '
        + 'the statement is confined by the condition bedrock:InferenceProfileArn = this application inference profile, so the model can only be reached through it.');
    }
    return onProfile.combine(throughProfile);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['bedrock:GetInferenceProfile', 'bedrock:ListTagsForResource'],
      resourceArns: [this.profileArn],
    });
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Bedrock',
      metricName,
      dimensionsMap: { ModelId: this.profileId },
      period: Duration.minutes(5),
      ...props,
    });
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: 'Sum', ...props });
  }

  public metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationLatency', { statistic: 'Average', ...props });
  }

  public metricInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InputTokenCount', { statistic: 'Sum', ...props });
  }

  public metricOutputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OutputTokenCount', { statistic: 'Sum', ...props });
  }

  // https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html (AWS/Bedrock,
  // dimension ModelId); the cache counts are apart from InputTokenCount and 0 without prompt caching
  // (https://docs.aws.amazon.com/bedrock/latest/userguide/quotas-token-burndown.html)
  public metricCacheReadInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CacheReadInputTokenCount', { statistic: 'Sum', ...props });
  }

  public metricCacheWriteInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CacheWriteInputTokenCount', { statistic: 'Sum', ...props });
  }

  public metricTokenCounts(props: TokenMetricsOptions = {}): TokenMetrics {
    const { serviceTier, ...options } = props;
    if (serviceTier && serviceTier.metricSuffix === undefined) {
      throw new Error(`${this.node.path}: the ${serviceTier} tier publishes no runtime metrics: price its usage with CostModel.costOfUsage`);
    }
    // AWS publishes the metrics of a tier under ModelId `<model-id>+priority` / `+flex` (service-tiers-inference.html)
    const tiered: cloudwatch.MetricOptions = serviceTier && !serviceTier.isStandard
      ? { ...options, dimensionsMap: { ModelId: `${this.profileId}${serviceTier.metricSuffix}` } }
      : options;
    return {
      inputTokens: this.metricInputTokenCount(tiered),
      outputTokens: this.metricOutputTokenCount(tiered),
      cacheReadTokens: this.metricCacheReadInputTokenCount(tiered),
      cacheWriteTokens: this.metricCacheWriteInputTokenCount(tiered),
    };
  }

  public metricInvocationClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationClientErrors', { statistic: 'Sum', ...props });
  }

  public metricInvocationServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationServerErrors', { statistic: 'Sum', ...props });
  }

  public metricInvocationThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationThrottles', { statistic: 'Sum', ...props });
  }

  public metricEstimatedCost(pricing: ModelPricing, props: EstimatedCostOptions = {}): cloudwatch.MathExpression {
    const { serviceTier, ...options } = props;
    const price = pricing.priceFor(this.modelSource, serviceTier);
    if (!price) {
      const tier = serviceTier && !serviceTier.isStandard ? `${serviceTier} tier ` : '';
      throw new Error(`${this.node.path}: pricing has no ${tier}price for the profile's model (${this.modelSource?.identity ?? 'unknown model'}): add it with ModelPricing.custom()`);
    }
    const period = options.period ?? Duration.minutes(5);
    const tierId = serviceTier && !serviceTier.isStandard ? `_${serviceTier.name.replace(/[^a-zA-Z0-9_]/g, '_')}` : '';
    return CostModel.metricEstimatedCost({ price, ...this.metricTokenCounts({ period, serviceTier }) }, {
      label: 'Estimated cost (USD)', ...options, period, idSuffix: `${tierId}_${this.node.addr.slice(0, 10)}`,
    });
  }

  public metricTotalTokens(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    const period = props?.period ?? Duration.minutes(5);
    return new cloudwatch.MathExpression({
      expression: 'inputTokens + outputTokens',
      usingMetrics: {
        inputTokens: this.metricInputTokenCount({ period }),
        outputTokens: this.metricOutputTokenCount({ period }),
      },
      label: 'Total tokens',
      ...props,
      period,
    });
  }
}

function isApplicationProfileArn(arn: string): boolean {
  return !Token.isUnresolved(arn) && arn.includes(':application-inference-profile/');
}
