import { lookupPrice, priceKey, STANDARD_TIER } from '../../src/contracts/price-lookup';
import { MeterPrice } from '../../src/contracts/spend-meter';
import { costOfUsage, TokenPrice } from '../../src/contracts/usage-cost';

/**
 * Prices a record with the library's one cost model (`costOfUsage`) and the price table the
 * construct handed over (MeterSettings.prices), found by the one lookup rule (`lookupPrice`).
 *
 * A record is priced at its service tier when it names one and the table has that tier's price;
 * otherwise at the Standard tier (invocation logs document no tier field, so in practice every
 * record is priced at Standard; a tier without a price is counted as `tierFallback`). A model
 * without a price takes the table's fallback price, else costs 0 and is counted as unpriced.
 */
export interface PricedUsage {
  /** integer nano-dollars */
  readonly costNanoUsd: number;
  readonly priced: boolean;
  /** the record named a tier the table has no price for: priced at Standard */
  readonly tierFallback: boolean;
}

/** Nano-dollars per dollar. */
export const NANO_PER_USD = 1e9;

export class PriceTable {
  private readonly byKey = new Map<string, MeterPrice>();

  constructor(prices: readonly MeterPrice[], private readonly fallback?: TokenPrice) {
    for (const p of prices) this.byKey.set(priceKey(p.modelId, p.geo, p.tier), p);
  }

  public price(model: { modelId: string; geo?: string } | undefined, tier: string | undefined,
    usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }): PricedUsage {
    const find = (t: string) => (model ? lookupPrice((key) => this.byKey.get(key), model.modelId, model.geo, t) : undefined);
    const tiered = tier && tier !== STANDARD_TIER ? find(tier) : undefined;
    const price = tiered ?? find(STANDARD_TIER) ?? this.fallback;
    const tierFallback = !!tier && tier !== STANDARD_TIER && !tiered;
    if (!price) return { costNanoUsd: 0, priced: false, tierFallback };
    return { costNanoUsd: Math.round(costOfUsage(price, usage) * NANO_PER_USD), priced: true, tierFallback };
  }
}
