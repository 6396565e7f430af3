import { Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InferenceGeo } from './inference-geo';
import { modelIdProblem } from './model-id';
import { ModelSource } from './model-source';
import { ServiceTier } from './service-tier';
import { formatPrice, PRICE_MAX_DECIMALS, TOKEN_KINDS } from './token-kinds';
import { lookupPrice, priceKey as tableKey } from '../contracts/price-lookup';
import type { TokenPrice } from '../contracts/usage-cost';
import { METRIC_ID } from '../util/metric-ids';

// TokenPrice's one home is the cost model's contract (the spend meter's handler prices with it)
export { TokenPrice } from '../contracts/usage-cost';

/** The price of one model in a {@link ModelPricing} table. */
export interface ModelPrice extends TokenPrice {
  /** The foundation model ID, without a geography prefix, e.g. `amazon.nova-pro-v1:0`. */
  readonly modelId: string;

  /**
   * Only for cross-Region (system-defined) profiles of this geography. Some models are priced
   * differently when reached through a geography than in one Region or globally (e.g. Claude
   * Sonnet 4.5: `global.` is about 10% cheaper than `us.` or in-Region).
   * @default - any model source of the model that has no geography-specific price
   */
  readonly geo?: InferenceGeo;

  /**
   * The service tier (or batch) this price is for. A profile's metrics are priced at the
   * Standard price unless a tier is asked for (see `ServiceTier`).
   * @default ServiceTier.STANDARD
   */
  readonly tier?: ServiceTier;

  /**
   * Where the price comes from (a URL), for the reader of the table.
   * @default - none
   */
  readonly source?: string;

  /**
   * The date the price was read from its source (YYYY-MM-DD).
   * @default - none
   */
  readonly asOf?: string;
}

/** Properties of {@link ModelPricing.custom}. */
export interface CustomModelPricingProps {
  /**
   * Prices to add to the base table, or to override in it (same model ID, geography and tier).
   * @default - none
   */
  readonly prices?: ModelPrice[];

  /**
   * The table the prices are added to.
   * @default ModelPricing.builtIn()
   */
  readonly base?: ModelPricing;

  /**
   * The Standard price of models the table does not know (and of profiles whose model is
   * unknown, e.g. imported without their model source). Without it, asking for the cost of such
   * a profile is an error. Not used for other tiers.
   * @default - the base table's fallback (none for the built-in table)
   */
  readonly fallback?: TokenPrice;
}

const SONNET_4_5 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA_PRO = 'amazon.nova-pro-v1:0';

/**
 * Claude Sonnet 4.5. Anthropic's list price is $3 / $15 per million input / output tokens, and
 * its prompt caching multipliers are 1.25 × the input price for 5-minute cache writes, 2 × for
 * 1-hour cache writes and 0.1 × for cache reads ("Prompt caching" on Anthropic's pricing page).
 * On Amazon Bedrock "regional endpoints include a 10% pricing premium over global endpoints"
 * for Sonnet 4.5 and later models; geographic cross-Region profiles (`us.`, `eu.` …) are such
 * regional endpoints, and AWS prices cross-Region inference at the price of the source
 * Region. The cache prices below are the multipliers applied to each endpoint's input price
 * (regional $3.30 → write $4.125, read $0.33 per million; global $3 → $3.75, $0.30), the
 * 5-minute write rate being the one priced (CacheWriteInputTokenCount does not split writes by
 * TTL; the Converse API's `cacheDetails` does).
 */
const ANTHROPIC_SOURCES = 'https://platform.claude.com/docs/en/about-claude/pricing, '
  + 'https://platform.claude.com/docs/en/build-with-claude/claude-on-amazon-bedrock (global vs regional endpoints), '
  + 'https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html, '
  + 'https://aws.amazon.com/bedrock/pricing/';

