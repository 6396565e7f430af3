/**
 * The pacing schedule: the in-process one, the DynamoDB one on dynalite (virtual clock: every
 * path of the algorithm), and several "functions" sharing one table in real time, whose creates
 * reach the AWS fake no faster than the rate together.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { isComplete } from '../../../lambda/profile-batch/converge';
import { onEvent } from '../../../lambda/profile-batch/on-event';
import { IsCompleteEvent } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import { callsPerSecondFrom, intervalMs, LocalSchedule, TableSchedule, waitForSlot } from '../../../lambda/shared/pacing';
import { realSleep } from '../../../lambda/shared/retry';
import { PACING_TABLE_KEY, pacingKey } from '../../../src/contracts/profile-batch';
import { AwsFake, startAwsFake } from '../../fakes/aws';
import { createPacingTable, Dynalite, startDynalite } from '../../support/dynalite';
import { batchContext, batchProps, member, runFramework, VirtualClock } from '../profile-batch/harness';

const KEY = pacingKey('123456789012', 'us-east-1');

function tableSchedule(client: DynamoDBClient, tableName: string, callsPerSecond: number, clock: () => number, maxRounds?: number): TableSchedule {
  return new TableSchedule({ dynamodb: client, tableName, keyAttribute: PACING_TABLE_KEY, callsPerSecond, clock, maxRounds });
}
let db: Dynalite;
let tables = 0;

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

async function newTable(): Promise<string> {
  const name = `pacing-${++tables}`;
  await createPacingTable(db.client, name);
  return name;
}

describe('settings', () => {
  test('interval and the rate from the environment', () => {
    expect(intervalMs(2)).toBe(500);
    expect(intervalMs(0.5)).toBe(2000);
    expect(() => intervalMs(0)).toThrow(/positive/);
    expect(callsPerSecondFrom('20', 2)).toBe(20);
    expect(callsPerSecondFrom('0.5', 2)).toBe(0.5);
    for (const bad of [undefined, '', ' ', '0', '-1', 'fast', 'Infinity']) expect(callsPerSecondFrom(bad, 2)).toBe(2);
  });
});

describe('in-process schedule (no table)', () => {
  test('slots one interval apart, per key; none beyond the latest time', async () => {
    const clock = new VirtualClock();
    const t0 = clock.nowMs;
    const schedule = new LocalSchedule({ callsPerSecond: 4, clock: clock.now });
    expect(await schedule.reserve(KEY, t0 + 1000)).toBe(t0);
    expect(await schedule.reserve(KEY, t0 + 1000)).toBe(t0 + 250);
    expect(await schedule.reserve('other', t0 + 1000)).toBe(t0);
    expect(await schedule.reserve(KEY, t0 + 400)).toBeUndefined();
    expect(await schedule.reserve(KEY, t0 + 1000)).toBe(t0 + 500);
    clock.nowMs += 10_000; // idle: the next slot is now
    expect(await schedule.reserve(KEY, clock.nowMs)).toBe(clock.nowMs);
  });

  test('waitForSlot sleeps until the slot, and says false when there is none', async () => {
    const clock = new VirtualClock();
    const schedule = new LocalSchedule({ callsPerSecond: 10, clock: clock.now });
    const latest = clock.nowMs + 150;
    expect(await waitForSlot(schedule, KEY, latest, clock.now, clock.sleep)).toBe(true);
    expect(await waitForSlot(schedule, KEY, latest, clock.now, clock.sleep)).toBe(true);
    expect(await waitForSlot(schedule, KEY, latest, clock.now, clock.sleep)).toBe(false);
    expect(clock.sleeps).toEqual([100]);
  });
});

describe('DynamoDB schedule', () => {
  test('first reservation creates the item (slot now), then one interval apart, then idle again', async () => {
    const table = await newTable();
    const clock = new VirtualClock();
    const t0 = clock.nowMs;
    const schedule = tableSchedule(db.client, table, 20, clock.now);
    expect(await schedule.reserve(KEY, t0 + 60_000)).toBe(t0);
    expect(await schedule.reserve(KEY, t0 + 60_000)).toBe(t0 + 50);
    expect(await schedule.reserve(KEY, t0 + 60_000)).toBe(t0 + 100);
    const item = await db.client.send(new GetItemCommand({ TableName: table, Key: { [PACING_TABLE_KEY]: { S: KEY } } }));
    expect(item.Item?.next?.N).toBe(String(t0 + 150));
    clock.nowMs = t0 + 5000;
    expect(await schedule.reserve(KEY, t0 + 60_000)).toBe(t0 + 5000);
  });

  test('no slot within the budget: undefined, and the schedule is left as it was', async () => {
    const table = await newTable();
    const clock = new VirtualClock();
    const t0 = clock.nowMs;
    await db.client.send(new PutItemCommand({ TableName: table, Item: { [PACING_TABLE_KEY]: { S: KEY }, next: { N: String(t0 + 700_000) } } }));
    const schedule = tableSchedule(db.client, table, 2, clock.now);
    expect(await schedule.reserve(KEY, t0 + 600_000)).toBeUndefined();
    const item = await db.client.send(new GetItemCommand({ TableName: table, Key: { [PACING_TABLE_KEY]: { S: KEY } } }));
    expect(item.Item?.next?.N).toBe(String(t0 + 700_000));
  });

  test('two schedules on one table interleave without sharing a slot', async () => {
    const table = await newTable();
    const clock = new VirtualClock();
    const make = () => tableSchedule(db.newClient(), table, 10, clock.now);
    const [a, b] = [make(), make()];
    const slots = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve(KEY, clock.nowMs + 60_000)));
    const sorted = (slots as number[]).sort((x, y) => x - y);
    expect(new Set(sorted).size).toBe(20);
    sorted.slice(1).forEach((s, i) => expect(s - sorted[i]).toBe(100));
  });

  test('a lost race (the item moved between the two updates) is retried, bounded', async () => {
    const table = await newTable();
    const clock = new VirtualClock();
    const client = db.newClient();
    const schedule = tableSchedule(client, table, 10, clock.now, 3);
    // every step's condition fails, but the item says a slot is free: give up after maxRounds
    const send = jest.spyOn(client, 'send').mockImplementation((async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'GetItemCommand') return { Item: { next: { N: String(clock.nowMs) } } };
      const error = new Error('The conditional request failed');
      error.name = 'ConditionalCheckFailedException';
      throw error;
    }) as never);
    expect(await schedule.reserve(KEY, clock.nowMs + 1000)).toBeUndefined();
    expect(send).toHaveBeenCalledTimes(9);
  });
});

describe('functions sharing one table, in real time, against the AWS fake', () => {
  let fake: AwsFake;
  beforeAll(async () => {
    fake = await startAwsFake({ accountId: '123456789012', region: 'us-east-1' });
  });
  afterAll(() => fake.stop());

  test('3 functions × 8 creates at 20 calls/s: the creates reach Bedrock one interval apart', async () => {
    const table = await newTable();
    const rate = 20;
    const interval = 1000 / rate;
    // each function's DynamoDB client, warmed up (a cold client's first call is slow, which would blur what is measured)
    const clients = [db.newClient(), db.newClient(), db.newClient()];
    await Promise.all(clients.map((c) => c.send(new GetItemCommand({ TableName: table, Key: { [PACING_TABLE_KEY]: { S: 'warm-up' } } }))));
    const started = performance.now();
    const slots: number[] = [];
    const run = (stack: number) => {
      const schedule = new TableSchedule({ dynamodb: clients[stack - 1], tableName: table, keyAttribute: PACING_TABLE_KEY, callsPerSecond: rate });
      const recording = {
        reserve: async (key: string, latest: number) => {
          const slot = await schedule.reserve(key, latest);
          if (slot !== undefined) slots.push(slot);
          return slot;
        },
      };
      const ctx = batchContext(fake, { clock: Date.now, sleep: realSleep, schedule: recording });
      const request = {
        ServiceToken: 'x',
        ResponseURL: '...',
        StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/fleet-${stack}/0000000${stack}-0000-4000-8000-000000000000`,
        RequestId: `r-${stack}`,
        LogicalResourceId: 'Batch0',
        ResourceType: 'x',
        RequestType: 'Create' as const,
        ResourceProperties: batchProps(Array.from({ length: 8 }, (_, i) => member(`s${stack}m${i}`))),
      };
      return runFramework(request, (e) => onEvent(e, { log: silentLogger }), (e: IsCompleteEvent) => isComplete(e, ctx));
    };
    await Promise.all([run(1), run(2), run(3)]);
    const arrivals = fake.calls.all().filter((c) => c.operation === 'CreateInferenceProfile').map((c) => c.arrivedAtMs).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(24);
    expect(fake.state.profiles()).toHaveLength(24);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    const span = arrivals[arrivals.length - 1] - arrivals[0];
    const mean = span / gaps.length;
    const busiestSecond = Math.max(...arrivals.map((t) => arrivals.filter((u) => u >= t && u < t + 1000).length));
    // eslint-disable-next-line no-console
    console.log(`pacing: 24 creates from 3 functions at ${rate}/s: last at ${(arrivals[23] - started).toFixed(0)} ms after the start `
      + `(≥ ${(23 * interval).toFixed(0)}), span ${span.toFixed(0)} ms, mean gap ${mean.toFixed(1)} ms, min gap ${Math.min(...gaps).toFixed(1)} ms, `
      + `busiest second ${busiestSecond} calls`);
    // What the schedule guarantees, whatever the load on the machine (arrival gaps and the busiest
    // second are logged, not asserted: a late call followed by a punctual one arrives closer than
    // one interval, more so on a loaded machine): the 24 reserved slots are at least one interval
    // apart, and no call reaches Bedrock before the last slot could allow.
    const sorted = [...slots].sort((a, b) => a - b);
    expect(sorted).toHaveLength(24);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(interval);
    expect(arrivals[23] - started).toBeGreaterThanOrEqual(23 * interval);
  }, 30_000);

  test('throttling below the pacing rate is ridden out by the retries: every create lands, the batch completes', async () => {
    fake.reset();
    fake.faults.throttle('bedrock:CreateInferenceProfile', { perSecond: 10 });
    const ctx = batchContext(fake, { clock: Date.now, sleep: realSleep, retry: { sleep: realSleep }, callsPerSecond: 50 });
    const request = {
      ServiceToken: 'x',
      ResponseURL: '...',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/fleet/1',
      RequestId: 'r',
      LogicalResourceId: 'Batch0',
      ResourceType: 'x',
      RequestType: 'Create' as const,
      ResourceProperties: batchProps(Array.from({ length: 25 }, (_, i) => member(`m${i}`))),
    };
    const result = await runFramework(request, (e) => onEvent(e, { log: silentLogger }), (e: IsCompleteEvent) => isComplete(e, ctx));
    expect(Object.keys(result.data!)).toHaveLength(26);
    expect(fake.state.profiles()).toHaveLength(25);
    const summary = fake.calls.summary()['bedrock:CreateInferenceProfile'];
    // eslint-disable-next-line no-console
    console.log(`throttled at 10/s under a 50/s pace: 25 profiles, ${summary.total} create calls, ${summary.errors.ThrottlingException ?? 0} throttled, 0 failures`);
    expect(summary.ok).toBe(25);
    expect(summary.errors.ThrottlingException).toBeGreaterThan(0);
  }, 30_000);
});
