import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { costExpression, costTerm, metricsRead, TOKEN_METRIC_IDS } from './cost-terms';
import { TokenPrice } from './model-pricing';
import { ServiceTier } from './service-tier';
import { costOfUsage, TokenUsage } from './usage-cost';
import { IdAllocator } from '../util/metric-ids';

/**
 * The token count metrics of one model endpoint (an application inference profile), each the
 * Sum per period, in namespace `AWS/Bedrock`: `InputTokenCount`, `OutputTokenCount`,
 * `CacheReadInputTokenCount`, `CacheWriteInputTokenCount`
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html).
 * `IApplicationInferenceProfile.metricTokenCounts()` gives them for a profile.
 */
export interface TokenMetrics {
  /** Input tokens (neither read from nor written to the prompt cache): `InputTokenCount`. */
  readonly inputTokens: cloudwatch.IMetric;
  /** Output tokens: `OutputTokenCount`. */
  readonly outputTokens: cloudwatch.IMetric;
  /**
   * Input tokens read from the prompt cache: `CacheReadInputTokenCount`. Required when the
   * price charges for cache reads.
   * @default - none
   */
  readonly cacheReadTokens?: cloudwatch.IMetric;
  /**
   * Input tokens written to the prompt cache: `CacheWriteInputTokenCount`. Required when the
   * price charges for cache writes.
   * @default - none
   */
  readonly cacheWriteTokens?: cloudwatch.IMetric;
}

/** The token metrics of a profile and the price they are charged at. */
export interface PricedTokenMetrics extends TokenMetrics {
  /** The price of the profile's model (and tier). */
  readonly price: TokenPrice;
}

/** Options of {@link CostModel.metricEstimatedCost}. */
export interface CostExpressionOptions extends cloudwatch.MathExpressionOptions {
  /**
   * Appended to the metric ids of the expression (`inputTokens`, `outputTokens`,
   * `cacheReadTokens`, `cacheWriteTokens`), so that the costs of several profiles can share a
   * graph: e.g. `_claims` (ids `inputTokens_claims` …). Letters, digits and `_`.
   * @default '' (no suffix)
   */
  readonly idSuffix?: string;
}

/** Options of a profile's `metricTokenCounts`. */
export interface TokenMetricsOptions extends cloudwatch.MetricOptions {
  /**
   * The service tier whose metrics are read: Standard reads `ModelId` = the profile ID; another
   * tier reads `ModelId` = `<profile ID>+<tier>`, the pattern AWS documents for the tier
   * metrics of models (see `ServiceTier`: it is not documented for application inference
   * profiles).
   * @default ServiceTier.STANDARD
   */
  readonly serviceTier?: ServiceTier;
}

/** Options of a profile's `metricEstimatedCost`. */
export interface EstimatedCostOptions extends cloudwatch.MathExpressionOptions {
  /**
   * The service tier whose metrics and price are used (see `TokenMetricsOptions.serviceTier`).
   * @default ServiceTier.STANDARD
   */
  readonly serviceTier?: ServiceTier;
}

/**
 * The cost model: the one place that turns token counts (input, output, prompt cache reads
 * and writes) and prices into estimated cost, used by profiles' `metricEstimatedCost`, the
 * usage dashboards, the usage alarms and (through `costOfUsage`) the spend meter.
 *
 * Estimated cost in USD = (input tokens × input price + output tokens × output price + cache
 * read tokens × cache read price + cache write tokens × cache write price) / 1000, prices per
 * 1,000 tokens. Bedrock counts the four apart and bills each at its own rate
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html); a price without
 * cache prices leaves cache tokens out (see `TokenPrice`).
 *
 * An estimate, not the bill: on-demand list prices of the table, no discounts, credits or
 * taxes, and (for metrics) the Standard tier unless another is asked for. Cost Explorer holds
 * the billed cost.
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { ApplicationInferenceProfile, CostModel, ModelPricing } from 'cdk-bedrock-cost-governance';
 * declare const claims: ApplicationInferenceProfile;
 *
 * // a profile's estimated cost per hour, prompt cache reads and writes included
 * const costPerHour = claims.metricEstimatedCost(ModelPricing.builtIn(), { period: Duration.hours(1) });
 *
 * // the same formula over token counts from elsewhere (invocation logs, batch jobs), in USD
 * const price = ModelPricing.builtIn().priceFor(claims.modelSource);
 * const usd = CostModel.costOfUsage(price!, { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 50000 });
 */
export class CostModel {
  /**
   * How many metrics the cost of one profile at this price reads: 2 (input and output), plus
   * one for cache reads and one for cache writes when the price charges for them. CloudWatch
   * alarms on metric math read at most 10 metrics in all.
   */
  public static metricsRead(price: TokenPrice): number {
    return metricsRead(price);
  }

  /**
   * The estimated cost of one profile in USD per period, as metric math over its token
   * metrics. Cache counts are filled with 0 (a profile that does not use prompt caching may
   * publish none); without input and output data points (no traffic), the cost has no value.
   */
  public static metricEstimatedCost(priced: PricedTokenMetrics, options: CostExpressionOptions = {}): cloudwatch.MathExpression {
    const suffix = options.idSuffix ?? '';
    const term = costTerm(priced, { ids: (kind) => `${TOKEN_METRIC_IDS[kind.usage]}${suffix}` }, 'CostModel.metricEstimatedCost');
    return costExpression([term], { ...options, what: 'CostModel.metricEstimatedCost' });
  }

  /**
   * The estimated cost of several profiles together, in USD per period: every count filled
   * with 0, so one idle profile does not blank the sum (as alarms need). Metric ids `n0`, `u0`,
   * `r0`, `w0`, `n1` … (input, output, cache read, cache write of each profile in turn).
   */
  public static metricTotalEstimatedCost(profiles: PricedTokenMetrics[], options: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    if (profiles.length === 0) throw new Error('CostModel.metricTotalEstimatedCost: profiles must hold at least one profile');
    const ids = new IdAllocator();
    const terms = profiles.map((p) => costTerm(p, { ids, fillAll: true }, 'CostModel.metricTotalEstimatedCost'));
    return costExpression(terms, { ...options, what: 'CostModel.metricTotalEstimatedCost' });
  }

  /**
   * The cost in USD of token counts at a price (for usage counted elsewhere, e.g. invocation
   * log records or batch jobs). The same formula as the metrics.
   */
  public static costOfUsage(price: TokenPrice, usage: TokenUsage): number {
    return costOfUsage(price, usage);
  }

  private constructor() {}
}
