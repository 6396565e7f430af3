import type { TokenPrice } from './model-pricing';

/*
 * The kinds of tokens the cost model prices, and how prices are written into metric math
 * (internal; no AWS CDK dependency, see `usage-cost.ts`).
 */

/** A kind of token the cost model prices: its price in a `TokenPrice` and its count in a `TokenUsage`. */
export interface TokenKind {
  /** Short name, for messages. */
  readonly name: string;
  /** The price field. */
  readonly price: 'inputPer1kTokens' | 'outputPer1kTokens' | 'cacheReadPer1kTokens' | 'cacheWritePer1kTokens';
  /** The count field. */
  readonly usage: 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens';
  /** Whether a price must give it (input and output) or may leave it out (cache reads and writes). */
  readonly required: boolean;
}

/** The four kinds of tokens, in the order of the cost sum (internal). */
export const TOKEN_KINDS: readonly TokenKind[] = [
  { name: 'input', price: 'inputPer1kTokens', usage: 'inputTokens', required: true },
  { name: 'output', price: 'outputPer1kTokens', usage: 'outputTokens', required: true },
  { name: 'cache read', price: 'cacheReadPer1kTokens', usage: 'cacheReadTokens', required: false },
  { name: 'cache write', price: 'cacheWritePer1kTokens', usage: 'cacheWriteTokens', required: false },
];

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
