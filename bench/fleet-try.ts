import { App, Stack } from 'aws-cdk-lib';
import { CostCenterFleet, ModelSource, InferenceGeo } from '../src';
const n = Number(process.argv[2] ?? 100);
const app = new App({ outdir: '/tmp/fleet-out' });
const stack = new Stack(app, 'Fleet', { env: { account: '123456789012', region: 'us-east-1' } });
const t0 = Date.now();
new CostCenterFleet(stack, 'Tenants', {
  shards: Number(process.argv[3] ?? 32), dashboard: process.argv[4] !== 'nodash', alarms: process.argv[5] !== 'noalarm',
  profileQuota: 10000,
  costCenters: Array.from({ length: n }, (_, i) => ({
    name: `tenant-${i}`, tags: { tenant: `t${i}` }, monthlyBudget: 100,
    profiles: { chat: ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0') },
  })),
});
const asm = app.synth();
const t1 = Date.now();
let maxRes = 0, maxBytes = 0;
const fs = require('fs');
const files = fs.readdirSync('/tmp/fleet-out').filter((f: string) => f.endsWith('.template.json'));
for (const f of files) {
  const s = fs.readFileSync('/tmp/fleet-out/' + f, 'utf8');
  const r = Object.keys(JSON.parse(s).Resources ?? {}).length;
  maxRes = Math.max(maxRes, r); maxBytes = Math.max(maxBytes, s.length);
}
console.log({ n, ms: t1 - t0, templates: files.length, maxRes, maxBytes, rss: process.memoryUsage().rss / 1e6 });
