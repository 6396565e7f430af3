import { AttributeValue, DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { normalizePrincipal } from './attribution';
import { Charge } from './ledger';
import {
  capKey, LEDGER_ATTRIBUTES as A, ledgerPeriod, LedgerPeriodKind, SpendCapItem,
} from '../../src/contracts/spend-meter';
import { Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

/**
 * Caps, as operators write them in the ledger table (`CAP#CC#<cost center>` /
 * `CAP#PRINCIPAL#<principal>`, sk `CAP`, numbers monthlyUsd / dailyUsd), and the check of the
 * running totals against them after a batch is written.
 *
 * Caps are read through a short cache (60 s by default, `capCacheSeconds`): a batch reads each
 * subject's cap at most once a minute, and an operator's raise is seen within that minute without
 * a deployment. A crossing is confirmed with a fresh read before anything is denied (so a raise
 * is never undone by a stale cache), and the hourly lift reads fresh too.
 */

export type CapScope = 'CC' | 'PRINCIPAL';

export interface CapContext {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly retry: RetryOptions;
  readonly log: Logger;
}

/** A cap found for a subject, and the item it was read from (the principal's own, or its role's). */
export interface FoundCap extends SpendCapItem {
  readonly source: string;
}

/** Reads caps with a time-bounded cache (one per container). */
export class CapReader {
  private readonly cache = new Map<string, { at: number; cap?: SpendCapItem }>();

  constructor(private readonly ctx: CapContext, private readonly now: () => number, private readonly ttlMs: number) {}

  /** The cap of a subject (a principal falls back to its role's cap), or undefined. */
  public async capOf(scope: CapScope, name: string, fresh = false): Promise<FoundCap | undefined> {
    const names = [name];
    if (scope === 'PRINCIPAL') {
      const role = normalizePrincipal(name).role;
      if (role && role !== name) names.push(role);
    }
    for (const candidate of names) {
      const cap = await this.read(scope, candidate, fresh);
      if (cap && (cap.monthlyUsd !== undefined || cap.dailyUsd !== undefined)) return { ...cap, source: candidate };
    }
    return undefined;
  }

  private async read(scope: CapScope, name: string, fresh: boolean): Promise<SpendCapItem | undefined> {
    const id = `${scope}#${name}`;
    const hit = this.cache.get(id);
    if (!fresh && hit && this.now() - hit.at < this.ttlMs) return hit.cap;
    const key = capKey(scope, name);
    const out = await withLoggedRetry(() => this.ctx.client.send(new GetItemCommand({
      TableName: this.ctx.tableName,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ConsistentRead: fresh,
    })), 'GetItem', this.ctx.retry, this.ctx.log);
    const cap = out.Item ? parseCap(out.Item, this.ctx.log, id) : undefined;
    this.cache.set(id, { at: this.now(), cap });
    return cap;
  }
}

/** A cap item's amounts; a value that is not a positive number is ignored (and logged). */
export function parseCap(item: Record<string, AttributeValue>, log: Logger, id: string): SpendCapItem {
  const amount = (name: string): number | undefined => {
    const raw = item[name]?.N ?? item[name]?.S;
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0) return value;
    log('WARN', 'cap ignored: not a number ≥ 0', { cap: id, attribute: name, value: raw });
    return undefined;
  };
  return { monthlyUsd: amount(A.monthlyUsd), dailyUsd: amount(A.dailyUsd) };
}

/** The cap's amount for a kind of period, in nano-dollars. */
export function capNano(cap: SpendCapItem | undefined, kind: LedgerPeriodKind): bigint | undefined {
  const usd = kind === 'month' ? cap?.monthlyUsd : cap?.dailyUsd;
  return usd === undefined ? undefined : BigInt(Math.round(usd * 1e9));
}

/**
 * A subject's total for a period over every account and Region in the table (`<prefix>#<name>`,
 * sort keys beginning with `<period>#`), in nano-dollars; strongly consistent, paged.
 */
export async function periodTotal(ctx: CapContext, scope: CapScope, name: string, period: string): Promise<bigint> {
  let total = 0n;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await withLoggedRetry(() => ctx.client.send(new QueryCommand({
      TableName: ctx.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': { S: `${scope}#${name}` }, ':p': { S: `${period}#` } },
      ProjectionExpression: '#c',
      ExpressionAttributeNames: { '#c': A.costNanoUsd },
      ConsistentRead: true,
      ...(start ? { ExclusiveStartKey: start } : {}),
    })), 'Query', ctx.retry, ctx.log);
    for (const item of page.Items ?? []) total += BigInt(item[A.costNanoUsd]?.N ?? '0');
    start = page.LastEvaluatedKey;
  } while (start);
  return total;
}

/** A subject whose total for the current period has reached its cap. */
export interface Crossing {
  readonly scope: CapScope;
  /** the cost center, or the principal's ledger name (session ARN, user ARN) */
  readonly name: string;
  readonly kind: LedgerPeriodKind;
  readonly period: string;
  readonly totalNano: bigint;
  readonly capUsd: number;
  /** the cap item it was read from */
  readonly capSource: string;
}

/** The subjects a batch touched (counted or duplicate: a retried batch checks again). */
export function touchedSubjects(charges: readonly Charge[]): Array<{ scope: CapScope; name: string }> {
  const out = new Map<string, { scope: CapScope; name: string }>();
  for (const c of charges) {
    out.set(`CC#${c.costCenter}`, { scope: 'CC', name: c.costCenter });
    out.set(`PRINCIPAL#${c.principal.name}`, { scope: 'PRINCIPAL', name: c.principal.name });
  }
  return [...out.values()];
}

/**
 * Compares each touched subject's current month and day (UTC, at `now`) with its cap. Only the
 * current periods: a late record of a past day does not deny today. Totals are read only for
 * subjects that have a cap.
 */
export async function findCrossings(
  ctx: CapContext, caps: CapReader, subjects: ReadonlyArray<{ scope: CapScope; name: string }>, now: number,
): Promise<Crossing[]> {
  const found = await Promise.all(subjects.map(async (s) => {
    const cap = await caps.capOf(s.scope, s.name);
    if (!cap) return [];
    const out: Crossing[] = [];
    for (const kind of ['month', 'day'] as const) {
      const limit = capNano(cap, kind);
      if (limit === undefined) continue;
      const period = ledgerPeriod(kind, now);
      const totalNano = await periodTotal(ctx, s.scope, s.name, period);
      if (totalNano >= limit) {
        out.push({ ...s, kind, period, totalNano, capUsd: (kind === 'month' ? cap.monthlyUsd : cap.dailyUsd)!, capSource: cap.source });
      }
    }
    return out;
  }));
  return found.flat();
}
