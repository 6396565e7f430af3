import {
  AttributeValue, BatchGetItemCommand, DynamoDBClient, KeysAndAttributes, TransactWriteItem, TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { Principal } from './attribution';
import {
  costCenterTotalKey, LEDGER_ATTRIBUTES as A, ledgerPeriod, LedgerKey, principalTotalKey, requestKey,
} from '../../src/contracts/spend-meter';
import { errorName, Logger } from '../shared/log';
import { realSleep, RetryOptions, Sleep, withLoggedRetry } from '../shared/retry';

/**
 * The meter's running totals in DynamoDB, each request counted once under CloudWatch Logs'
 * at-least-once delivery.
 *
 * One TransactWriteItems per chunk of records: for each record a Put of its request marker
 * conditioned on `attribute_not_exists(pk)`, and one `ADD` Update per total the chunk touches
 * (cost center and principal, month and day), the chunk's amounts summed per total. A record
 * already counted fails its marker's condition, which cancels the whole transaction: nothing is
 * added twice. TransactWriteItems "groups up to 100 action requests", "no two actions can target
 * the same item", all or nothing; a cancelled transaction is a TransactionCanceledException whose
 * `CancellationReasons` are "ordered in the order of requested items", `None` for an item without
 * error, `ConditionalCheckFailed` for a failed condition, `TransactionConflict` when another
 * transaction is under way on an item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactionCanceledException.html;
 * the DynamoDB API model's TransactWriteItemList: max 100). So: markers that failed their
 * condition are duplicates (already counted) and are dropped, and the rest of the chunk is sent
 * again; conflicts and throttling (ThrottlingError, ProvisionedThroughputExceeded) are retried
 * after a jittered backoff; anything else fails the batch (Lambda retries the event; the markers
 * keep the retry from counting twice). Chunks run one after another: two chunks of one batch
 * touch the same totals and would only conflict.
 */

/** TransactWriteItems' limit on actions (DynamoDB API model: TransactWriteItemList max 100). */
export const MAX_TRANSACTION_ITEMS = 100;

/** One record's charge to the ledger. */
export interface Charge {
  readonly requestId: string;
  readonly accountId: string;
  readonly region: string;
  /** epoch ms of the invocation (its periods) */
  readonly time: number;
  readonly costCenter: string;
  readonly principal: Principal;
  readonly bypass: boolean;
  readonly costNanoUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

export interface LedgerContext {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly retry: RetryOptions;
  readonly log: Logger;
  /** epoch ms */
  readonly now: () => number;
  readonly requestTtlSeconds: number;
  /** actions per transaction (default and maximum 100) */
  readonly maxTransactionItems?: number;
  /** attempts of a chunk whose transaction conflicts (default 10) */
  readonly maxConflictAttempts?: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

export interface LedgerOutcome {
  /** charges added to the totals by this call */
  readonly counted: Charge[];
  /** charges whose request was already counted (an earlier delivery, a concurrent one, or twice in this batch) */
  readonly duplicates: Charge[];
  readonly transactions: number;
  /** transactions cancelled by a conflict or throttling and sent again */
  readonly conflictRetries: number;
}

/** Adds the charges to the running totals, each request once. */
export async function recordCharges(ctx: LedgerContext, charges: readonly Charge[]): Promise<LedgerOutcome> {
  const duplicates: Charge[] = [];
  const seen = new Set<string>();
  const unique: Charge[] = [];
  for (const c of charges) {
    const key = markerKey(c).pk;
    if (seen.has(key)) {duplicates.push(c);} else {
      seen.add(key);
      unique.push(c);
    }
  }
  const outcome = { counted: [] as Charge[], duplicates, transactions: 0, conflictRetries: 0 };
  for (const chunk of chunks(unique, Math.min(ctx.maxTransactionItems ?? MAX_TRANSACTION_ITEMS, MAX_TRANSACTION_ITEMS))) {
    await writeChunk(ctx, chunk, outcome);
  }
  return outcome;
}

/** Groups charges so that markers + distinct totals of a chunk stay within the transaction limit. */
export function chunks(charges: readonly Charge[], maxItems: number): Charge[][] {
  const out: Charge[][] = [];
  let current: Charge[] = [];
  let totals = new Set<string>();
  for (const charge of charges) {
    const keys = totalKeys(charge).map(keyString);
    const added = keys.filter((k) => !totals.has(k)).length;
    if (current.length > 0 && current.length + 1 + totals.size + added > maxItems) {
      out.push(current);
      current = [];
      totals = new Set();
    }
    current.push(charge);
    keys.forEach((k) => totals.add(k));
  }
  if (current.length > 0) out.push(current);
  return out;
}

type MutableOutcome = { -readonly [K in keyof LedgerOutcome]: LedgerOutcome[K] };

async function writeChunk(ctx: LedgerContext, chunk: Charge[], outcome: MutableOutcome) {
  let pending = chunk;
  const sleep = ctx.sleep ?? realSleep;
  const random = ctx.random ?? Math.random;
  for (let conflicts = 0; pending.length > 0;) {
    const items = transactionItems(ctx, pending);
    try {
      outcome.transactions++;
      await withLoggedRetry(() => ctx.client.send(new TransactWriteItemsCommand({ TransactItems: items })), 'TransactWriteItems', ctx.retry, ctx.log);
      outcome.counted.push(...pending);
      return;
    } catch (error) {
      const reasons = cancellationCodes(error);
      if (!reasons) throw error;
      // the markers come first, one per pending charge, in order
      const already = pending.filter((_, i) => reasons[i] === 'ConditionalCheckFailed');
      if (already.length > 0) {
        outcome.duplicates.push(...already);
        pending = pending.filter((_, i) => reasons[i] !== 'ConditionalCheckFailed');
        continue;
      }
      const retryable = reasons.some((r) => r === 'TransactionConflict' || r === 'ThrottlingError' || r === 'ProvisionedThroughputExceeded');
      if (!retryable || ++conflicts >= (ctx.maxConflictAttempts ?? 10)) throw error;
      outcome.conflictRetries++;
      const delay = Math.floor(random() * Math.min(ctx.retry.maxDelayMs ?? 2000, (ctx.retry.baseDelayMs ?? 50) * 2 ** conflicts));
      ctx.log('WARN', 'transaction cancelled; retrying', { reasons: [...new Set(reasons)], attempt: conflicts, delayMs: delay });
      await sleep(delay);
    }
  }
}

/** The codes of a TransactionCanceledException's reasons (one per action, in order), or undefined for any other error. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (errorName(error) !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return Array.isArray(reasons) ? reasons.map((r) => r?.Code ?? 'None') : undefined;
}

function transactionItems(ctx: LedgerContext, charges: readonly Charge[]): TransactWriteItem[] {
  const nowIso = new Date(ctx.now()).toISOString();
  const expiresAt = Math.floor(ctx.now() / 1000) + ctx.requestTtlSeconds;
  const markers: TransactWriteItem[] = charges.map((c) => ({
    Put: {
      TableName: ctx.tableName,
      Item: {
        ...keyAttributes(markerKey(c)),
        [A.expiresAt]: n(expiresAt),
        [A.costNanoUsd]: n(c.costNanoUsd),
        [A.costCenter]: { S: c.costCenter },
        principal: { S: c.principal.name },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }));
  const totals = new Map<string, { key: LedgerKey; sums: Record<string, number>; role?: string }>();
  for (const c of charges) {
    totalKeys(c).forEach((key, i) => {
      const isPrincipal = i >= 2;
      const entry = totals.get(keyString(key)) ?? { key, sums: {}, role: isPrincipal ? c.principal.role : undefined };
      const add = (name: string, value: number) => { entry.sums[name] = (entry.sums[name] ?? 0) + value; };
      add(A.costNanoUsd, c.costNanoUsd);
      add(A.invocations, 1);
      add(A.inputTokens, c.inputTokens);
      add(A.outputTokens, c.outputTokens);
      add(A.cacheReadTokens, c.cacheReadTokens);
      add(A.cacheWriteTokens, c.cacheWriteTokens);
      if (isPrincipal) add(A.bypassNanoUsd, c.bypass ? c.costNanoUsd : 0);
      totals.set(keyString(key), entry);
    });
  }
  const updates: TransactWriteItem[] = [...totals.values()].map(({ key, sums, role }) => {
    const names: Record<string, string> = { '#u': A.updatedAt };
    const values: Record<string, AttributeValue> = { ':u': { S: nowIso } };
    const adds = Object.entries(sums).map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = n(value);
      return `#a${i} :a${i}`;
    });
    let set = '#u = :u';
    if (role) {
      names['#r'] = A.role;
      values[':r'] = { S: role };
      set += ', #r = :r';
    }
    return {
      Update: {
        TableName: ctx.tableName,
        Key: keyAttributes(key),
        UpdateExpression: `ADD ${adds.join(', ')} SET ${set}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
  return [...markers, ...updates];
}

/** The four totals a charge adds to: cost center month and day, principal month and day. */
function totalKeys(c: Charge): LedgerKey[] {
  const month = ledgerPeriod('month', c.time);
  const day = ledgerPeriod('day', c.time);
  return [
    costCenterTotalKey(c.costCenter, month, c.accountId, c.region),
    costCenterTotalKey(c.costCenter, day, c.accountId, c.region),
    principalTotalKey(c.principal.name, month, c.accountId, c.region),
    principalTotalKey(c.principal.name, day, c.accountId, c.region),
  ];
}

function markerKey(c: Charge): LedgerKey {
  return requestKey(c.accountId, c.region, c.requestId);
}

function keyString(key: LedgerKey): string {
  return `${key.pk}\u0000${key.sk}`;
}

function keyAttributes(key: LedgerKey): Record<string, AttributeValue> {
  return { pk: { S: key.pk }, sk: { S: key.sk } };
}

function n(value: number): AttributeValue {
  return { N: String(value) };
}

/** BatchGetItem reads at most 100 keys a request (DynamoDB API model: KeyList max 100). */
const MAX_BATCH_GET_KEYS = 100;

/**
 * The cost (nano-dollars, as BigInt) of totals read after the writes (e.g. principals' month
 * totals, for the threshold of per-principal metrics); keys not found are absent. Unprocessed
 * keys are read again.
 */
export async function readTotals(ctx: LedgerContext, keys: readonly LedgerKey[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const unique = [...new Map(keys.map((k) => [keyString(k), k])).values()];
  for (let i = 0; i < unique.length; i += MAX_BATCH_GET_KEYS) {
    let request: Record<string, KeysAndAttributes> | undefined = {
      [ctx.tableName]: { Keys: unique.slice(i, i + MAX_BATCH_GET_KEYS).map(keyAttributes), ProjectionExpression: 'pk, sk, #c', ExpressionAttributeNames: { '#c': A.costNanoUsd } },
    };
    for (let round = 0; request && Object.keys(request).length > 0; round++) {
      if (round > 0) await (ctx.sleep ?? realSleep)(Math.min(1000, 50 * 2 ** round));
      if (round > 10) throw new Error('BatchGetItem left keys unprocessed after 10 rounds');
      const page = await withLoggedRetry(() => ctx.client.send(new BatchGetItemCommand({ RequestItems: request })), 'BatchGetItem', ctx.retry, ctx.log);
      for (const item of page.Responses?.[ctx.tableName] ?? []) {
        out.set(keyString({ pk: item.pk.S!, sk: item.sk.S! }), BigInt(item[A.costNanoUsd]?.N ?? '0'));
      }
      request = page.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** The map key readTotals uses for a ledger key. */
export function totalsMapKey(key: LedgerKey): string {
  return keyString(key);
}
