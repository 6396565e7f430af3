import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import { attribute } from './attribution';
import { CapReader, findCrossings, touchedSubjects } from './caps';
import { meterEmfDocuments } from './emf';
import { enforceCrossings, EnforcementContext, EnforcementResult } from './enforcement';
import { IamWriter, RoleIds } from './enforcement-iam';
import { Charge, LedgerContext, readTotals, recordCharges, totalsMapKey } from './ledger';
import { PriceTable } from './pricing';
import { ProfileDirectory } from './profile-directory';
import { decodeSubscriptionEvent, parseBatch, SubscriptionEvent } from './records';
import { ledgerPeriod, MeterSettings, principalTotalKey } from '../../src/contracts/spend-meter';
import { Logger } from '../shared/log';
import { RetryOptions, Sleep } from '../shared/retry';

/** What one batch needs: settings, clients, clock, output. */
export interface MeterContext {
  readonly settings: MeterSettings;
  readonly dynamodb: DynamoDBClient;
  readonly directory: ProfileDirectory;
  readonly retry: RetryOptions;
  readonly log: Logger;
  /** epoch ms */
  readonly now: () => number;
  /** where EMF lines go (stdout in Lambda) */
  readonly emit: (line: string) => void;
  readonly sleep?: Sleep;
  /** actions per transaction (tests) */
  readonly maxTransactionItems?: number;
  /** caps and their enforcement; absent: caps are not checked */
  readonly enforcement?: MeterEnforcementClients;
}

/** What the caps' check and enforcement need besides the meter's context. */
export interface MeterEnforcementClients {
  readonly caps: CapReader;
  /** absent: this build has no IAM client (crossings are notified, not denied) */
  readonly iam?: IamWriter;
  /** role IDs by name (needs `iam`) */
  readonly roles?: RoleIds;
  readonly sns?: SNSClient;
}

/** What one batch did. */
export interface MeterSummary {
  /** log events in the batch */
  readonly records: number;
  /** records priced (a price or the fallback was found) */
  readonly priced: number;
  /** records whose model has no price: counted at cost 0 */
  readonly unpriced: number;
  readonly duplicates: number;
  readonly malformed: number;
  /** records of failed calls (errorCode): priced by the tokens they carry, usually none */
  readonly failed: number;
  /** records that bypassed the application inference profiles */
  readonly bypass: number;
  /** records that named a tier without a price (priced at Standard) */
  readonly tierFallback: number;
  /** records newly added to the totals */
  readonly counted: number;
  readonly transactions: number;
  /** nano-dollars added per cost center (bypass as `(bypass)`) by this invocation */
  readonly costCenters: Record<string, number>;
  /** caps found crossed after the writes, and what became of each */
  readonly enforcements?: ReadonlyArray<Pick<EnforcementResult, 'outcome' | 'action'> & { scope: string; subject: string; period: string }>;
}

/** Meters one subscription event: decode, parse, attribute, price, record once, publish metrics. */
export async function meterBatch(ctx: MeterContext, event: SubscriptionEvent): Promise<MeterSummary> {
  const batch = parseBatch(decodeSubscriptionEvent(event));
  for (const m of batch.malformed.slice(0, 10)) ctx.log('WARN', 'malformed record skipped', m);
  const prices = new PriceTable(ctx.settings.prices, ctx.settings.fallbackPrice);
  const charges: Charge[] = [];
  let priced = 0, unpriced = 0, failed = 0, bypass = 0, tierFallback = 0;
  for (const record of batch.records) {
    const who = await attribute(record, ctx.directory, ctx.settings.tagKey);
    const cost = prices.price(who.model, record.serviceTier, record);
    if (cost.priced) priced++;
    else unpriced++;
    if (cost.tierFallback) tierFallback++;
    if (record.errorCode) failed++;
    if (who.bypass) bypass++;
    charges.push({
      requestId: record.requestId,
      accountId: record.accountId,
      region: record.region,
      time: record.time,
      costCenter: who.costCenter,
      principal: who.principal,
      bypass: who.bypass,
      costNanoUsd: cost.costNanoUsd,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      cacheReadTokens: record.cacheReadTokens,
      cacheWriteTokens: record.cacheWriteTokens,
    });
  }
  const ledger: LedgerContext = {
    client: ctx.dynamodb,
    tableName: ctx.settings.tableName,
    retry: ctx.retry,
    log: ctx.log,
    now: ctx.now,
    requestTtlSeconds: ctx.settings.requestTtlSeconds,
    maxTransactionItems: ctx.maxTransactionItems,
    sleep: ctx.sleep,
  };
  const outcome = await recordCharges(ledger, charges);

  // principals' month totals after the writes, for the threshold of per-principal metrics
  const thresholdNano = BigInt(Math.round(ctx.settings.principalMetricThresholdUsd * 1e9));
  const monthKeys = outcome.counted.map((c) => ({ name: c.principal.name, key: principalTotalKey(c.principal.name, ledgerPeriod('month', c.time), c.accountId, c.region) }));
  const totals = monthKeys.length > 0 ? await readTotals(ledger, monthKeys.map((k) => k.key)) : new Map<string, bigint>();
  const over = new Set(monthKeys.filter((k) => (totals.get(totalsMapKey(k.key)) ?? 0n) >= thresholdNano).map((k) => k.name));

  const costCenters: Record<string, number> = {};
  for (const c of outcome.counted) costCenters[c.costCenter] = (costCenters[c.costCenter] ?? 0) + c.costNanoUsd;
  const summary: MeterSummary = {
    records: batch.records.length + batch.malformed.length,
    priced,
    unpriced,
    duplicates: outcome.duplicates.length,
    malformed: batch.malformed.length,
    failed,
    bypass,
    tierFallback,
    counted: outcome.counted.length,
    transactions: outcome.transactions,
    costCenters,
  };
  for (const line of meterEmfDocuments({
    namespace: ctx.settings.metricNamespace,
    meterName: ctx.settings.meterName,
    counted: outcome.counted,
    principalsOverThreshold: over,
    counts: { records: summary.records, malformed: summary.malformed, duplicates: summary.duplicates, unpriced },
    now: ctx.now(),
  })) ctx.emit(line);
  ctx.log('INFO', 'metered', { ...summary, logGroup: batch.logGroup, conflictRetries: outcome.conflictRetries });
  if (!ctx.enforcement) return summary;
  // after the writes: every subject the batch touched (duplicates too: a retried batch checks again)
  const enforcement = enforcementContext(ctx, ctx.enforcement);
  const crossings = await findCrossings({ client: ctx.dynamodb, tableName: ctx.settings.tableName, retry: ctx.retry, log: ctx.log },
    ctx.enforcement.caps, touchedSubjects([...outcome.counted, ...outcome.duplicates]), ctx.now());
  const results = crossings.length > 0 ? await enforceCrossings(enforcement, crossings) : [];
  return {
    ...summary,
    enforcements: results.map((r) => ({
      scope: r.crossing.scope, subject: r.crossing.name, period: r.crossing.period, outcome: r.outcome, action: r.action,
    })),
  };
}

/** The enforcement's context from the meter's. */
export function enforcementContext(ctx: Omit<MeterContext, 'directory'>, clients: MeterEnforcementClients): EnforcementContext {
  return {
    dynamodb: ctx.dynamodb, settings: ctx.settings, retry: ctx.retry, log: ctx.log, now: ctx.now, emit: ctx.emit, ...clients,
  };
}
