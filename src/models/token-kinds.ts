import { TOKEN_KINDS, type TokenKind, type TokenPrice } from '../contracts/usage-cost';

/*
 * The kinds of tokens the cost model prices, and how prices are written into metric math
 * (internal; no AWS CDK dependency, see `usage-cost.ts`).
 */

// the token kinds' one home is the cost model's contract (the spend meter's handler uses them too)
export { TOKEN_KINDS, TokenKind } from '../contracts/usage-cost';

/**
 * The kinds of tokens a price charges for: input and output always; cache reads and writes
 * when the price gives them and they are not 0 (a missing cache price means those tokens are
 * not priced, and a free one adds nothing, so the cost model does not read their counts).
 */
export function pricedKinds(price: TokenPrice): TokenKind[] {
  return TOKEN_KINDS.filter((k) => k.required || (price[k.price] ?? 0) > 0);
}

/** Most decimals a price may have (a metric math expression holds it as written) (internal). */
export const PRICE_MAX_DECIMALS = 12;

/** A price as a decimal literal metric math accepts: no exponent notation (internal). */
export function formatPrice(value: number): string {
  if (value === 0) return '0';
  return value.toFixed(PRICE_MAX_DECIMALS).replace(/0+$/, '').replace(/\.$/, '');
}