/**
 * Amazon Nova Pro, us-east-1 on-demand: $0.80 / $3.20 per million tokens. The AWS pricing page
 * renders its tables client-side; the rates were read from AWS's own transcription of it,
 * "verified 2026-10-05 against aws.amazon.com/bedrock/pricing" (aws/agent-toolkit-for-aws,
 * plugins/aws-startup-advisor/skills/llm-to-bedrock/scripts/bedrock_pricing.py). Geographic
 * cross-Region profiles are billed at the source Region's price, so no `us.` entry is needed.
 * Prompt caching: cache reads $0.20 per million (a 75 % discount on input), no charge for
 * cache writes — read from a secondary transcription of the pricing page (swfte.com, "Amazon
 * Nova Pro pricing", May 2026), AWS's own page could not be read.
 */
const NOVA_SOURCES = 'https://aws.amazon.com/bedrock/pricing/ (via https://github.com/aws/agent-toolkit-for-aws; '
  + 'cache prices via https://www.swfte.com/de/blog/amazon-nova-pro-pricing)';

const PRICES_READ_ON = '2026-12-01';

/**
 * The built-in prices: only the models of the examples, on-demand Standard tier, US Regions.
 * Prices differ by Region, change over time, and exclude batch, Priority/Flex and provisioned
 * throughput prices: override or add them with {@link ModelPricing.custom}.
 *
 * Not in the table: `meta.llama3-3-70b-instruct-v1:0` (Llama 3.3 70B Instruct). Its price could
 * not be read from an AWS source when the table was written (secondary sources disagree), so
 * it is left out rather than guessed; add it with `ModelPricing.custom()`.
 */
const BUILT_IN: ModelPrice[] = [
  {
    modelId: SONNET_4_5,
    inputPer1kTokens: 0.0033,
    outputPer1kTokens: 0.0165,
    cacheReadPer1kTokens: 0.00033,
    cacheWritePer1kTokens: 0.004125,
    source: ANTHROPIC_SOURCES,
    asOf: PRICES_READ_ON,
  },
  {
    modelId: SONNET_4_5,
    geo: InferenceGeo.GLOBAL,
    inputPer1kTokens: 0.003,
    outputPer1kTokens: 0.015,
    cacheReadPer1kTokens: 0.0003,
    cacheWritePer1kTokens: 0.00375,
    source: ANTHROPIC_SOURCES,
    asOf: PRICES_READ_ON,
  },
  {
    modelId: NOVA_PRO,
    inputPer1kTokens: 0.0008,
    outputPer1kTokens: 0.0032,
    cacheReadPer1kTokens: 0.0002,
    cacheWritePer1kTokens: 0,
    source: NOVA_SOURCES,
    asOf: PRICES_READ_ON,
  },
];

/**
 * Token prices per 1,000 tokens by model (input, output, prompt cache reads and writes), which
 * the cost model (`CostModel`) turns into estimated cost.
 *
 * Prices are keyed by foundation model ID, optionally the geography of a cross-Region profile,
 * and the service tier (Standard unless given). A profile's price is the one for its model,
 * geography and tier, else the one for its model and tier, else (Standard tier only) the
 * table's fallback.
 *
 * An open set: the built-in table holds only the models of the examples;
 * `ModelPricing.custom()` adds or overrides prices.
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { ModelPricing } from 'cdk-bedrock-cost-governance';
 *
 * const pricing = ModelPricing.custom({
 *   prices: [{ modelId: 'meta.llama3-3-70b-instruct-v1:0', inputPer1kTokens: 0.00072, outputPer1kTokens: 0.00072 }],
 * });
 */
export class ModelPricing {
  /**
   * The built-in prices of the models used in the examples (on-demand Standard tier with
   * prompt caching, US Regions, read on 2026-12-01; the source of each is in `prices`).
   */
  public static builtIn(): ModelPricing {
    return new ModelPricing(BUILT_IN, undefined);
  }

  /** A table without prices, as a base for a table of your own prices only. */
  public static empty(): ModelPricing {
    return new ModelPricing([], undefined);
  }

