/**
 * Provisioning a fleet's profiles through the shipped profile-batch provider (run by bench/run.ts
 * in its own process, after `npx projen bundle`; alone:
 * `node -r ts-node/register/transpile-only bench/provision.ts`).
 *
 * 1,000 application inference profiles — 1,000 cost centers with one profile each, in the batches
 * a default fleet makes of them (64 shards × up to 4 batches) — are created by the shipped bundle
 * (`assets/lambda/profile-batch/index.js`), every batch driven at once as CloudFormation and the
 * Provider framework drive them (onEvent, then isComplete until complete), against the local AWS
 * fake, whose CreateInferenceProfile admits at most RATE calls per second (sliding window; the
 * rest answered with Bedrock's ThrottlingException). The pacing table is on dynalite.
 *
 * RATE is 50 per second instead of the default 2 so that the run takes seconds, not minutes; the
 * wall time is compared with the floor (1,000 / RATE). Side by side: the provider paced at RATE
 * (through the shared table) and unpaced (a pace of 10,000 per second, so only the retries with
 * backoff meet the limit).
 */
import { PROFILE_BATCH_ENV } from '../src/contracts/profile-batch';
import { assignShard } from '../src/fleet/shard-assignment';
import { batchProps, IsComplete, member, OnEvent, SimulatedBatch } from '../test/lambda/profile-batch/harness';
import { createPacingTable, startDynalite } from '../test/support/dynalite';
import { loadShippedBundle } from '../test/support/shipped-bundle';

const PROFILES = 1000;
const RATE = 50;

interface Outcome {
  readonly label: string;
  readonly wallMs: number;
  readonly created: number;
  readonly failedBatches: number;
  readonly throttled: number;
  readonly createCalls: number;
  readonly batches: number;
}

async function run(label: string, pace: number): Promise<Outcome> {
  const db = await startDynalite();
  const table = 'pacing';
  await createPacingTable(db.client, table);
  const env = { [PROFILE_BATCH_ENV.pacingTable]: table, [PROFILE_BATCH_ENV.callsPerSecond]: String(pace), AWS_ENDPOINT_URL_DYNAMODB: db.endpoint };
  Object.assign(process.env, env);
  // a fresh copy of the bundle (its module state: clients, the in-process schedule) per run
  for (const key of Object.keys(require.cache)) if (key.includes('assets/lambda/profile-batch')) delete require.cache[key];
  const bundle = await loadShippedBundle<OnEvent>('profile-batch');
  const fake = bundle.fake;
  fake.faults.throttle('bedrock:CreateInferenceProfile', { perSecond: RATE });
  const onEvent = bundle.exports.onEvent as OnEvent;
  const isComplete = bundle.exports.isComplete as IsComplete;
  const groups = new Map<string, string[]>();
  for (let i = 0; i < PROFILES; i++) {
    const name = `tenant-${i}`;
    const a = assignShard(name, 64);
    const key = `Shard${a.shard}Profiles${a.batch}`;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  const t0 = performance.now();
  const results = await Promise.allSettled([...groups].map(([logicalId, names]) =>
    new SimulatedBatch(onEvent, isComplete, logicalId).create(batchProps(names.map((n) => member(`${n}/chat`, `${n}-chat`, { tenant: n }))))));
  const wallMs = performance.now() - t0;
  const reasons = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason?.message ?? r.reason).slice(0, 300));
  if (process.env.BENCH_DEBUG) console.error(label, [...new Set(reasons)].slice(0, 3));
  const outcome: Outcome = {
    label,
    wallMs,
    created: fake.state.profiles().length,
    failedBatches: results.filter((r) => r.status === 'rejected').length,
    throttled: fake.calls.count({ operation: 'CreateInferenceProfile', errorCode: 'ThrottlingException' }),
    createCalls: fake.calls.count({ operation: 'CreateInferenceProfile' }),
    batches: groups.size,
  };
  await bundle.close();
  await db.close();
  for (const k of Object.keys(env)) delete process.env[k];
  return outcome;
}

async function main(): Promise<void> {
  const paced = await run(`paced at ${RATE}/s (shared table)`, RATE);
  const unpaced = await run('unpaced (10,000/s)', 10_000);
  const floorMs = (PROFILES / RATE) * 1000;
  const lines = [
    `### Provisioning ${PROFILES.toLocaleString('en-US')} profiles in ${paced.batches} concurrent batches, Bedrock admitting ${RATE} creates per second`,
    '',
    '| provider | profiles created | failed batches | CreateInferenceProfile calls | throttled | wall time | wall time / floor (' + (floorMs / 1000).toFixed(0) + ' s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[paced, unpaced].map((o) => `| ${o.label} | ${o.created} | ${o.failedBatches} | ${o.createCalls} | ${o.throttled} | ${(o.wallMs / 1000).toFixed(1)} s | ${(o.wallMs / floorMs).toFixed(2)}× |`),
  ];
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
