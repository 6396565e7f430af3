/**
 * The arithmetic of the cost model: the one cost calculation, used by the constructs' metrics,
 * dashboards and alarms (`src/models`, which re-export these types) and by the spend meter's
 * handler (`lambda/spend-meter`), which prices invocation log records with exactly this code.
 * Dependency-free (bundled into the handler by esbuild). `TokenPrice` and `TokenUsage` are part of
 * the library's public API (re-exported by `src/models/model-pricing.ts` and `src/models/usage-cost.ts`);
 * their one home is here because a handler may import only `src/contracts`.
 *
 * Billing of prompt caching on Amazon Bedrock: "you're charged at a reduced rate for tokens read
 * from cache. Depending on the model, tokens written to cache may be charged at a rate that is
 * higher than that of uncached input tokens. Any tokens not read from or written to cache, are
 * charged at the standard input token rate for that model"
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html). The input token
 * count does not include the cached tokens: Bedrock reports them apart (`inputTokens`,
 * `cacheReadInputTokens`, `cacheWriteInputTokens` of the Converse API's TokenUsage,
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html; the
 * `InputTokenCount`, `CacheReadInputTokenCount`, `CacheWriteInputTokenCount` metrics, which
 * the token quota counts separately,
 * https://docs.aws.amazon.com/bedrock/latest/userguide/quotas-token-burndown.html). So the cost
 * is the sum of the four counts, each at its own price.
 */

/**
 * The prices of a model, in USD per 1,000 tokens (literal numbers ≥ 0, at most 12 decimals).
 *
 * Input tokens are those neither read from nor written to the prompt cache: Bedrock counts
 * cache reads and writes apart (metrics `CacheReadInputTokenCount`, `CacheWriteInputTokenCount`)
 * and bills them at their own rates.
 */
export interface TokenPrice {
  /** USD per 1,000 input tokens. */
  readonly inputPer1kTokens: number;
  /** USD per 1,000 output tokens. */
  readonly outputPer1kTokens: number;

  /**
   * USD per 1,000 input tokens read from the prompt cache (a cache hit). Anthropic's models on
   * Amazon Bedrock: 0.1 × the input price; Amazon Nova: 0.25 × (a 75 % discount).
   * @default - cache reads are not priced: they add nothing to the estimate, and the cost
   * model does not read `CacheReadInputTokenCount`. Leave it out only for models without
   * prompt caching, or the estimate undercounts cached workloads.
   */
  readonly cacheReadPer1kTokens?: number;

  /**
   * USD per 1,000 input tokens written to the prompt cache. Anthropic's models on Amazon
   * Bedrock: 1.25 × the input price for the 5-minute cache (writes to the 1-hour cache cost
   * 2 ×, but the metric does not tell them apart: price at the TTL you use most); Amazon Nova:
   * 0 (no charge for cache writes).
   * @default - cache writes are not priced: they add nothing to the estimate, and the cost
   * model does not read `CacheWriteInputTokenCount`. Leave it out only for models without
   * prompt caching or with free cache writes.
   */
  readonly cacheWritePer1kTokens?: number;
}

/** Token counts of one invocation, or of many added up. */
export interface TokenUsage {
  /** Input tokens that were neither read from nor written to the prompt cache. */
  readonly inputTokens: number;
  /** Output tokens. */
  readonly outputTokens: number;
  /**
   * Input tokens read from the prompt cache.
   * @default 0
   */
  readonly cacheReadTokens?: number;
  /**
   * Input tokens written to the prompt cache.
   * @default 0
   */
  readonly cacheWriteTokens?: number;
}

/** A kind of token the cost model prices: its price in a `TokenPrice` and its count in a `TokenUsage` (internal). */
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
 * The cost in USD of token counts at a price:
 * `(input × input price + output × output price + cache read × cache read price + cache write
 * × cache write price) / 1000`. Cache tokens without a price cost nothing (see
 * `TokenPrice.cacheReadPer1kTokens`).
 * @throws when a count or a price is negative or not a finite number
 */
export function costOfUsage(price: TokenPrice, usage: TokenUsage): number {
  let per1k = 0;
  for (const kind of TOKEN_KINDS) {
    const count = usage[kind.usage] ?? 0;
    const rate = price[kind.price] ?? (kind.required ? undefined : 0);
    if (!isAmount(count)) throw new Error(`costOfUsage: ${kind.usage} must be a finite number ≥ 0 (got ${count})`);
    if (!isAmount(rate)) throw new Error(`costOfUsage: ${kind.price} must be a finite number ≥ 0 (got ${rate})`);
    per1k += count * rate;
  }
  return per1k / 1000;
}

function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
