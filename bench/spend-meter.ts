/**
 * The spend meter, measured (run by bench/run.ts in its own process; alone:
 * `node -r ts-node/register/transpile-only bench/spend-meter.ts`):
 *
 * 1. Records metered per second by one function instance: `meterBatch` (the handler's own code:
 *    decode, parse, attribute, price, ledger writes, EMF) on CloudWatch Logs subscription batches,
 *    (a) with a DynamoDB client that answers at once — the function's own CPU cost — and (b) with
 *    dynalite, a DynamoDB implementation in Node (plus the test layer that adds TransactWriteItems),
 *    side by side in one run.
 * 2. The time from a cap-crossing batch reaching the function to the deny call (AttachRolePolicy),
 *    with dynalite and an in-memory IAM: the meter's part of the "within a minute". What it cannot
 *    measure here: CloudWatch Logs' delivery to the subscription ("a real-time stream of log events",
 *    PutSubscriptionFilter API reference; AWS publishes no latency figure) and IAM's propagation.
 */
import { performance } from 'perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { silentLogger } from '../lambda/shared/log';
import { ProfileDirectory } from '../lambda/spend-meter/profile-directory';
import { meterBatch, MeterContext } from '../lambda/spend-meter/run';
import { ProfileIndexEntry } from '../src/contracts/profile-resolver';
import { container, FakeIam, newLedger, putCap } from '../test/lambda/spend-meter/enforcement-support';
import { CLAIMS_PROFILE_ARN, CLAIMS_PROFILE_ID, invocationRecord, SETTINGS, SONNET, subscriptionEvent } from '../test/lambda/spend-meter/fixtures';
import { createLedgerTable, startDynalite } from '../test/support/dynalite';

const BATCH = 100;
const BATCHES = 20;
const COST_CENTERS = 20;
const SESSIONS = 50;
const NOW = Date.parse('2026-11-30T12:01:00Z');

const profiles: ProfileIndexEntry[] = Array.from({ length: COST_CENTERS }, (_, i) => ({
  arn: CLAIMS_PROFILE_ARN.replace(CLAIMS_PROFILE_ID, `cc${String(i).padStart(10, '0')}`),
  id: `cc${String(i).padStart(10, '0')}`,
  name: `cc-${i}`,
  tags: { dept: `dept-${i}` },
  modelArns: [`arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`],
}));

let request = 0;
function batch(): { awslogs: { data: string } } {
  return subscriptionEvent(Array.from({ length: BATCH }, () => {
    const n = request++;
    return invocationRecord({
      requestId: `req-${n}`,
      modelId: profiles[n % COST_CENTERS].arn,
      arn: `arn:aws:sts::123456789012:assumed-role/App/session-${n % SESSIONS}`,
      input: 800 + (n % 400),
      output: 300,
      cacheRead: n % 3 === 0 ? 5000 : 0,
      cacheWrite: n % 7 === 0 ? 1000 : 0,
    });
  }));
}

function contextWith(dynamodb: DynamoDBClient, tableName: string): MeterContext {
  const directory = new ProfileDirectory({ scan: { log: silentLogger } as never, now: () => NOW, ttlMs: 300_000, load: async () => profiles });
  return {
    settings: { ...SETTINGS, tableName },
    dynamodb,
    directory,
    retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 20 },
    log: silentLogger,
    now: () => NOW,
    emit: () => undefined,
  };
}

async function throughput(ctx: MeterContext): Promise<{ perSecond: number; transactions: number }> {
  const events = Array.from({ length: BATCHES }, batch);
  await meterBatch(ctx, batch()); // warm-up: the profile index, the SDK's first request
  let transactions = 0;
  const start = performance.now();
  for (const event of events) transactions += (await meterBatch(ctx, event)).transactions;
  return { perSecond: (BATCH * BATCHES) / ((performance.now() - start) / 1000), transactions: transactions / BATCHES };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const db = await startDynalite();
  try {
    const instant = { send: async () => ({}) } as unknown as DynamoDBClient;
    const cpuOnly = await throughput(contextWith(instant, 'none'));
    await createLedgerTable(db.client, 'bench-ledger');
    const withDynalite = await throughput(contextWith(db.client, 'bench-ledger'));

    // record → deny: a cap of $0.01 on claims, one batch of 100 records whose first record crosses it
    const latencies: number[] = [];
    for (let run = 0; run < 7; run++) {
      const settings = await newLedger(db);
      await putCap(db, settings, 'CC', 'claims', { monthlyUsd: 0.01 });
      const iam = new FakeIam();
      const ctx = container(db, settings, iam, () => NOW);
      const event = subscriptionEvent(Array.from({ length: BATCH }, (_, i) => invocationRecord({ requestId: `deny-${run}-${i}`, input: 1000, output: 500 })));
      const start = performance.now();
      await meterBatch(ctx, event);
      const attach = iam.calls.find((c) => c.op === 'AttachRolePolicy');
      if (!attach) throw new Error('no deny call');
      latencies.push(attach.at - start);
    }

    console.log(`Spend meter (Node ${process.version}; batches of ${BATCH} records, ${COST_CENTERS} cost centers, ${SESSIONS} sessions)\n`);
    console.log('| measure | value |');
    console.log('| --- | ---: |');
    console.log(`| records metered per second, one instance, DynamoDB answering at once (the function's own work) | ${cpuOnly.perSecond.toFixed(0)} |`);
    console.log(`| records metered per second, one instance, dynalite as DynamoDB | ${withDynalite.perSecond.toFixed(0)} |`);
    console.log(`| ratio | ${(cpuOnly.perSecond / withDynalite.perSecond).toFixed(1)}× |`);
    console.log(`| TransactWriteItems calls per batch of ${BATCH} records | ${withDynalite.transactions.toFixed(1)} |`);
    console.log(`| cap-crossing batch reaching the function → AttachRolePolicy call (median of 7, min–max) | ${median(latencies).toFixed(0)} ms (${Math.min(...latencies).toFixed(0)}–${Math.max(...latencies).toFixed(0)} ms) |`);
  } finally {
    await db.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
