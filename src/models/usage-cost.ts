import type { TokenPrice } from './model-pricing';
import { TOKEN_KINDS } from './token-kinds';

/*
 * The arithmetic of the cost model, without any AWS CDK dependency (only type imports), so that
 * the spend meter's handler can price invocation log records with exactly the code that the
 * metrics, dashboards and alarms use (`cost-model.ts` writes the same sum as metric math).
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