  /** Adds prices to a table (the built-in one by default) or overrides some of its prices. */
  public static custom(props: CustomModelPricingProps): ModelPricing {
    const base = props.base ?? ModelPricing.builtIn();
    const problems: string[] = [];
    const own = props.prices ?? [];
    own.forEach((price, i) => problems.push(...modelPriceProblems(price).map((p) => `prices[${i}] ${p}`)));
    const seen = new Map<string, number>();
    own.forEach((price, i) => {
      const key = priceKey(price.modelId, price.geo, price.tier);
      const first = seen.get(key);
      if (first !== undefined) problems.push(`prices[${i}] repeats the price of prices[${first}] (${describeKey(price.modelId, price.geo, price.tier)})`);
      else seen.set(key, i);
    });
    if (props.fallback) problems.push(...tokenPriceProblems(props.fallback).map((p) => `fallback ${p}`));
    if (problems.length > 0) throw new Error(`ModelPricing.custom: ${problems.join('; ')}`);
    const overridden = new Set(own.map((p) => priceKey(p.modelId, p.geo, p.tier)));
    const prices = [...base.prices.filter((p) => !overridden.has(priceKey(p.modelId, p.geo, p.tier))), ...own];
    return new ModelPricing(prices, props.fallback ?? base.fallback);
  }

  /**
   * A metric math expression of the estimated cost in USD per period:
   * `(inputTokens × input price + outputTokens × output price) / 1000`.
   *
   * Prompt cache reads and writes are not in it, whatever the price says.
   * @deprecated use `CostModel` (`CostModel.of(pricing).metricEstimatedCost(profile)`), which
   * also prices prompt cache reads and writes
   * @param price the prices of the model
   * @param inputTokens the `InputTokenCount` metric (Sum)
   * @param outputTokens the `OutputTokenCount` metric (Sum)
   */
  public static estimatedCostExpression(price: TokenPrice, inputTokens: cloudwatch.IMetric, outputTokens: cloudwatch.IMetric,
    options: EstimatedCostExpressionOptions = {}): cloudwatch.MathExpression {
    const problems = tokenPriceProblems(price);
    if (problems.length > 0) throw new Error(`ModelPricing.estimatedCostExpression: price ${problems.join('; ')}`);
    const inputId = options.inputTokensId ?? 'inputTokens';
    const outputId = options.outputTokensId ?? 'outputTokens';
    for (const id of [inputId, outputId]) {
      if (!METRIC_ID.test(id)) throw new Error(`ModelPricing.estimatedCostExpression: metric id '${id}' must match ${METRIC_ID.source}`);
    }
    if (inputId === outputId) throw new Error('ModelPricing.estimatedCostExpression: inputTokensId and outputTokensId must differ');
    return new cloudwatch.MathExpression({
      expression: costExpressionText(price, inputId, outputId),
      usingMetrics: { [inputId]: inputTokens, [outputId]: outputTokens },
      label: options.label ?? 'Estimated cost (USD)',
      color: options.color,
      period: options.period,
      searchAccount: options.searchAccount,
      searchRegion: options.searchRegion,
    });
  }

  /** The prices of the table. */
  public readonly prices: ModelPrice[];

  /**
   * The price of models the table does not know.
   * @default - none: the cost of such models cannot be estimated
   */
  public readonly fallback?: TokenPrice;

  private constructor(prices: ModelPrice[], fallback: TokenPrice | undefined) {
    this.prices = prices.map((p) => ({ ...p }));
    this.fallback = fallback ? tokenPriceOf(fallback) : undefined;
  }

  /**
   * The price of a model: the one for its geography and tier, else for the model and tier,
   * else (Standard tier only) the fallback.
   * @param modelId the foundation model ID, without a geography prefix
   * @param geo the geography of a cross-Region profile
   * @param tier the service tier (default: Standard)
   * @returns undefined when the table has no price for the model (in that tier) and no fallback
   */
  public priceOf(modelId: string, geo?: InferenceGeo, tier?: ServiceTier): TokenPrice | undefined {
    const found = lookupPrice((key) => this.prices.find((p) => priceKey(p.modelId, p.geo, p.tier) === key), modelId, geo?.prefix, tier?.name);
    if (found) return tokenPriceOf(found);
    return this.fallbackFor(tier);
  }

