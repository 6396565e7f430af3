import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import type { PricedTokenMetrics } from './cost-model';
import { ModelPricing, TokenPrice, tokenPriceProblems } from './model-pricing';
import { ModelSource } from './model-source';
import { ServiceTier } from './service-tier';
import { formatPrice, pricedKinds, TokenKind } from './token-kinds';
import { CLOUDWATCH_LIMITS } from '../util/cloudwatch-limits';
import { METRIC_ID, MetricIds } from '../util/metric-ids';
import { propError } from '../util/validation';

/*
 * The cost model's metric math (internal): `CostModel` (public), profiles' `metricEstimatedCost`,
 * the dashboards and the alarms all build their cost expressions here, so the formula is
 * written once (and once more, as plain arithmetic, in `usage-cost.ts` for the spend meter).
 *
 * A cost term of one profile is `n*pIn + u*pOut + FILL(r,0)*pRead + FILL(w,0)*pWrite` (USD ×
 * 1000), with the cache terms only when the price charges for them (`pricedKinds`). Cache
 * counts are filled with 0 because a profile that does not use prompt caching may publish no
 * data points for them, and in metric math an operation on a missing data point has no value
 * (which would blank the whole cost); in sums of several profiles (`fillAll`, as alarms need)
 * every count is filled, so one idle profile does not blank the others.
 */

/** The metric ids CostModel gives a single expression, before their suffix. */
export const TOKEN_METRIC_IDS: Record<TokenKind['usage'], string> = {
  inputTokens: 'inputTokens',
  outputTokens: 'outputTokens',
  cacheReadTokens: 'cacheReadTokens',
  cacheWriteTokens: 'cacheWriteTokens',
};

/** The prefixes of the ids an allocator gives (`n0`, `u0`, `r0`, `w0`). */
const ALLOCATED_PREFIXES: Record<TokenKind['usage'], string> = {
  inputTokens: 'n',
  outputTokens: 'u',
  cacheReadTokens: 'r',
  cacheWriteTokens: 'w',
};

/** A token metric read by a cost term, with its id. */
export interface TermMetric {
  readonly kind: TokenKind;
  readonly id: string;
  readonly metric: cloudwatch.IMetric;
}

/** The cost of one profile in metric math, USD × 1000 (to be divided once, by `costExpression`). */
export interface CostTerm {
  readonly text: string;
  readonly metrics: readonly TermMetric[];
}

/** How a term is built. */
export interface CostTermOptions {
  /** Fill every count with 0 (sums over several profiles); else only the cache counts. */
  readonly fillAll?: boolean;
  /** Ids: from an allocator (`n0`, `u0` …) or given per kind. */
  readonly ids: MetricIds | ((kind: TokenKind) => string);
}

/** The token metrics a price needs, each with its id; fails when a priced kind has no metric. */
function termMetrics(priced: PricedTokenMetrics, options: CostTermOptions, what: string): TermMetric[] {
  const idOf = typeof options.ids === 'function' ? options.ids : (k: TokenKind) => (options.ids as MetricIds).next(ALLOCATED_PREFIXES[k.usage]);
  return pricedKinds(priced.price).map((kind) => {
    const metric = priced[kind.usage];
    if (!metric) {
      throw new Error(`${what}: the price charges for ${kind.name} tokens (${kind.price}) but no ${kind.usage} metric was given`);
    }
    const id = idOf(kind);
    if (!METRIC_ID.test(id)) throw new Error(`${what}: metric id '${id}' must match ${METRIC_ID.source}`);
    return { kind, id, metric };
  });
}

/** The cost term of one profile (its price checked). */
export function costTerm(priced: PricedTokenMetrics, options: CostTermOptions, what = 'CostModel'): CostTerm {
  const problems = tokenPriceProblems(priced.price);
  if (problems.length > 0) throw new Error(`${what}: price ${problems.join('; ')}`);
  const metrics = termMetrics(priced, options, what);
  const text = metrics.map(({ kind, id }) => {
    const count = options.fillAll || !kind.required ? `FILL(${id},0)` : id;
    return `${count}*${formatPrice(priced.price[kind.price] ?? 0)}`;
  }).join('+');
  return { text, metrics };
}

