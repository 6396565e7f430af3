/**
 * The one builder of Cost Explorer filters of the library: the `Expression` shape that AWS
 * Budgets (`FilterExpression`), Cost Anomaly Detection (`MonitorSpecification`), Cost Explorer
 * (`GetCostAndUsage` `Filter`, the chargeback report) and the Cost Explorer console links take.
 * Internal: not exported from the package.
 *
 * Written in the CloudFormation casing (`And`, `Tags: { Key, Values }`), which is also the API's
 * JSON casing, because filters are often produced lazily and a token is written to the template
 * as is.
 *
 * Each expression has exactly one root operator (And, Or, Not, Dimensions, Tags, CostCategories),
 * and And/Or take two or more operands, so single operands are unwrapped and nested And/Or are
 * flattened (Expression in the Budgets and Cost Explorer API models).
 *
 * Tag keys are plain keys (`dept`), as in Cost Explorer expressions
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_Expression.html,
 * https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_TagValues.html):
 * the `user:dept$claims` form belongs to the deprecated CostFilters (`TagKeyValue`).
 */
export interface Expression {
  readonly And?: Expression[];
  readonly Or?: Expression[];
  readonly Not?: Expression;
  readonly Dimensions?: { readonly Key: string; readonly Values: string[] };
  readonly Tags?: { readonly Key: string; readonly Values: string[] };
}

/** `Tags: { Key, Values: [value] }` for one tag. */
export function tagEquals(key: string, value: string): Expression {
  return tagIn(key, [value]);
}

/** `Tags: { Key, Values }`: the tag has one of the values. */
export function tagIn(key: string, values: string[]): Expression {
  return { Tags: { Key: key, Values: [...values] } };
}

/** `Dimensions: { Key, Values }`: the dimension equals one of the values. */
export function dimensionIn(key: string, values: string[]): Expression {
  return { Dimensions: { Key: key, Values: [...values] } };
}

/** Every tag of the map (sorted by key), AND-ed. */
export function allTags(tags: { [key: string]: string }): Expression {
  return andOf(Object.keys(tags).sort().map((key) => tagEquals(key, tags[key])));
}

/**
 * The spend of a cost center: every one of its cost allocation tags (sorted by key), AND-ed.
 * Budgets, the Cost Explorer links and the chargeback report all identify a cost center so.
 */
export function costCenterFilter(tags: { [key: string]: string }): Expression {
  if (Object.keys(tags).length === 0) throw new Error('internal error: a cost center filter needs at least one tag');
  return allTags(tags);
}

/** The operands AND-ed: one operand is returned as is, nested Ands are flattened. */
export function andOf(operands: Expression[]): Expression {
  const flat = operands.flatMap((e) => (e.And && Object.keys(e).length === 1 ? e.And : [e]));
  if (flat.length === 0) throw new Error('an And expression needs at least one operand');
  return flat.length === 1 ? flat[0] : { And: flat };
}

/** The operands OR-ed: one operand is returned as is, nested Ors are flattened. */
export function orOf(operands: Expression[]): Expression {
  const flat = operands.flatMap((e) => (e.Or && Object.keys(e).length === 1 ? e.Or : [e]));
  if (flat.length === 0) throw new Error('an Or expression needs at least one operand');
  return flat.length === 1 ? flat[0] : { Or: flat };
}

