/**
 * meterBatch against DynamoDB as a real database (dynalite, the real @aws-sdk/client-dynamodb):
 * totals after a batch, duplicate deliveries (the same batch twice, and twice concurrently), a
 * period rollover at midnight and month end (UTC), a batch of 500 records, and TransactWriteItems'
 * limits.
 */
import { GetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ACCOUNT, CLAIMS_PROFILE_ARN, CLAIMS_PROFILE_ID, invocationRecord, REGION, ROLE_SESSION, SETTINGS, SONNET, subscriptionEvent } from './fixtures';
import { silentLogger } from '../../../lambda/shared/log';
import { chunks, MAX_TRANSACTION_ITEMS } from '../../../lambda/spend-meter/ledger';
import { ProfileDirectory } from '../../../lambda/spend-meter/profile-directory';
import { meterBatch, MeterContext } from '../../../lambda/spend-meter/run';
import { ProfileIndexEntry } from '../../../src/contracts/profile-resolver';
import { costCenterTotalKey, LedgerKey, principalTotalKey, requestKey } from '../../../src/contracts/spend-meter';
import { createLedgerTable, Dynalite, startDynalite } from '../../support/dynalite';

jest.setTimeout(60_000);

let db: Dynalite;
let table = 0;
let lines: string[];
let scans: number;

const PROFILES: ProfileIndexEntry[] = [
  { arn: CLAIMS_PROFILE_ARN, id: CLAIMS_PROFILE_ID, name: 'claims', tags: { dept: 'claims' }, modelArns: [`arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`] },
  { arn: CLAIMS_PROFILE_ARN.replace(CLAIMS_PROFILE_ID, 'untagged0001'), id: 'untagged0001', name: 'other', tags: { team: 'x' } },
];

async function context(): Promise<MeterContext> {
  const settings = { ...SETTINGS, tableName: `ledger-${++table}` };
  await createLedgerTable(db.client, settings.tableName);
  lines = [];
  scans = 0;
  const directory = new ProfileDirectory({
    scan: { log: silentLogger } as never, now: Date.now, ttlMs: 300_000, load: async () => { scans++; return PROFILES; },
  });
  return { settings, dynamodb: db.client, directory, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, log: silentLogger, now: () => Date.parse('2026-11-30T12:01:00Z'), emit: (l) => lines.push(l), sleep: async () => undefined };
}

