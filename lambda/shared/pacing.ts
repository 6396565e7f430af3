/**
 * Pacing of mutating calls (e.g. Bedrock's CreateInferenceProfile and DeleteInferenceProfile) to
 * a rate shared by every function that uses the same schedule: before each call, a caller reserves
 * the next free slot and sleeps until it. With a DynamoDB table the schedule holds across
 * concurrent invocations, functions and stacks of an account and Region; without one it holds
 * within the process (one warm Lambda).
 *
 * The DynamoDB schedule is virtual scheduling on one item per key, `{ pk, next }` (`next`: the
 * first free slot, epoch ms), one conditional UpdateItem per reservation in the common case:
 * 1. busy schedule: `SET next = next + interval` if `next >= now AND next <= latest` — my slot is
 *    the old `next` (ReturnValues UPDATED_OLD);
 * 2. idle schedule (or no item yet): `SET next = now + interval` if `attribute_not_exists(next)
 *    OR next < now` — my slot is now;
 * 3. both conditions failed: read the item; a `next` beyond `latest` means no slot within the
 *    caller's budget (undefined), anything else was a race with another caller: try again (bounded).
 * A slot reserved and then not used (the caller failed or stopped) only delays later callers by
 * one interval.
 */
import { AttributeValue, ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { RetryOptions, realSleep, Sleep, withRetry } from './retry';

/** A shared schedule of slots, one per mutating call. */
export interface PacingSchedule {
  /**
   * Reserves the next free slot of `key` no later than `latestMs` (epoch ms) and returns its time,
   * or undefined when there is none by then. Does not wait.
   */
  reserve(key: string, latestMs: number): Promise<number | undefined>;
}

/** Epoch milliseconds; injected so that tests control time. */
export type Clock = () => number;

export interface PacingOptions {
  /** calls per second (may be fractional) */
  readonly callsPerSecond: number;
  readonly clock?: Clock;
}

/** The interval between two slots, in ms, for a rate in calls per second. */
export function intervalMs(callsPerSecond: number): number {
  if (!(callsPerSecond > 0) || !Number.isFinite(callsPerSecond)) throw new Error(`callsPerSecond must be a positive number (got ${callsPerSecond})`);
  return 1000 / callsPerSecond;
}

/** A schedule kept in this process only: paces the calls of one warm function. */
export class LocalSchedule implements PacingSchedule {
  private readonly next = new Map<string, number>();
  private readonly interval: number;
  private readonly clock: Clock;

  constructor(options: PacingOptions) {
    this.interval = intervalMs(options.callsPerSecond);
    this.clock = options.clock ?? Date.now;
  }

  public async reserve(key: string, latestMs: number): Promise<number | undefined> {
    const slot = Math.max(this.clock(), this.next.get(key) ?? -Infinity);
    if (slot > latestMs) return undefined;
    this.next.set(key, slot + this.interval);
    return slot;
  }
}

export interface TableScheduleOptions extends PacingOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** the partition key attribute of the table */
  readonly keyAttribute: string;
  /** retries of DynamoDB's own throttling and 5xx (shared/retry.ts) */
  readonly retry?: RetryOptions;
  /** rounds of the three steps before giving up on a contended item (default 20) */
  readonly maxRounds?: number;
}

const NEXT = '#next';

/** A schedule in a DynamoDB table, shared by every function that uses the table. */
export class TableSchedule implements PacingSchedule {
  private readonly interval: number;
  private readonly clock: Clock;

  constructor(private readonly options: TableScheduleOptions) {
    this.interval = intervalMs(options.callsPerSecond);
    this.clock = options.clock ?? Date.now;
  }

  public async reserve(key: string, latestMs: number): Promise<number | undefined> {
    const rounds = this.options.maxRounds ?? 20;
    for (let round = 0; round < rounds; round++) {
      const now = this.clock();
      const busy = await this.update(key, 'SET #next = #next + :interval', '#next >= :now AND #next <= :latest', {
        ':interval': num(this.interval), ':now': num(now), ':latest': num(latestMs),
      });
      if (busy) return Number(busy.next?.N);
      // sampled again: the slot is the moment of this update, not of the one before it
      const idleNow = this.clock();
      if (idleNow > latestMs) return undefined;
      const idle = await this.update(key, 'SET #next = :nowPlusInterval', 'attribute_not_exists(#next) OR #next < :now', {
        ':nowPlusInterval': num(idleNow + this.interval), ':now': num(idleNow),
      });
      if (idle) return idleNow;
      const item = await this.call(() => this.options.dynamodb.send(new GetItemCommand({
        TableName: this.options.tableName,
        Key: { [this.options.keyAttribute]: { S: key } },
        ConsistentRead: true,
      })));
      const next = item.Item?.next?.N;
      if (next !== undefined && Number(next) > latestMs) return undefined;
      // another caller moved `next` between our two updates: try again
    }
    return undefined;
  }

  /** One conditional update; the old attributes (empty when it created the item), or undefined when the condition failed. */
  private async update(key: string, expression: string, condition: string, values: Record<string, { N: string }>)
    : Promise<Record<string, AttributeValue> | undefined> {
    try {
      const out = await this.call(() => this.options.dynamodb.send(new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: { [this.options.keyAttribute]: { S: key } },
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { [NEXT]: 'next' },
        ExpressionAttributeValues: values,
        ReturnValues: 'UPDATED_OLD',
      })));
      return out.Attributes ?? {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, this.options.retry ?? {});
  }
}

function num(value: number): { N: string } {
  return { N: String(Math.round(value * 1000) / 1000) };
}

/** Reserves a slot of `schedule` and waits for it; true when the caller may make its call, false when no slot is left by `latestMs`. */
export async function waitForSlot(
  schedule: PacingSchedule, key: string, latestMs: number, clock: Clock = Date.now, sleep: Sleep = realSleep,
): Promise<boolean> {
  const slot = await schedule.reserve(key, latestMs);
  if (slot === undefined) return false;
  const wait = slot - clock();
  if (wait > 0) await sleep(wait);
  return true;
}

/** The pace from the environment (`PACING_CALLS_PER_SECOND`-like variable); the default when absent or invalid. */
export function callsPerSecondFrom(value: string | undefined, defaultValue: number): number {
  const parsed = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(parsed) && parsed > 0 ? parsed : defaultValue;
}
