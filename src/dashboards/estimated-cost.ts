import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { ModelPricing, TokenPrice } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { propError } from '../util/validation';

/**
 * The estimated cost of a profile's invocations, as metric math over its `InputTokenCount`
 * and `OutputTokenCount` metrics: `(input tokens × input price + output tokens × output
 * price) / 1000` USD per period.
 *
 * An estimate: it uses the on-demand prices of the table, not the bill (prompt caching, batch,
 * Region differences, discounts and taxes are not in it). Cost Explorer holds the real cost.
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
   * @throws when the table has no price for the profile's model and no fallback
   */
  public static metric(profile: IApplicationInferenceProfile, pricing: ModelPricing,
    options: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
    const price = EstimatedCost.priceOf(profile, pricing);
    const period = options.period ?? Duration.minutes(5);
    const suffix = profile.node.addr.slice(0, 10);
    return ModelPricing.estimatedCostExpression(price,
      profile.metricInputTokenCount({ period }),
      profile.metricOutputTokenCount({ period }),
      {
        label: `${profile.node.id} estimated cost (USD)`,
        ...options,
        period,
        inputTokensId: `inputTokens_${suffix}`,
        outputTokensId: `outputTokens_${suffix}`,
      });
  }

  /**
   * The price of the profile's model in the table.
   * @throws when the table has no price for the profile's model and no fallback
   */
  public static priceOf(profile: IApplicationInferenceProfile, pricing: ModelPricing): TokenPrice {
    return requirePrice(profile, pricing, profile, 'pricing');
  }

  private constructor() {}
}

/**
 * The price of a profile, or an error naming `scope`'s path, the prop, the profile and the way
 * out (internal).
 */
export function requirePrice(profile: IApplicationInferenceProfile, pricing: ModelPricing,
  scope: IConstruct, prop: string, remedy?: string): TokenPrice {
  const price = pricing.priceFor(profile.modelSource);
  if (price) return price;
  const source = profile.modelSource;
  const what = source?.modelId === undefined
    ? 'an unknown model (imported without its model source, or an ARN token)'
    : `model ${source.geo ? `${source.geo.prefix}.` : ''}${source.modelId}`;
  const example = source?.modelId === undefined
    ? 'ModelPricing.custom({ fallback: { inputPer1kTokens, outputPer1kTokens } })'
    : `ModelPricing.custom({ prices: [{ modelId: '${source.modelId}', ${source.geo ? `geo: InferenceGeo.of('${source.geo.prefix}'), ` : ''}inputPer1kTokens, outputPer1kTokens }] })`;
  throw propError(scope, prop, `has no price for profile ${profile.node.path}, which uses ${what}: add it with ${example}${remedy ? `, ${remedy}` : ''}`);
}
