/**
 * Which price of a price table applies to an invocation: the one rule `ModelPricing.priceOf`
 * (src/models) and the spend meter's handler (lambda/spend-meter) both follow. Dependency-free.
 *
 * A price is keyed by foundation model ID, optionally the geography of a cross-Region profile
 * (`us`, `eu`, `global` …), and the service tier (`default` = Standard unless given). The price
 * of a model source is the one for its model, geography and tier, else the one for its model and
 * tier (a geography without its own price is billed at the source Region's price); the caller
 * falls back to its table's fallback price for the Standard tier only.
 */

/** The name of the Standard tier (the value of the runtime API's `service_tier` parameter). */
export const STANDARD_TIER = 'default';

/** The key of a price in a table. */
export function priceKey(modelId: string, geo?: string, tier?: string): string {
  return `${modelId}@${geo ?? ''}#${tier ?? STANDARD_TIER}`;
}

/**
 * The price for a model, geography and tier from a table given as a key lookup: the
 * geography's own price, else the model's price in that tier.
 * @returns undefined when the table has neither (the caller applies its fallback)
 */
export function lookupPrice<P>(find: (key: string) => P | undefined, modelId: string, geo?: string, tier?: string): P | undefined {
  return (geo ? find(priceKey(modelId, geo, tier)) : undefined) ?? find(priceKey(modelId, undefined, tier));
}
