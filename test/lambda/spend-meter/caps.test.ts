/**
 * Caps as an operator writes them (dynalite), their cache, a principal's fallback to its role's
 * cap, and the bypass metrics (BypassCost and BypassInvocations per role or user).
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { container, FakeIam, newLedger, putCap } from './enforcement-support';
import { ACCOUNT, invocationRecord, ROLE_SESSION, SONNET, subscriptionEvent } from './fixtures';
import { silentLogger } from '../../../lambda/shared/log';
import { CapReader, capNano, parseCap, touchedSubjects } from '../../../lambda/spend-meter/caps';
import { meterBatch } from '../../../lambda/spend-meter/run';
import { capKey } from '../../../src/contracts/spend-meter';
import { Dynalite, startDynalite } from '../../support/dynalite';

jest.setTimeout(60_000);

let db: Dynalite;
beforeAll(async () => { db = await startDynalite(); });
afterAll(async () => db.close());

test('a cap is read once a minute; a fresh read bypasses the cache; a session falls back to its role\'s cap', async () => {
  const settings = await newLedger(db);
  let t = 0;
  const caps = new CapReader({ client: db.client, tableName: settings.tableName, retry: { maxAttempts: 1 }, log: silentLogger }, () => t, 60_000);
  expect(await caps.capOf('CC', 'claims')).toBeUndefined();
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 100 });
  t = 59_999;
  expect(await caps.capOf('CC', 'claims')).toBeUndefined();
  expect(await caps.capOf('CC', 'claims', true)).toEqual({ monthlyUsd: 100, dailyUsd: undefined, source: 'claims' });
  await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 250, dailyUsd: 20 });
  t = 120_000;
  expect(await caps.capOf('CC', 'claims')).toEqual({ monthlyUsd: 250, dailyUsd: 20, source: 'claims' });

  await putCap(db, settings, 'PRINCIPAL', `arn:aws:iam::${ACCOUNT}:role/ClaimsApp`, { dailyUsd: 5 });
  expect(await caps.capOf('PRINCIPAL', ROLE_SESSION)).toEqual({ monthlyUsd: undefined, dailyUsd: 5, source: `arn:aws:iam::${ACCOUNT}:role/ClaimsApp` });
  await putCap(db, settings, 'PRINCIPAL', ROLE_SESSION, { dailyUsd: 1 });
  expect((await caps.capOf('PRINCIPAL', ROLE_SESSION, true))?.source).toBe(ROLE_SESSION);
});

test('cap values: numbers ≥ 0 (also as strings), anything else ignored; nano-dollars', async () => {
  const warnings: unknown[] = [];
  const cap = parseCap({ monthlyUsd: { N: '12.5' }, dailyUsd: { S: 'lots' } }, (_l, _m, f) => warnings.push(f), 'CC#x');
  expect(cap).toEqual({ monthlyUsd: 12.5, dailyUsd: undefined });
  expect(warnings).toHaveLength(1);
  expect(parseCap({ dailyUsd: { S: '3' } }, silentLogger, 'x')).toEqual({ monthlyUsd: undefined, dailyUsd: 3 });
  expect(capNano(cap, 'month')).toBe(12_500_000_000n);
  expect(capNano(cap, 'day')).toBeUndefined();
  // a cap item written with the contract's key
  const settings = await newLedger(db);
  const key = capKey('CC', 'legal');
  await db.client.send(new PutItemCommand({ TableName: settings.tableName, Item: { pk: { S: key.pk }, sk: { S: key.sk }, monthlyUsd: { N: '-1' } } }));
  const caps = new CapReader({ client: db.client, tableName: settings.tableName, retry: { maxAttempts: 1 }, log: silentLogger }, () => 0, 60_000);
  expect(await caps.capOf('CC', 'legal')).toBeUndefined();
});

test('bypass invocations are counted per role or user, beside their cost', async () => {
  const settings = await newLedger(db);
  const lines: string[] = [];
  const ctx = container(db, settings, new FakeIam(), () => Date.parse('2026-11-30T12:01:00Z'), lines);
  const bob = `arn:aws:iam::${ACCOUNT}:user/bob`;
  const summary = await meterBatch(ctx, subscriptionEvent([
    invocationRecord({ requestId: 'b1', modelId: `us.${SONNET}`, input: 1000, output: 0, arn: bob }),
    invocationRecord({ requestId: 'b2', modelId: SONNET, input: 1000, output: 0, arn: bob }),
    invocationRecord({ requestId: 'b3', modelId: SONNET, input: 1000, output: 0 }),
  ]));
  expect(summary.bypass).toBe(3);
  const docs = lines.map((l) => JSON.parse(l)).filter((d) => d.BypassInvocations !== undefined);
  expect(docs).toEqual(expect.arrayContaining([
    expect.objectContaining({ Principal: bob, BypassInvocations: 2 }),
    expect.objectContaining({ Principal: `arn:aws:iam::${ACCOUNT}:role/ClaimsApp`, BypassInvocations: 1 }),
  ]));
  expect(docs[0]._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'BypassCost', Unit: 'None' }, { Name: 'BypassInvocations', Unit: 'Count' }]);
  expect(touchedSubjects([])).toEqual([]);
});