/**
 * The Cost Explorer / Budgets `SERVICE` dimension values (service *names*, not product codes) of
 * Amazon Bedrock's own charges. Bedrock bills under three product codes, each a service of its own
 * in billing:
 *
 * - `AmazonBedrock` → "Amazon Bedrock": Amazon's and openly licensed models (Nova, Titan, Llama,
 *   Mistral, DeepSeek …), older Claude models, and the platform (knowledge bases, guardrails …);
 * - `AmazonBedrockService` → "Amazon Bedrock Service": newer first-party-billed models, e.g.
 *   Claude Sonnet 4 / 4.5 usage types such as `USE1-Claude4.6Opus-input-tokens`;
 * - `AmazonBedrockFoundationModels` → "AmazonBedrockFoundationModels" (the product is named like its
 *   code in the Billing console, as AmazonCloudWatch is).
 *
 * Service tiers (flex, priority), batch, cross-Region and cache read/write tokens are usage types
 * *within* these services, so no usage-type filter is needed to count them
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-understanding-cur-data.html).
 *
 * Sources: the product codes are AWS Price List offer codes
 * (`https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<code>/current/index.json` for each of
 * AmazonBedrock, AmazonBedrockService, AmazonBedrockFoundationModels) and CUR's
 * `product_servicecode` of Bedrock line items; the service names are the product names the Billing
 * console shows for those codes (seen in its list of products, not in AWS documentation). AWS
 * documents no list of SERVICE values: {@link BEDROCK_SERVICE_NAMES} is the part of the filter to
 * re-check when AWS adds a Bedrock product code (Cost Explorer → Service filter, or
 * `ce:GetDimensionValues` with Dimension SERVICE); `BudgetScope.services()` takes any list.
 */
export const BEDROCK_SERVICE_NAMES: readonly string[] = ['Amazon Bedrock', 'Amazon Bedrock Service', 'AmazonBedrockFoundationModels'];

/**
 * The `BILLING_ENTITY` dimension value of charges billed through AWS Marketplace. Third-party
 * models sold through AWS Marketplace (Anthropic, Cohere, AI21 … serverless models with a
 * Marketplace product ID: https://docs.aws.amazon.com/bedrock/latest/userguide/model-access-product-ids.html)
 * appear as Marketplace services named "<model> (Amazon Bedrock Edition)", e.g. "Claude Sonnet
 * 4.5 (Amazon Bedrock Edition)", not under a Bedrock service name: there is one service name per
 * model, so they are matched by billing entity. BILLING_ENTITY has the values "AWS" and "AWS
 * Marketplace" (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-create-filters.html,
 * "Billing entity").
 */
export const MARKETPLACE_BILLING_ENTITY = 'AWS Marketplace';

/**
 * Every charge that may be Amazon Bedrock spend: SERVICE in {@link BEDROCK_SERVICE_NAMES} OR
 * BILLING_ENTITY = "AWS Marketplace". AND it with a cost center's tags ({@link costCenterFilter}):
 * the tags keep other Marketplace purchases out unless they carry the cost center's tags too.
 * The one Bedrock billing scope of the library (budgets, the chargeback report).
 */
export function bedrockBillingScope(): Expression {
  return orOf([dimensionIn('SERVICE', [...BEDROCK_SERVICE_NAMES]), dimensionIn('BILLING_ENTITY', [MARKETPLACE_BILLING_ENTITY])]);
}

/** {@link bedrockBillingScope} in words, for documentation and descriptions. */
export const BEDROCK_BILLING_SCOPE_TEXT =
  `(SERVICE in (${BEDROCK_SERVICE_NAMES.map((s) => `"${s}"`).join(', ')}) OR BILLING_ENTITY = "${MARKETPLACE_BILLING_ENTITY}")`;

/**
 * The product codes (CUR `line_item_product_code`, AWS Price List offer codes) of Amazon Bedrock's
 * own charges: the codes behind {@link BEDROCK_SERVICE_NAMES}, in the same order, with the same
 * sources (see there). Cost and Usage Report queries filter on codes, Cost Explorer on names.
 */
export const BEDROCK_PRODUCT_CODES: readonly string[] = ['AmazonBedrock', 'AmazonBedrockService', 'AmazonBedrockFoundationModels'];

/**
 * What the product name of a third-party model sold through AWS Marketplace ends with, e.g.
 * "Claude Sonnet 4.5 (Amazon Bedrock Edition)" (see {@link MARKETPLACE_BILLING_ENTITY}). Cost and
 * Usage Report queries use it to keep other Marketplace purchases out of the Bedrock scope.
 */
export const MARKETPLACE_BEDROCK_EDITION = '(Amazon Bedrock Edition)';
