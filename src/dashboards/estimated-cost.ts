import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { requirePrice } from '../models/cost-terms';
import { ModelPricing, TokenPrice } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';

/**
 * The estimated cost of a profile's invocations, as metric math over its token counts (the
 * cost model, `CostModel`): `(input tokens × input price + output tokens × output price + cache
 * read tokens × cache read price + cache write tokens × cache write price) / 1000` USD per
 * period.
 *
 * An estimate: it uses the on-demand Standard prices of the table, not the bill (batch,
 * Priority and Flex requests, Region differences, discounts and taxes are not in it). Cost
 * Explorer holds the real cost.
 *
 * @deprecated use the profile's `metricEstimatedCost(pricing)` (or `CostModel`), which this
 * delegates to with another default label
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { ApplicationInferenceProfile, EstimatedCost, ModelPricing } from 'cdk-bedrock-cost-governance';
 * declare const claims: ApplicationInferenceProfile;
 *
 * const costPerHour = EstimatedCost.metric(claims, ModelPricing.builtIn(), { period: Duration.hours(1) });
 */
export class EstimatedCost {
  /**
   * The estimated cost of the profile in USD per period (5 minutes unless `period` says
   * otherwise). Its metric ids are unique to the profile, so the costs of several profiles can
   * share a graph.
   * @deprecated use `profile.metricEstimatedCost(pricing, options)`
   * @throws when the table has no price for the profile's model and no fallback
   */
  public static metric(profile: IApplicationInferenceProfile, pricing: ModelPricing,
    options: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    EstimatedCost.priceOf(profile, pricing);
    return profile.metricEstimatedCost(pricing, { label: `${profile.node.id} estimated cost (USD)`, ...options });
  }

  /**
   * The price of the profile's model in the table.
   * @deprecated use `pricing.priceFor(profile.modelSource)`
   * @throws when the table has no price for the profile's model and no fallback
   */
  public static priceOf(profile: IApplicationInferenceProfile, pricing: ModelPricing): TokenPrice {
    return requirePrice(pricing, { profilePath: profile.node.path, modelSource: profile.modelSource, scope: profile, prop: 'pricing' });
  }

  private constructor() {}
}