  /**
   * The price of what a profile copies.
   * @param modelSource the profile's model source; undefined or an ARN token means an unknown model
   * @param tier the service tier (default: Standard)
   * @returns undefined when the model is unknown or unpriced (in that tier) and the table has no fallback
   */
  public priceFor(modelSource?: ModelSource, tier?: ServiceTier): TokenPrice | undefined {
    const modelId = modelSource?.modelId;
    if (modelId === undefined || Token.isUnresolved(modelId)) return this.fallbackFor(tier);
    return this.priceOf(modelId, modelSource?.geo, tier);
  }

  private fallbackFor(tier: ServiceTier | undefined): TokenPrice | undefined {
    return this.fallback && (tier === undefined || tier.isStandard) ? tokenPriceOf(this.fallback) : undefined;
  }
}

/** Options of {@link ModelPricing.estimatedCostExpression}. */
export interface EstimatedCostExpressionOptions extends cloudwatch.MathExpressionOptions {
  /**
   * The id of the input tokens metric in the expression (`^[a-z][a-zA-Z0-9_]*$`); it must be
   * unique in the graph or alarm that shows the expression.
   * @default 'inputTokens'
   */
  readonly inputTokensId?: string;

  /**
   * The id of the output tokens metric in the expression.
   * @default 'outputTokens'
   */
  readonly outputTokensId?: string;
}

/** The text of the deprecated input/output cost expression, e.g. `(n0*0.0033+u0*0.0165)/1000`. */
function costExpressionText(price: TokenPrice, inputId: string, outputId: string): string {
  return `(${inputId}*${formatPrice(price.inputPer1kTokens)}+${outputId}*${formatPrice(price.outputPer1kTokens)})/1000`;
}

/** The prices of a token price or model price, as a new TokenPrice (cache prices only when given). */
function tokenPriceOf(price: TokenPrice): TokenPrice {
  const out: { -readonly [K in keyof TokenPrice]: TokenPrice[K] } = {
    inputPer1kTokens: price.inputPer1kTokens,
    outputPer1kTokens: price.outputPer1kTokens,
  };
  if (price.cacheReadPer1kTokens !== undefined) out.cacheReadPer1kTokens = price.cacheReadPer1kTokens;
  if (price.cacheWritePer1kTokens !== undefined) out.cacheWritePer1kTokens = price.cacheWritePer1kTokens;
  return out;
}

/** Problems of a token price (empty when valid); the cost model checks prices with it too (internal). */
export function tokenPriceProblems(price: TokenPrice): string[] {
  const problems: string[] = [];
  for (const { price: field, required } of TOKEN_KINDS) {
    const value = price[field];
    if (value === undefined && !required) continue;
    if (Token.isUnresolved(value)) {
      problems.push(`${field} must be a literal number: it is written into a metric math expression at synth`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(`${field} must be a finite number ≥ 0 (got ${value})`);
    } else if (Math.abs(Number(formatPrice(value)) - value) > value * 1e-9) {
      problems.push(`${field} ${value} has more than ${PRICE_MAX_DECIMALS} decimals`);
    }
  }
  return problems;
}

function modelPriceProblems(price: ModelPrice): string[] {
  const problems: string[] = [];
  if (Token.isUnresolved(price.modelId)) {
    problems.push('modelId must be a literal model ID, not a token');
  } else {
    const problem = modelIdProblem(price.modelId);
    if (problem) problems.push(`modelId ${problem}`);
  }
  problems.push(...tokenPriceProblems(price).map((p) => `(${price.modelId}) ${p}`));
  if (price.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(price.asOf)) problems.push(`(${price.modelId}) asOf '${price.asOf}' must be a date YYYY-MM-DD`);
  return problems;
}

function priceKey(modelId: string, geo?: InferenceGeo, tier?: ServiceTier): string {
  return tableKey(modelId, geo?.prefix, tier?.name);
}

function describeKey(modelId: string, geo?: InferenceGeo, tier?: ServiceTier): string {
  const model = geo ? `${geo.prefix}.${modelId}` : modelId;
  return tier && !tier.isStandard ? `${model}, ${tier} tier` : model;
}