/** Properties of a cost expression. */
export interface CostExpressionProps extends cloudwatch.MathExpressionOptions {
  /** Where the expression is built, for messages. */
  readonly what?: string;
}

/** `(term + term …) / 1000`: the estimated cost in USD per period of the terms' profiles. */
export function costExpression(terms: readonly CostTerm[], props: CostExpressionProps): cloudwatch.MathExpression {
  if (terms.length === 0) throw new Error(`internal error: ${props.what ?? 'a cost expression'} without a term`);
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const t of terms) {
    for (const m of t.metrics) {
      if (usingMetrics[m.id] !== undefined && usingMetrics[m.id] !== m.metric) {
        throw new Error(`${props.what ?? 'CostModel'}: metric id '${m.id}' names two different metrics`);
      }
      usingMetrics[m.id] = m.metric;
    }
  }
  const expression = `(${terms.map((t) => t.text).join('+')})/1000`;
  if (expression.length > CLOUDWATCH_LIMITS.expressionLength) {
    throw new Error(`${props.what ?? 'CostModel'}: the cost expression of ${terms.length} profile(s) has ${expression.length} characters `
      + `(a metric math expression holds at most ${CLOUDWATCH_LIMITS.expressionLength}): price fewer profiles in one expression`);
  }
  return new cloudwatch.MathExpression({
    expression,
    usingMetrics,
    label: props.label ?? 'Estimated cost (USD)',
    color: props.color,
    period: props.period,
    searchAccount: props.searchAccount,
    searchRegion: props.searchRegion,
  });
}

/** The number of metrics a cost term of a profile at `price` reads (2 to 4). */
export function metricsRead(price: TokenPrice): number {
  return pricedKinds(price).length;
}

/** What a price is looked up for, and who asks. */
export interface PriceRequest {
  /** The construct path of the profile, in the message. */
  readonly profilePath: string;
  /** Its model source (undefined: unknown). */
  readonly modelSource?: ModelSource;
  /** The construct whose prop holds the prices. */
  readonly scope: IConstruct;
  /** The prop, e.g. `pricing`. */
  readonly prop: string;
  /** What else the user can do, e.g. `or set showEstimatedCost: false`. */
  readonly remedy?: string;
  /** The tier. @default ServiceTier.STANDARD */
  readonly tier?: ServiceTier;
}

/**
 * The price of a profile, or an error naming the construct, the prop, the profile and how to
 * add the price.
 */
export function requirePrice(pricing: ModelPricing, request: PriceRequest): TokenPrice {
  const tier = request.tier ?? ServiceTier.STANDARD;
  const price = pricing.priceFor(request.modelSource, tier);
  if (price) return price;
  const source = request.modelSource;
  const what = source?.modelId === undefined
    ? 'an unknown model (imported without its model source, or an ARN token)'
    : `model ${source.geo ? `${source.geo.prefix}.` : ''}${source.modelId}`;
  const tierProp = tier.isStandard ? '' : `tier: ServiceTier.of('${tier.name}'), `;
  const example = source?.modelId === undefined && tier.isStandard
    ? 'ModelPricing.custom({ fallback: { inputPer1kTokens, outputPer1kTokens } })'
    : `ModelPricing.custom({ prices: [{ modelId: '${source?.modelId ?? '<model ID>'}', ${source?.geo ? `geo: InferenceGeo.of('${source.geo.prefix}'), ` : ''}${tierProp}inputPer1kTokens, outputPer1kTokens }] })`;
  const kind = tier.isStandard ? 'price' : `${tier} tier price`;
  throw propError(request.scope, request.prop, `has no ${kind} for profile ${request.profilePath}, which uses ${what}: add it with ${example}${request.remedy ? `, ${request.remedy}` : ''}`);
}
