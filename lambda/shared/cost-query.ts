import type { Expression, GetCostAndUsageCommandInput, GetCostAndUsageCommandOutput, GroupDefinition } from '@aws-sdk/client-cost-explorer';
import { Logger } from './log';
import { collectPages } from './paging';
import { RetryOptions, withLoggedRetry } from './retry';
import { ReportPeriod } from '../../src/contracts/chargeback-report';

/** The one Cost Explorer call the chargeback report and the spend meter's reconciliation make, shaped like the aggregated client's method. */
export interface CostExplorerReader {
  getCostAndUsage(input: GetCostAndUsageCommandInput): Promise<GetCostAndUsageCommandOutput>;
}

/** One paged GetCostAndUsage query. */
export interface CostQuery {
  readonly period: ReportPeriod;
  readonly metric: string;
  /** at most two (Cost Explorer's limit: GetCostAndUsage GroupBy) */
  readonly groupBy: readonly GroupDefinition[];
  readonly filter?: object;
}

/** A query's groups, summed over its months. */
export interface CostQueryResult {
  /** one entry per group: its keys (as Cost Explorer writes them, e.g. `dept$claims`) and amount */
  readonly groups: ReadonlyArray<{ readonly keys: readonly string[]; readonly amount: number }>;
  /** names of linked accounts (DimensionValueAttributes), when grouped by LINKED_ACCOUNT */
  readonly accountNames: ReadonlyMap<string, string>;
  /** some month of the period is not final */
  readonly estimated: boolean;
  /** the unit of the amounts (USD), or undefined when nothing was returned */
  readonly currency?: string;
  /** GetCostAndUsage requests made (each is billed, $0.01) */
  readonly requests: number;
}

/** Rounds away binary floating-point noise (amounts come as decimal strings with up to ~10 places). */
export const cleanAmount = (n: number): number => Math.round(n * 1e10) / 1e10;

/**
 * Runs one query over every page (NextPageToken), with MONTHLY granularity: Cost Explorer splits
 * the period at month boundaries, and a group's amount is the sum over its months. The number of
 * requests depends on the number of groups (pages), never on a per-cost-center loop.
 *
 * GetCostAndUsage: https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html
 * (GroupBy: up to two; "When you group by the TAG type and include a valid tag key, you get all
 * tag values, including empty strings" — the `key$` group of untagged spend).
 */
export async function queryCosts(ce: CostExplorerReader, query: CostQuery, retry: RetryOptions, log: Logger): Promise<CostQueryResult> {
  if (query.groupBy.length > 2) throw new Error('internal error: GetCostAndUsage takes at most two GroupBy');
  const sums = new Map<string, { keys: string[]; amount: number }>();
  const accountNames = new Map<string, string>();
  let estimated = false;
  let currency: string | undefined;
  const { pages } = await collectPages('GetCostAndUsage', async (token) => {
    const out = await withLoggedRetry(() => ce.getCostAndUsage({
      TimePeriod: { Start: query.period.start, End: query.period.end },
      Granularity: 'MONTHLY',
      Metrics: [query.metric],
      GroupBy: [...query.groupBy],
      ...(query.filter ? { Filter: query.filter as Expression } : {}),
      ...(token ? { NextPageToken: token } : {}),
    }), 'GetCostAndUsage', retry, log);
    for (const result of out.ResultsByTime ?? []) {
      if (result.Estimated) estimated = true;
      for (const group of result.Groups ?? []) {
        const value = group.Metrics?.[query.metric];
        if (!value?.Amount) continue;
        const amount = Number(value.Amount);
        if (!Number.isFinite(amount)) throw new Error(`GetCostAndUsage returned the amount '${value.Amount}' for ${JSON.stringify(group.Keys)}`);
        if (value.Unit) {
          if (currency !== undefined && currency !== value.Unit) throw new Error(`GetCostAndUsage returned amounts in ${currency} and ${value.Unit}`);
          currency = value.Unit;
        }
        const keys = group.Keys ?? [];
        const id = JSON.stringify(keys);
        const sum = sums.get(id) ?? { keys, amount: 0 };
        sum.amount += amount;
        sums.set(id, sum);
      }
    }
    for (const attribute of out.DimensionValueAttributes ?? []) {
      const name = attribute.Attributes?.description;
      if (attribute.Value && name) accountNames.set(attribute.Value, name);
    }
    return { next: out.NextPageToken };
  });
  return {
    groups: [...sums.values()].map((s) => ({ keys: s.keys, amount: cleanAmount(s.amount) })),
    accountNames,
    estimated,
    currency,
    requests: pages,
  };
}

/** The value of a TAG group key (`dept$claims` → `claims`, `dept$` → ''). */
export function tagValueOf(groupKey: string, tagKey: string): string {
  const prefix = `${tagKey}$`;
  if (!groupKey.startsWith(prefix)) throw new Error(`GetCostAndUsage returned the group key '${groupKey}' for the tag ${tagKey}`);
  return groupKey.slice(prefix.length);
}