async function total(ctx: MeterContext, key: LedgerKey): Promise<Record<string, string> | undefined> {
  const out = await db.client.send(new GetItemCommand({ TableName: ctx.settings.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
  return out.Item && Object.fromEntries(Object.entries(out.Item).map(([k, v]) => [k, v.N ?? v.S ?? '']));
}

const cc = (name: string, period: string) => costCenterTotalKey(name, period, ACCOUNT, REGION);
const pr = (name: string, period: string) => principalTotalKey(name, period, ACCOUNT, REGION);

/** 1,000 input + 500 output + 10,000 cache read + 2,000 cache write tokens of Sonnet 4.5 (in-Region price): $0.0231 */
const SONNET_NANO = 3_300_000 + 8_250_000 + 3_300_000 + 8_250_000;
const claims = (requestId: string, timestamp?: string) => invocationRecord({
  requestId, timestamp, input: 1000, output: 500, cacheRead: 10_000, cacheWrite: 2000,
});

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => db.close());

test('a batch: totals per cost center and principal (month and day), bypass apart, one profile scan, EMF lines', async () => {
  const ctx = await context();
  const summary = await meterBatch(ctx, subscriptionEvent([
    claims('r1'),
    invocationRecord({ requestId: 'r2', operation: 'ConverseStream', input: 1000, output: 500, cacheRead: 10_000, cacheWrite: 2000 }),
    invocationRecord({ requestId: 'r3', modelId: `us.${SONNET}`, input: 1000, output: 0, inferenceRegion: 'us-east-2', arn: 'arn:aws:iam::123456789012:user/bob' }),
    invocationRecord({ requestId: 'r4', errorCode: 'ThrottlingException' }),
    'garbage',
  ]));
  expect(summary).toMatchObject({
    records: 5, priced: 4, unpriced: 0, malformed: 1, failed: 1, bypass: 1, counted: 4, duplicates: 0, transactions: 1,
  });
  expect(summary.costCenters).toEqual({ 'claims': 2 * SONNET_NANO, '(bypass)': 3_300_000 });
  expect(await total(ctx, cc('claims', 'M#2026-11'))).toMatchObject({ costNanoUsd: String(2 * SONNET_NANO), invocations: '3', inputTokens: '2000', cacheReadTokens: '20000' });
  expect(await total(ctx, cc('claims', 'D#2026-11-30'))).toMatchObject({ costNanoUsd: String(2 * SONNET_NANO) });
  expect(await total(ctx, pr(ROLE_SESSION, 'M#2026-11'))).toMatchObject({ costNanoUsd: String(2 * SONNET_NANO), bypassNanoUsd: '0', role: 'arn:aws:iam::123456789012:role/ClaimsApp' });
  expect(await total(ctx, pr('arn:aws:iam::123456789012:user/bob', 'M#2026-11'))).toMatchObject({ costNanoUsd: '3300000', bypassNanoUsd: '3300000' });
  expect(await total(ctx, requestKey(ACCOUNT, REGION, 'r1'))).toMatchObject({ costCenter: 'claims', expiresAt: String(Date.parse('2026-11-30T12:01:00Z') / 1000 + 86_400) });
  expect(scans).toBe(1);
  const docs = lines.map((l) => JSON.parse(l));
  expect(docs.find((d) => d.CostCenter === 'claims')).toMatchObject({ MeteredCost: 2 * SONNET_NANO / 1e9, Meter: 'test-meter', _aws: { Timestamp: Date.parse('2026-11-30T12:00:00Z') } });
  expect(docs.find((d) => d.BypassCost !== undefined)).toMatchObject({ Principal: 'arn:aws:iam::123456789012:user/bob', BypassCost: 0.0033 });
  // the threshold is $0.01: the session ($0.047) is over it, bob ($0.0033) is not
  expect(docs.filter((d) => d.PrincipalCost !== undefined).map((d) => d.Principal)).toEqual([ROLE_SESSION]);
  expect(docs.find((d) => d.MeterRecords !== undefined)).toMatchObject({ MeterRecords: 5, MalformedRecords: 1, DuplicateRecords: 0 });
});

test('the same batch delivered twice is counted once', async () => {
  const ctx = await context();
  const event = subscriptionEvent([claims('a'), claims('b'), claims('a')]);
  const first = await meterBatch(ctx, event);
  const second = await meterBatch(ctx, event);
  expect(first).toMatchObject({ counted: 2, duplicates: 1 });
  expect(second).toMatchObject({ counted: 0, duplicates: 3, costCenters: {} });
  expect(await total(ctx, cc('claims', 'M#2026-11'))).toMatchObject({ costNanoUsd: String(2 * SONNET_NANO), invocations: '2' });
});

test('the same batch delivered twice concurrently is counted once, and a later overlapping batch adds only its new record', async () => {
  const ctx = await context();
  const event = subscriptionEvent([claims('c1'), claims('c2')]);
  const [a, b] = await Promise.all([meterBatch(ctx, event), meterBatch({ ...ctx, dynamodb: db.newClient() }, event)]);
  expect(a.counted + b.counted).toBe(2);
  expect(a.duplicates + b.duplicates).toBe(2);
  const third = await meterBatch(ctx, subscriptionEvent([claims('c2'), claims('c3')]));
  expect(third).toMatchObject({ counted: 1, duplicates: 1 });
  expect(await total(ctx, cc('claims', 'M#2026-11'))).toMatchObject({ costNanoUsd: String(3 * SONNET_NANO), invocations: '3' });
});

test('period rollover: records either side of midnight and of the month end go to their own day and month (UTC)', async () => {
  const ctx = await context();
  await meterBatch(ctx, subscriptionEvent([claims('m1', '2026-11-30T23:59:59.999Z'), claims('m2', '2026-12-01T00:00:00Z'), claims('m3', '2026-12-01T08:00:00+09:00')]));
  expect(await total(ctx, cc('claims', 'M#2026-11'))).toMatchObject({ invocations: '2' }); // 08:00+09:00 is 23:00 UTC on the 30th
  expect(await total(ctx, cc('claims', 'D#2026-11-30'))).toMatchObject({ invocations: '2' });
  expect(await total(ctx, cc('claims', 'M#2026-12'))).toMatchObject({ invocations: '1', costNanoUsd: String(SONNET_NANO) });
  expect(await total(ctx, cc('claims', 'D#2026-12-01'))).toMatchObject({ invocations: '1' });
});

test('500 records: exact totals in transactions of at most 100 actions, and again nothing on redelivery', async () => {
  const ctx = await context();
  const principals = 60;
  const records = Array.from({ length: 500 }, (_, i) => invocationRecord({
    requestId: `bulk-${i}`,
    input: 1000,
    output: 500,
    cacheRead: 10_000,
    cacheWrite: 2000,
    arn: `arn:aws:sts::123456789012:assumed-role/ClaimsApp/user-${i % principals}`,
  }));
  const before = { ...db.transactions };
  const summary = await meterBatch(ctx, subscriptionEvent(records));
  expect(summary).toMatchObject({ counted: 500, duplicates: 0 });
  expect(summary.transactions).toBe(db.transactions.committed - before.committed);
  expect(await total(ctx, cc('claims', 'M#2026-11'))).toMatchObject({ costNanoUsd: String(500 * SONNET_NANO), invocations: '500' });
  expect(await total(ctx, pr('arn:aws:sts::123456789012:assumed-role/ClaimsApp/user-7', 'D#2026-11-30'))).toMatchObject({ invocations: String(Math.ceil((500 - 7) / principals)) });
  const again = await meterBatch(ctx, subscriptionEvent(records));
  expect(again).toMatchObject({ counted: 0, duplicates: 500 });
  expect(await total(ctx, cc('claims', 'M#2026-11'))).toMatchObject({ invocations: '500' });
});

test('chunks keep markers plus distinct totals within TransactWriteItems\' 100 actions', () => {
  const charge = (i: number, principal: string) => ({
    requestId: `q${i}`,
    accountId: ACCOUNT,
    region: REGION,
    time: Date.parse('2026-11-30T00:00:00Z'),
    costCenter: 'claims',
    bypass: false,
    principal: { name: principal, owner: principal },
    costNanoUsd: 1,
    inputTokens: 1,
    outputTokens: 1,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  });
  // one principal: 96 markers + 4 totals = 100
  expect(chunks(Array.from({ length: 200 }, (_, i) => charge(i, 'p')), MAX_TRANSACTION_ITEMS).map((c) => c.length)).toEqual([96, 96, 8]);
  // a principal per record: 1 marker + 2 new totals each, after the cost center's 2
  const each = chunks(Array.from({ length: 100 }, (_, i) => charge(i, `p${i}`)), MAX_TRANSACTION_ITEMS);
  expect(each.map((c) => c.length)).toEqual([32, 32, 32, 4]);
});

test('DynamoDB refuses more than 100 actions and two actions on one item (what the chunking avoids)', async () => {
  const ctx = await context();
  const put = (i: number) => ({ Put: { TableName: ctx.settings.tableName, Item: { pk: { S: `x${i}` }, sk: { S: 's' } } } });
  await expect(db.client.send(new TransactWriteItemsCommand({ TransactItems: Array.from({ length: 101 }, (_, i) => put(i)) }))).rejects.toMatchObject({ name: 'ValidationException' });
  await expect(db.client.send(new TransactWriteItemsCommand({ TransactItems: [put(1), put(1)] }))).rejects.toMatchObject({ name: 'ValidationException' });
  const hundred = Array.from({ length: 100 }, (_, i) => put(i));
  await expect(db.client.send(new TransactWriteItemsCommand({ TransactItems: hundred }))).resolves.toBeDefined();
});

test('a cancelled transaction lists a reason per action in order: ConditionalCheckFailed for the failed condition, None for the others', async () => {
  const ctx = await context();
  const marker = (id: string) => ({ Put: { TableName: ctx.settings.tableName, Item: { pk: { S: id }, sk: { S: 'REQUEST' } }, ConditionExpression: 'attribute_not_exists(pk)' } });
  await db.client.send(new TransactWriteItemsCommand({ TransactItems: [marker('m2')] }));
  const error = await db.client.send(new TransactWriteItemsCommand({ TransactItems: [marker('m1'), marker('m2'), marker('m3')] })).catch((e) => e);
  expect(error.name).toBe('TransactionCanceledException');
  expect(error.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['None', 'ConditionalCheckFailed', 'None']);
  // all or nothing: m1 was undone
  expect(await total(ctx, { pk: 'm1', sk: 'REQUEST' })).toBeUndefined();
});
