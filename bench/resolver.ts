/**
 * The profile resolver under load, side by side with a port of the usual reference pattern
 * (bench/inference-profile-cache-port.ts), both against the local AWS fake with 1,000 application
 * inference profiles, API latency and a rate limit:
 *
 * - 10,000 lookups from 50 concurrent callers, every tenant active (each of the 1,000 tag sets is
 *   looked up 10 times, in a shuffled order), starting cold;
 * - a cold burst of 50 identical lookups.
 *
 * The resolver is the shipped bundle (assets/lambda/profile-resolver/index.js, `npx projen bundle`
 * first) called in process, as the Lambda runtime calls it; its JSON log lines are produced but
 * not printed. Run: `node -r ts-node/register/transpile-only bench/resolver.ts` (bench/run.ts runs
 * it in its own process). Prints a markdown table.
 */
import * as path from 'path';
import { BedrockClient, CreateInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { InferenceProfileCachePort } from './inference-profile-cache-port';
import { AwsFake, startAwsFake } from '../test/fakes/aws';

const PROFILES = 1000;
const LOOKUPS = 10_000;
const CALLERS = 50;
/** Added to every GetResources and ListInferenceProfiles answer. */
const API_LATENCY_MS = 20;
/**
 * Calls admitted per second (sliding window), the rest throttled. An assumption of the bench:
 * neither API publishes its rate quota in the AWS quota tables.
 */
const GET_RESOURCES_PER_SECOND = 25;
const LIST_PROFILES_PER_SECOND = 10;
const BUNDLE = path.join(__dirname, '..', 'assets', 'lambda', 'profile-resolver', 'index.js');
const NOVA = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0';

type Lookup = (tags: Record<string, string>) => Promise<string | undefined>;

interface RunResult {
  readonly name: string;
  readonly apiCalls: number;
  readonly getResources: number;
  readonly listProfiles: number;
  readonly throttles: number;
  readonly failed: number;
  readonly latenciesMs: number[];
  /** latencies of the lookups that started after the first answer (a warm cache) */
  readonly warmLatenciesMs: number[];
  readonly wallMs: number;
}

const tagsOf = (i: number) => ({ tenant: `t${i}`, dept: ['claims', 'underwriting', 'billing', 'fraud'][i % 4] });

/** A deterministic shuffle (the same order for both contenders). */
function workload(): number[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const order: number[] = [];
  for (let round = 0; round < LOOKUPS / PROFILES; round++) {
    const perm = Array.from({ length: PROFILES }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    order.push(...perm);
  }
  return order;
}

function apiFaults(fake: AwsFake): void {
  fake.faults.clear();
  fake.faults
    .latency('tagging:GetResources', { ms: API_LATENCY_MS })
    .latency('bedrock:ListInferenceProfiles', { ms: API_LATENCY_MS })
    .throttle('tagging:GetResources', { perSecond: GET_RESOURCES_PER_SECOND })
    .throttle('bedrock:ListInferenceProfiles', { perSecond: LIST_PROFILES_PER_SECOND });
}

async function run(name: string, fake: AwsFake, lookup: Lookup, order: number[], expected: string[], callers = CALLERS): Promise<RunResult> {
  fake.calls.clear();
  const latencies: number[] = [];
  const warm: number[] = [];
  let firstAnswerAt: number | undefined;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const caller = async () => {
    while (next < order.length) {
      const i = order[next++];
      const t0 = performance.now();
      try {
        const arn = await lookup(tagsOf(i));
        if (arn !== expected[i]) failed++;
      } catch {
        failed++;
      }
      const t1 = performance.now();
      latencies.push(t1 - t0);
      if (firstAnswerAt !== undefined && t0 >= firstAnswerAt) warm.push(t1 - t0);
      firstAnswerAt ??= t1;
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const wallMs = performance.now() - started;
  const summary = fake.calls.summary();
  const gr = summary['tagging:GetResources'] ?? { total: 0, errors: {} };
  const lp = summary['bedrock:ListInferenceProfiles'] ?? { total: 0, errors: {} };
  return {
    name,
    apiCalls: gr.total + lp.total,
    getResources: gr.total,
    listProfiles: lp.total,
    throttles: (gr.errors.ThrottledException ?? 0) + (lp.errors.ThrottlingException ?? 0),
    failed,
    latenciesMs: latencies,
    warmLatenciesMs: warm,
    wallMs,
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (v: number) => (v < 1 ? `${(v * 1000).toFixed(0)} µs` : v < 100 ? `${v.toFixed(1)} ms` : `${v.toFixed(0)} ms`);

/** A new container of the shipped bundle (its own cache), with the production retry settings. */
function loadResolver(): (event: unknown) => Promise<{ profileArn: string }> {
  delete require.cache[require.resolve(BUNDLE)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(BUNDLE).handler;
}

export async function resolverBench(): Promise<string> {
  const fake = await startAwsFake({ accountId: '123456789012', region: 'us-east-1' });
  const restoreEnv = fake.applyEnv();
  const consoleLog = console.log;
  const saved = { LOG_LEVEL: process.env.LOG_LEVEL, TAG_SCHEMA: process.env.TAG_SCHEMA };
  try {
    const bedrock = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 });
    const expected: string[] = [];
    for (let i = 0; i < PROFILES; i++) {
      const out = await bedrock.send(new CreateInferenceProfileCommand({
        inferenceProfileName: `tenant-${i}`,
        modelSource: { copyFrom: NOVA },
        tags: Object.entries(tagsOf(i)).map(([key, value]) => ({ key, value })),
      }));
      expected.push(out.inferenceProfileArn!);
    }
    bedrock.destroy();
    const order = workload();

    // the port: 5 attempts (boto3's legacy default), the SDK's standard backoff
    apiFaults(fake);
    const client = new ResourceGroupsTaggingAPIClient({ ...fake.clientConfig(), maxAttempts: 5 });
    const port = new InferenceProfileCachePort(client);
    const portRun = await run('InferenceProfileCache port', fake, (tags) => port.getProfileArn(tags), order, expected);
    apiFaults(fake); // a new rate window for each phase
    const portWarm = await run('port, warm, one caller', fake, (tags) => port.getProfileArn(tags), order, expected, 1);
    apiFaults(fake);
    const portBurst = await run('port, cold burst', fake, (() => {
      const cold = new InferenceProfileCachePort(client);
      return (tags: Record<string, string>) => cold.getProfileArn(tags);
    })(), Array(CALLERS).fill(7), expected);
    client.destroy();

    // the resolver: the shipped bundle, logging on (lines produced, not printed)
    process.env.LOG_LEVEL = 'INFO';
    process.env.TAG_SCHEMA = JSON.stringify({ keys: [{ key: 'tenant', pattern: 't[0-9]+' }, { key: 'dept' }], allowUnknownKeys: false });
    let logBytes = 0;
    console.log = (line: string) => { logBytes += line.length; };
    apiFaults(fake);
    const handler = loadResolver();
    const resolverRun = await run('profile resolver', fake, async (tags) => (await handler({ tags })).profileArn, order, expected);
    apiFaults(fake);
    const resolverWarm = await run('resolver, warm, one caller', fake, async (tags) => (await handler({ tags })).profileArn, order, expected, 1);
    apiFaults(fake);
    const coldHandler = loadResolver();
    const resolverBurst = await run('resolver, cold burst', fake, async (tags) => (await coldHandler({ tags })).profileArn, Array(CALLERS).fill(7), expected);
    console.log = consoleLog;

    const rows = [
      '| 10,000 lookups, 50 callers, 1,000 tag sets (cold start) | InferenceProfileCache port | profile resolver |',
      '| --- | ---: | ---: |',
      `| API calls (GetResources + ListInferenceProfiles) | ${portRun.apiCalls} (${portRun.getResources} + ${portRun.listProfiles}) | ${resolverRun.apiCalls} (${resolverRun.getResources} + ${resolverRun.listProfiles}) |`,
      `| API calls, resolver / port | | ${((100 * resolverRun.apiCalls) / portRun.apiCalls).toFixed(2)} % |`,
      `| throttled calls | ${portRun.throttles} | ${resolverRun.throttles} |`,
      `| failed lookups | ${portRun.failed} | ${resolverRun.failed} |`,
      `| p50 latency | ${ms(percentile(portRun.latenciesMs, 50))} | ${ms(percentile(resolverRun.latenciesMs, 50))} |`,
      `| p99 latency | ${ms(percentile(portRun.latenciesMs, 99))} | ${ms(percentile(resolverRun.latenciesMs, 99))} |`,
      `| max latency | ${ms(Math.max(...portRun.latenciesMs))} | ${ms(Math.max(...resolverRun.latenciesMs))} |`,
      `| p99 latency after the first answer (warm, 50 callers sharing one event loop) | ${ms(percentile(portRun.warmLatenciesMs, 99))} | ${ms(percentile(resolverRun.warmLatenciesMs, 99))} |`,
      `| warm, one lookup at a time (as one Lambda invocation sees it): p50 / p99 | ${ms(percentile(portWarm.latenciesMs, 50))} / ${ms(percentile(portWarm.latenciesMs, 99))} | ${ms(percentile(resolverWarm.latenciesMs, 50))} / ${ms(percentile(resolverWarm.latenciesMs, 99))} |`,
      `| wall time | ${(portRun.wallMs / 1000).toFixed(1)} s | ${(resolverRun.wallMs / 1000).toFixed(2)} s |`,
      `| throughput | ${(LOOKUPS / (portRun.wallMs / 1000)).toFixed(0)} lookups/s | ${(LOOKUPS / (resolverRun.wallMs / 1000)).toFixed(0)} lookups/s |`,
      `| cold burst of 50 identical lookups: API calls | ${portBurst.apiCalls} (${portBurst.getResources} + ${portBurst.listProfiles}) | ${resolverBurst.apiCalls} (${resolverBurst.getResources} + ${resolverBurst.listProfiles}) |`,
      `| cold burst: p99 latency / failed | ${ms(percentile(portBurst.latenciesMs, 99))} / ${portBurst.failed} | ${ms(percentile(resolverBurst.latenciesMs, 99))} / ${resolverBurst.failed} |`,
    ];
    return [
      `Fake: ${PROFILES} profiles, +${API_LATENCY_MS} ms per call, GetResources ${GET_RESOURCES_PER_SECOND}/s and ListInferenceProfiles `
        + `${LIST_PROFILES_PER_SECOND}/s (sliding window, the rest throttled); resolver log output ${(logBytes / 1024).toFixed(0)} KiB (not printed).`,
      '',
      ...rows,
    ].join('\n');
  } finally {
    console.log = consoleLog;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    restoreEnv();
    await fake.stop();
  }
}

if (require.main === module) {
  const started = Date.now();
  resolverBench().then((table) => {
    console.log(`Node ${process.version}, ${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    console.log(table);
  }, (error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
