/**
 * Benchmarks, run with `npx projen bench` (not part of the test suite: timings are measured and
 * reported, never asserted). Each comparison runs side by side in one process, and reports ratios.
 *
 * 1. Synthesis of N application inference profiles: this library's custom resource vs the L1
 *    `AWS::Bedrock::ApplicationInferenceProfile`, time and heap.
 * 2. The shipped handler bundles: size, and cold require time in a fresh Node.js process.
 * 3. The profile resolver under load vs a port of the usual InferenceProfileCache pattern
 *    (bench/resolver.ts, in its own process): API calls, throttles, latency, throughput.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Tags } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { ApplicationInferenceProfile, InferenceGeo, ModelSource } from '../src';

const SIZES = [10, 100, 400];
const REPEATS = 3;

function synthLibrary(n: number): void {
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: { region: 'us-east-1', account: '111122223333' } });
  for (let i = 0; i < n; i++) {
    new ApplicationInferenceProfile(stack, `P${i}`, {
      modelSource: ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0'),
      tags: { dept: `dept-${i}` },
    });
  }
  Tags.of(stack).add('env', 'bench');
  app.synth();
}

function synthL1(n: number): void {
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: { region: 'us-east-1', account: '111122223333' } });
  for (let i = 0; i < n; i++) {
    new bedrock.CfnApplicationInferenceProfile(stack, `P${i}`, {
      inferenceProfileName: `p-${i}`,
      modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
      tags: [{ key: 'dept', value: `dept-${i}` }],
    });
  }
  Tags.of(stack).add('env', 'bench');
  app.synth();
}

/** Runs one case in a fresh process, so that time and peak memory (max RSS) are not shared between cases. */
function measure(kind: 'lib' | 'l1', n: number): { ms: number; rssMb: number } {
  const runs: Array<{ ms: number; rssMb: number }> = [];
  for (let r = 0; r < REPEATS; r++) {
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--case', kind, String(n)], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
    runs.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
}

function coldRequireMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const runs = [0, 1, 2].map(() => Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()));
  return runs.sort((a, b) => a - b)[1];
}

function runCase(kind: string, n: number): void {
  const t0 = process.hrtime.bigint();
  (kind === 'lib' ? synthLibrary : synthL1)(n);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024 }));
}

function main(): void {
  const rows: string[] = [];
  rows.push('| benchmark | N | this library | L1 (AWS::Bedrock::ApplicationInferenceProfile) | ratio |');
  rows.push('| --- | ---: | ---: | ---: | ---: |');
  for (const n of SIZES) {
    const lib = measure('lib', n);
    const l1 = measure('l1', n);
    rows.push(`| construct + synth time (median of ${REPEATS} processes) | ${n} | ${lib.ms.toFixed(0)} ms | ${l1.ms.toFixed(0)} ms | ${(lib.ms / l1.ms).toFixed(2)}× |`);
    rows.push(`| peak memory (max RSS of the process) | ${n} | ${lib.rssMb.toFixed(0)} MB | ${l1.rssMb.toFixed(0)} MB | ${(lib.rssMb / l1.rssMb).toFixed(2)}× |`);
  }
  const bundles: string[] = ['| handler bundle | size | cold require (median of 3) |', '| --- | ---: | ---: |'];
  const assets = path.join(__dirname, '..', 'assets', 'lambda');
  for (const name of fs.existsSync(assets) ? fs.readdirSync(assets).sort() : []) {
    const file = path.join(assets, name, 'index.js');
    bundles.push(`| ${name} | ${(fs.statSync(file).size / 1024).toFixed(0)} KiB | ${coldRequireMs(file).toFixed(0)} ms |`);
  }
  console.log(`Node ${process.version}, ${new Date().toISOString()}\n`);
  console.log(rows.join('\n'));
  console.log();
  console.log(bundles.join('\n'));
  console.log();
  // its own process: the AWS fake, the bundle's cache and the timings are not shared with the cases above
  for (const bench of ['resolver.ts', 'spend-meter.ts', 'fleet.ts', 'provision.ts']) {
    console.log();
    console.log(execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, bench)], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    }).trim());
  }
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex > 0) runCase(process.argv[caseIndex + 1], Number(process.argv[caseIndex + 2]));
else main();
