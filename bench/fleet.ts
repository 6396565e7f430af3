/**
 * Fleets at scale (run by bench/run.ts in its own process; alone:
 * `node -r ts-node/register/transpile-only bench/fleet.ts`). Each case runs in a fresh Node.js
 * process: construct + synth time, peak memory (max RSS), and what the cloud assembly holds.
 *
 * 1. CostCenterFleet with N cost centers, composed the way the fleet issue measures a user's
 *    stack: a profile and a budget with two alerts per cost center, a catalog entry, a dashboard
 *    section and alarms.
 * 2. Profiles only, N = 1,000: the fleet's batched profiles vs 1,000 L1
 *    `AWS::Bedrock::ApplicationInferenceProfile` in one stack (CDK's own 500-resource check is
 *    switched off for the L1 so that it synthesizes at all; CloudFormation would refuse it).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';

/**
 * The library as users load it: the compiled JavaScript (`lib/`, written by the build), or the
 * TypeScript sources through ts-node when it has not been built (slower: every module is
 * transpiled at load). Loaded only by the cases that use it, so the L1 case pays nothing for it.
 */
function library(): typeof import('../src') {
  const compiled = path.join(__dirname, '..', 'lib', 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return fs.existsSync(compiled) ? require(compiled) : require('../src');
}

export const LIBRARY_SOURCE = fs.existsSync(path.join(__dirname, '..', 'lib', 'index.js')) ? 'lib/ (compiled)' : 'src/ (ts-node)';

const SIZES: Array<[number, number | undefined]> = [[10, undefined], [100, undefined], [1000, undefined], [5000, undefined]];
const REPEATS = 3;
const ENV = { region: 'us-east-1', account: '111122223333' };

interface Measured {
  readonly ms: number;
  readonly rssMb: number;
  readonly templates: number;
  readonly maxResources: number;
  readonly maxBytes: number;
  readonly maxParameters: number;
  readonly maxOutputs: number;
}

function fleetApp(outdir: string, n: number, shards: number | undefined, full: boolean): App {
  const { BudgetAlert, CostCenterFleet, InferenceGeo, ModelSource } = library();
  const sonnet = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
  const app = new App({ outdir });
  const stack = new Stack(app, 'Fleet', { env: ENV });
  new CostCenterFleet(stack, 'Tenants', {
    shards,
    profileQuota: Math.max(1000, n),
    dashboard: full,
    alarms: full,
    catalog: full,
    costCenters: Array.from({ length: n }, (_, i) => ({
      name: `tenant-${i}`,
      tags: { tenant: `tenant-${i}` },
      profiles: { chat: sonnet },
      ...(full ? { monthlyBudget: 100, alerts: [BudgetAlert.actual(80), BudgetAlert.actual(100)] } : {}),
    })),
  });
  return app;
}

function l1App(outdir: string, n: number): App {
  // CDK refuses more than 500 resources at synth; switched off to measure the L1 at all
  const app = new App({ outdir, context: { '@aws-cdk/core:stackResourceLimit': 0 } });
  const stack = new Stack(app, 'Fleet', { env: ENV });
  for (let i = 0; i < n; i++) {
    new bedrock.CfnApplicationInferenceProfile(stack, `P${i}`, {
      inferenceProfileName: `tenant-${i}-chat`,
      modelSource: { copyFrom: `arn:aws:bedrock:us-east-1:${ENV.account}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0` },
      tags: [{ key: 'tenant', value: `tenant-${i}` }],
    });
  }
  return app;
}

function runCase(kind: string, n: number, shards: number | undefined): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fleet-'));
  const t0 = process.hrtime.bigint();
  const app = kind === 'l1' ? l1App(outdir, n) : fleetApp(outdir, n, shards, kind === 'fleet');
  app.synth();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
  let maxResources = 0; let maxBytes = 0; let maxParameters = 0; let maxOutputs = 0;
  for (const f of files) {
    const text = fs.readFileSync(path.join(outdir, f), 'utf8');
    const t = JSON.parse(text);
    maxResources = Math.max(maxResources, Object.keys(t.Resources ?? {}).length);
    maxParameters = Math.max(maxParameters, Object.keys(t.Parameters ?? {}).length);
    maxOutputs = Math.max(maxOutputs, Object.keys(t.Outputs ?? {}).length);
    maxBytes = Math.max(maxBytes, Buffer.byteLength(text));
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const result: Measured = { ms, rssMb, templates: files.length, maxResources, maxBytes, maxParameters, maxOutputs };
  console.log(JSON.stringify(result));
}

function measure(kind: string, n: number, shards: number | undefined): Measured {
  const runs: Measured[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const args = ['--max-old-space-size=4096', '-r', 'ts-node/register/transpile-only', __filename, '--case', kind, String(n), String(shards ?? '')];
    const out = execFileSync(process.execPath, args, {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1_048_576,
    });
    runs.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
}

/** CloudFormation's template quotas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html). */
function deployable(m: Measured): string {
  const problems = [
    m.maxResources > 500 ? `${m.maxResources} resources > 500` : '',
    m.maxBytes > 1_000_000 ? `${(m.maxBytes / 1e6).toFixed(2)} MB > 1 MB` : '',
    m.maxParameters > 200 ? `${m.maxParameters} parameters > 200` : '',
    m.maxOutputs > 200 ? `${m.maxOutputs} outputs > 200` : '',
  ].filter(Boolean);
  return problems.length === 0 ? 'yes' : `no (${problems.join(', ')})`;
}

function main(): void {
  const lines: string[] = [];
  lines.push(`### Fleets (median of ${REPEATS} processes each; the library loaded from ${LIBRARY_SOURCE})`, '');
  lines.push('| cost centers | shards | construct + synth | peak memory (max RSS) | templates | largest template: resources / KB / parameters / outputs | within CloudFormation\'s limits |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const [n, shards] of SIZES) {
    const m = measure('fleet', n, shards);
    lines.push(`| ${n.toLocaleString('en-US')} | ${shards ?? '64 (default)'} | ${(m.ms / 1000).toFixed(1)} s | ${m.rssMb.toFixed(0)} MB | ${m.templates} | `
      + `${m.maxResources} / ${(m.maxBytes / 1000).toFixed(0)} / ${m.maxParameters} / ${m.maxOutputs} | ${deployable(m)} |`);
  }
  lines.push('', '### Profiles only, N = 1,000: the fleet\'s batched profiles vs the L1', '');
  const lib = measure('profiles', 1000, undefined);
  const l1 = measure('l1', 1000, undefined);
  lines.push('| | this library (CostCenterFleet, profiles only) | L1 (CfnApplicationInferenceProfile × 1,000, one stack) | ratio |');
  lines.push('| --- | ---: | ---: | ---: |');
  lines.push(`| construct + synth time | ${(lib.ms / 1000).toFixed(1)} s | ${(l1.ms / 1000).toFixed(1)} s | ${(lib.ms / l1.ms).toFixed(2)}× |`);
  lines.push(`| peak memory (max RSS) | ${lib.rssMb.toFixed(0)} MB | ${l1.rssMb.toFixed(0)} MB | ${(lib.rssMb / l1.rssMb).toFixed(2)}× |`);
  lines.push(`| templates | ${lib.templates} | ${l1.templates} | |`);
  lines.push(`| largest template: resources / KB | ${lib.maxResources} / ${(lib.maxBytes / 1000).toFixed(0)} | ${l1.maxResources} / ${(l1.maxBytes / 1000).toFixed(0)} | |`);
  lines.push(`| deployable | ${deployable(lib)} | ${deployable(l1)} | |`);
  console.log(lines.join('\n'));
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex > 0) {
  const shards = process.argv[caseIndex + 3];
  runCase(process.argv[caseIndex + 1], Number(process.argv[caseIndex + 2]), shards ? Number(shards) : undefined);
} else {
  main();
}
